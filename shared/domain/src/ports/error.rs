use std::error::Error;

/// How a store operation can fail, in terms a use case can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A conditional write lost a race: the item changed since it was read.
    #[error("the item was changed concurrently")]
    Conflict,
    /// The item does not exist (or belongs to another tenant).
    #[error("not found")]
    NotFound,
    /// A pagination cursor that this store did not issue.
    #[error("the cursor is not valid")]
    InvalidCursor,
    /// The backend failed.
    #[error("storage failed: {0}")]
    Backend(#[source] Box<dyn Error + Send + Sync>),
}

impl StoreError {
    /// Wraps a backend error.
    pub fn backend(error: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        StoreError::Backend(error.into())
    }
}
