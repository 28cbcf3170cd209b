//! A notifier that answers what the test scripts, and keeps what it was asked to send.

use async_trait::async_trait;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use vigil_domain::notify::{AttemptResult, OutboundMessage};
use vigil_domain::ports::Notifier;

#[derive(Debug)]
struct Script {
    queued: VecDeque<AttemptResult>,
    otherwise: AttemptResult,
    sent: Vec<OutboundMessage>,
}

/// Answers each message with the next queued result, or with its standing answer; keeps every
/// message. Clones share their script.
#[derive(Clone, Debug)]
pub struct ScriptedNotifier(Arc<Mutex<Script>>);

impl Default for ScriptedNotifier {
    /// Accepts everything with a 200.
    fn default() -> Self {
        Self::answering(AttemptResult::Accepted { status_code: Some(200) })
    }
}

impl ScriptedNotifier {
    /// A notifier whose standing answer is `result`.
    pub fn answering(result: AttemptResult) -> Self {
        Self(Arc::new(Mutex::new(Script { queued: VecDeque::new(), otherwise: result, sent: Vec::new() })))
    }

    /// A refusal with `status`, worth retrying or not.
    pub fn rejected(status: u16, retryable: bool) -> AttemptResult {
        AttemptResult::Rejected { status_code: Some(status), error: format!("the receiver answered {status}"), retryable }
    }

    fn script(&self) -> std::sync::MutexGuard<'_, Script> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Answers `result` to the next message not yet scripted.
    pub fn then(&self, result: AttemptResult) -> &Self {
        self.script().queued.push_back(result);
        self
    }

    /// Every message sent so far.
    pub fn sent(&self) -> Vec<OutboundMessage> {
        self.script().sent.clone()
    }
}

#[async_trait]
impl Notifier for ScriptedNotifier {
    async fn send(&self, message: &OutboundMessage, _timeout: Duration) -> (AttemptResult, Duration) {
        let mut script = self.script();
        script.sent.push(message.clone());
        (script.queued.pop_front().unwrap_or_else(|| script.otherwise.clone()), Duration::from_millis(5))
    }
}
