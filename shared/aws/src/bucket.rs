//! What the S3 stores share: objects under keys, read back whole, and a prefix deleted page by
//! page. A store names its objects; this names the calls.

use crate::s3::S3Objects;
use anyhow::anyhow;
use vigil_domain::ports::StoreError;

/// What a prefix deletion does with the keys S3 reports it could not delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Undeleted {
    /// Nothing: a leftover expires with the bucket's lifecycle and harms nobody.
    Tolerate,
    /// Fails the deletion, naming the first key and how many there were.
    Report,
}

/// A bucket and its client.
#[derive(Clone, Debug)]
pub(crate) struct Bucket {
    objects: S3Objects,
    name: String,
}

fn failed(what: &str, error: anyhow::Error) -> StoreError {
    StoreError::backend(anyhow!("{what}: {error:#}"))
}

impl Bucket {
    /// The bucket `name`.
    pub(crate) fn new(objects: S3Objects, name: impl Into<String>) -> Self {
        Self { objects, name: name.into() }
    }

    /// Writes an object, replacing the one under `key`; `what` names it in errors.
    pub(crate) async fn put(&self, key: String, content_type: &str, body: Vec<u8>, what: &str) -> Result<(), StoreError> {
        self.objects.put(&self.name, &key, content_type, body).await.map_err(|e| failed(&format!("storing {what}"), e))
    }

    /// The bytes of the object under `key`, if there is one.
    pub(crate) async fn get(&self, key: String, what: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.objects.get(&self.name, &key).await.map_err(|e| failed(&format!("reading {what}"), e))
    }

    /// Deletes every object under `prefix`; `what` names them in errors.
    pub(crate) async fn delete_prefix(&self, prefix: String, what: &str, undeleted: Undeleted) -> Result<(), StoreError> {
        // A listing page holds at most 1000 keys, which is also the most one deletion takes.
        let mut continuation = None;
        loop {
            let listing =
                self.objects.list(&self.name, &prefix, continuation.as_deref()).await.map_err(|e| failed(&format!("listing {what}"), e))?;
            self.delete_keys(listing.keys, what, undeleted).await?;
            continuation = listing.next;
            if continuation.is_none() {
                return Ok(());
            }
        }
    }

    /// Deletes the objects `keys` (at most 1000, S3's limit for one call); `what` names them in
    /// errors. A key with no object is no error.
    pub(crate) async fn delete_keys(&self, keys: Vec<String>, what: &str, undeleted: Undeleted) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let left = self.objects.delete(&self.name, &keys).await.map_err(|e| failed(&format!("deleting {what}"), e))?;
        if let (Undeleted::Report, Some(first)) = (undeleted, left.first()) {
            return Err(StoreError::backend(anyhow!(
                "deleting {what}: {} of them failed, the first {} ({})",
                left.len(),
                first.key,
                first.reason
            )));
        }
        Ok(())
    }
}
