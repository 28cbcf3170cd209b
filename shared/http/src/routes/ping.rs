//! The ping endpoint: `/ping/...`, Healthchecks-compatible. No API key (the URL is the secret),
//! plain-text answers, and nothing read beyond what the ping needs.

use crate::problem::PingError;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::heartbeats::{RecordPing, record_ping};
use vigil_domain::heartbeat::PingBody;
use vigil_domain::heartbeat::ping::{PingPath, run_id_from_query};

/// Bytes read from a body beyond the cap, to count them for the truncation note, before the
/// rest is left unread.
const MAX_COUNTED: u64 = 16 * 1024 * 1024;

/// The first `cap` bytes of `body`, and how many bytes it had (up to [`MAX_COUNTED`]).
async fn read_capped(mut body: Body, cap: usize) -> (Vec<u8>, u64) {
    let mut kept = Vec::new();
    let mut received = 0u64;
    while let Some(Ok(frame)) = body.frame().await {
        if let Ok(data) = frame.into_data() {
            received += data.len() as u64;
            let room = cap.saturating_sub(kept.len());
            kept.extend_from_slice(&data[..data.len().min(room)]);
            if received > MAX_COUNTED {
                break;
            }
        }
    }
    (kept, received)
}

/// A heartbeat ping (Healthchecks-compatible): `/ping/<token>` or `/ping/<ping-key>/<slug>`,
/// then nothing (success), `/start`, `/fail`, `/log` or `/<exit status>`; `?rid=<uuid>` ties a
/// start to its finish. The body (a log, up to the ping body cap) is kept with the run. No API
/// key: the URL is the secret. Answers are plain text, as Healthchecks answers.
#[utoipa::path(method(get, head, post), path = "/ping/{rest}", tag = "heartbeats", operation_id = "ping", security(()),
    params(("rest" = String, Path, description = "The token or ping key and slug, then the action"),
        ("rid" = Option<String>, Query, format = Uuid, description = "The run id, to tie a start to its finish")),
    request_body(content = Option<String>, content_type = "text/plain", description = "A log, kept with the run"),
    responses(
        (status = 200, description = "Recorded", body = String, content_type = "text/plain",
            headers(("Ping-Body-Limit" = String, description = "The most bytes of a body kept"))),
        (status = 400, description = "Not a ping URL, or a bad rid", body = String, content_type = "text/plain"),
        (status = 404, description = "No such task", body = String, content_type = "text/plain"),
        (status = 500, description = "The ping could not be recorded", body = String, content_type = "text/plain")))]
pub(crate) async fn ping(State(deps): State<Deps>, method: Method, uri: Uri, body: Body) -> Result<Response, PingError> {
    if !matches!(method, Method::GET | Method::HEAD | Method::POST) {
        return Err(PingError::Method);
    }
    let rest = uri.path().strip_prefix("/ping/").unwrap_or_default();
    let path = PingPath::parse(rest)?;
    let rid = run_id_from_query(uri.query())?;
    let cap = deps.settings.heartbeat.body_cap;
    let (kept, received) = read_capped(body, cap).await;
    let cmd = RecordPing {
        target: path.target,
        kind: path.kind,
        rid,
        method: method.as_str().to_owned(),
        body: PingBody::capped(kept, received, cap),
    };
    record_ping(&deps, cmd, SystemClock::now()).await?;
    let mut response = "OK".into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if let Ok(limit) = HeaderValue::from_str(&cap.to_string()) {
        headers.insert("ping-body-limit", limit);
    }
    Ok(response)
}
