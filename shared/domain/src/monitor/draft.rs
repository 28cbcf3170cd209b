//! The unvalidated form of a monitor, as a client sends it. Every field is optional so that the
//! same type serves creation (absent fields take defaults) and partial update (absent fields
//! keep their current value).

use crate::managed::{Managed, nullable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A monitor as submitted, before validation by [`super::HttpMonitorSpec::from_draft`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({
    "name": "API health", "url": "http://127.0.0.1:9/health", "interval_seconds": 30, "timeout_ms": 5000,
    "expected_status": ["2xx"], "assertions": ["[BODY].status == UP", "[RESPONSE_TIME] < 800"], "tags": ["prod"]
})))]
#[serde(deny_unknown_fields)]
pub struct MonitorDraft {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Target URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// HTTP method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Request headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Timeout in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Interval in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_seconds: Option<u32>,
    /// Acceptable status codes: numbers, classes like `"2xx"`, ranges like `"200-299"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_status: Option<Vec<StatusCodeInput>>,
    /// Conditions in the Gatus-compatible language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertions: Option<Vec<String>>,
    /// Consecutive failures before Down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<u8>,
    /// Consecutive successes before Up again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_threshold: Option<u8>,
    /// Follow redirects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_redirects: Option<bool>,
    /// Verify TLS certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_tls: Option<bool>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// The monitoring-as-code file managing the monitor; `null` on an update detaches it.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub managed: Option<Option<Managed>>,
}

/// One entry of `expected_status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum StatusCodeInput {
    /// A single code.
    Code(u16),
    /// A class (`2xx`), a range (`200-299`) or a code as text.
    Pattern(String),
}

impl MonitorDraft {
    /// `self` with every field that `patch` sets replaced; `body_cleared` removes the body (a
    /// JSON `"body": null` in a partial update).
    pub fn overlaid_with(mut self, patch: MonitorDraft, body_cleared: bool) -> MonitorDraft {
        macro_rules! take {
            ($($field:ident),*) => { $( if patch.$field.is_some() { self.$field = patch.$field; } )* };
        }
        take!(
            name,
            url,
            method,
            headers,
            timeout_ms,
            interval_seconds,
            expected_status,
            assertions,
            failure_threshold,
            recovery_threshold,
            follow_redirects,
            verify_tls,
            tags,
            managed
        );
        if body_cleared {
            self.body = None;
        } else if patch.body.is_some() {
            self.body = patch.body;
        }
        self
    }
}
