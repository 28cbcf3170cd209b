//! `vigil-bench aws-cost`: the serverless path (scheduler → SQS → prober → DynamoDB, S3, SNS)
//! on the AWS emulator, counting every AWS request, to derive requests and capacity units per
//! 1000 checks and the cost per million checks at AWS list prices. See docs/aws.md.
//!
//! Time is simulated for the scheduler: one run per simulated minute, so an hour of schedule
//! takes as long as the checks themselves. Jobs are sent with their delays dropped (a wrapper
//! of the real SQS adapter: the same SendMessageBatch calls), and are received as Lambda's
//! poller would, ten at a time, each batch handed to the real prober handler and the successes
//! deleted with DeleteMessageBatch.
//!
//! DynamoDB capacity is not measured by the emulator, so it is computed: the operations
//! counted, times the units each costs under DynamoDB's sizing rules for the item sizes
//! actually stored (measured by scanning the table at the end).

use anyhow::{Context, anyhow};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, MessageSystemAttributeName};
use jiff::SignedDuration;
use lambda_runtime::{Context as LambdaContext, LambdaEvent};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};
use vigil_app::SystemClock;
use vigil_app::jobs::{DispatchDeps, DispatchDueChecks, dispatch_due_checks};
use vigil_app::monitors::{CreateMonitor, create_monitor};
use vigil_aws::config::StoreConfig;
use vigil_aws::request_count::RequestCounter;
use vigil_aws::sqs::{SqsJobQueue, decode_job};
use vigil_aws::{ClientOptions, DynamoStore, wiring};
use vigil_domain::ids::TenantId;
use vigil_domain::job::DelayedJob;
use vigil_domain::monitor::{CheckInterval, MonitorDraft};
use vigil_domain::ports::{ProbeJobQueue, StoreError};
use vigil_probe::{HttpProber, ProberConfig};

use crate::cli::{AwsCostArgs, Scheme};
use crate::report::{Table, count, num};
use crate::target::Target;

/// On-demand list prices (us-east-1), dollars.
mod price {
    pub const WRITE_UNIT: f64 = 0.625 / 1e6;
    pub const READ_UNIT: f64 = 0.125 / 1e6;
    pub const SQS_REQUEST: f64 = 0.40 / 1e6;
    pub const SNS_PUBLISH: f64 = 0.50 / 1e6;
    pub const S3_PUT: f64 = 5.0 / 1e6;
    pub const S3_GET: f64 = 0.4 / 1e6;
    pub const EVENTBRIDGE_EVENT: f64 = 1.0 / 1e6;
    pub const LAMBDA_REQUEST: f64 = 0.20 / 1e6;
    pub const LAMBDA_GB_SECOND_ARM: f64 = 0.000_013_333_4;
    /// DynamoDB Standard table class, per GB-month stored.
    pub const STORAGE_GB_MONTH: f64 = 0.25;
}

/// What DynamoDB adds to each item's size when it bills storage.
const STORED_ITEM_OVERHEAD: usize = 100;
/// Storage is billed per GB (2^30 bytes) and month (on average 30.44 days).
const GB: f64 = 1_073_741_824.0;
const MONTH_DAYS: f64 = 30.44;

/// The real SQS adapter with every job's delay dropped, so simulated time need not wait for
/// real delays; the requests are the same.
struct Undelayed(SqsJobQueue);

#[async_trait]
impl ProbeJobQueue for Undelayed {
    async fn enqueue(&self, jobs: &[DelayedJob]) -> Result<(), StoreError> {
        let now: Vec<DelayedJob> = jobs.iter().map(|j| DelayedJob { delay_seconds: 0, job: j.job.clone() }).collect();
        self.0.enqueue(&now).await
    }
}

/// DynamoDB's size of an attribute value, in bytes (numbers: about one byte per two digits).
fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => n.trim_start_matches('-').len().div_ceil(2) + 1,
        AttributeValue::Ss(set) => set.iter().map(String::len).sum(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::B(b) => b.as_ref().len(),
        _ => 8,
    }
}

fn item_size(item: &HashMap<String, AttributeValue>) -> usize {
    item.iter().map(|(name, value)| name.len() + value_size(value)).sum()
}

