//! A signed-in context's tokens, kept in the configuration file: the client refreshes them
//! under the configuration's lock, so that `vigil` processes running at once on the same
//! context never send the same refresh token twice (the server would end the sign-in).

use crate::context::{Contexts, lock};
use crate::failure::Failure;
use async_trait::async_trait;
use std::fs::File;
use std::path::PathBuf;
use vigil_client::{Error, StoredTokens, TokenGuard, TokenStore};

/// The tokens of the context `context` in the configuration file `path`.
#[derive(Clone, Debug)]
pub struct FileTokens {
    /// The configuration file.
    pub path: PathBuf,
    /// The context.
    pub context: String,
}

struct FileGuard {
    _lock: File,
    store: FileTokens,
    tokens: Option<StoredTokens>,
}

fn client_error(failure: Failure) -> Error {
    Error::Usage(failure.message)
}

impl FileTokens {
    fn acquire(self) -> Result<FileGuard, Failure> {
        let held = lock(&self.path)?;
        let contexts = Contexts::load(&self.path)?;
        let tokens = contexts.contexts.get(&self.context).and_then(|c| c.tokens.clone());
        Ok(FileGuard { _lock: held, store: self, tokens })
    }
}

#[async_trait]
impl TokenStore for FileTokens {
    async fn lock(&self) -> Result<Box<dyn TokenGuard>, Error> {
        let store = self.clone();
        // Waiting for another process's refresh blocks: off the runtime's threads.
        let guard = tokio::task::spawn_blocking(move || store.acquire())
            .await
            .map_err(|e| Error::Usage(format!("locking the configuration: {e}")))?
            .map_err(client_error)?;
        Ok(Box::new(guard))
    }
}

impl TokenGuard for FileGuard {
    fn tokens(&self) -> Option<StoredTokens> {
        self.tokens.clone()
    }

    fn store(&mut self, tokens: Option<StoredTokens>) -> Result<(), Error> {
        let path = &self.store.path;
        let mut contexts = Contexts::load(path).map_err(client_error)?;
        let context = contexts
            .contexts
            .get_mut(&self.store.context)
            .ok_or_else(|| Error::Usage(format!("the context `{}` was removed meanwhile", self.store.context)))?;
        context.tokens = tokens.clone();
        contexts.save(path).map_err(client_error)?;
        self.tokens = tokens;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Context;

    #[tokio::test]
    async fn rotated_tokens_are_written_to_their_context_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let tokens = |refresh: &str| StoredTokens {
            refresh_token: refresh.into(),
            access_token: None,
            access_expires_at: None,
            organisation_id: None,
        };
        let mut contexts = Contexts::default();
        let person =
            Context { url: "http://127.0.0.1:8080".into(), key: None, email: Some("ann@example.com".into()), tokens: Some(tokens("vr_1")) };
        contexts.contexts.insert("ann".into(), person);
        contexts.contexts.insert("ci".into(), Context::with_key("http://127.0.0.1:8080".into(), "vk_1".into()));
        contexts.save(&path).unwrap();

        let store = FileTokens { path: path.clone(), context: "ann".into() };
        let mut guard = store.lock().await.unwrap();
        assert_eq!(guard.tokens(), Some(tokens("vr_1")));
        guard.store(Some(tokens("vr_2"))).unwrap();
        drop(guard);
        let read = Contexts::load(&path).unwrap();
        assert_eq!(read.contexts["ann"].tokens, Some(tokens("vr_2")));
        assert_eq!(read.contexts["ci"], Context::with_key("http://127.0.0.1:8080".into(), "vk_1".into()));
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "the refresh token stays its owner's");

        let mut guard = store.lock().await.unwrap();
        guard.store(None).unwrap();
        assert_eq!(Contexts::load(&path).unwrap().contexts["ann"].tokens, None);
    }
}
