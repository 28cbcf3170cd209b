//! The prober function: SQS delivers batches of probe-job messages; each job's checks run at
//! once, results and health go to DynamoDB, artefacts to S3, status changes to SNS. Messages
//! whose checks could not all be stored are returned as batch item failures, so SQS delivers
//! only them again (checks that were stored are then recognised as duplicates); a message that
//! is not a job at all is also returned, and the queue's redrive policy moves it to the
//! dead-letter queue after its last allowed receive.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::LambdaEvent;
use std::sync::atomic::{AtomicUsize, Ordering};
use vigil_app::jobs::{EntryOutcome, RunProbeJobs, run_probe_jobs};
use vigil_app::{Deps, SystemClock};
use vigil_aws::sqs::{Order, QueueKind, decode_job, each_message};

const PROBE_JOBS: QueueKind = QueueKind { queue: "probe-job", holds: "a job" };

/// Handles one SQS batch. Never fails as a whole: every problem is a batch item failure.
pub async fn handle(deps: &Deps, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, std::convert::Infallible> {
    let now = SystemClock::now();
    let [ran, skipped, failed] = [const { AtomicUsize::new(0) }; 3];
    let processed = each_message(
        PROBE_JOBS,
        &event.payload.records,
        Order::AtOnce,
        |body| Ok(decode_job(body)?),
        |job| async {
            let reports = run_probe_jobs(deps, RunProbeJobs { jobs: vec![job] }, now).await;
            for entry in reports.iter().flat_map(|report| &report.entries) {
                match entry {
                    EntryOutcome::Ran { .. } => ran.fetch_add(1, Ordering::Relaxed),
                    EntryOutcome::Skipped(_) => skipped.fetch_add(1, Ordering::Relaxed),
                    EntryOutcome::Failed(error) => {
                        tracing::error!(%error, "a check of a probe job failed; the job will be delivered again");
                        failed.fetch_add(1, Ordering::Relaxed)
                    }
                };
            }
            match reports.iter().any(|report| report.failed()) {
                true => Err(anyhow::anyhow!("a check of the job failed")),
                false => Ok(()),
            }
        },
    )
    .await;
    let (ran, skipped, failed) = (ran.into_inner(), skipped.into_inner(), failed.into_inner());
    tracing::info!(ran, skipped, failed, failed_messages = processed.failed.len(), request_id = %event.context.request_id, "probe batch done");
    Ok(processed.response())
}
