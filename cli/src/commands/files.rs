//! `vigil validate`, `plan`, `apply`, `export` and `import`: monitoring as code.

use super::{Session, connect};
use crate::args::{Global, ImportCommand};
use crate::failure::Failure;
use crate::manifest::apply::{ApplyError, apply as apply_plan, missing_secrets, steps};
use crate::manifest::export::{HEADER, export as export_current, shortened, source_of};
use crate::manifest::plan::{Action, Change, Current, Plan, plan as make_plan};
use crate::manifest::validate::{Desired, load};
use crate::manifest::{default_source, gatus, yaml};
use crate::output::Output;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Reads and checks a monitoring file; its problems, one per line, when it has some.
pub fn read_file(path: &Path) -> Result<Desired, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    load(&text, &default_source(path), &|name| std::env::var(name).ok()).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("{}:{p}", path.display())).collect();
        Failure::failed(format!(
            "{} has {} problem{}:\n{}",
            path.display(),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            lines.join("\n")
        ))
    })
}

/// `vigil validate FILE`.
pub fn validate(out: &Output, path: &Path) -> Result<i32, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    match load(&text, &default_source(path), &|name| std::env::var(name).ok()) {
        Ok(desired) => {
            let counts = [
                (desired.channels.len(), "channel"),
                (desired.monitors.len(), "monitor"),
                (desired.tasks.len(), "task"),
                (desired.rules.len(), "alert rule"),
                (desired.windows.len(), "maintenance window"),
            ];
            if out.json {
                out.json(&serde_json::json!({"valid": true, "source": desired.source, "problems": []}));
            } else {
                let what: Vec<String> = counts
                    .iter()
                    .filter(|(n, _)| *n > 0)
                    .map(|(n, noun)| format!("{n} {noun}{}", if *n == 1 { "" } else { "s" }))
                    .collect();
                let what = if what.is_empty() { "nothing".to_owned() } else { what.join(", ") };
                println!("{} is valid: {what}, source `{}`.", path.display(), desired.source);
            }
            Ok(0)
        }
        Err(problems) => {
            if out.json {
                out.json(&serde_json::json!({"valid": false, "problems": problems}));
            } else {
                for problem in &problems {
                    eprintln!("{}:{problem}", path.display());
                }
                eprintln!("{} problem{} in {}.", problems.len(), if problems.len() == 1 { "" } else { "s" }, path.display());
            }
            Ok(1)
        }
    }
}

/// A spinner on standard error, on a terminal only.
fn spinner(message: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

async fn read_current(session: &Session) -> Result<Current, Failure> {
    let bar = spinner("Reading the server's resources…");
    let current = Current::read(&session.client, &|what| bar.set_message(format!("Read the {what}…"))).await;
    bar.finish_and_clear();
    Ok(current?)
}

fn show_value(value: &Value) -> String {
    match value {
        Value::Null => "(none)".into(),
        other => other.to_string(),
    }
}

fn symbol(out: &Output, action: Action) -> String {
    match action {
        Action::Create => out.paint("32", "+"),
        Action::Update => out.paint("33", "~"),
        Action::Adopt => out.paint("36", "&"),
        Action::Delete => out.paint("31", "-"),
        Action::Unchanged => " ".into(),
    }
}

fn word(action: Action, prune: bool) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Adopt => "adopt (managed by this file from now on)",
        Action::Delete if prune => "delete",
        Action::Delete => "not in the file (deleted with --prune)",
        Action::Unchanged => "unchanged",
    }
}

/// The leaves that differ between two values: objects are compared field by field.
fn nested<'a>(path: &str, before: &'a Value, after: &'a Value) -> Vec<(String, &'a Value, &'a Value)> {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut out = Vec::new();
            let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for key in keys {
                let (old, new) = (b.get(key).unwrap_or(&Value::Null), a.get(key).unwrap_or(&Value::Null));
                if old != new {
                    out.extend(nested(&format!("{path}.{key}"), old, new));
                }
            }
            out
        }
        _ => vec![(path.to_owned(), before, after)],
    }
}

/// Ids shown as the logical names of the file, for people.
struct Names(std::collections::BTreeMap<String, String>);

impl Names {
    fn shown(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => match (self.0.get(text), text.strip_prefix("new:")) {
                (Some(key), _) => Value::String(key.clone()),
                (None, Some(key)) => Value::String(format!("{key} (new)")),
                _ => value.clone(),
            },
            Value::Array(items) => Value::Array(items.iter().map(|i| self.shown(i)).collect()),
            other => other.clone(),
        }
    }
}

fn print_plan(out: &Output, plan: &Plan, prune: bool) {
    let names = Names(plan.ids.0.iter().map(|((_, key), id)| (id.clone(), key.clone())).collect());
    let mut section = "";
    for change in plan.changes.iter().filter(|c| c.action != Action::Unchanged) {
        if change.kind.section() != section {
            section = change.kind.section();
            println!("{}", out.bold(section));
        }
        println!("  {} {:<24} {}", symbol(out, change.action), change.key, out.dim(word(change.action, prune)));
        for field in &change.fields {
            for (path, before, after) in nested(&field.field, &field.before, &field.after) {
                println!("      {path}: {} → {}", show_value(&names.shown(before)), show_value(&names.shown(after)));
            }
        }
    }
    let count = |action| plan.count(action);
    let deletions = match (count(Action::Delete), prune) {
        (0, _) => String::new(),
        (n, true) => format!(", {n} to delete"),
        (n, false) => format!(", {n} to delete with --prune"),
    };
    let summary = format!(
        "{} to create, {} to update, {} to adopt{deletions}, {} unchanged.",
        count(Action::Create),
        count(Action::Update),
        count(Action::Adopt),
        count(Action::Unchanged)
    );
    if plan.is_empty(prune) {
        println!("Nothing to change ({} unchanged).", count(Action::Unchanged));
    } else {
        println!("\n{summary}");
    }
}

