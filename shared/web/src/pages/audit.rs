//! The audit log (admins): filtered by action, target and dates, a page at a time.

use crate::failure::{Failure, Refusal, refusal};
use crate::i18n::{Tr, msg};
use crate::page::render;
use crate::shell::Shell;
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::accounts::list_audit_log;
use vigil_domain::accounts::{AuditEntry, AuditQuery};
use vigil_domain::page::{Cursor, PageRequest};

/// An entry's row.
struct EntryRow {
    at: String,
    actor: String,
    action: String,
    action_id: String,
    target: String,
    changes: Vec<String>,
    ip: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    shell: Shell,
    errors: Refusal,
    filters: AuditFilters,
    entries: Vec<EntryRow>,
    next: Option<String>,
}

/// The filters, as the form sends them.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct AuditFilters {
    #[serde(default)]
    action: String,
    #[serde(default)]
    target_kind: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    cursor: Option<String>,
}

/// Entries on a page.
const PAGE_SIZE: u32 = 50;

/// The name of a known action, in words.
fn action_name(tr: &Tr, action: &str) -> Option<String> {
    let key = match action {
        "organisation.set_up" => msg("audit.action.organisation_set_up"),
        "organisation.create" => msg("audit.action.organisation_create"),
        "organisation.update" => msg("audit.action.organisation_update"),
        "user.sign_in" => msg("audit.action.user_sign_in"),
        "user.update" => msg("audit.action.user_update"),
        "user.password_change" => msg("audit.action.user_password_change"),
        "user.password_reset" => msg("audit.action.user_password_reset"),
        "user.totp_offer" => msg("audit.action.user_totp_offer"),
        "user.totp_enable" => msg("audit.action.user_totp_enable"),
        "user.totp_disable" => msg("audit.action.user_totp_disable"),
        "member.role_change" => msg("audit.action.member_role_change"),
        "member.remove" => msg("audit.action.member_remove"),
        "member.leave" => msg("audit.action.member_leave"),
        "invitation.create" => msg("audit.action.invitation_create"),
        "invitation.revoke" => msg("audit.action.invitation_revoke"),
        "invitation.accept" => msg("audit.action.invitation_accept"),
        "key.create" => msg("audit.action.key_create"),
        "key.revoke" => msg("audit.action.key_revoke"),
        _ => return None,
    };
    Some(tr.t(key).to_owned())
}

/// The kind of a target, in words (unknown kinds as stored).
fn kind_name(tr: &Tr, kind: &str) -> String {
    let key = match kind {
        "user" => msg("audit.kind.user"),
        "member" => msg("audit.kind.member"),
        "invitation" => msg("audit.kind.invitation"),
        "key" => msg("audit.kind.key"),
        "organisation" => msg("audit.kind.organisation"),
        _ => return kind.to_owned(),
    };
    tr.t(key).to_owned()
}

fn row(tr: &Tr, entry: &AuditEntry) -> EntryRow {
    let kind = kind_name(tr, &entry.target.kind);
    let value = |v: &Option<serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    EntryRow {
        at: tr.datetime(entry.at),
        actor: entry.actor_label.clone(),
        action: action_name(tr, &entry.action).unwrap_or_else(|| entry.action.clone()),
        action_id: entry.action.clone(),
        target: format!("{kind} {}", entry.target.name.as_deref().unwrap_or(&entry.target.id)),
        changes: entry.changes.iter().map(|c| format!("{}: {} → {}", c.field, value(&c.before), value(&c.after))).collect(),
        ip: entry.origin.ip.clone().unwrap_or_default(),
    }
}

/// The start of a day (`YYYY-MM-DD`) in the reader's zone; `end` gives the next day's start.
fn day(tr: &Tr, date: &str, end: bool) -> Result<Option<jiff::Timestamp>, ()> {
    if date.trim().is_empty() {
        return Ok(None);
    }
    let date: jiff::civil::Date = date.trim().parse().map_err(|_| ())?;
    let date = if end { date.tomorrow().map_err(|_| ())? } else { date };
    date.to_datetime(jiff::civil::Time::midnight()).to_zoned_datetime(tr.zone().clone()).map(|z| Some(z.timestamp())).map_err(|_| ())
}

/// `GET /settings/audit-log?action=&target_kind=&since=&until=&cursor=`.
pub(crate) async fn show(visitor: Visitor, Query(filters): Query<AuditFilters>) -> Result<Response, Failure> {
    let shell = Shell::settings(&visitor, msg("settings.audit"), "audit").await?;
    let actor = &visitor.member()?.actor;
    let tr = &visitor.tr;
    let (since, until) = match (day(tr, &filters.since, false), day(tr, &filters.until, true)) {
        (Ok(since), Ok(until)) => (since, until),
        (since, _) => {
            let field = if since.is_err() { "since" } else { "until" };
            let page = AuditPage {
                shell,
                errors: Refusal::field_error(tr, field, msg("audit.bad_date")),
                filters,
                entries: Vec::new(),
                next: None,
            };
            return Ok(crate::page::refused(&visitor, &page));
        }
    };
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let query = AuditQuery {
        action: text(&filters.action),
        target_kind: text(&filters.target_kind),
        since,
        until,
        page: PageRequest { cursor: filters.cursor.clone().filter(|c| !c.is_empty()).map(Cursor), limit: PAGE_SIZE },
        ..AuditQuery::default()
    };
    let (errors, entries, next) = match list_audit_log(&visitor.deps, actor, query).await {
        Ok(page) => {
            let next = page.next_cursor.map(|Cursor(cursor)| {
                let pairs = [
                    ("action", filters.action.as_str()),
                    ("target_kind", &filters.target_kind),
                    ("since", &filters.since),
                    ("until", &filters.until),
                    ("cursor", &cursor),
                ];
                format!("{}?{}", visitor.link("/settings/audit-log"), serde_urlencoded::to_string(pairs).unwrap_or_default())
            });
            (Refusal::default(), page.items.iter().map(|entry| row(tr, entry)).collect(), next)
        }
        Err(error) => (refusal(tr, error).map_err(|reason| reason.page(&visitor))?, Vec::new(), None),
    };
    Ok(render(&visitor, &AuditPage { shell, errors, filters, entries, next }))
}
