# What invokes each function other than the HTTP API (api.tf): SQS event sources and the
# once-a-minute schedules.

resource "aws_lambda_event_source_mapping" "prober" {
  event_source_arn        = aws_sqs_queue.probe_jobs.arn
  function_name           = module.prober.arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
  scaling_config {
    maximum_concurrency = var.sqs_maximum_concurrency.prober
  }
}

resource "aws_lambda_event_source_mapping" "incidents" {
  event_source_arn        = aws_sqs_queue.incident_events.arn
  function_name           = module.incidents.arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
  scaling_config {
    maximum_concurrency = var.sqs_maximum_concurrency.incidents
  }
}

resource "aws_lambda_event_source_mapping" "notifier" {
  event_source_arn        = aws_sqs_queue.notifications.arn
  function_name           = module.notifier.arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
  scaling_config {
    maximum_concurrency = var.sqs_maximum_concurrency.notifier
  }
}

resource "aws_cloudwatch_event_rule" "scheduler" {
  name                = "${var.name_prefix}-scheduler"
  description         = "Runs the Vigil scheduler: enqueue the checks due soon."
  schedule_expression = "rate(1 minute)"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "scheduler" {
  rule = aws_cloudwatch_event_rule.scheduler.name
  arn  = module.scheduler.arn
  # A late run is worthless once the next one is due: no retries piling up behind it.
  retry_policy {
    maximum_event_age_in_seconds = 60
    maximum_retry_attempts       = 0
  }
}

resource "aws_lambda_permission" "scheduler" {
  statement_id  = "EventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = module.scheduler.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.scheduler.arn
}

resource "aws_cloudwatch_event_rule" "sweeper" {
  name                = "${var.name_prefix}-sweeper"
  description         = "Runs the Vigil sweeper: late heartbeats, escalations, expired delivery leases."
  schedule_expression = "rate(1 minute)"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "sweeper" {
  rule = aws_cloudwatch_event_rule.sweeper.name
  arn  = module.sweeper.arn
  retry_policy {
    maximum_event_age_in_seconds = 60
    maximum_retry_attempts       = 0
  }
}

resource "aws_lambda_permission" "sweeper" {
  statement_id  = "EventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = module.sweeper.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.sweeper.arn
}
