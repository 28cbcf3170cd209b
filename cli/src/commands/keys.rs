//! `vigil keys`.

use super::Session;
use super::resolve::{Names, pick};
use super::when::{Way, time};
use crate::args::KeyCommand;
use crate::failure::Failure;
use crate::output::{Output, ago, short_id};
use jiff::Timestamp;
use vigil_api::{ApiKey, KeyRequest, KeyScope};

fn state(key: &ApiKey, now: Timestamp) -> &'static str {
    match (key.revoked_at, key.expires_at) {
        (Some(_), _) => "revoked",
        (None, Some(expires)) if expires <= now => "expired",
        _ => "active",
    }
}

fn row(out: &Output, key: &ApiKey, now: Timestamp) -> Vec<String> {
    let state = state(key, now);
    vec![
        out.dim(&short_id(&key.id)),
        key.name.clone(),
        format!("{}…", key.prefix),
        key.scope.as_str().to_owned(),
        if key.service { "service".into() } else { "personal".into() },
        ago(key.last_used_at, now),
        key.expires_at.map_or("never".into(), |at| ago(Some(at), now)),
        if state == "active" { state.to_owned() } else { out.dim(state) },
    ]
}

fn scope(text: &str) -> Result<KeyScope, Failure> {
    KeyScope::parse(text).ok_or_else(|| Failure::usage(format!("--scope `{text}` is not a scope: read, write, ping-only or admin")))
}

/// The key `reference` names, by id, id prefix or name.
async fn find(session: &Session, reference: &str) -> Result<ApiKey, Failure> {
    let keys = session.client.keys().await?;
    pick(keys, reference, "key", |k| Names { id: k.id.to_string(), names: vec![&k.name], managed: None })
}

/// Runs `vigil keys …`.
pub async fn run(session: &Session, command: KeyCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    let now = Timestamp::now();
    match command {
        KeyCommand::List { all } => {
            let keys: Vec<ApiKey> = client.keys().await?.into_iter().filter(|k| all || state(k, now) == "active").collect();
            if out.json {
                out.json(&keys);
            } else {
                let rows: Vec<_> = keys.iter().map(|k| row(out, k, now)).collect();
                out.table(&["ID", "NAME", "PREFIX", "SCOPE", "KIND", "LAST USED", "EXPIRES", "STATE"], &rows);
            }
        }
        KeyCommand::Create { name, scope: scope_name, expires, service } => {
            let expires_at = expires.map(|text| time(&text, now, Way::Ahead, "--expires")).transpose()?;
            let key = client.create_key(&KeyRequest { name, scope: scope(&scope_name)?, expires_at, service }).await?;
            if out.json {
                out.json(&key);
            } else {
                let secret = key.secret.as_deref().unwrap_or_default();
                println!(
                    "Created the key {} ({} scope). Its secret, shown only this once, keep it safe:\n\n    {secret}\n",
                    key.name,
                    key.scope.as_str()
                );
            }
        }
        KeyCommand::Revoke { which } => {
            let found = find(session, &which).await?;
            let revoked = client.revoke_key(found.id).await?;
            if out.json {
                out.json(&revoked);
            } else {
                println!("Revoked the key {} ({}…): it no longer works.", revoked.name, revoked.prefix);
            }
        }
    }
    Ok(0)
}
