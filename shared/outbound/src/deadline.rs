//! The outer deadline of one send attempt.

use std::future::Future;
use std::time::{Duration, Instant};
use vigil_domain::notify::AttemptResult;

/// Runs `attempt`, giving up after `timeout` with a retryable rejection, and returns its result
/// with how long it took.
///
/// The outer deadline holds even if a transport ignores its own timeout (a receiver that accepts
/// the connection and never answers, an SDK whose retries outlast the attempt's budget).
pub async fn within_deadline(timeout: Duration, attempt: impl Future<Output = AttemptResult>) -> (AttemptResult, Duration) {
    let started = Instant::now();
    let result = match tokio::time::timeout(timeout, attempt).await {
        Ok(result) => result,
        Err(_) => {
            AttemptResult::Rejected { status_code: None, error: format!("no answer within {} ms", timeout.as_millis()), retryable: true }
        }
    };
    (result, started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_attempt_that_never_ends_is_a_retryable_timeout() {
        let (result, took) = within_deadline(Duration::from_millis(50), std::future::pending()).await;
        assert_eq!(result, AttemptResult::Rejected { status_code: None, error: "no answer within 50 ms".into(), retryable: true });
        assert!(took >= Duration::from_millis(50), "{took:?}");
    }

    #[tokio::test]
    async fn a_finished_attempt_keeps_its_result() {
        let accepted = AttemptResult::Accepted { status_code: Some(204) };
        let (result, _) = within_deadline(Duration::from_secs(5), async { accepted.clone() }).await;
        assert_eq!(result, accepted);
    }
}