/// `vigil plan FILE`.
pub async fn plan(global: &Global, path: &Path, prune: bool) -> Result<i32, Failure> {
    let desired = read_file(path)?;
    let session = connect(global)?;
    let current = read_current(&session).await?;
    let plan = make_plan(&desired, &current);
    if session.out.json {
        session.out.json(&plan);
    } else {
        print_plan(&session.out, &plan, prune);
        for missing in missing_secrets(&plan, &desired) {
            eprintln!("{}: {missing}", session.out.paint("31", "apply will refuse"));
        }
    }
    Ok(0)
}

/// `vigil apply FILE`.
pub async fn apply(global: &Global, path: &Path, prune: bool) -> Result<i32, Failure> {
    let desired = read_file(path)?;
    let session = connect(global)?;
    let out = &session.out;
    let current = read_current(&session).await?;
    let plan = make_plan(&desired, &current);
    let todo = steps(&plan, prune).len();
    if todo == 0 {
        if out.json {
            out.json(&serde_json::json!({"applied": [], "source": plan.source}));
        } else {
            print_plan(out, &plan, prune);
        }
        return Ok(0);
    }
    let bar = ProgressBar::new(todo as u64);
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()));
    let applied = std::sync::Mutex::new(Vec::<Change>::new());
    let result = apply_plan(&session.client, &desired, &current, &plan, prune, &|change| {
        bar.inc(1);
        bar.set_message(format!("{} {}", change.kind.noun(), change.key));
        applied.lock().unwrap_or_else(|p| p.into_inner()).push(change.clone());
    })
    .await;
    bar.finish_and_clear();
    let applied = applied.into_inner().unwrap_or_else(|p| p.into_inner());
    if out.json {
        out.json(&serde_json::json!({"applied": applied, "source": plan.source, "error": result.as_ref().err().map(ToString::to_string)}));
    } else {
        for change in &applied {
            let verb = match change.action {
                Action::Create => "created",
                Action::Update => "updated",
                Action::Adopt => "adopted",
                Action::Delete => "deleted",
                Action::Unchanged => "kept",
            };
            println!("{} {} {} {verb}", symbol(out, change.action), change.kind.noun(), change.key);
        }
    }
    match result {
        Ok(count) => {
            if !out.json {
                let left = if prune {
                    String::new()
                } else {
                    format!(" ({} not in the file left alone: --prune deletes them)", plan.count(Action::Delete))
                };
                let left = if plan.count(Action::Delete) > 0 { left } else { String::new() };
                println!("Applied {count} change{}{left}.", if count == 1 { "" } else { "s" });
            }
            Ok(0)
        }
        Err(ApplyError::Refused(why)) => Err(Failure::failed(format!("nothing was changed:\n{why}"))),
        Err(ApplyError::Failed { noun, key, error, done }) => {
            let mut failure = Failure::from(*error);
            failure.message =
                format!("{noun} `{key}` failed after {done} change{} were made: {}", if done == 1 { "" } else { "s" }, failure.message);
            Err(failure)
        }
    }
}

/// `vigil export`.
pub async fn export(global: &Global, source: Option<&str>) -> Result<i32, Failure> {
    let session = connect(global)?;
    let current = read_current(&session).await?;
    let source = source_of(&current, source);
    let exported = export_current(&current, &source);
    if session.out.json {
        session.out.json(&shortened(serde_json::to_value(&exported.manifest).unwrap_or_default()));
    } else {
        print!("{}", yaml::write(&shortened(serde_json::to_value(&exported.manifest).unwrap_or_default()), HEADER));
    }
    if exported.left_out > 0 {
        eprintln!("vigil export: {} resource(s) managed by other files left out (export them with --source)", exported.left_out);
    }
    Ok(0)
}

/// `vigil import gatus FILE`.
pub fn import(out: &Output, command: ImportCommand) -> Result<i32, Failure> {
    let ImportCommand::Gatus { file, source } = command;
    let text = std::fs::read_to_string(&file).map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
    let imported = gatus::import(&text, &source).map_err(|p| Failure::usage(format!("{}:{p}", file.display())))?;
    if out.json {
        out.json(&shortened(serde_json::to_value(&imported.manifest).unwrap_or_default()));
    } else {
        let header = format!("Imported from the Gatus configuration {} by `vigil import gatus`.", file.display());
        print!("{}", yaml::write(&shortened(serde_json::to_value(&imported.manifest).unwrap_or_default()), &header));
    }
    if !imported.notes.is_empty() {
        eprintln!("What did not map, or needs doing:");
        for note in &imported.notes {
            eprintln!("  {}:{note}", file.display());
        }
    }
    Ok(0)
}
