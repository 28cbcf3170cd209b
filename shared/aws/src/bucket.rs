//! What the S3 stores share: objects under keys, read back whole, and a prefix deleted page by
//! page. A store names its objects; this names the calls.

use anyhow::anyhow;
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
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
    client: Client,
    name: String,
}

fn failed<E, R>(what: &str, error: aws_sdk_s3::error::SdkError<E, R>) -> StoreError
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    StoreError::backend(anyhow!("{what}: {}", crate::sdk_error::describe(&error)))
}

impl Bucket {
    /// The bucket `name`.
    pub(crate) fn new(client: Client, name: impl Into<String>) -> Self {
        Self { client, name: name.into() }
    }

    /// Writes an object, replacing the one under `key`; `what` names it in errors.
    pub(crate) async fn put(&self, key: String, content_type: &str, body: Vec<u8>, what: &str) -> Result<(), StoreError> {
        self.client
            .put_object()
            .bucket(&self.name)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| failed(&format!("storing {what}"), e))?;
        Ok(())
    }

    /// The bytes of the object under `key`, if there is one.
    pub(crate) async fn get(&self, key: String, what: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let output = match self.client.get_object().bucket(&self.name).key(key).send().await {
            Ok(output) => output,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
            Err(error) => return Err(failed(&format!("reading {what}"), error)),
        };
        let bytes = output.body.collect().await.map_err(|e| StoreError::backend(anyhow!("reading the bytes of {what}: {e}")))?;
        Ok(Some(bytes.into_bytes().to_vec()))
    }

    /// Deletes every object under `prefix`; `what` names them in errors.
    pub(crate) async fn delete_prefix(&self, prefix: String, what: &str, undeleted: Undeleted) -> Result<(), StoreError> {
        // A listing page holds at most 1000 keys, which is also the most one DeleteObjects takes.
        let mut token = None;
        loop {
            let listing = self
                .client
                .list_objects_v2()
                .bucket(&self.name)
                .prefix(&prefix)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| failed(&format!("listing {what}"), e))?;
            let keys = listing.contents().iter().filter_map(|o| o.key()).map(str::to_owned).collect();
            self.delete_keys(keys, what, undeleted).await?;
            token = listing.next_continuation_token;
            if token.is_none() {
                return Ok(());
            }
        }
    }

    /// Deletes the objects `keys` (at most 1000, DeleteObjects' limit); `what` names them in
    /// errors. A key with no object is no error.
    pub(crate) async fn delete_keys(&self, keys: Vec<String>, what: &str, undeleted: Undeleted) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let objects: Vec<ObjectIdentifier> = keys
            .into_iter()
            .map(|key| ObjectIdentifier::builder().key(key).build().map_err(StoreError::backend))
            .collect::<Result<_, _>>()?;
        let delete = Delete::builder().set_objects(Some(objects)).quiet(true).build().map_err(StoreError::backend)?;
        let output = self
            .client
            .delete_objects()
            .bucket(&self.name)
            .delete(delete)
            .send()
            .await
            .map_err(|e| failed(&format!("deleting {what}"), e))?;
        // Quiet mode reports only the keys it could not delete.
        if let (Undeleted::Report, Some(error)) = (undeleted, output.errors().first()) {
            return Err(StoreError::backend(anyhow!(
                "deleting {what}: {} of them failed, the first {} ({})",
                output.errors().len(),
                error.key().unwrap_or("?"),
                error.message().or(error.code()).unwrap_or("no reason given")
            )));
        }
        Ok(())
    }
}
