//! Enrolment tokens: made by an admin for a host to be (shown once), listed, withdrawn.

use super::HostError;
use crate::Deps;
use crate::accounts::audit_trail::{self, Change};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use vigil_domain::access::{Action, Actor};
use vigil_domain::agent::EnrolmentToken;
use vigil_domain::host::Enrolment;
use vigil_domain::ids::EnrolmentId;
use vigil_domain::monitor::spec::is_valid_tag;
use vigil_domain::monitor::{FieldError, SpecErrors};

/// Make an enrolment token.
#[derive(Clone, Debug, Default)]
pub struct CreateEnrolment {
    /// The host's name in Vigil; its host name when absent.
    pub name: Option<String>,
    /// The host's tags.
    pub tags: Vec<String>,
    /// The silence rule the host gets ("Down when silent for N s"): 120 s when absent, none
    /// when 0.
    pub silent_after_seconds: Option<u32>,
    /// How long the token can be spent: the settings' lifetime (a day) when absent.
    pub lifetime_seconds: Option<u32>,
}

/// Most tags of a host.
const MOST_TAGS: usize = 20;
/// The silence rule a host gets unless told otherwise.
const DEFAULT_SILENT_SECONDS: u32 = 120;
/// The longest a token may wait to be spent: a month.
const LONGEST_LIFETIME_SECONDS: u32 = 30 * 86_400;

/// A host name as given: trimmed, 1 to 100 characters, no control characters.
pub(crate) fn host_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err("a host name is 1 to 100 characters, without control characters".into());
    }
    Ok(name.to_owned())
}

/// Makes an enrolment token (admins); the token is in this answer only.
#[tracing::instrument(name = "create_enrolment", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn create_enrolment(
    deps: &Deps,
    actor: &Actor,
    cmd: CreateEnrolment,
    now: Timestamp,
) -> Result<(Enrolment, EnrolmentToken), HostError> {
    actor.require(Action::ManageHosts)?;
    let mut errors = Vec::new();
    let mut fail = |field: String, message: String| errors.push(FieldError { field, message });
    let name = cmd.name.as_deref().map(host_name).transpose().map_err(|m| fail("name".into(), m)).ok().flatten();
    if cmd.tags.len() > MOST_TAGS {
        fail("tags".into(), format!("must have at most {MOST_TAGS} entries"));
    }
    for (i, tag) in cmd.tags.iter().enumerate() {
        if !is_valid_tag(tag) {
            fail(format!("tags[{i}]"), "must be 1-64 characters of letters, digits and - _ . : / =".into());
        }
    }
    let silent = cmd.silent_after_seconds.unwrap_or(DEFAULT_SILENT_SECONDS);
    if silent > 86_400 {
        fail("silent_after_seconds".into(), "must be at most 86400 (a day), or 0 for no silence rule".into());
    }
    let lifetime = match cmd.lifetime_seconds {
        None => deps.settings.hosts.enrolment_lifetime,
        Some(seconds) if (60..=LONGEST_LIFETIME_SECONDS).contains(&seconds) => SignedDuration::from_secs(i64::from(seconds)),
        Some(_) => {
            fail("lifetime_seconds".into(), format!("must be between 60 and {LONGEST_LIFETIME_SECONDS} (30 days)"));
            SignedDuration::ZERO
        }
    };
    if !errors.is_empty() {
        return Err(SpecErrors(errors).into());
    }
    let token = EnrolmentToken::from_random(deps.random.secret_bytes());
    let enrolment = Enrolment {
        id: EnrolmentId::from_uuid(deps.random.new_id(now)),
        tenant_id: actor.tenant_id,
        token_digest: token.digest(),
        name,
        tags: cmd.tags.into_iter().collect(),
        silent_after_seconds: (silent > 0).then_some(silent),
        created_at: now,
        expires_at: now + lifetime,
        created_by: actor.label.clone(),
    };
    deps.stores.hosts.insert_enrolment(&enrolment).await?;
    let after = json!({"name": enrolment.name, "tags": enrolment.tags, "silent_after_seconds": enrolment.silent_after_seconds, "expires_at": enrolment.expires_at});
    let change = Change {
        action: "host.enrolment_create",
        kind: "enrolment",
        id: enrolment.id.to_string(),
        name: enrolment.name.clone(),
        before: serde_json::Value::Null,
        after,
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok((enrolment, token))
}

/// The enrolments not yet spent or withdrawn (admins), oldest first.
#[tracing::instrument(name = "list_enrolments", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn list_enrolments(deps: &Deps, actor: &Actor) -> Result<Vec<Enrolment>, HostError> {
    actor.require(Action::ManageHosts)?;
    Ok(deps.stores.hosts.enrolments(actor.tenant_id).await?)
}

/// Withdraws an enrolment: its token enrols nothing any more (admins).
#[tracing::instrument(name = "withdraw_enrolment", skip_all, fields(tenant = %actor.tenant_id, enrolment = %id))]
pub async fn withdraw_enrolment(deps: &Deps, actor: &Actor, id: EnrolmentId, now: Timestamp) -> Result<(), HostError> {
    actor.require(Action::ManageHosts)?;
    if !deps.stores.hosts.delete_enrolment(actor.tenant_id, id).await? {
        return Err(HostError::NotFound("enrolment"));
    }
    let change = Change {
        action: "host.enrolment_withdraw",
        kind: "enrolment",
        id: id.to_string(),
        name: None,
        before: json!({"pending": true}),
        after: serde_json::Value::Null,
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok(())
}
