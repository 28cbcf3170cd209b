# The Lambda functions of functions/manifest.json, one module call each. Memory and timeouts are
# the manifest's; scripts/check-infra keeps this file, the policies and the manifest in step.

locals {
  memory_mb = { api = 128, dashboard = 128, account_pages = 128, host_pages = 128, alerting_pages = 128, accounts = 128, sso = 128, monitors = 128, check_now = 128, tasks = 128, alerting = 128, hosts = 128, publishing = 128, triage = 128, status = 128, scheduler = 128, prober = 128, incidents = 128, notifier = 128, heartbeat = 128, sweeper = 128, agents = 128 }
  timeouts  = { api = 29, dashboard = 29, account_pages = 29, host_pages = 29, alerting_pages = 29, accounts = 29, sso = 29, monitors = 29, check_now = 29, tasks = 29, alerting = 29, hosts = 29, publishing = 29, triage = 29, status = 29, scheduler = 60, prober = 90, incidents = 30, notifier = 60, heartbeat = 10, sweeper = 60, agents = 29 }

  public_url = trimsuffix(coalesce(var.public_url, aws_apigatewayv2_api.http.api_endpoint), "/")

  # What every function but the scheduler reads (StoreConfig). Optional ones left null are
  # dropped by the function module, so the functions' own defaults apply.
  store_environment = {
    VIGIL_TABLE               = aws_dynamodb_table.main.name
    VIGIL_ARTEFACT_BUCKET     = aws_s3_bucket.artefacts.bucket
    VIGIL_EVENTS_TOPIC_ARN    = aws_sns_topic.events.arn
    VIGIL_NOTIFY_QUEUE_URL    = aws_sqs_queue.notifications.url
    VIGIL_PUBLIC_URL          = local.public_url
    VIGIL_EVENT_BUS           = var.event_bus_arn
    VIGIL_NETWORK_POLICY      = var.network_policy
    VIGIL_BODY_CAP_BYTES      = var.body_cap_bytes == null ? null : tostring(var.body_cap_bytes)
    VIGIL_PINGS_KEPT_PER_TASK = var.pings_kept_per_task == null ? null : tostring(var.pings_kept_per_task)
    VIGIL_RETENTION_DAYS      = tostring(var.retention_days)
    VIGIL_EMAIL_FROM          = var.email_from
    VIGIL_LOG                 = var.log_level
    AWS_ENDPOINT_URL          = var.endpoint_url
  }

  # The OpenID provider people may sign in with, as the sign-in page (the account pages'
  # function's) and the accounts function's /v1/auth/providers offer it (by name: no secret).
  oidc_offered_environment = {
    VIGIL_OIDC_ISSUER    = var.oidc_issuer
    VIGIL_OIDC_CLIENT_ID = var.oidc_client_id
    VIGIL_OIDC_NAME      = var.oidc_name
  }
  # The same with what signing in through it takes: the sso function's alone.
  oidc_environment = merge(local.oidc_offered_environment, {
    VIGIL_OIDC_CLIENT_SECRET = var.oidc_client_secret
    VIGIL_OIDC_SCOPES        = var.oidc_scopes
  })

  # What every function's module call shares (the function module's `deployment`).
  deployment = {
    name_prefix        = var.name_prefix
    artefacts_dir      = var.artefacts_dir
    log_retention_days = var.log_retention_days
    kms_key_arn        = var.kms_key_arn
    tracing_mode       = var.tracing_mode
    alarm_actions      = local.alarm_actions
    tags               = var.tags
  }
}

module "api" {
  source = "../function"

  name                 = "api"
  binary               = "vigil-api"
  memory_mb            = local.memory_mb.api
  timeout_seconds      = local.timeouts.api
  reserved_concurrency = var.reserved_concurrency.api
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.table_and_notifications.json

  deployment = local.deployment
}

# Sign-in, people, organisations, invitations, keys and the audit log (api.tf routes them to
# it); at its first cold start with no tenant it creates the first one with the admin key.
module "accounts" {
  source = "../function"

  name                 = "accounts"
  binary               = "vigil-accounts"
  memory_mb            = local.memory_mb.accounts
  timeout_seconds      = local.timeouts.accounts
  reserved_concurrency = var.reserved_concurrency.accounts
  environment          = merge(local.store_environment, local.oidc_offered_environment, { VIGIL_ADMIN_KEY_SHA256 = var.admin_key_sha256 })
  policy_json          = data.aws_iam_policy_document.accounts.json

  deployment = local.deployment
}

# Signing in through the OpenID provider (api.tf routes /v1/auth/oidc/ to it): the one function
# that carries the OpenID Connect client and the provider's client secret.
module "sso" {
  source = "../function"

