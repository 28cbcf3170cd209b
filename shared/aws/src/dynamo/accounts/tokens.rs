use super::super::DynamoStore;
use super::super::documents::parse_doc;
use super::super::keys::{PK, SK};
use super::super::toolkit::attributes::s;
use super::super::toolkit::errors::{backend, decode};
use super::{expires, item};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;
use vigil_domain::accounts::{OneTimeToken, TokenHash};
use vigil_domain::ports::{OneTimeTokens, StoreError};

fn token_pk(hash: &TokenHash) -> String {
    format!("OTT#{}", hash.0)
}

#[async_trait]
impl OneTimeTokens for DynamoStore {
    async fn insert_token(&self, token: &OneTimeToken) -> Result<(), StoreError> {
        let stored = item(token_pk(&token.hash), "OTT", token, vec![expires(token.expires_at)])?;
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(stored))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if super::super::toolkit::errors::is_condition_failure(&error) => Err(StoreError::Conflict),
            Err(error) => Err(backend("storing a single-use token", error)),
        }
    }

    async fn take_token(&self, hash: &TokenHash) -> Result<Option<OneTimeToken>, StoreError> {
        let output = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(PK, s(token_pk(hash)))
            .key(SK, s("OTT"))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| backend("taking a single-use token", e))?;
        output.attributes.filter(|a| !a.is_empty()).as_ref().map(parse_doc).transpose().map_err(decode)
    }
}
