# One HTTP API for the REST API, dashboard and status pages (api), the route groups of the API
# that have functions of their own (monitors, tasks) and the heartbeat ping URLs (heartbeat), so
# all share a host: heartbeat URLs are <api url>/ping/...

resource "aws_apigatewayv2_api" "http" {
  name          = "${var.name_prefix}-http"
  protocol_type = "HTTP"
  description   = "Vigil: the /v1 API, dashboard and status pages, and /ping heartbeat URLs."
  tags          = var.tags
}

resource "aws_apigatewayv2_integration" "api" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.api.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.api * 1000
}

resource "aws_apigatewayv2_integration" "monitors" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.monitors.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.monitors * 1000
}

resource "aws_apigatewayv2_integration" "tasks" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.tasks.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.tasks * 1000
}

resource "aws_apigatewayv2_integration" "heartbeat" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.heartbeat.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.heartbeat * 1000
}

resource "aws_apigatewayv2_route" "default" {
  #checkov:skip=CKV_AWS_309:Authorisation is the api's own (bearer API keys checked against the table), and status pages and badges are public by design.
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.api.id}"
}

# /v1/monitors and below go to the monitors function, but "check now", which runs a check (the
# api function carries the probe engine for it), and deletion, which resolves the monitor's
# incident and announces it (the api function wires the incidents' and notifications' stores).
# The monitors function serves exactly these routes (a test in shared/http holds its router to
# the whole router's).
resource "aws_apigatewayv2_route" "monitors" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table), as on the api's routes.
  for_each  = toset(["ANY /v1/monitors", "ANY /v1/monitors/{proxy+}"])
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.monitors.id}"
}

resource "aws_apigatewayv2_route" "monitor_routes_of_the_api" {
  #checkov:skip=CKV_AWS_309:Authorisation is the api's own (bearer API keys and session cookies checked against the table).
  for_each  = toset(["POST /v1/monitors/{id}/check", "DELETE /v1/monitors/{id}"])
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.api.id}"
}

# /v1/tasks and below go to the tasks function (the tasks' API; their pings are the heartbeat's).
resource "aws_apigatewayv2_route" "tasks" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table), as on the api's routes.
  for_each  = toset(["ANY /v1/tasks", "ANY /v1/tasks/{proxy+}"])
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.tasks.id}"
}

resource "aws_apigatewayv2_route" "ping" {
  #checkov:skip=CKV_AWS_309:Ping URLs are called by cron jobs with nothing but the URL: the unguessable check UUID in the path is the credential, as in healthchecks.io.
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "ANY /ping/{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.heartbeat.id}"
}

resource "aws_cloudwatch_log_group" "api_access" {
  #checkov:skip=CKV_AWS_158:Encrypted with var.kms_key_arn when one is given; otherwise CloudWatch's own encryption.
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (default 30); a year of access logs is a cost nobody asked for.
  name              = "/aws/apigateway/${var.name_prefix}-http"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.api_throttling.rate_limit
    throttling_burst_limit = var.api_throttling.burst_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format          = jsonencode({
      requestId        = "$context.requestId"
      ip               = "$context.identity.sourceIp"
      requestTime      = "$context.requestTime"
      httpMethod       = "$context.httpMethod"
      routeKey         = "$context.routeKey"
      path             = "$context.path"
      status           = "$context.status"
      responseLength   = "$context.responseLength"
      latencyMs        = "$context.responseLatency"
      integrationError = "$context.integrationErrorMessage"
    })
  }

  tags = var.tags
}

resource "aws_lambda_permission" "api" {
  statement_id  = "HttpApi"
  action        = "lambda:InvokeFunction"
  function_name = module.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.http.execution_arn}/*"
}

resource "aws_lambda_permission" "monitors" {
  statement_id  = "HttpApiMonitors"
  action        = "lambda:InvokeFunction"
  function_name = module.monitors.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under /v1/monitors only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/v1/monitors*"
}

resource "aws_lambda_permission" "tasks" {
  statement_id  = "HttpApiTasks"
  action        = "lambda:InvokeFunction"
  function_name = module.tasks.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under /v1/tasks only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/v1/tasks*"
}

resource "aws_lambda_permission" "heartbeat" {
  statement_id  = "HttpApiPing"
  action        = "lambda:InvokeFunction"
  function_name = module.heartbeat.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under /ping/ only (whether the ARN carries the route's path or
  # the request's, the wildcard covers it).
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/ping/*"
}

# Status pages on their own domains: API Gateway answers each domain with the same API, and the
# api function serves the page whose custom_domain the request's Host names. Point each
# domain's DNS at its target_domain_name (output status_page_domain_targets).
resource "aws_apigatewayv2_domain_name" "status_page" {
  for_each    = var.status_page_domains
  domain_name = each.key

  domain_name_configuration {
    certificate_arn = each.value
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = var.tags
}

resource "aws_apigatewayv2_api_mapping" "status_page" {
  for_each    = var.status_page_domains
  api_id      = aws_apigatewayv2_api.http.id
  domain_name = aws_apigatewayv2_domain_name.status_page[each.key].id
  stage       = aws_apigatewayv2_stage.default.id
}