  name                 = "sso"
  binary               = "vigil-sso"
  memory_mb            = local.memory_mb.sso
  timeout_seconds      = local.timeouts.sso
  reserved_concurrency = var.reserved_concurrency.sso
  environment          = merge(local.store_environment, local.oidc_environment)
  policy_json          = data.aws_iam_policy_document.table_only.json

  deployment = local.deployment
}

# The dashboard's pages (api.tf sends it every request no other route takes), apart from the
# api so that neither carries the other's routes.
module "dashboard" {
  source = "../function"

  name                 = "dashboard"
  binary               = "vigil-dashboard"
  memory_mb            = local.memory_mb.dashboard
  timeout_seconds      = local.timeouts.dashboard
  reserved_concurrency = var.reserved_concurrency.dashboard
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.dashboard.json

  deployment = local.deployment
}

# The account pages' function's pages (api.tf routes the account's pages to it): the
# account's stores and mail, as the accounts function's, and the OpenID provider offered by name.
module "account_pages" {
  source = "../function"

  name                 = "account-pages"
  binary               = "vigil-account-pages"
  memory_mb            = local.memory_mb.account_pages
  timeout_seconds      = local.timeouts.account_pages
  reserved_concurrency = var.reserved_concurrency.account_pages
  environment          = merge(local.store_environment, local.oidc_offered_environment)
  policy_json          = data.aws_iam_policy_document.accounts.json

  deployment = local.deployment
}

# The accounts, account pages' and sso functions refuse to start with one of the two (a
# validation that reads another variable needs Terraform 1.9; this check warns on every version
# this module supports).
check "oidc_issuer_and_client_id" {
  assert {
    condition     = (var.oidc_client_id == null) == (var.oidc_issuer == null)
    error_message = "oidc_issuer and oidc_client_id go together: set both or neither, or the accounts, account pages' and sso functions will not start."
  }
}

module "scheduler" {
  source = "../function"

  name            = "scheduler"
  binary          = "vigil-scheduler"
  memory_mb       = local.memory_mb.scheduler
  timeout_seconds = local.timeouts.scheduler
  # One run at a time: a second concurrent run would only lose its claims' races, at a cost.
  reserved_concurrency = 1
  environment = {
    VIGIL_TABLE           = aws_dynamodb_table.main.name
    VIGIL_PROBE_QUEUE_URL = aws_sqs_queue.probe_jobs.url
    VIGIL_LOG             = var.log_level
    AWS_ENDPOINT_URL      = var.endpoint_url
  }
  policy_json = data.aws_iam_policy_document.scheduler.json

  deployment = local.deployment
}

module "prober" {
  source = "../function"

  name                 = "prober"
  binary               = "vigil-prober"
  memory_mb            = local.memory_mb.prober
  timeout_seconds      = local.timeouts.prober
  reserved_concurrency = var.reserved_concurrency.prober
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.prober.json

  deployment = local.deployment
}

module "incidents" {
  source = "../function"

  name                 = "incidents"
  binary               = "vigil-incidents"
  memory_mb            = local.memory_mb.incidents
  timeout_seconds      = local.timeouts.incidents
  reserved_concurrency = var.reserved_concurrency.incidents
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.incidents.json

  deployment = local.deployment
}

module "notifier" {
  source = "../function"

  name                 = "notifier"
  binary               = "vigil-notifier"
  memory_mb            = local.memory_mb.notifier
  timeout_seconds      = local.timeouts.notifier
  reserved_concurrency = var.reserved_concurrency.notifier
  environment = merge(local.store_environment, {
    VIGIL_NOTIFY_DLQ_URL = aws_sqs_queue.notifications_dlq.url
  })
  policy_json = data.aws_iam_policy_document.notifier.json

  deployment = local.deployment
}

# The monitors' routes of the API (api.tf routes /v1/monitors to it), apart from the api so
# that its zip carries only their stores.
module "monitors" {
  source = "../function"

  name                 = "monitors"
  binary               = "vigil-monitors"
  memory_mb            = local.memory_mb.monitors
  timeout_seconds      = local.timeouts.monitors
  reserved_concurrency = var.reserved_concurrency.monitors
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.monitors.json

  deployment = local.deployment
}

# "Check now" (api.tf routes POST /v1/monitors/{id}/check to it): the one function behind the
# HTTP API that carries the check engine.
module "check_now" {
  source = "../function"

  name                 = "check-now"
  binary               = "vigil-check-now"
  memory_mb            = local.memory_mb.check_now
  timeout_seconds      = local.timeouts.check_now
  reserved_concurrency = var.reserved_concurrency.check_now
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.check_now.json

  deployment = local.deployment
}

# The heartbeat tasks' routes of the API and their pages (api.tf routes /v1/tasks, /tasks and
# everything below them to it).
module "tasks" {
  source = "../function"

  name                 = "tasks"
  binary               = "vigil-tasks"
  memory_mb            = local.memory_mb.tasks
  timeout_seconds      = local.timeouts.tasks
  reserved_concurrency = var.reserved_concurrency.tasks
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.tasks.json

