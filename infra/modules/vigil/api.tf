# One HTTP API for the dashboard's pages (dashboard, every request no other route takes), the
# REST API (api: what of /v1 no group's function serves), the route groups that have functions
# of their own (monitors, "check now", tasks, alerting, hosts, the status pages' editors (publishing),
# incidents' triage, the public status pages) and the heartbeat ping URLs (heartbeat),
# so all share a host: heartbeat URLs are <api url>/ping/... Status pages on their own domains
# have an HTTP API of their own (below), whose every request goes to the status function.

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

resource "aws_apigatewayv2_integration" "account_pages" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.account_pages.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.account_pages * 1000
}

resource "aws_apigatewayv2_integration" "host_pages" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.host_pages.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.host_pages * 1000
}

resource "aws_apigatewayv2_integration" "alerting_pages" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.alerting_pages.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.alerting_pages * 1000
}

resource "aws_apigatewayv2_integration" "dashboard" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.dashboard.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.dashboard * 1000
}

resource "aws_apigatewayv2_integration" "accounts" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.accounts.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.accounts * 1000
}

resource "aws_apigatewayv2_integration" "sso" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.sso.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.sso * 1000
}

resource "aws_apigatewayv2_integration" "check_now" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.check_now.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.check_now * 1000
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

resource "aws_apigatewayv2_integration" "alerting" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.alerting.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.alerting * 1000
}

resource "aws_apigatewayv2_integration" "hosts" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.hosts.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.hosts * 1000
}

resource "aws_apigatewayv2_integration" "publishing" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.publishing.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.publishing * 1000
}

resource "aws_apigatewayv2_integration" "triage" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.triage.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.triage * 1000
}

resource "aws_apigatewayv2_integration" "status" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.status.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.status * 1000
}

resource "aws_apigatewayv2_integration" "heartbeat" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.heartbeat.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.heartbeat * 1000
}

# The pages: every request that no route below takes goes to the dashboard function (it serves
# every page of the whole app but the account's, the hosts', alerting's and the public status
# pages, the account pages', the host pages', the alerting pages' and the status function's:
# tests in shared/web hold each to them; an unknown path gets the whole app's 404).
resource "aws_apigatewayv2_route" "default" {
  #checkov:skip=CKV_AWS_309:Authorisation is the dashboard's own (session cookies checked against the table); sign-in and setup pages are public by design.
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.dashboard.id}"
}

# The account's pages (setting up, signing in and out, resets, invitations, preferences,
# /settings/...) go to the account pages' function: the first page anyone opens starts it.
resource "aws_apigatewayv2_route" "account_pages" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (session cookies checked against the table); sign-in, setup, resets and invitations are public by design.
  for_each  = toset(local.account_page_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.account_pages.id}"
}

# The hosts' pages (/hosts and below) go to the host pages' function: the dashboard carries
# neither the hosts' stores nor the agents' WebSocket API client.
resource "aws_apigatewayv2_route" "host_pages" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (session cookies checked against the table), as on the dashboard's routes.
  for_each  = toset(["ANY /hosts", "ANY /hosts/{proxy+}"])
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.host_pages.id}"
}

# Alerting's pages (channels, rules, windows, mutes) go to the alerting pages' function: the
# dashboard sends nothing itself.
resource "aws_apigatewayv2_route" "alerting_pages" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (session cookies checked against the table), as on the dashboard's routes.
  for_each  = toset(local.alerting_page_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.alerting_pages.id}"
}

# The API: /v1 and below go to the api function where no group's route below is more specific
# (the summary, the document), and its health. The api serves exactly the whole router's routes
# there that no group serves (a test in shared/http holds it to them).
resource "aws_apigatewayv2_route" "api" {
  #checkov:skip=CKV_AWS_309:Authorisation is the api's own (bearer API keys and session cookies checked against the table); the health check and the document are public by design.
  for_each  = toset(["ANY /v1/{proxy+}", "GET /healthz"])
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.api.id}"
}

# /v1/monitors and below go to the monitors function (a monitor's deletion, which resolves its
# incident and announces it, included), but "check now", which runs a check: the check-now
# function, the one of the HTTP API's that carries the probe engine. Each serves exactly its
# routes of the whole router (tests in shared/http hold their routers to it).
resource "aws_apigatewayv2_route" "monitors" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table), as on the api's routes.
  for_each  = toset(["ANY /v1/monitors", "ANY /v1/monitors/{proxy+}"])
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.monitors.id}"
}

