# The host agents' WebSocket API: vigil-agent connects out to wss://<api>/<stage> (output
# agent_connect_url) and every route goes to the agents function, which keeps each connection's
# session in the table and answers through the API's connection endpoint. The api and hosts
# functions reach agents the same way to send action requests and revocations.

locals {
  # https://<api id>.execute-api.<region>.amazonaws.com/<stage>: where connections are written.
  agent_endpoint = "${replace(aws_apigatewayv2_api.agents.api_endpoint, "wss://", "https://")}/${aws_apigatewayv2_stage.agents.name}"
  # Writing to and closing the stage's connections, nothing else.
  agent_connections_arn = "${aws_apigatewayv2_api.agents.execution_arn}/${aws_apigatewayv2_stage.agents.name}/*/@connections/*"
}

resource "aws_apigatewayv2_api" "agents" {
  name          = "${var.name_prefix}-agents"
  protocol_type = "WEBSOCKET"
  description   = "Vigil: host agents' outbound connections (samples, enrolment, action requests and results)."
  # Every message goes to $default; the agents function reads its type itself.
  route_selection_expression = "$request.body.type"
  tags                       = var.tags
}

resource "aws_apigatewayv2_integration" "agents" {
  api_id                    = aws_apigatewayv2_api.agents.id
  integration_type          = "AWS_PROXY"
  integration_uri           = module.agents.invoke_arn
  content_handling_strategy = "CONVERT_TO_TEXT"
}

resource "aws_apigatewayv2_route" "agents" {
  #checkov:skip=CKV_AWS_309:An agent proves who it is in its first message (a one-time enrolment token, then its own credential, as on vigil serve); the agents function refuses anything else and closes the connection.
  for_each  = toset(["$connect", "$disconnect", "$default"])
  api_id    = aws_apigatewayv2_api.agents.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.agents.id}"
}

resource "aws_cloudwatch_log_group" "agents_access" {
  #checkov:skip=CKV_AWS_158:Encrypted with var.kms_key_arn when one is given; otherwise CloudWatch's own encryption.
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (default 30); a year of access logs is a cost nobody asked for.
  name              = "/aws/apigateway/${var.name_prefix}-agents"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "agents" {
  #checkov:skip=CKV2_AWS_51:Agents authenticate in the protocol with their own credential (a one-time token, then a per-agent secret an admin can revoke); client certificates would need a custom domain with a trust store per deployment.
  api_id      = aws_apigatewayv2_api.agents.id
  name        = "live"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.api_throttling.rate_limit
    throttling_burst_limit = var.api_throttling.burst_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.agents_access.arn
    format = jsonencode({
      requestId        = "$context.requestId"
      connectionId     = "$context.connectionId"
      ip               = "$context.identity.sourceIp"
      requestTime      = "$context.requestTime"
      eventType        = "$context.eventType"
      routeKey         = "$context.routeKey"
      status           = "$context.status"
      integrationError = "$context.integrationErrorMessage"
    })
  }

  tags = var.tags
}

resource "aws_lambda_permission" "agents" {
  statement_id  = "AgentsWebSocketApi"
  action        = "lambda:InvokeFunction"
  function_name = module.agents.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.agents.execution_arn}/*"
}

module "agents" {
  source = "../function"

  name                 = "agents"
  binary               = "vigil-agents"
  memory_mb            = local.memory_mb.agents
  timeout_seconds      = local.timeouts.agents
  reserved_concurrency = var.reserved_concurrency.agents
  environment = merge(local.store_environment, {
    VIGIL_AGENT_WS_ENDPOINT = local.agent_endpoint
  })
  policy_json = data.aws_iam_policy_document.agents.json

  deployment = local.deployment
}

# The agents function's, and the hosts function's: the table, events, and the agents' connections.
data "aws_iam_policy_document" "agents" {
  statement {
    sid       = "Table"
    actions   = local.store_dynamodb
    resources = local.table_arns
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
    sid       = "AgentConnections"
    actions   = ["execute-api:ManageConnections"]
    resources = [local.agent_connections_arn]
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

output "agent_connect_url" {
  description = "Where vigil-agent connects (its `server` setting): the agents' WebSocket API stage."
  value       = aws_apigatewayv2_stage.agents.invoke_url
}