  deployment = local.deployment
}

# Channels and their test send, alert rules, maintenance windows and failed deliveries (api.tf
# routes them to it).
module "alerting" {
  source = "../function"

  name                 = "alerting"
  binary               = "vigil-alerting"
  memory_mb            = local.memory_mb.alerting
  timeout_seconds      = local.timeouts.alerting
  reserved_concurrency = var.reserved_concurrency.alerting
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.alerting.json

  deployment = local.deployment
}

# Hosts, enrolments, host rules and actions (api.tf routes them to it). It reaches agents as the
# api does, through their WebSocket API's connections, under the agents function's policy.
# Alerting's pages (api.tf routes /channels, /rules, /windows, /mutes and below to it): the
# alerting function's stores and role (a channel's test send), the monitors and tasks read.
module "alerting_pages" {
  source = "../function"

  name                 = "alerting-pages"
  binary               = "vigil-alerting-pages"
  memory_mb            = local.memory_mb.alerting_pages
  timeout_seconds      = local.timeouts.alerting_pages
  reserved_concurrency = var.reserved_concurrency.alerting_pages
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.alerting.json

  deployment = local.deployment
}

# The hosts' pages (api.tf routes /hosts and below to it): the hosts function's stores and
# role, reaching agents through their WebSocket API as the hosts function does.
module "host_pages" {
  source = "../function"

  name                 = "host-pages"
  binary               = "vigil-host-pages"
  memory_mb            = local.memory_mb.host_pages
  timeout_seconds      = local.timeouts.host_pages
  reserved_concurrency = var.reserved_concurrency.host_pages
  environment = merge(local.store_environment, {
    VIGIL_AGENT_WS_ENDPOINT = local.agent_endpoint
  })
  policy_json = data.aws_iam_policy_document.agents.json

  deployment = local.deployment
}

module "hosts" {
  source = "../function"

  name                 = "hosts"
  binary               = "vigil-hosts"
  memory_mb            = local.memory_mb.hosts
  timeout_seconds      = local.timeouts.hosts
  reserved_concurrency = var.reserved_concurrency.hosts
  environment = merge(local.store_environment, {
    VIGIL_AGENT_WS_ENDPOINT = local.agent_endpoint
  })
  policy_json = data.aws_iam_policy_document.agents.json

  deployment = local.deployment
}

# What a status page's editors do: pages, components, subscribers, posted incidents, badges,
# through the API and the editor's pages (api.tf routes /v1/status-pages, /status-pages and the
# rest of the group to it).
module "publishing" {
  source = "../function"

  name                 = "publishing"
  binary               = "vigil-publishing"
  memory_mb            = local.memory_mb.publishing
  timeout_seconds      = local.timeouts.publishing
  reserved_concurrency = var.reserved_concurrency.publishing
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.table_and_notifications.json

  deployment = local.deployment
}

# What the people on call do with incidents: list, read, acknowledge, comment, resolve, through
# the API and the incidents' pages, where an incident is also published on a status page (api.tf
# routes /v1/incidents, /incidents and below to it). Its role is the publishing function's: the
# table, and the notifications queue for what an acknowledgement, a resolution or a publication
# announces.
module "triage" {
  source = "../function"

  name                 = "triage"
  binary               = "vigil-triage"
  memory_mb            = local.memory_mb.triage
  timeout_seconds      = local.timeouts.triage
  reserved_concurrency = var.reserved_concurrency.triage
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.table_and_notifications.json

  deployment = local.deployment
}

# The public status pages (api.tf routes /status, /badges and /api/v2 to it, and every request
# to a page's own domain), apart from the api so that a crowd reading a page during an outage
# starts a small function of its own and cannot take the dashboard's concurrency.
module "status" {
  source = "../function"

  name                 = "status"
  binary               = "vigil-status"
  memory_mb            = local.memory_mb.status
  timeout_seconds      = local.timeouts.status
  reserved_concurrency = var.reserved_concurrency.status
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.table_only.json

  deployment = local.deployment
}

module "heartbeat" {
  source = "../function"

  name                 = "heartbeat"
  binary               = "vigil-heartbeat"
  memory_mb            = local.memory_mb.heartbeat
  timeout_seconds      = local.timeouts.heartbeat
  reserved_concurrency = var.reserved_concurrency.heartbeat
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.heartbeat.json

  deployment = local.deployment
}

module "sweeper" {
  source = "../function"

  name            = "sweeper"
  binary          = "vigil-sweeper"
  memory_mb       = local.memory_mb.sweeper
  timeout_seconds = local.timeouts.sweeper
  # One sweep at a time: overlapping sweeps would find the same late tasks and race to alert.
  reserved_concurrency = 1
  environment          = local.store_environment
  policy_json          = data.aws_iam_policy_document.sweeper.json

  deployment = local.deployment
}
