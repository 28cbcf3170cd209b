//! The prober function: SQS delivers batches of probe-job messages; each job's checks run at
//! once, results and health go to DynamoDB, artefacts to S3, status changes to SNS. Messages
//! whose checks could not all be stored are returned as batch item failures, so SQS delivers
//! only them again (checks that were stored are then recognised as duplicates); a message that
//! is not a job at all is also returned, and the queue's redrive policy moves it to the
//! dead-letter queue after its last allowed receive.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::LambdaEvent;
use vigil_app::jobs::{EntryOutcome, RunProbeJobs, run_probe_jobs};
use vigil_app::{Deps, SystemClock};
use vigil_aws::batch_response::batch_failures;
use vigil_aws::sqs::decode_job;

/// Handles one SQS batch. Never fails as a whole: every problem is a batch item failure.
pub async fn handle(deps: &Deps, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, std::convert::Infallible> {
    let now = SystemClock::now();
    let mut failures = Vec::new();
    let mut jobs = Vec::new();
    let mut job_messages = Vec::new();
    for message in event.payload.records {
        let id = message.message_id.clone().unwrap_or_default();
        match decode_job(message.body.as_deref().unwrap_or_default()) {
            Ok(job) => {
                jobs.push(job);
                job_messages.push(id);
            }
            Err(error) => {
                let receives = message.attributes.get("ApproximateReceiveCount").map(String::as_str).unwrap_or("?");
                tracing::error!(message_id = %id, receives, %error, "a message on the probe-job queue is not a job; returning it towards the dead-letter queue");
                failures.push(id);
            }
        }
    }
    let reports = run_probe_jobs(deps, RunProbeJobs { jobs }, now).await;
    let (mut ran, mut skipped, mut failed) = (0, 0, 0);
    for (report, id) in reports.iter().zip(job_messages) {
        for entry in &report.entries {
            match entry {
                EntryOutcome::Ran { .. } => ran += 1,
                EntryOutcome::Skipped(_) => skipped += 1,
                EntryOutcome::Failed(error) => {
                    failed += 1;
                    tracing::error!(message_id = %id, %error, "a check of a probe job failed; the job will be delivered again");
                }
            }
        }
        if report.failed() {
            failures.push(id);
        }
    }
    tracing::info!(ran, skipped, failed, failed_messages = failures.len(), request_id = %event.context.request_id, "probe batch done");
    Ok(batch_failures(failures))
}
