output "api_url" {
  description = "Base URL of the API (/v1), dashboard and status pages."
  value       = module.vigil.api_url
}

output "heartbeat_base_url" {
  description = "Heartbeat URLs are <heartbeat_base_url>/<check uuid>."
  value       = module.vigil.heartbeat_base_url
}

output "table_name" {
  value = module.vigil.table_name
}

output "artefact_bucket" {
  value = module.vigil.artefact_bucket
}

output "queue_urls" {
  value = module.vigil.queue_urls
}

output "function_names" {
  value = module.vigil.function_names
}

output "status_page_domain_targets" {
  description = "Where each status page domain's DNS record points."
  value       = module.vigil.status_page_domain_targets
}
