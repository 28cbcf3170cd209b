//! Vigil's AWS resources on the emulator, as infra/ declares them for a deployment: the table,
//! the probe-job queue with its dead-letter queue, the events topic with a queue subscribed to
//! it (where tests read what was published) and the incidents function's queue subscribed to
//! it, the notifier's queue with its dead-letter queue, an event bus with a rule to a queue, and the
//! artefact bucket.

use aws_sdk_sqs::types::QueueAttributeName;
use vigil_aws::AwsClients;

/// Names and addresses of what was provisioned.
#[derive(Clone, Debug)]
pub struct Resources {
    /// DynamoDB table.
    pub table: String,
    /// S3 bucket.
    pub bucket: String,
    /// SNS topic of events.
    pub topic_arn: String,
    /// A queue subscribed to the topic.
    pub events_tap_url: String,
    /// EventBridge bus.
    pub bus: String,
    /// A queue that a rule on the bus sends Vigil's events to.
    pub bus_tap_url: String,
    /// Probe-job queue.
    pub probe_queue_url: String,
    /// Its dead-letter queue.
    pub probe_dlq_url: String,
    /// The notifier's queue of deliveries.
    pub notify_queue_url: String,
    /// Its dead-letter queue.
    pub notify_dlq_url: String,
    /// The incidents function's queue, subscribed to the events topic with raw delivery.
    pub incident_queue_url: String,
}

/// Receives a message this many times before the dead-letter queue takes it.
pub const MAX_RECEIVES: u32 = 3;

async fn queue(clients: &AwsClients, name: &str, attributes: &[(QueueAttributeName, String)]) -> anyhow::Result<(String, String)> {
    let mut request = clients.sqs().create_queue().queue_name(name);
    for (key, value) in attributes {
        request = request.attributes(key.clone(), value);
    }
    let url = request.send().await?.queue_url.unwrap_or_default();
    let arn = clients
        .sqs()
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await?
        .attributes
        .and_then(|mut a| a.remove(&QueueAttributeName::QueueArn))
        .unwrap_or_default();
    Ok((url, arn))
}

/// Creates every resource on a reset emulator.
pub async fn provision(clients: &AwsClients) -> anyhow::Result<Resources> {
    let table = "vigil".to_owned();
    vigil_aws::dynamo::create_table(clients.dynamodb_sdk(), &table).await?;

    let bucket = "vigil-artefacts".to_owned();
    // The functions' own S3 client makes no buckets: Terraform does (infra/modules/vigil/bucket.tf).
    let s3 = aws_sdk_s3::config::Builder::from(clients.sdk_config()).force_path_style(true).build();
    aws_sdk_s3::Client::from_conf(s3).create_bucket().bucket(&bucket).send().await?;

    let (probe_dlq_url, dlq_arn) = queue(clients, "vigil-probe-jobs-dlq", &[]).await?;
    let redrive = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"{MAX_RECEIVES}"}}"#);
    let (probe_queue_url, _) = queue(
        clients,
        "vigil-probe-jobs",
        &[(QueueAttributeName::RedrivePolicy, redrive), (QueueAttributeName::VisibilityTimeout, "1".into())],
    )
    .await?;

    let (notify_dlq_url, notify_dlq_arn) = queue(clients, "vigil-notifications-dlq", &[]).await?;
    let redrive = format!(r#"{{"deadLetterTargetArn":"{notify_dlq_arn}","maxReceiveCount":"{MAX_RECEIVES}"}}"#);
    let (notify_queue_url, _) = queue(
        clients,
        "vigil-notifications",
        &[(QueueAttributeName::RedrivePolicy, redrive), (QueueAttributeName::VisibilityTimeout, "1".into())],
    )
    .await?;

    // Vigil's functions publish through their own small clients; the topic, the bus and their
    // subscriptions are made with the SDK's.
    let sns = aws_sdk_sns::Client::new(clients.sdk_config());
    let eventbridge = aws_sdk_eventbridge::Client::new(clients.sdk_config());
    let topic_arn = sns.create_topic().name("vigil-events").send().await?.topic_arn.unwrap_or_default();
    let (incident_queue_url, incident_queue_arn) = queue(clients, "vigil-incident-events", &[]).await?;
    sns.subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&incident_queue_arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await?;
    let (events_tap_url, events_tap_arn) = queue(clients, "vigil-events-tap", &[]).await?;
    sns.subscribe().topic_arn(&topic_arn).protocol("sqs").endpoint(&events_tap_arn).send().await?;

    let bus = "vigil-bus".to_owned();
    eventbridge.create_event_bus().name(&bus).send().await?;
    let (bus_tap_url, bus_tap_arn) = queue(clients, "vigil-bus-tap", &[]).await?;
    eventbridge.put_rule().event_bus_name(&bus).name("vigil-to-tap").event_pattern(r#"{"source":["vigil"]}"#).send().await?;
    let target = aws_sdk_eventbridge::types::Target::builder().id("tap").arn(&bus_tap_arn).build()?;
    eventbridge.put_targets().event_bus_name(&bus).rule("vigil-to-tap").targets(target).send().await?;

    Ok(Resources {
        table,
        bucket,
        topic_arn,
        events_tap_url,
        bus,
        bus_tap_url,
        probe_queue_url,
        probe_dlq_url,
        notify_queue_url,
        notify_dlq_url,
        incident_queue_url,
    })
}
