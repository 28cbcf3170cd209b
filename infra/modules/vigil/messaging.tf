# The events topic and the three work queues, each with a dead-letter queue. A queue's
# visibility timeout is six times its consumer's timeout (AWS's advice for event source
# mappings: a batch being retried within the function is not redelivered meanwhile).

locals {
  # SQS-managed encryption when there is no customer key: free, and SNS can deliver to it
  # without any key policy.
  sqs_kms_key_id     = var.kms_key_arn
  sqs_managed_sse    = var.kms_key_arn == null ? true : null
  dlq_retention_secs = 1209600 # 14 days, the SQS maximum: time to find out why and redrive
}

resource "aws_sns_topic" "events" {
  name              = "${var.name_prefix}-events"
  kms_master_key_id = coalesce(var.kms_key_arn, "alias/aws/sns")
  tags              = var.tags
}

# probe-jobs: scheduler -> prober. Jobs carry their own DelaySeconds (up to 900 s).
resource "aws_sqs_queue" "probe_jobs_dlq" {
  name                      = "${var.name_prefix}-probe-jobs-dlq"
  message_retention_seconds = local.dlq_retention_secs
  kms_master_key_id         = local.sqs_kms_key_id
  sqs_managed_sse_enabled   = local.sqs_managed_sse
  tags                      = var.tags
}

resource "aws_sqs_queue" "probe_jobs" {
  name                       = "${var.name_prefix}-probe-jobs"
  visibility_timeout_seconds = 6 * local.timeouts.prober
  kms_master_key_id          = local.sqs_kms_key_id
  sqs_managed_sse_enabled    = local.sqs_managed_sse
  # Three receives: a job whose checks keep failing the function (not the checks: a failed check
  # is a result) is parked rather than retried for ever.
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.probe_jobs_dlq.arn, maxReceiveCount = 3 })
  tags           = var.tags
}

# incident-events: events topic -> incidents.
resource "aws_sqs_queue" "incident_events_dlq" {
  name                      = "${var.name_prefix}-incident-events-dlq"
  message_retention_seconds = local.dlq_retention_secs
  kms_master_key_id         = local.sqs_kms_key_id
  sqs_managed_sse_enabled   = local.sqs_managed_sse
  tags                      = var.tags
}

resource "aws_sqs_queue" "incident_events" {
  name                       = "${var.name_prefix}-incident-events"
  visibility_timeout_seconds = 6 * local.timeouts.incidents
  kms_master_key_id          = local.sqs_kms_key_id
  sqs_managed_sse_enabled    = local.sqs_managed_sse
  # Five receives: incident writes are conditional and can lose races; those retry.
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.incident_events_dlq.arn, maxReceiveCount = 5 })
  tags           = var.tags
}

data "aws_iam_policy_document" "incident_events_queue" {
  statement {
    sid       = "EventsTopicDelivers"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.incident_events.arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.events.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "incident_events" {
  queue_url = aws_sqs_queue.incident_events.id
  policy    = data.aws_iam_policy_document.incident_events_queue.json
}

resource "aws_sns_topic_subscription" "incident_events" {
  topic_arn = aws_sns_topic.events.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.incident_events.arn
  # The incidents function reads the event JSON itself, not SNS's envelope.
  raw_message_delivery = true

  depends_on = [aws_sqs_queue_policy.incident_events]
}

# notifications: incidents/api/... -> notifier. The notifier retries a delivery by re-sending it
# here with a delay, and sends one that failed for good to the DLQ itself; the redrive only
# catches deliveries the function could not even handle.
resource "aws_sqs_queue" "notifications_dlq" {
  name                      = "${var.name_prefix}-notifications-dlq"
  message_retention_seconds = local.dlq_retention_secs
  kms_master_key_id         = local.sqs_kms_key_id
  sqs_managed_sse_enabled   = local.sqs_managed_sse
  tags                      = var.tags
}

resource "aws_sqs_queue" "notifications" {
  name                       = "${var.name_prefix}-notifications"
  visibility_timeout_seconds = 6 * local.timeouts.notifier
  kms_master_key_id          = local.sqs_kms_key_id
  sqs_managed_sse_enabled    = local.sqs_managed_sse
  redrive_policy             = jsonencode({ deadLetterTargetArn = aws_sqs_queue.notifications_dlq.arn, maxReceiveCount = 5 })
  tags                       = var.tags
}