/// Average stored size of each kind of item, by sort key prefix.
async fn item_sizes(client: &aws_sdk_dynamodb::Client, table: &str) -> anyhow::Result<BTreeMap<String, (usize, usize)>> {
    let mut sums: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut start = None;
    loop {
        let page = client.scan().table_name(table).set_exclusive_start_key(start).send().await.context("scanning the table")?;
        for item in page.items() {
            let kind = match item.get("sk") {
                Some(AttributeValue::S(sk)) => sk.split('#').next().unwrap_or("").to_owned(),
                _ => String::new(),
            };
            let size = item_size(item);
            let entry = sums.entry(kind).or_default();
            entry.0 += size;
            entry.1 += 1;
            entry.2 = entry.2.max(size);
        }
        start = page.last_evaluated_key;
        if start.is_none() {
            break;
        }
    }
    Ok(sums.into_iter().map(|(kind, (total, n, max))| (kind, (total / n.max(1), max))).collect())
}

fn units(bytes: usize, unit: usize) -> f64 {
    bytes.div_ceil(unit).max(1) as f64
}

/// Runs the scenario and prints its tables.
pub async fn run(args: AwsCostArgs, target: &Target) -> anyhow::Result<()> {
    let interval = CheckInterval::from_seconds(args.interval_seconds).map_err(|e| anyhow!("--interval-seconds {e}"))?;
    let endpoint = tokio::task::spawn_blocking(vigil_tests::emulator::endpoint).await?;
    vigil_tests::emulator::reset(&endpoint).await;
    let counter = RequestCounter::default();
    let clients =
        vigil_tests::emulator::clients(&endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let resources = vigil_tests::emulator::provision(&clients).await?;
    let config = StoreConfig { event_bus: None, ..vigil_tests::emulator::store_config(&endpoint, &resources) };
    let deps = wiring::prober_deps(&clients, &config, Arc::new(HttpProber::new(ProberConfig::default())?))?;
    // Monitors are made as the monitors function makes them; the prober's wiring has no store for it.
    let monitor_deps = wiring::monitors_deps(&clients, &config)?;
    let dispatch_deps = DispatchDeps {
        schedule: Arc::new(DynamoStore::new(clients.dynamodb.clone(), &resources.table, config.retention)),
        jobs: Arc::new(Undelayed(SqsJobQueue::new(clients.sqs_messages(), &resources.probe_queue_url))),
    };
    let dispatch = DispatchDueChecks {
        lead: SignedDuration::from_secs(i64::from(args.lead_seconds)),
        horizon: SignedDuration::from_secs(i64::from(args.horizon_seconds)),
        claim_batch: 500,
        max_checks: 1_000_000,
        job_size: args.job_size,
    };

    // Monitors created an hour "ago" in simulated time, so the burst of first checks falls
    // outside the measured window (it is a one-off per monitor, not a per-check cost).
    let tenant = TenantId::from_uuid(uuid::Uuid::now_v7());
    let t0 = SystemClock::now();
    let url = target.url(Scheme::Http);
    for i in 0..args.monitors {
        let draft: MonitorDraft =
            serde_json::from_value(serde_json::json!({"name": format!("m{i}"), "url": url, "interval_seconds": interval.seconds()}))?;
        create_monitor(&monitor_deps, CreateMonitor { actor: vigil_domain::access::Actor::system(tenant), draft }, t0).await?;
    }
    println!("created {} monitors checking {url} every {} s", args.monitors, interval.seconds());

    let queue_arn = vigil_tests::emulator::queue_arn(&resources.probe_queue_url);
    let mut totals = Totals::default();
    let warmup = args.warmup_minutes;
    for minute in 0..(warmup + args.minutes) {
        if minute == warmup {
            counter.reset();
            totals = Totals::default();
        }
        let now = t0 + SignedDuration::from_secs(60 * i64::from(minute));
        let started = Instant::now();
        dispatch_due_checks(&dispatch_deps, dispatch, now).await?;
        totals.scheduler.push(started.elapsed());
        // Lambda's poller: batches of up to ten messages until the queue is empty.
        loop {
            let received = clients
                .sqs()
                .receive_message()
                .queue_url(&resources.probe_queue_url)
                .max_number_of_messages(args.batch_size)
                .message_system_attribute_names(MessageSystemAttributeName::All)
                .send()
                .await?;
            let messages = received.messages.unwrap_or_default();
            if messages.is_empty() {
                break;
            }
            for message in &messages {
                totals.checks += decode_job(message.body().unwrap_or_default()).map(|j| j.entries.len() as u64).unwrap_or(0);
            }
            let event = vigil_tests::lambda::sqs_event(&messages, &queue_arn);
            let started = Instant::now();
            let answer =
                vigil_fn_prober::handle(&deps, LambdaEvent::new(event, LambdaContext::default())).await.map_err(|e| anyhow!("{e:?}"))?;
            totals.prober.push(started.elapsed());
            // Failed messages are left for redelivery after the visibility timeout, as on AWS.
            totals.failed_messages += answer.batch_item_failures.len() as u64;
            let failed: Vec<&str> = answer.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
            let entries: Vec<DeleteMessageBatchRequestEntry> = messages
                .iter()
                .filter(|m| !failed.contains(&m.message_id().unwrap_or_default()))
                .enumerate()
                .map(|(i, m)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(m.receipt_handle().unwrap_or_default())
                        .build()
                })
                .collect::<Result<_, _>>()?;
            if !entries.is_empty() {
                clients.sqs().delete_message_batch().queue_url(&resources.probe_queue_url).set_entries(Some(entries)).send().await?;
            }
        }
        if (minute + 1) % 10 == 0 {
            println!("simulated minute {}: {} checks measured so far", minute + 1, totals.checks);
        }
    }
    let requests = counter.snapshot();
    let sizes = item_sizes(clients.dynamodb_sdk(), &resources.table).await?;
    let retention_days = config.retention.as_secs_f64() / 86_400.0;
    print(&args, &totals, &requests, &sizes, retention_days);
    Ok(())
}

