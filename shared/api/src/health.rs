//! `GET /healthz`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The server is up and its storage answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}
