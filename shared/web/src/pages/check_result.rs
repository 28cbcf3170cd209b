//! What "check now" found, as a fragment of the monitor page: the check's outcome and status in
//! words, its response code and time, its failure class and message, and each assertion's
//! verdict. The page's script asks for it (`Accept: text/vnd.vigil.fragment+html`) and puts it
//! in a live region, so the person hears the result without a reload; without script the form
//! posts and the page comes back with the check at the top of its list.

use super::monitor::failure_class;
use crate::history::{self, Group};
use crate::i18n::{Tr, msg};
use askama::Template;
use axum::http::{HeaderMap, header};
use vigil_app::checks::CheckRun;
use vigil_domain::check::CheckOutcome;
use vigil_domain::monitor::HttpMonitorSpec;
use vigil_domain::trial::{AssertionVerdict, verdicts_of_check};

/// The media type by which the page's script asks for the fragment instead of a redirect.
pub(crate) const FRAGMENT: &str = "text/vnd.vigil.fragment+html";

/// Whether the request asks for the fragment.
pub(crate) fn wants_fragment(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).any(|v| v.split(',').any(|t| t.trim().starts_with(FRAGMENT)))
}

/// One assertion's verdict.
struct Verdict {
    expression: String,
    /// `up`, `down` or `pending` (not judged), for the glyph and the class.
    group: Group,
    text: String,
}

/// The fragment.
#[derive(Template)]
#[template(path = "check_result.html")]
pub(crate) struct CheckResultFragment {
    group: Group,
    title: String,
    summary: String,
    failure: Option<(String, String)>,
    verdicts: Vec<Verdict>,
    status_now: String,
}

impl CheckResultFragment {
    /// The fragment of `run`, a check of the monitor whose spec is `spec`.
    pub(crate) fn of(tr: &Tr, spec: &HttpMonitorSpec, run: &CheckRun) -> Self {
        let result = &run.result;
        let (group, outcome, failure) = match &result.outcome {
            CheckOutcome::Up => (Group::Up, msg("overview.check_up"), None),
            CheckOutcome::Down { failure } => {
                (Group::Down, msg("overview.check_down"), Some((failure_class(tr, failure.class), failure.message.clone())))
            }
            CheckOutcome::Error { message } => (Group::Pending, msg("overview.check_error"), Some((String::new(), message.clone()))),
        };
        let time = history::milliseconds(tr, result.timings.total);
        let summary = match result.status_code {
            Some(code) => tr.a2("monitor_form.trial_summary", "code", code, "time", time),
            None => tr.a("monitor.check.no_response", "time", time),
        };
        let verdicts = verdicts_of_check(spec, &result.outcome)
            .into_iter()
            .map(|(expression, verdict)| {
                let (group, text) = match verdict {
                    Some(AssertionVerdict::Holds) => (Group::Up, tr.t(msg("monitor_form.holds")).to_owned()),
                    Some(AssertionVerdict::Fails { actual }) => (Group::Down, tr.a("monitor_form.fails", "actual", actual)),
                    Some(AssertionVerdict::NoResponse) => (Group::Pending, tr.t(msg("monitor_form.no_response")).to_owned()),
                    Some(AssertionVerdict::BodyTooLarge { read }) => {
                        (Group::Down, tr.a("monitor_form.body_too_large", "bytes", tr.number(read as i64)))
                    }
                    None => (Group::Pending, tr.t(msg("monitor.check.not_judged")).to_owned()),
                };
                Verdict { expression, group, text }
            })
            .collect();
        let status = history::monitor_status(tr, run.health.status).1;
        CheckResultFragment {
            group,
            title: tr.a2("monitor.check.title", "time", tr.datetime(result.started_at), "outcome", tr.t(outcome)),
            summary,
            failure,
            verdicts,
            status_now: tr.a("monitor.check.status_now", "status", status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_a_request_that_names_the_fragment_gets_it() {
        let cases = [
            (None, false),
            (Some("text/html,application/xhtml+xml,*/*;q=0.8"), false),
            (Some(FRAGMENT), true),
            (Some("text/vnd.vigil.fragment+html, text/html;q=0.5"), true),
        ];
        for (accept, want) in cases {
            let mut headers = HeaderMap::new();
            if let Some(accept) = accept {
                headers.insert(header::ACCEPT, HeaderValue::from_static(accept));
            }
            assert_eq!(wants_fragment(&headers), want, "{accept:?}");
        }
    }
}
