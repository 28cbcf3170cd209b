use super::super::DynamoStore;
use super::super::documents::parse_doc;
use super::super::toolkit::errors::decode;
use super::{expires, item};
use async_trait::async_trait;
use vigil_domain::accounts::{OneTimeToken, TokenHash};
use vigil_domain::ports::{OneTimeTokens, StoreError};

fn token_pk(hash: &TokenHash) -> String {
    format!("OTT#{}", hash.0)
}

#[async_trait]
impl OneTimeTokens for DynamoStore {
    async fn insert_token(&self, token: &OneTimeToken) -> Result<(), StoreError> {
        let stored = item(token_pk(&token.hash), "OTT", token, vec![expires(token.expires_at)])?;
        match self.put_new(stored, "storing a single-use token").await? {
            true => Ok(()),
            false => Err(StoreError::Conflict),
        }
    }

    async fn take_token(&self, hash: &TokenHash) -> Result<Option<OneTimeToken>, StoreError> {
        let taken = self.take_item(super::super::toolkit::item::key(token_pk(hash), "OTT"), "taking a single-use token").await?;
        taken.as_ref().map(parse_doc).transpose().map_err(decode)
    }
}
