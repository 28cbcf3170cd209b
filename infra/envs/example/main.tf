# An example deployment of Vigil: every function, with the defaults of modules/vigil.
module "vigil" {
  source = "../../modules/vigil"

  name_prefix         = var.name_prefix
  artefacts_dir       = coalesce(var.artefacts_dir, abspath("${path.root}/../../../target/lambda"))
  admin_key_sha256    = var.admin_key_sha256
  retention_days      = var.retention_days
  log_retention_days  = var.log_retention_days
  kms_key_arn         = var.kms_key_arn
  alarm_topic_arn     = var.alarm_topic_arn
  email_from          = var.email_from
  public_url          = var.public_url
  status_page_domains = var.status_page_domains
  oidc_issuer         = var.oidc_issuer
  oidc_client_id      = var.oidc_client_id
  oidc_client_secret  = var.oidc_client_secret
  oidc_name           = var.oidc_name
  oidc_scopes         = var.oidc_scopes
  allow_destroy       = var.allow_destroy
}