# "Check now" from the API and from a monitor's page, and a monitor's form tried, go to the
# check-now function: the dashboard carries no probe engine.
resource "aws_apigatewayv2_route" "check_now" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table), as on the api's routes.
  for_each  = toset(local.check_now_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.check_now.id}"
}

# /v1/tasks, /tasks and below go to the tasks function (the tasks' API and their pages; their
# pings are the heartbeat's).
resource "aws_apigatewayv2_route" "tasks" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table), as on the api's routes.
  for_each  = toset(["ANY /v1/tasks", "ANY /v1/tasks/{proxy+}", "ANY /tasks", "ANY /tasks/{proxy+}"])
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.tasks.id}"
}

# Channels (and their test send), alert rules, maintenance windows and failed deliveries go to
# the alerting function (it serves exactly these paths of the whole router: a test in
# shared/http holds it to them).
resource "aws_apigatewayv2_route" "alerting" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table), as on the api's routes.
  for_each  = toset(local.alerting_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.alerting.id}"
}

# Hosts, enrolments, host rules and actions go to the hosts function (it serves exactly these
# paths of the whole router: a test in shared/http holds it to them). The agents' own
# connections are the agents' WebSocket API's.
resource "aws_apigatewayv2_route" "hosts" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table), as on the api's routes.
  for_each  = toset(local.hosts_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.hosts.id}"
}

# The status pages' editors' routes go to the publishing function (it serves exactly these paths
# of the whole router: a test in shared/http holds it to them), publishing an incident included;
# and so do the editor's pages, /status-pages and below (a test in shared/web holds them).
resource "aws_apigatewayv2_route" "publishing" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table), as on the api's routes.
  for_each  = toset(local.publishing_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.publishing.id}"
}

# Sign-in, people, organisations, invitations, keys and the audit log go to the accounts function
# (it serves exactly these paths of the whole router: a test in shared/http holds it to them).
resource "aws_apigatewayv2_route" "accounts" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table); signing in and setting up are public by design.
  for_each  = toset(local.accounts_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.accounts.id}"
}

# Signing in through the OpenID provider goes to the sso function (a route more specific than
# the accounts function's /v1/auth/{proxy+}).
resource "aws_apigatewayv2_route" "sso" {
  #checkov:skip=CKV_AWS_309:Signing in is public by design: the provider authenticates, and the state and PKCE verifier bind the way back to the way there.
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "ANY /v1/auth/oidc/{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.sso.id}"
}

# /v1/incidents and below go to the triage function (it serves exactly these paths of the whole
# router: a test in shared/http holds it to them), but publishing an incident through the API
# (above); and so do the incidents' pages, /incidents and below (publishing included).
resource "aws_apigatewayv2_route" "triage" {
  #checkov:skip=CKV_AWS_309:Authorisation is the function's own (bearer API keys and session cookies checked against the table), as on the api's routes.
  for_each  = toset(["ANY /v1/incidents", "ANY /v1/incidents/{proxy+}", "ANY /incidents", "ANY /incidents/{proxy+}"])
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.triage.id}"
}

# The public status pages, their feeds, Statuspage documents and a subscription's links go to the
# status function, and so do badges and the Statuspage documents a page's own domain asks for by
# Host (the status function serves exactly these paths of the whole router: a test in shared/web
# holds it to them). Subscribing queues a mail, so it goes elsewhere, on Vigil's host and on the
# pages' domains: the API's to the api, a page's form to the dashboard. The dashboard serves its
# assets; the status function serves the pages' own on their domains.
resource "aws_apigatewayv2_route" "status" {
  #checkov:skip=CKV_AWS_309:Public status pages, feeds and badges are public by design; protected pages check their password or membership in the function.
  for_each  = toset(local.status_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.status.id}"
}

resource "aws_apigatewayv2_route" "subscribing" {
  #checkov:skip=CKV_AWS_309:Subscribing to a public status page is public by design; the address is confirmed by a mailed link.
  for_each  = toset(local.subscribing_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.api.id}"
}