#[derive(Default)]
struct Totals {
    checks: u64,
    failed_messages: u64,
    scheduler: Vec<Duration>,
    prober: Vec<Duration>,
}

fn print(
    args: &AwsCostArgs,
    totals: &Totals,
    requests: &BTreeMap<(String, String), u64>,
    sizes: &BTreeMap<String, (usize, usize)>,
    retention_days: f64,
) {
    let n = |service: &str, operation: &str| requests.get(&(service.to_owned(), operation.to_owned())).copied().unwrap_or(0) as f64;
    let checks = totals.checks.max(1) as f64;
    let per_1000 = |x: f64| x * 1000.0 / checks;
    let size = |kind: &str| sizes.get(kind).map_or(0, |s| s.0);
    let (monitor, result, transition) = (size("M"), size("C"), size("X"));
    // A due-index entry: its keys (table and index) and the projected interval.
    let due_entry = 2 + 41 + 2 + 39 + 7 + 4 + 9 + 4 + 10 + 2;

    let puts = n("DynamoDB", "PutItem");
    let gets = n("DynamoDB", "GetItem");
    let transactions = n("DynamoDB", "TransactWriteItems");
    let updates = n("DynamoDB", "UpdateItem");
    let queries = n("DynamoDB", "Query");
    // Every GetItem is priced as a strongly consistent read of a monitor (the prober's; the
    // store's eventually consistent existence reads, half as dear, only happen without one, and
    // a schedule cursor is smaller than a monitor). Every UpdateItem is priced as an advance of
    // the tenant's schedule cursor as well, which reads all of its monitors consistently: an
    // upper bound, since the counter cannot tell that Query from the due index's small ones.
    let cursor_reads = updates * units(monitor * args.monitors, 4096);
    let read_units = gets * units(monitor, 4096) + queries * 0.5 + cursor_reads;
    let write_units = puts * units(result, 1024)
        + transactions * 2.0 * (units(result, 1024) + units(monitor, 1024) + units(transition, 1024))
        + updates * (units(monitor, 1024) + 2.0 * units(due_entry, 1024));
    let sqs: f64 = requests.iter().filter(|((s, _), _)| s == "SQS").map(|(_, n)| *n as f64).sum();
    let sns = n("SNS", "Publish");
    let s3_puts = n("S3", "PutObject");
    let events = n("EventBridge", "PutEvents");
    // The scheduler runs once a minute whatever the fleet; its share per check depends on how
    // many checks a minute there are, so it is shown apart and priced over this run's checks.
    let prober_invocations = totals.prober.len() as f64;
    let scheduler_runs = totals.scheduler.len() as f64;
    let gb = f64::from(args.memory_mb) / 1024.0;
    let gb_seconds = |runs: &[Duration]| -> f64 { runs.iter().map(|d| d.as_secs_f64().max(0.001) * gb).sum() };
    let (prober_gbs, scheduler_gbs) = (gb_seconds(&totals.prober), gb_seconds(&totals.scheduler));
    // Each check's result is kept for the retention (TTL deletes it then, for nothing).
    let stored_gb_months = (result + STORED_ITEM_OVERHEAD) as f64 / GB * retention_days / MONTH_DAYS;

    println!(
        "\nAWS requests counted over {} simulated minutes, {} checks ({} messages returned as batch failures):\n",
        args.minutes,
        count(totals.checks),
        totals.failed_messages
    );
    let mut table = Table::new("request", ["count".to_owned(), "per 1000 checks".to_owned()]);
    for ((service, operation), count_) in requests {
        table.row(&format!("{service} {operation}"), [count(*count_), num(per_1000(*count_ as f64), 2)]);
    }
    table.row("Lambda prober invocations", [count(prober_invocations as u64), num(per_1000(prober_invocations), 2)]);
    table.row("Lambda prober GB-s (measured here)", [num(prober_gbs, 3), num(per_1000(prober_gbs), 4)]);
    table.row("Lambda scheduler runs (one a minute)", [count(scheduler_runs as u64), num(per_1000(scheduler_runs), 2)]);
    table.row("Lambda scheduler GB-s (measured here)", [num(scheduler_gbs, 3), num(per_1000(scheduler_gbs), 4)]);
    println!("{}", table.render());
    println!(
        "item sizes (bytes, average): monitor {monitor}, result {result}, transition {transition}; due-index entry ~{due_entry}; \
         largest result {}",
        sizes.get("C").map_or(0, |s| s.1)
    );
    println!("results kept {retention_days:.0} days: {:.1} GB-months per million checks", stored_gb_months * 1e6);

    let lines = [
        ("DynamoDB writes", per_1000(write_units), price::WRITE_UNIT, "write units"),
        ("DynamoDB reads", per_1000(read_units), price::READ_UNIT, "read units"),
        ("DynamoDB storage (results)", stored_gb_months * 1000.0 * 1024.0, price::STORAGE_GB_MONTH / 1024.0, "MB-months"),
        ("SQS", per_1000(sqs), price::SQS_REQUEST, "requests"),
        ("SNS", per_1000(sns), price::SNS_PUBLISH, "publishes"),
        ("S3", per_1000(s3_puts), price::S3_PUT, "PUTs"),
        ("EventBridge", per_1000(events), price::EVENTBRIDGE_EVENT, "events"),
        ("Lambda prober requests", per_1000(prober_invocations), price::LAMBDA_REQUEST, "invocations"),
        ("Lambda prober duration", per_1000(prober_gbs), price::LAMBDA_GB_SECOND_ARM, "GB-s (arm64)"),
        ("Lambda scheduler (this fleet)", per_1000(scheduler_runs), price::LAMBDA_REQUEST, "invocations"),
        ("Lambda scheduler duration", per_1000(scheduler_gbs), price::LAMBDA_GB_SECOND_ARM, "GB-s (arm64)"),
    ];
    let _ = price::S3_GET;
    println!("\nCost per million checks at on-demand list prices:\n");
    let mut cost = Table::new("component", ["per 1000 checks".to_owned(), "unit".to_owned(), "$ per million checks".to_owned()]);
    let mut total = 0.0;
    for (name, per_thousand, unit_price, unit) in lines {
        let dollars = per_thousand * 1000.0 * unit_price;
        total += dollars;
        cost.row(name, [num(per_thousand, 3), unit.to_owned(), num(dollars, 4)]);
    }
    cost.row("total", [String::new(), String::new(), num(total, 3)]);
    println!("{}", cost.render());
}
