# Each function's permissions: the actions its code calls (functions/manifest.json, iam_actions)
# on the resources it uses, nothing else. scripts/check-infra fails if one of these lacks an
# action of the manifest or grants one the manifest does not list.
#
# DynamoDB transactions (TransactWriteItems) have no IAM action of their own: each write in one
# is authorised by its PutItem/UpdateItem/DeleteItem/ConditionCheckItem.

locals {
  table_arns     = [aws_dynamodb_table.main.arn, "${aws_dynamodb_table.main.arn}/index/*"]
  store_dynamodb = ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]
  event_bus      = var.event_bus_arn == null ? [] : [var.event_bus_arn]
  kms_keys       = var.kms_key_arn == null ? [] : [var.kms_key_arn]
  # SES authorises a send against the identities involved (the sender's address or domain, and in
  # the SES sandbox the recipients too), which are not known here: any identity of this account
  # and region, narrowed to one From address by a condition when email_from is set.
  ses_identities = "arn:${local.partition}:ses:${local.region}:${local.account_id}:identity/*"
  email_from     = var.email_from == null ? [] : [var.email_from]
}

# "Check now" (the API's and a monitor's page's) and a monitor's form tried: a failing check's
# artefact written (reading them is the monitors function's and the dashboard's), and the events
# of its transitions.
data "aws_iam_policy_document" "check_now" {
  statement {
    sid       = "Table"
    actions   = local.store_dynamodb
    resources = local.table_arns
  }
  statement {
    sid       = "Artefacts"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.artefacts.arn}/*"]
  }
  statement {
    sid       = "Events"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
  }
  dynamic "statement" {
    for_each = local.event_bus
    content {
      sid       = "EventBus"
      actions   = ["events:PutEvents"]
      resources = [statement.value]
    }
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

# What sending a channel's message takes beyond HTTPS, as the notifier sends it and a test send
# (the alerting function's, the alerting pages' function's) tries it: mail through SES, and SMS,
# whose publish to a phone number has no resource ARN, so IAM only accepts "*" here; this also
# allows publishing to other topics, a risk accepted for SMS.
data "aws_iam_policy_document" "channel_sends" {
  #checkov:skip=CKV_AWS_111:The only unrestricted resource is sns:Publish for SMS (see the Sms statement): a phone number has no ARN.
  #checkov:skip=CKV_AWS_356:The only "*" resource is sns:Publish for SMS (see the Sms statement): a phone number has no ARN.
  source_policy_documents = [data.aws_iam_policy_document.email.json]
  statement {
    sid       = "Sms"
    actions   = ["sns:Publish"]
    resources = ["*"]
  }
}

# Channels, alert rules, maintenance windows, failed deliveries, and a channel's test send.
data "aws_iam_policy_document" "alerting" {
  #checkov:skip=CKV_AWS_111:The only unrestricted resource is sns:Publish for SMS (the channel sends' Sms statement): a phone number has no ARN.
  #checkov:skip=CKV_AWS_356:The only "*" resource is sns:Publish for SMS (the channel sends' Sms statement): a phone number has no ARN.
  source_policy_documents = [data.aws_iam_policy_document.table_only.json, data.aws_iam_policy_document.channel_sends.json]
}

# Sign-in, people and organisations: the table, and account mail through SES.
data "aws_iam_policy_document" "accounts" {
  source_policy_documents = [data.aws_iam_policy_document.table_only.json, data.aws_iam_policy_document.email.json]
}

# Mail through SES (the channels' email, sent or tried, and the accounts function's account
# mail). SES authorises a send against the identities involved: see ses_identities.
data "aws_iam_policy_document" "email" {
  statement {
    sid       = "Email"
    actions   = ["ses:SendEmail", "ses:SendRawEmail"]
    resources = [local.ses_identities]
    dynamic "condition" {
      for_each = local.email_from
      content {
        test     = "StringEquals"
        variable = "ses:FromAddress"
        values   = [condition.value]
      }
    }
  }
}

# The dashboard's pages do what the monitors function does, and nothing more. The pages that run
# a check (and write its artefact) are the check-now function's; the hosts' pages, which reach
# agents, and alerting's, which send a channel's test, are the host pages' and the alerting
# pages' functions'.
data "aws_iam_policy_document" "dashboard" {
  source_policy_documents = [data.aws_iam_policy_document.monitors.json]
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "Claims"
    actions   = ["dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.main.arn, "${aws_dynamodb_table.main.arn}/index/due"]
  }
  statement {
    sid       = "ProbeJobs"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.probe_jobs.arn]
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "prober" {
  statement {
    sid       = "Table"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]
    resources = [aws_dynamodb_table.main.arn]
  }
  statement {
    sid       = "Artefacts"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.artefacts.arn}/*"]
  }
  statement {
    sid       = "Events"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
  }
  dynamic "statement" {
    for_each = local.event_bus
    content {
      sid       = "EventBus"
      actions   = ["events:PutEvents"]
      resources = [statement.value]
    }
  }
  statement {
    sid       = "ProbeJobs"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.probe_jobs.arn]
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "incidents" {
  statement {
    sid       = "Table"
    actions   = local.store_dynamodb
    resources = local.table_arns
  }
  statement {
    sid       = "Artefacts"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.artefacts.arn}/*"]
  }
  statement {
    sid       = "ListArtefacts"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.artefacts.arn]
  }
  statement {
    sid       = "Events"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
  }
  dynamic "statement" {
    for_each = local.event_bus
    content {
      sid       = "EventBus"
      actions   = ["events:PutEvents"]
      resources = [statement.value]
    }
  }
  statement {
    sid       = "Notifications"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.notifications.arn]
  }
  statement {
    sid       = "IncidentEvents"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.incident_events.arn]
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "notifier" {
  #checkov:skip=CKV_AWS_111:The only unrestricted resource is sns:Publish for SMS (the channel sends' Sms statement): a phone number has no ARN.
  #checkov:skip=CKV_AWS_356:The only "*" resource is sns:Publish for SMS (the channel sends' Sms statement): a phone number has no ARN.
  source_policy_documents = [data.aws_iam_policy_document.table_only.json, data.aws_iam_policy_document.channel_sends.json]
  # Retries go back to the queue with a delay; deliveries that fail for good go to the DLQ.
  statement {
    sid       = "Deliveries"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.notifications.arn, aws_sqs_queue.notifications_dlq.arn]
  }
  statement {
    sid       = "NotificationsQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.notifications.arn]
  }
}

data "aws_iam_policy_document" "monitors" {
  statement {
    sid       = "Table"
    actions   = local.store_dynamodb
    resources = local.table_arns
  }
  # A check's failure artefact is read with the check; a deleted monitor's are deleted.
  statement {
    sid       = "Artefacts"
    actions   = ["s3:GetObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.artefacts.arn}/*"]
  }
  statement {
    sid       = "ListArtefacts"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.artefacts.arn]
  }
  statement {
    sid       = "Events"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
  }
  # A deleted monitor's ongoing incident is resolved, and its resolution announced.
  statement {
    sid       = "Notifications"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.notifications.arn]
  }
  dynamic "statement" {
    for_each = local.event_bus
    content {
      sid       = "EventBus"
      actions   = ["events:PutEvents"]
      resources = [statement.value]
    }
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

# The table, and the notifications queue: the status pages' editors (publishing) and the api
# (subscribers' mails), and incidents' triage (what an acknowledgement or a resolution
# announces).
data "aws_iam_policy_document" "table_and_notifications" {
  statement {
    sid       = "Table"
    actions   = local.store_dynamodb
    resources = local.table_arns
  }
  statement {
    sid       = "Notifications"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.notifications.arn]
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

# The functions that use the table alone: the public status pages (status: reading them and
# the rollups their bars make, unlocking a protected one, confirming and ending a subscription)
# and signing in through the OpenID provider (sso).
data "aws_iam_policy_document" "table_only" {
  statement {
    sid       = "Table"
    actions   = local.store_dynamodb
    resources = local.table_arns
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "tasks" {
  statement {
    sid       = "Table"
    actions   = local.store_dynamodb
    resources = local.table_arns
  }
  # Big ping bodies: read with a run or a ping, deleted with their task.
  statement {
    sid       = "PingBodies"
    actions   = ["s3:GetObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.artefacts.arn}/pings/*"]
  }
  statement {
    sid       = "ListPingBodies"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.artefacts.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["pings/*"]
    }
  }
  statement {
    sid       = "Events"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
  }
  dynamic "statement" {
    for_each = local.event_bus
    content {
      sid       = "EventBus"
      actions   = ["events:PutEvents"]
      resources = [statement.value]
    }
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "heartbeat" {
  statement {
    sid       = "Table"
    actions   = local.store_dynamodb
    resources = local.table_arns
  }
  # Only the prefix where big ping bodies go.
  statement {
    sid       = "PingBodies"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.artefacts.arn}/pings/*"]
  }
  statement {
    sid       = "ListPingBodies"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.artefacts.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["pings/*"]
    }
  }
  statement {
    sid       = "Events"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
  }
  dynamic "statement" {
    for_each = local.event_bus
    content {
      sid       = "EventBus"
      actions   = ["events:PutEvents"]
      resources = [statement.value]
    }
  }
  statement {
    sid       = "Notifications"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.notifications.arn]
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "sweeper" {
  statement {
    sid       = "Table"
    actions   = local.store_dynamodb
    resources = local.table_arns
  }
  statement {
    sid       = "Artefacts"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.artefacts.arn}/*"]
  }
  statement {
    sid       = "ListArtefacts"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.artefacts.arn]
  }
  statement {
    sid       = "Events"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
  }
  dynamic "statement" {
    for_each = local.event_bus
    content {
      sid       = "EventBus"
      actions   = ["events:PutEvents"]
      resources = [statement.value]
    }
  }
  statement {
    sid       = "Notifications"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.notifications.arn]
  }
  dynamic "statement" {
    for_each = local.kms_keys
    content {
      sid       = "Key"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}