resource "aws_apigatewayv2_route" "subscription_form" {
  #checkov:skip=CKV_AWS_309:Subscribing to a public status page is public by design; the address is confirmed by a mailed link.
  for_each  = toset(local.subscription_form_paths)
  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.dashboard.id}"
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
    format          = local.access_log_format
  }

  tags = var.tags
}

resource "aws_lambda_permission" "api" {
  for_each      = local.api_path_prefixes
  statement_id  = "HttpApi${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.api.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under this prefix only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}"
}

resource "aws_lambda_permission" "accounts" {
  for_each      = local.accounts_path_prefixes
  statement_id  = "HttpApiAccounts${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.accounts.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under this prefix only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}*"
}

resource "aws_lambda_permission" "sso" {
  statement_id  = "HttpApiSso"
  action        = "lambda:InvokeFunction"
  function_name = module.sso.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under /v1/auth/oidc/ only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/v1/auth/oidc/*"
}

resource "aws_lambda_permission" "account_pages" {
  for_each      = local.account_page_path_prefixes
  statement_id  = "HttpApiAccountPages${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.account_pages.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, these paths only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}"
}

resource "aws_lambda_permission" "host_pages" {
  statement_id  = "HttpApiHostPages"
  action        = "lambda:InvokeFunction"
  function_name = module.host_pages.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, /hosts and below only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/hosts*"
}

resource "aws_lambda_permission" "alerting_pages" {
  for_each      = local.alerting_page_path_prefixes
  statement_id  = "HttpApiAlertingPages${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.alerting_pages.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, these paths and below only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}*"
}

resource "aws_lambda_permission" "dashboard" {
  statement_id  = "HttpApiDashboard"
  action        = "lambda:InvokeFunction"
  function_name = module.dashboard.function_name
  principal     = "apigateway.amazonaws.com"
  # Every path: the dashboard is the $default route.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*"
}

resource "aws_lambda_permission" "monitors" {
  statement_id  = "HttpApiMonitors"
  action        = "lambda:InvokeFunction"
  function_name = module.monitors.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under /v1/monitors only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/v1/monitors*"
}

resource "aws_lambda_permission" "check_now" {
  for_each      = local.check_now_path_patterns
  statement_id  = "HttpApiCheckNow${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.check_now.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage, POST of these paths only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/POST/${each.value}"
}

resource "aws_lambda_permission" "tasks" {
  for_each      = { Api = "v1/tasks", Pages = "tasks" }
  statement_id  = "HttpApiTasks${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.tasks.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, these paths and below only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}*"
}

resource "aws_lambda_permission" "alerting" {
  for_each      = local.alerting_path_prefixes
  statement_id  = "HttpApiAlerting${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.alerting.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under this prefix only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}*"
}

resource "aws_lambda_permission" "hosts" {
  for_each      = local.hosts_path_prefixes
  statement_id  = "HttpApiHosts${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.hosts.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under this prefix only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}*"
}

resource "aws_lambda_permission" "publishing" {
  for_each      = local.publishing_path_prefixes
  statement_id  = "HttpApiPublishing${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.publishing.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under this prefix only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}"
}

resource "aws_lambda_permission" "triage" {
  for_each      = { Api = "v1/incidents", Pages = "incidents" }
  statement_id  = "HttpApiTriage${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.triage.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, these paths and below only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}*"
}

resource "aws_lambda_permission" "status" {
  for_each      = local.status_path_prefixes
  statement_id  = "HttpApiStatus${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.status.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, paths under this prefix only.
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/${each.value}/*"
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

locals {
  # One line of JSON per request, on both HTTP APIs.
  access_log_format = jsonencode({
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
  # The routes that lead to the alerting function, and the path prefixes its permissions allow.
  alerting_path_prefixes = { Channels = "v1/channels", Rules = "v1/alert-rules", Windows = "v1/maintenance-windows", Deliveries = "v1/deliveries" }
  alerting_paths = [
    "ANY /v1/channels", "ANY /v1/channels/{proxy+}", "ANY /v1/alert-rules", "ANY /v1/alert-rules/{proxy+}",
    "ANY /v1/maintenance-windows", "ANY /v1/maintenance-windows/{proxy+}", "ANY /v1/deliveries/{proxy+}",
  ]
  # The same for the accounts function ("v1/organisation" covers "v1/organisations" too).
  accounts_path_prefixes = {
    Setup = "v1/setup", Auth = "v1/auth/", Me = "v1/me", Organisation = "v1/organisation", Members = "v1/members",
    Invitations = "v1/invitations", Keys = "v1/keys", Audit = "v1/audit-log",
  }
  accounts_paths = [
    "ANY /v1/setup", "ANY /v1/auth/{proxy+}", "ANY /v1/me", "ANY /v1/me/{proxy+}", "ANY /v1/organisation",
    "ANY /v1/organisation/{proxy+}", "ANY /v1/organisations", "ANY /v1/members", "ANY /v1/members/{proxy+}",
    "ANY /v1/invitations", "ANY /v1/invitations/{proxy+}", "ANY /v1/keys", "ANY /v1/keys/{proxy+}", "ANY /v1/audit-log",
  ]
  # The same for the account pages' function.
  account_page_path_prefixes = {
    Setup = "setup", SignIn = "sign-in*", SignOut = "sign-out", Forgot = "forgot-password", Reset = "reset-password",
    Organisation = "organisation/*", Preferences = "preferences/*", Invitations = "invitations/*", Settings = "settings/*",
  }
  account_page_paths = [
    "ANY /setup", "ANY /sign-in", "ANY /sign-in/{proxy+}", "ANY /sign-out", "ANY /forgot-password", "ANY /reset-password",
    "ANY /organisation/{proxy+}", "ANY /preferences/{proxy+}", "ANY /invitations/{proxy+}", "ANY /settings/{proxy+}",
  ]
  # The check-now function's routes, and the paths its permissions allow POST on (by statement
  # name): a monitor's check from the API and from its page, and a monitor's form tried.
  check_now_paths         = ["POST /v1/monitors/{id}/check", "POST /monitors/{id}/check", "POST /monitors/try"]
  check_now_path_patterns = { Api = "v1/monitors/*/check", Page = "monitors/*/check", Try = "monitors/try" }
  # The same for the alerting pages' function.
  alerting_page_path_prefixes = { Channels = "channels", Rules = "rules", Windows = "windows", Mutes = "mutes" }
  alerting_page_paths = [
    "ANY /channels", "ANY /channels/{proxy+}", "ANY /rules", "ANY /rules/{proxy+}",
    "ANY /windows", "ANY /windows/{proxy+}", "ANY /mutes", "ANY /mutes/{proxy+}",
  ]
  # The same for the hosts function.
  hosts_path_prefixes = { Hosts = "v1/hosts", Enrolments = "v1/enrolments", Rules = "v1/host-rules", Actions = "v1/actions" }
  hosts_paths = [
    "ANY /v1/hosts", "ANY /v1/hosts/{proxy+}", "ANY /v1/enrolments", "ANY /v1/enrolments/{proxy+}",
    "ANY /v1/host-rules", "ANY /v1/host-rules/{proxy+}", "ANY /v1/actions", "ANY /v1/actions/{proxy+}",
  ]
  # The same for the publishing function (its permissions by whole pattern: publishing an
  # incident is one route below /v1/incidents, whose others are the triage function's), the
  # editor's pages included.
  publishing_path_prefixes = {
    Pages = "v1/status-pages*", Incidents = "v1/public-incidents/*", Badges = "v1/badges*", Publish = "v1/incidents/*/publish",
    Editor = "status-pages*",
  }
  publishing_paths = [
    "ANY /v1/status-pages", "ANY /v1/status-pages/{proxy+}", "ANY /v1/public-incidents/{proxy+}", "ANY /v1/badges",
    "ANY /v1/badges/{proxy+}", "POST /v1/incidents/{id}/publish", "ANY /status-pages", "ANY /status-pages/{proxy+}",
  ]
  # The routes of the main HTTP API that lead to the status function, and the path prefixes its
  # permissions allow (by statement name).
  status_paths         = ["ANY /status/{proxy+}", "GET /badges/{proxy+}", "GET /api/v2/{proxy+}"]
  status_path_prefixes = { Pages = "status", Badges = "badges", Documents = "api/v2" }
  # The path patterns the api's permissions allow (by statement name): the API, its health,
  # subscribing to a page.
  api_path_prefixes = { V1 = "v1/*", Health = "healthz", Subscribing = "status/*/subscribe" }
  # Subscribing: the API's JSON, which the api serves, and a page's form, which the dashboard
  # serves; by slug, and on a page's own domain at its root.
  subscribing_paths              = ["POST /status/{slug}/subscribe"]
  subscription_form_paths        = ["POST /status/{slug}/subscription"]
  subscribing_domain_paths       = concat(local.subscribing_paths, ["POST /subscribe"])
  subscription_form_domain_paths = concat(local.subscription_form_paths, ["POST /subscription"])
}

