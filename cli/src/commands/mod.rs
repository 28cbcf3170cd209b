//! The commands that drive a server through its API (everything but `serve`, `backup` and
//! `restore`): each reads its arguments, calls the client, and prints.

mod audit;
mod badges;
mod files;
mod hosts;
mod incidents;
mod keys;
mod login;
mod members;
mod monitors;
mod notifications;
mod resolve;
mod run;
mod status;
mod status_pages;
mod tasks;
mod when;

use crate::args::{Cli, Colour, Command, Format, Global};
use crate::context::{Contexts, config_path};
use crate::failure::{Exit, Failure};
use crate::manifest::document::Document;
use crate::output::{Output, colour_wanted};
use crate::token_store::FileTokens;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::Arc;
use url::Url;
use vigil_client::Client;

/// What a command needs: the client of its server and how to print.
pub struct Session {
    /// The client.
    pub client: Client,
    /// How to print.
    pub out: Output,
}

/// How to print, from the global flags.
pub fn output(global: &Global) -> Output {
    let colour = match global.color {
        Colour::Always => "always",
        Colour::Never => "never",
        Colour::Auto => "auto",
    };
    Output { json: global.output == Format::Json, colour: colour_wanted(colour) }
}

/// The server and credentials: the flags, else the named or current context (its key, or the
/// tokens of its sign-in, refreshed as needed and kept in the configuration file).
pub fn connect(global: &Global) -> Result<Session, Failure> {
    let path = config_path()?;
    let contexts = Contexts::load(&path)?;
    let picked = contexts.pick(global.context.as_deref());
    if let (Some(name), None) = (&global.context, picked) {
        return Err(Failure::usage(format!(
            "there is no context `{name}`: `vigil contexts` lists them, `vigil login URL --context {name}` makes it"
        )));
    }
    let url = global
        .server
        .clone()
        .or_else(|| picked.map(|(_, c)| c.url.clone()))
        .ok_or_else(|| Failure::new(Exit::Auth, "no server: log in with `vigil login URL --key KEY` (or give --server and --key)"))?;
    let base = Url::parse(&url).map_err(|e| Failure::usage(format!("`{url}` is not a URL: {e}")))?;
    // A sign-in's tokens go only to the server that issued them.
    let signed_in = picked.filter(|(_, c)| global.key.is_none() && c.key.is_none() && c.url == url);
    let client = match signed_in {
        Some((name, context)) if context.tokens.is_some() => {
            Client::anonymous(base)?.with_tokens(Arc::new(FileTokens { path, context: name.to_owned() }))
        }
        Some((name, context)) if context.email.is_some() => {
            return Err(Failure::new(
                Exit::Auth,
                format!(
                    "context `{name}` is signed out: `vigil login {url} --email {}` signs in again",
                    context.email.as_deref().unwrap_or_default()
                ),
            ));
        }
        _ => {
            let key = global.key.clone().or_else(|| picked.and_then(|(_, c)| c.key.clone())).unwrap_or_default();
            Client::new(base, &key)?
        }
    };
    Ok(Session { client, out: output(global) })
}

/// A draft read from a JSON or YAML file (`--from`).
pub fn read_draft<T: DeserializeOwned>(path: &Path) -> Result<T, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    let document = Document::parse(&text).map_err(|p| Failure::usage(format!("{}:{p}", path.display())))?;
    serde_path_to_error::deserialize(document.value.clone()).map_err(|error| {
        let path_in = error.path().to_string();
        let field = vigil_api::shape::field_error(&path_in, &error.inner().to_string());
        Failure::usage(format!(
            "{}:{}: {}: {}",
            path.display(),
            document.position(&field.field).map_or(1, |p| p.line),
            field.field,
            field.message
        ))
    })
}

/// Runs an API command; the exit code when it does not fail.
pub async fn dispatch(cli: Cli) -> Result<i32, Failure> {
    let global = &cli.global;
    match cli.command {
        Command::Login(args) => login::login(global, args).await,
        Command::Logout(args) => login::logout(global, args).await,
        Command::Contexts(args) => login::contexts(global, args),
        Command::Status => status::status(&connect(global)?).await,
        Command::Monitors(command) => monitors::run(&connect(global)?, command).await,
        Command::Tasks(command) => tasks::run(&connect(global)?, command).await,
        Command::Incidents(command) => incidents::run(&connect(global)?, command).await,
        Command::Channels(command) => notifications::channels(&connect(global)?, command).await,
        Command::Rules(command) => notifications::rules(&connect(global)?, command).await,
        Command::Windows(command) => notifications::windows(&connect(global)?, command).await,
        Command::Hosts(command) => hosts::hosts(&connect(global)?, command).await,
        Command::HostRules(command) => hosts::rules(&connect(global)?, command).await,
        Command::StatusPages(command) => status_pages::pages(&connect(global)?, command).await,
        Command::Badges(command) => status_pages::badges(&connect(global)?, command).await,
        Command::Keys(command) => keys::run(&connect(global)?, command).await,
        Command::Members(command) => members::members(&connect(global)?, command).await,
        Command::Orgs(command) => members::orgs(&connect(global)?, command).await,
        Command::Audit(args) => audit::run(&connect(global)?, args).await,
        Command::Run(args) => run::run(global, args).await,
        Command::Validate(args) => files::validate(&output(global), &args.file),
        Command::Plan(args) => files::plan(global, &args.file, args.prune).await,
        Command::Apply(args) => files::apply(global, &args.file, args.prune).await,
        Command::Export(args) => files::export(global, args.source.as_deref()).await,
        Command::Import(command) => files::import(&output(global), command),
        Command::Schema => {
            print!("{}", crate::manifest::schema::json_schema_text());
            Ok(0)
        }
        Command::Serve(_) | Command::Backup(_) | Command::Restore(_) | Command::Completions(_) => {
            Err(Failure::usage("this command is not an API command"))
        }
    }
}
