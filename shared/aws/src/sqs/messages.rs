//! The per-message loop of SQS-triggered functions: each message decoded and run in a span
//! carrying its id, and every message that did not go through named in the partial batch
//! response, so SQS delivers only those again (and, after the queue's last allowed receive,
//! moves them to its dead-letter queue).

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsMessage};
use std::future::Future;
use tracing::Instrument;

/// What a queue holds, as its messages are named in the logs.
#[derive(Clone, Copy, Debug)]
pub struct QueueKind {
    /// The queue, e.g. `probe-job`.
    pub queue: &'static str,
    /// What one of its messages is, e.g. `a job`.
    pub holds: &'static str,
}

/// Whether a batch's messages run one after the other or all at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// In the batch's order: what one message does may matter to the next.
    InTurn,
    /// Concurrently: a slow message holds up only itself.
    AtOnce,
}

/// What became of a batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Processed {
    /// Messages in the batch.
    pub messages: usize,
    /// The ids of the messages that must come again.
    pub failed: Vec<String>,
}

impl Processed {
    /// The partial batch response naming the failed messages.
    pub fn response(self) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        response.batch_item_failures = self
            .failed
            .into_iter()
            .map(|id| {
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = id;
                failure
            })
            .collect();
        response
    }
}

/// Decodes each message's body with `decode` and runs it with `run`, each in a `message` span
/// carrying its `message_id`. A body that does not decode, or a run that fails, makes its
/// message a batch item failure (logged with the reason); the others are done with.
pub async fn each_message<T, F, Fut>(
    kind: QueueKind,
    records: &[SqsMessage],
    order: Order,
    decode: impl Fn(&str) -> anyhow::Result<T>,
    run: F,
) -> Processed
where
    F: Fn(T) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let one = |message: &SqsMessage| {
        let id = message.message_id.clone().unwrap_or_default();
        let span = tracing::info_span!("message", message_id = %id, queue = kind.queue);
        let decoded = span.in_scope(|| decode(message.body.as_deref().unwrap_or_default()));
        let receives = message.attributes.get("ApproximateReceiveCount").cloned();
        let run = &run;
        async move {
            let failed = match decoded {
                Err(error) => {
                    let receives = receives.as_deref().unwrap_or("?");
                    tracing::error!(receives, error = %format!("{error:#}"), "a message on the {} queue is not {}; returning it towards the dead-letter queue", kind.queue, kind.holds);
                    true
                }
                Ok(item) => match run(item).await {
                    Ok(()) => false,
                    Err(error) => {
                        tracing::error!(error = %format!("{error:#}"), "a message on the {} queue failed; it will be delivered again", kind.queue);
                        true
                    }
                },
            };
            failed.then_some(id)
        }
        .instrument(span)
    };
    let outcomes = match order {
        Order::AtOnce => futures::future::join_all(records.iter().map(one)).await,
        Order::InTurn => {
            let mut outcomes = Vec::with_capacity(records.len());
            for message in records {
                outcomes.push(one(message).await);
            }
            outcomes
        }
    };
    Processed { messages: records.len(), failed: outcomes.into_iter().flatten().collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: QueueKind = QueueKind { queue: "test", holds: "a number" };

    fn message(id: &str, body: &str) -> SqsMessage {
        let mut message = SqsMessage::default();
        message.message_id = Some(id.to_owned());
        message.body = Some(body.to_owned());
        message
    }

    #[tokio::test]
    async fn failures_are_the_messages_that_did_not_decode_or_run() {
        let batch = [message("a", "1"), message("b", "two"), message("c", "3"), message("d", "4")];
        for order in [Order::InTurn, Order::AtOnce] {
            let ran = std::sync::Mutex::new(Vec::new());
            let processed = each_message(
                KIND,
                &batch,
                order,
                |body| Ok(body.parse::<u32>()?),
                |n| {
                    ran.lock().unwrap().push(n);
                    async move { if n == 3 { Err(anyhow::anyhow!("three fails")) } else { Ok(()) } }
                },
            )
            .await;
            assert_eq!(processed, Processed { messages: 4, failed: vec!["b".into(), "c".into()] }, "{order:?}");
            assert_eq!(*ran.lock().unwrap(), [1, 3, 4], "{order:?}: what decoded ran, in the batch's order");
            let ids: Vec<String> = processed.response().batch_item_failures.into_iter().map(|f| f.item_identifier).collect();
            assert_eq!(ids, ["b", "c"]);
        }
    }
}
