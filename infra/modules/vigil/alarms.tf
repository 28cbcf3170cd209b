# Alarms besides each function's errors alarm (in the function module): anything in a
# dead-letter queue is work that was given up on, and an old probe job means checks run late.

locals {
  dead_letter_queues = {
    probe-jobs      = aws_sqs_queue.probe_jobs_dlq.name
    incident-events = aws_sqs_queue.incident_events_dlq.name
    notifications   = aws_sqs_queue.notifications_dlq.name
  }
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  for_each = local.dead_letter_queues

  alarm_name          = "${var.name_prefix}-${each.key}-dead-letters"
  alarm_description   = "Messages of ${each.key} were given up on and wait in ${each.value}; read them, fix the cause, redrive."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "probe_backlog" {
  alarm_name          = "${var.name_prefix}-probe-jobs-backlog"
  alarm_description   = "The oldest probe job has waited more than ${var.probe_backlog_alarm_seconds} s: checks run late (prober failing, throttled or at its concurrency cap)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.probe_jobs.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.probe_backlog_alarm_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}
