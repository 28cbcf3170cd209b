output "api_url" {
  description = "Base URL of the API, dashboard and status pages."
  value       = local.public_url
}

output "heartbeat_base_url" {
  description = "Base of heartbeat URLs: <heartbeat_base_url>/<check uuid>."
  value       = "${local.public_url}/ping"
}

output "table_name" {
  value = aws_dynamodb_table.main.name
}

output "artefact_bucket" {
  value = aws_s3_bucket.artefacts.bucket
}

output "events_topic_arn" {
  value = aws_sns_topic.events.arn
}

output "queue_urls" {
  description = "The work queues and their dead-letter queues."
  value       = {
    probe_jobs          = aws_sqs_queue.probe_jobs.url
    probe_jobs_dlq      = aws_sqs_queue.probe_jobs_dlq.url
    incident_events     = aws_sqs_queue.incident_events.url
    incident_events_dlq = aws_sqs_queue.incident_events_dlq.url
    notifications       = aws_sqs_queue.notifications.url
    notifications_dlq   = aws_sqs_queue.notifications_dlq.url
  }
}

output "function_names" {
  value = {
    api            = module.api.function_name
    dashboard      = module.dashboard.function_name
    account_pages  = module.account_pages.function_name
    host_pages     = module.host_pages.function_name
    alerting_pages = module.alerting_pages.function_name
    accounts       = module.accounts.function_name
    sso            = module.sso.function_name
    monitors       = module.monitors.function_name
    check_now      = module.check_now.function_name
    tasks          = module.tasks.function_name
    alerting       = module.alerting.function_name
    hosts          = module.hosts.function_name
    publishing     = module.publishing.function_name
    triage         = module.triage.function_name
    status         = module.status.function_name
    scheduler      = module.scheduler.function_name
    prober         = module.prober.function_name
    incidents      = module.incidents.function_name
    notifier       = module.notifier.function_name
    heartbeat      = module.heartbeat.function_name
    sweeper        = module.sweeper.function_name
  }
}

output "status_page_domain_targets" {
  description = "For each status page domain, the name and hosted zone its DNS record (an alias, or a CNAME to the name) points at."
  value = {
    for domain, mapping in aws_apigatewayv2_domain_name.status_page : domain => {
      target_domain_name = mapping.domain_name_configuration[0].target_domain_name
      hosted_zone_id     = mapping.domain_name_configuration[0].hosted_zone_id
    }
  }
}