# Status pages on their own domains: an HTTP API of their own, whose every request goes to the
# status function, which serves the page whose custom_domain the request's Host names (and a 404
# for any other path than the page's). Point each domain's DNS at its target_domain_name
# (output status_page_domain_targets).
resource "aws_apigatewayv2_api" "status_domains" {
  name          = "${var.name_prefix}-status-domains"
  protocol_type = "HTTP"
  description   = "Vigil: status pages on their own domains."
  tags          = var.tags
}

resource "aws_apigatewayv2_integration" "status_domains" {
  api_id                 = aws_apigatewayv2_api.status_domains.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.status.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.status * 1000
}

resource "aws_apigatewayv2_route" "status_domains" {
  #checkov:skip=CKV_AWS_309:Status pages are public by design; protected pages check their password or membership in the function.
  api_id    = aws_apigatewayv2_api.status_domains.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.status_domains.id}"
}

resource "aws_apigatewayv2_integration" "status_domains_api" {
  api_id                 = aws_apigatewayv2_api.status_domains.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.api.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.api * 1000
}

resource "aws_apigatewayv2_route" "status_domains_subscribing" {
  #checkov:skip=CKV_AWS_309:Subscribing to a public status page is public by design; the address is confirmed by a mailed link.
  for_each  = toset(local.subscribing_domain_paths)
  api_id    = aws_apigatewayv2_api.status_domains.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.status_domains_api.id}"
}

