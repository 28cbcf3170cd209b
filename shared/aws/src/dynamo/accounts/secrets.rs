use super::super::DynamoStore;
use super::super::keys::{PK, SK};
use super::super::toolkit::attributes::{ItemExt, n, s};
use super::super::toolkit::batch::delete_request;
use super::super::toolkit::errors::decode;
use super::{expires, marker};
use anyhow::anyhow;
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use vigil_domain::ports::{ServerSecrets, SignInAttempts, StoreError};

#[async_trait]
impl ServerSecrets for DynamoStore {
    async fn server_secret(&self, name: &str, candidate: [u8; 32]) -> Result<[u8; 32], StoreError> {
        let pk = format!("SECRET#{name}");
        let secret = marker(pk.clone(), "SECRET", vec![("secret", s(STANDARD.encode(candidate)))]);
        if self.put_new(secret, "storing a server secret").await? {
            return Ok(candidate);
        }
        let stored = self.get_raw(pk, "SECRET".into(), "reading a server secret").await?.ok_or(StoreError::NotFound)?;
        let bytes = STANDARD.decode(stored.string("secret").map_err(decode)?).map_err(StoreError::backend)?;
        bytes.try_into().map_err(|_| decode(anyhow!("the stored secret `{name}` is not 32 bytes")))
    }
}

fn throttle_pk(key: &str) -> String {
    format!("THROTTLE#{key}")
}

impl DynamoStore {
    async fn failures_since(&self, key: &str, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
        let (items, _) = self.query_prefix(&throttle_pk(key), "", false, None, 1000, "counting failed sign-ins").await?;
        let mut count = 0;
        let mut last = None;
        for item in items {
            let at = Timestamp::from_millisecond(item.number::<i64>("at").map_err(decode)?).map_err(StoreError::backend)?;
            if at >= since {
                count += 1;
                last = last.max(Some(at));
            }
        }
        Ok((count, last))
    }
}

#[async_trait]
impl SignInAttempts for DynamoStore {
    async fn record_failure(&self, key: &str, at: Timestamp, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
        let sk = format!("{:013}#{}", at.as_millisecond(), uuid::Uuid::new_v4().simple());
        let item = marker(throttle_pk(key), sk, vec![("at", n(at.as_millisecond())), expires(at)]);
        self.put_raw(item, "recording a failed sign-in").await?;
        self.failures_since(key, since).await
    }

    async fn failures(&self, key: &str, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
        self.failures_since(key, since).await
    }

    async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        let items = self.prefix_all(&throttle_pk(key), "", "clearing failed sign-ins").await?;
        let deletes =
            items.iter().map(|i| delete_request(i[PK].clone(), i[SK].clone())).collect::<anyhow::Result<Vec<_>>>().map_err(decode)?;
        self.write_batch(deletes, "clearing failed sign-ins").await
    }
}
