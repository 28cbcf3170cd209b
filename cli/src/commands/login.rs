//! `vigil login`, `vigil logout` and `vigil contexts`.

use super::output;
use super::resolve::{Names, pick};
use crate::args::{ContextAction, ContextsArgs, Global, LoginArgs, LogoutArgs};
use crate::context::{Context, Contexts, config_path, lock};
use crate::failure::{Exit, Failure};
use crate::token_store::FileTokens;
use jiff::Timestamp;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use url::Url;
use vigil_client::{Client, Error, MemoryTokens, StoredTokens};

/// Reads a line from standard input: after `prompt` on a terminal (the typing hidden when
/// `hidden`), a plain line otherwise.
pub(super) fn read_input(prompt: &str, hidden: bool, what: &str) -> Result<String, Failure> {
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    if terminal {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    let saved = if terminal && hidden {
        let saved = rustix::termios::tcgetattr(&stdin).ok();
        if let Some(mut quiet) = saved.clone() {
            quiet.local_modes.remove(rustix::termios::LocalModes::ECHO);
            let _ = rustix::termios::tcsetattr(&stdin, rustix::termios::OptionalActions::Now, &quiet);
        }
        saved
    } else {
        None
    };
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if let Some(saved) = saved {
        let _ = rustix::termios::tcsetattr(&stdin, rustix::termios::OptionalActions::Now, &saved);
        eprintln!();
    }
    read.map_err(|e| Failure::usage(format!("cannot read the {what}: {e}")))?;
    // A password keeps its spaces; only the line's end goes.
    let text = line.trim_end_matches(['\r', '\n']).to_owned();
    if text.trim().is_empty() {
        return Err(Failure::usage(format!("no {what} given")));
    }
    Ok(text)
}

/// Checks the key against the server; the context that uses it.
async fn key_context(url: &Url, global: &Global) -> Result<(Context, String), Failure> {
    let key = match &global.key {
        Some(key) => key.clone(),
        None => read_input("API key: ", true, "key")
            .map_err(|f| Failure::usage(format!("{f}: pass --key KEY, or type it when asked")))?
            .trim()
            .to_owned(),
    };
    let client = Client::new(url.clone(), &key)?;
    client.summary().await.map_err(|error| {
        let mut failure = Failure::from(error);
        if failure.code == Exit::Auth {
            failure.message = format!("{} refused the key", base(url));
        }
        failure
    })?;
    Ok((Context::with_key(base(url), key), "with an API key".into()))
}

/// Signs in as `email` (the password, then a code if two-factor is on, read from standard
/// input) in `organisation` (or the first); the context that keeps the tokens.
async fn sign_in_context(url: &Url, email: &str, organisation: Option<&str>) -> Result<(Context, String), Failure> {
    let password = read_input(&format!("Password for {email}: "), true, "password")?;
    let anonymous = Client::anonymous(url.clone())?;
    let refused = |error: Error| {
        let mut failure = Failure::from(error);
        if failure.code == Exit::Auth {
            failure.message = format!("{} refused the sign-in: {}", base(url), failure.message.lines().next().unwrap_or_default());
        }
        failure
    };
    let grant = match anonymous.sign_in(email, &password, None).await {
        Ok(grant) => grant,
        Err(Error::SecondFactorRequired { ticket, .. }) => {
            let code = read_input("Two-factor code (or a recovery code): ", false, "two-factor code")?;
            anonymous.finish_sign_in(&ticket, code.trim()).await.map_err(refused)?
        }
        Err(error) => return Err(refused(error)),
    };
    let store = MemoryTokens::new(Some(StoredTokens::from_grant(&grant, Timestamp::now())));
    let client = anonymous.with_tokens(Arc::new(store.clone()));
    if let Some(reference) = organisation {
        let all = client.organisations().await?;
        let chosen = pick(all, reference, "organisation", |o| Names { id: o.id.to_string(), names: vec![&o.name], managed: None })?;
        client.switch_organisation(chosen.id).await?;
    }
    let me = client.me().await?;
    let current = me.organisations.iter().find(|o| o.id == me.current_organisation);
    let summary = current.map_or_else(String::new, |o| format!(" in {} ({})", o.name, o.role.as_str()));
    let tokens = store.current().await.ok_or_else(|| Failure::usage("the sign-in ended at once"))?;
    let context = Context { url: base(url), key: None, email: Some(me.user.email.clone()), tokens: Some(tokens) };
    Ok((context, format!("as {}{summary}", me.user.email)))
}

/// The URL as contexts keep it.
fn base(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

/// Signs in (`--email`) or checks the key, and saves the context, signing out of the sign-in
/// it replaces.
pub async fn login(global: &Global, args: LoginArgs) -> Result<i32, Failure> {
    let url = Url::parse(args.url.trim()).map_err(|e| Failure::usage(format!("`{}` is not a URL: {e}", args.url)))?;
    let (context, how) = match &args.email {
        Some(email) => sign_in_context(&url, email, args.organisation.as_deref()).await?,
        None => key_context(&url, global).await?,
    };
    let name = global.context.clone().unwrap_or_else(|| "default".to_owned());
    let path = config_path()?;
    let held = lock(&path)?;
    let mut contexts = Contexts::load(&path)?;
    let replaced = contexts.contexts.insert(name.clone(), context);
    contexts.current = Some(name.clone());
    contexts.save(&path)?;
    drop(held);
    if let Some(Context { url: old_url, tokens: Some(old), .. }) = replaced
        && let Ok(old_base) = Url::parse(&old_url)
    {
        // The sign-in this context held ends too; if its server cannot be reached, it lapses.
        let _ = Client::anonymous(old_base)?.revoke_tokens(&old.refresh_token).await;
    }
    println!("Logged in to {} {how} as context `{name}` (saved in {}).", base(&url), path.display());
    Ok(0)
}

/// Forgets a context, signing out first if it is signed in.
pub async fn logout(global: &Global, args: LogoutArgs) -> Result<i32, Failure> {
    let path = config_path()?;
    let contexts = Contexts::load(&path)?;
    let name =
        args.name.or_else(|| global.context.clone()).or_else(|| contexts.current.clone()).ok_or_else(|| Failure::usage("not logged in"))?;
    let Some(context) = contexts.contexts.get(&name) else {
        return Err(Failure::not_found(format!("there is no context `{name}`")));
    };
    let signed_in = context.tokens.is_some();
    if signed_in {
        let base = Url::parse(&context.url).map_err(|e| Failure::usage(format!("`{}` is not a URL: {e}", context.url)))?;
        let client = Client::anonymous(base)?.with_tokens(Arc::new(FileTokens { path: path.clone(), context: name.clone() }));
        match client.sign_out().await {
            Ok(()) | Err(Error::SignedOut) => {}
            // The sign-in had ended already (revoked, expired, a password change).
            Err(error) if matches!(error.status(), Some(400 | 401)) => {}
            Err(error) => {
                let mut failure = Failure::from(error);
                failure.message = format!("could not sign out of {}: {}; the context is kept, try again", context.url, failure.message);
                return Err(failure);
            }
        }
    }
    let held = lock(&path)?;
    let mut contexts = Contexts::load(&path)?;
    contexts.contexts.remove(&name);
    if contexts.current.as_deref() == Some(&name) {
        contexts.current = contexts.contexts.keys().next().cloned();
    }
    contexts.save(&path)?;
    drop(held);
    println!("{}Forgot context `{name}`.", if signed_in { "Signed out. " } else { "" });
    Ok(0)
}

/// Lists the contexts, or switches to one.
pub fn contexts(global: &Global, args: ContextsArgs) -> Result<i32, Failure> {
    let path = config_path()?;
    let mut contexts = Contexts::load(&path)?;
    if let Some(ContextAction::Use { name }) = args.action {
        if !contexts.contexts.contains_key(&name) {
            return Err(Failure::not_found(format!("there is no context `{name}`: `vigil login URL --context {name}` makes it")));
        }
        contexts.current = Some(name.clone());
        contexts.save(&path)?;
        println!("Now using context `{name}`.");
        return Ok(0);
    }
    let out = output(global);
    if out.json {
        let listed: Vec<_> = contexts
            .contexts
            .iter()
            .map(|(name, c)| {
                serde_json::json!({"name": name, "url": c.url, "as": c.acting_as(), "current": contexts.current.as_deref() == Some(name)})
            })
            .collect();
        out.json(&listed);
    } else if contexts.contexts.is_empty() {
        println!("No context yet: `vigil login URL --key KEY` or `vigil login URL --email EMAIL` makes one.");
    } else {
        let rows: Vec<_> = contexts
            .contexts
            .iter()
            .map(|(name, c)| {
                let mark = if contexts.current.as_deref() == Some(name) { "*".into() } else { String::new() };
                vec![mark, name.clone(), c.url.clone(), c.acting_as()]
            })
            .collect();
        out.table(&["", "NAME", "URL", "AS"], &rows);
    }
    Ok(0)
}