resource "aws_apigatewayv2_integration" "status_domains_dashboard" {
  api_id                 = aws_apigatewayv2_api.status_domains.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.dashboard.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = local.timeouts.dashboard * 1000
}

resource "aws_apigatewayv2_route" "status_domains_subscription_form" {
  #checkov:skip=CKV_AWS_309:Subscribing to a public status page is public by design; the address is confirmed by a mailed link.
  for_each  = toset(local.subscription_form_domain_paths)
  api_id    = aws_apigatewayv2_api.status_domains.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.status_domains_dashboard.id}"
}

resource "aws_cloudwatch_log_group" "status_domains_access" {
  #checkov:skip=CKV_AWS_158:Encrypted with var.kms_key_arn when one is given; otherwise CloudWatch's own encryption.
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (default 30); a year of access logs is a cost nobody asked for.
  name              = "/aws/apigateway/${var.name_prefix}-status-domains"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "status_domains" {
  api_id      = aws_apigatewayv2_api.status_domains.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.api_throttling.rate_limit
    throttling_burst_limit = var.api_throttling.burst_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.status_domains_access.arn
    format          = local.access_log_format
  }

  tags = var.tags
}

resource "aws_lambda_permission" "status_domains" {
  statement_id  = "HttpApiStatusDomains"
  action        = "lambda:InvokeFunction"
  function_name = module.status.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.status_domains.execution_arn}/*"
}

resource "aws_lambda_permission" "status_domains_api" {
  statement_id  = "HttpApiStatusDomainsSubscribing"
  action        = "lambda:InvokeFunction"
  function_name = module.api.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage, POST only: the subscribing routes above.
  source_arn = "${aws_apigatewayv2_api.status_domains.execution_arn}/*/POST/*"
}

resource "aws_lambda_permission" "status_domains_dashboard" {
  statement_id  = "HttpApiStatusDomainsSubscriptionForm"
  action        = "lambda:InvokeFunction"
  function_name = module.dashboard.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage, POST only: the subscription form's routes above.
  source_arn = "${aws_apigatewayv2_api.status_domains.execution_arn}/*/POST/*"
}

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
  api_id      = aws_apigatewayv2_api.status_domains.id
  domain_name = aws_apigatewayv2_domain_name.status_page[each.key].id
  stage       = aws_apigatewayv2_stage.status_domains.id
}
