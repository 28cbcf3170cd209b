//! What a task's page hands to whoever sets up the job: its ping URLs, and crontab lines and a
//! shell script that ping them (curl with retries, or the `vigil run` wrapper).

use crate::i18n::{Tr, msg};
use url::Url;
use vigil_domain::heartbeat::{PingKey, Task, TaskSchedule};

/// One URL to copy.
pub(crate) struct PingUrl {
    /// The element's id (for the copy button).
    pub(crate) id: String,
    /// What it signals.
    pub(crate) label: String,
    /// The URL.
    pub(crate) url: String,
}

/// One snippet to copy.
pub(crate) struct Snippet {
    /// The element's id.
    pub(crate) id: &'static str,
    /// What it is.
    pub(crate) label: String,
    /// The text.
    pub(crate) text: String,
}

/// A job's placeholder in the snippets.
const JOB: &str = "/path/to/job";
/// curl as Healthchecks recommends it: fail on HTTP errors, quiet, ten seconds, five retries.
const CURL: &str = "curl -fsS -m 10 --retry 5 -o /dev/null";

/// The URLs of a task under `base` (`…/ping/<token>` or `…/ping/<key>/<slug>`), `prefix`
/// telling the element ids apart.
fn urls(tr: &Tr, base: &str, prefix: &str) -> Vec<PingUrl> {
    [
        ("success", "", msg("task.ping.success")),
        ("start", "/start", msg("task.ping.start")),
        ("fail", "/fail", msg("task.ping.fail")),
        ("log", "/log", msg("task.ping.log")),
        ("exit", "/{exit-status}", msg("task.ping.exit")),
    ]
    .into_iter()
    .map(|(id, suffix, key)| PingUrl { id: format!("{prefix}-{id}"), label: tr.t(key).to_owned(), url: format!("{base}{suffix}") })
    .collect()
}

/// The ping root of the installation (`https://vigil.example.com/ping`).
fn ping_root(public_url: &Url) -> String {
    format!("{}/ping", public_url.as_str().trim_end_matches('/'))
}

/// The task's URL by token.
pub(crate) fn token_url(public_url: &Url, task: &Task) -> String {
    format!("{}/{}", ping_root(public_url), task.token)
}

/// The URLs by token, and by slug when the task has one and the organisation a ping key.
pub(crate) fn ping_urls(tr: &Tr, public_url: &Url, task: &Task, key: Option<&PingKey>) -> (Vec<PingUrl>, Option<Vec<PingUrl>>) {
    let by_token = urls(tr, &token_url(public_url, task), "token");
    let by_slug = match (key, &task.spec.slug) {
        (Some(key), Some(slug)) => Some(urls(tr, &format!("{}/{}/{}", ping_root(public_url), key.as_str(), slug.as_str()), "slug")),
        _ => None,
    };
    (by_token, by_slug)
}

/// A crontab schedule firing as the task expects: its own expression, or a period that a
/// crontab can write (every n minutes or hours dividing the hour or the day, daily, weekly).
pub(crate) fn crontab_schedule(schedule: &TaskSchedule) -> Option<String> {
    match schedule {
        TaskSchedule::Cron { expr, .. } => Some(expr.source().to_owned()),
        TaskSchedule::Period { seconds } => match *seconds {
            60 => Some("* * * * *".into()),
            s if s % 60 == 0 && s < 3600 && 3600 % s == 0 => Some(format!("*/{} * * * *", s / 60)),
            3600 => Some("0 * * * *".into()),
            s if s % 3600 == 0 && s < 86_400 && 86_400 % s == 0 => Some(format!("0 */{} * * *", s / 3600)),
            86_400 => Some("0 0 * * *".into()),
            604_800 => Some("0 0 * * 0".into()),
            _ => None,
        },
    }
}

/// The snippets pinging `url` for a task on `schedule`.
pub(crate) fn snippets(tr: &Tr, url: &str, schedule: &TaskSchedule) -> Vec<Snippet> {
    let mut out = Vec::new();
    if let Some(when) = crontab_schedule(schedule) {
        out.push(Snippet {
            id: "snippet-crontab",
            label: tr.t(msg("task.snippet.crontab")).to_owned(),
            text: format!("{when} {JOB} && {CURL} {url}"),
        });
        out.push(Snippet {
            id: "snippet-crontab-run",
            label: tr.t(msg("task.snippet.crontab_run")).to_owned(),
            text: format!("{when} vigil run --ping-url {url} -- {JOB}"),
        });
    }
    out.push(Snippet {
        id: "snippet-run",
        label: tr.t(msg("task.snippet.run")).to_owned(),
        text: format!("vigil run --ping-url {url} -- {JOB}"),
    });
    out.push(Snippet {
        id: "snippet-shell",
        label: tr.t(msg("task.snippet.shell")).to_owned(),
        text: format!(
            "#!/bin/sh\nURL={url}\n{CURL} \"$URL/start\"\noutput=$({JOB} 2>&1)\nstatus=$?\n\
             printf '%s' \"$output\" | {CURL} --data-binary @- \"$URL/$status\"\nexit $status"
        ),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::heartbeat::cron::CronExpr;

    #[test]
    fn crontab_lines_follow_the_schedule() {
        let period = |seconds| crontab_schedule(&TaskSchedule::Period { seconds });
        let cases = [
            (period(60), Some("* * * * *")),
            (period(300), Some("*/5 * * * *")),
            (period(420), None),
            (period(3600), Some("0 * * * *")),
            (period(6 * 3600), Some("0 */6 * * *")),
            (period(5 * 3600), None),
            (period(86_400), Some("0 0 * * *")),
            (period(604_800), Some("0 0 * * 0")),
            (period(45), None),
            (
                crontab_schedule(&TaskSchedule::Cron { expr: CronExpr::parse("30 2 * * 1-5").unwrap(), timezone: "Europe/Riga".into() }),
                Some("30 2 * * 1-5"),
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got.as_deref(), want);
        }
    }
}
