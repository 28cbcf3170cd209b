//! `vigil login`, `vigil logout` and `vigil contexts`.

use super::output;
use crate::args::{ContextAction, ContextsArgs, Global, LoginArgs, LogoutArgs};
use crate::context::{Context, Contexts, config_path};
use crate::failure::{Exit, Failure};
use std::io::{BufRead, IsTerminal, Write};
use url::Url;
use vigil_client::Client;

/// Reads the key from standard input: hidden on a terminal, a line otherwise.
fn read_key() -> Result<String, Failure> {
    let stdin = std::io::stdin();
    let hidden = stdin.is_terminal();
    let saved = if hidden {
        eprint!("API key: ");
        let _ = std::io::stderr().flush();
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
    read.map_err(|e| Failure::usage(format!("cannot read the key: {e}")))?;
    let key = line.trim().to_owned();
    if key.is_empty() {
        return Err(Failure::usage("no key given: pass --key KEY, or type it when asked"));
    }
    Ok(key)
}

/// Checks the key against the server and saves the context.
pub async fn login(global: &Global, args: LoginArgs) -> Result<i32, Failure> {
    let url = Url::parse(args.url.trim()).map_err(|e| Failure::usage(format!("`{}` is not a URL: {e}", args.url)))?;
    let key = match &global.key {
        Some(key) => key.clone(),
        None => read_key()?,
    };
    let client = Client::new(url.clone(), &key)?;
    client.summary().await.map_err(|error| {
        let mut failure = Failure::from(error);
        if failure.code == Exit::Auth {
            failure.message = format!("{} refused the key", url.as_str().trim_end_matches('/'));
        }
        failure
    })?;
    let name = global.context.clone().unwrap_or_else(|| "default".to_owned());
    let path = config_path()?;
    let mut contexts = Contexts::load(&path)?;
    contexts.contexts.insert(name.clone(), Context { url: url.as_str().trim_end_matches('/').to_owned(), key });
    contexts.current = Some(name.clone());
    contexts.save(&path)?;
    println!("Logged in to {} as context `{name}` (saved in {}).", url.as_str().trim_end_matches('/'), path.display());
    Ok(0)
}

/// Forgets a context.
pub fn logout(global: &Global, args: LogoutArgs) -> Result<i32, Failure> {
    let path = config_path()?;
    let mut contexts = Contexts::load(&path)?;
    let name =
        args.name.or_else(|| global.context.clone()).or_else(|| contexts.current.clone()).ok_or_else(|| Failure::usage("not logged in"))?;
    if contexts.contexts.remove(&name).is_none() {
        return Err(Failure::not_found(format!("there is no context `{name}`")));
    }
    if contexts.current.as_deref() == Some(&name) {
        contexts.current = contexts.contexts.keys().next().cloned();
    }
    contexts.save(&path)?;
    println!("Forgot context `{name}`.");
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
            .map(|(name, c)| serde_json::json!({"name": name, "url": c.url, "current": contexts.current.as_deref() == Some(name)}))
            .collect();
        out.json(&listed);
    } else if contexts.contexts.is_empty() {
        println!("No context yet: `vigil login URL --key KEY` makes one.");
    } else {
        let rows: Vec<_> = contexts
            .contexts
            .iter()
            .map(|(name, c)| {
                vec![if contexts.current.as_deref() == Some(name) { "*".into() } else { String::new() }, name.clone(), c.url.clone()]
            })
            .collect();
        out.table(&["", "NAME", "URL"], &rows);
    }
    Ok(0)
}
