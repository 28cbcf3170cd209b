# One Vigil Lambda function with everything that belongs to it alone: its role (least privilege:
# the caller passes exactly the permissions the function's code uses), its log group, and an
# alarm on its errors.

data "aws_partition" "current" {}

locals {
  function_name = "${var.deployment.name_prefix}-${var.name}"
  zip           = "${var.deployment.artefacts_dir}/${var.binary}/bootstrap.zip"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${local.function_name}-fn"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.deployment.tags
}

# Terraform creates the log group, so the function only needs to write to it.
data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

data "aws_iam_policy_document" "combined" {
  source_policy_documents = [var.policy_json, data.aws_iam_policy_document.logs.json]
}

resource "aws_iam_role_policy" "this" {
  name   = "${local.function_name}-fn"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.combined.json
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:Encrypted with var.deployment.kms_key_arn when one is given; otherwise CloudWatch's own encryption, so that a deployment needs no key ($1/month) by default.
  #checkov:skip=CKV_AWS_338:Retention is var.deployment.log_retention_days (default 30): logs are for debugging recent runs, check history lives in DynamoDB; a year of logs is a cost nobody asked for.
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.deployment.log_retention_days
  kms_key_id        = var.deployment.kms_key_arn
  tags              = var.deployment.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:No function is invoked asynchronously with a payload worth keeping: SQS-fed ones redrive to their queue's DLQ, HTTP ones are synchronous, and a scheduled run that fails is superseded by the next one a minute later.
  #checkov:skip=CKV_AWS_117:Not in a VPC on purpose: checks must reach the public internet, and a NAT gateway would cost ~$32/month at rest; the SSRF guard (VIGIL_NETWORK_POLICY) keeps checks off private addresses.
  #checkov:skip=CKV_AWS_173:The environment is encrypted with var.deployment.kms_key_arn when one is given, else with Lambda's AWS-owned key. It holds names, URLs and a key hash; the api's also holds the OpenID client secret when one is set, for which docs/accounts.md advises kms_key_arn.
  #checkov:skip=CKV_AWS_272:The zips are built by cargo-lambda in the operator's own pipeline; code signing would need an AWS Signer profile that the example cannot assume.
  function_name    = local.function_name
  role             = aws_iam_role.this.arn
  runtime          = "provided.al2023"
  architectures    = ["arm64"]
  handler          = "bootstrap"
  filename         = local.zip
  source_code_hash = filebase64sha256(local.zip)
  memory_size      = var.memory_mb
  timeout          = var.timeout_seconds
  kms_key_arn      = var.deployment.kms_key_arn

  reserved_concurrent_executions = var.reserved_concurrency

  environment {
    # Unset optional variables arrive as null: leave them out so the function's default applies.
    variables = { for name, value in var.environment : name => value if value != null }
  }

  tracing_config {
    mode = var.deployment.tracing_mode
  }

  tags = var.deployment.tags

  # The log group must exist first, or Lambda creates one itself, without retention.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${local.function_name}-errors"
  alarm_description   = "The ${var.name} function failed (an error or a timeout) in the last 5 minutes."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.deployment.alarm_actions
  ok_actions          = var.deployment.alarm_actions
  tags                = var.deployment.tags
}
