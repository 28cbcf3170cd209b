//! One HTTP/1.1 exchange on a fresh connection: send, receive the head, and either hand back a
//! redirect or read the body up to the cap.

use bytes::Bytes;
use http::Request;
use http::header::{self, HeaderValue};
use http_body_util::Full;
use hyper::body::Body;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use jiff::Timestamp;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::Poll;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use crate::body::{CappedBody, read_capped};
use crate::failure::{Failure, body_failure, response_failure};
use crate::progress::{Phase, Progress};
use crate::redirect::is_redirect;

/// How an exchange ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A redirect to follow; its body was not read.
    Redirect { status: u16, location: HeaderValue },
    /// The response the check reports.
    Final(FinalResponse),
}

/// A response with its (capped) body.
#[derive(Debug)]
pub(crate) struct FinalResponse {
    pub(crate) observed_at: Timestamp,
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: CappedBody,
}

/// Sends `request` over `io` and reads the answer. The connection is driven in this future
/// rather than spawned, so dropping the future (deadline, cap reached, redirect) closes the
/// socket at once and nothing outlives the check.
pub(crate) async fn exchange<S>(
    http1: &http1::Builder,
    io: S,
    request: Request<Full<Bytes>>,
    follow_redirects: bool,
    body_cap: usize,
    progress: &mut Progress,
) -> Result<Outcome, Failure>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let (mut sender, conn) = http1.handshake(TokioIo::new(io)).await.map_err(|e| response_failure(&e))?;
    let conn = pin!(conn);
    let mut conn = Some(conn);

    progress.phase = Phase::AwaitingResponse;
    let sent = Instant::now();
    let response = drive(&mut conn, sender.send_request(request)).await.map_err(|e| response_failure(&e))?;
    progress.first_byte = Some(sent.elapsed());
    let observed_at = Timestamp::now();

    let (parts, body) = response.into_parts();
    let status = parts.status.as_u16();
    if follow_redirects
        && is_redirect(status)
        && let Some(location) = parts.headers.get(header::LOCATION)
    {
        return Ok(Outcome::Redirect { status, location: location.clone() });
    }
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect();

    progress.phase = Phase::ReadingBody;
    let length = body.size_hint().exact();
    let body =
        drive(&mut conn, read_capped(body, body_cap, length, progress)).await.map_err(|e| body_failure(&e, progress.body_received))?;
    Ok(Outcome::Final(FinalResponse { observed_at, status, headers, body }))
}

/// Polls `fut` while also driving the connection (which does the actual reading and writing).
/// Once the connection finishes it is not polled again; hyper has by then handed its outcome,
/// success or error, to whatever `fut` waits on.
async fn drive<C, F>(conn: &mut Option<Pin<&mut C>>, fut: F) -> F::Output
where
    C: Future<Output = hyper::Result<()>>,
    F: Future,
{
    let mut fut = pin!(fut);
    poll_fn(|cx| {
        if let Poll::Ready(out) = fut.as_mut().poll(cx) {
            return Poll::Ready(out);
        }
        if let Some(c) = conn.as_mut()
            && c.as_mut().poll(cx).is_ready()
        {
            *conn = None;
            return fut.as_mut().poll(cx);
        }
        Poll::Pending
    })
    .await
}
