variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "environment_name" {
  description = "Tag value of Environment on every resource."
  type        = string
  default     = "example"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "vigil"
}

variable "artefacts_dir" {
  description = "cargo-lambda's output directory; null: the repository's target/lambda (run ./scripts/build-lambdas first)."
  type        = string
  default     = null
}

variable "admin_key_sha256" {
  description = "Hex SHA-256 of the first admin API key (see docs/deploy.md)."
  type        = string
  default     = null
}

variable "retention_days" {
  description = "Days of check history, artefacts and ping bodies."
  type        = number
  default     = 90
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "kms_key_arn" {
  description = "Optional customer KMS key for everything at rest."
  type        = string
  default     = null
}

variable "alarm_topic_arn" {
  description = "Optional SNS topic for alarms (e.g. with an email subscription)."
  type        = string
  default     = null
}

variable "email_from" {
  description = "SES-verified sender of email notifications."
  type        = string
  default     = null
}

variable "public_url" {
  description = "Custom base URL, if a custom domain fronts the HTTP API."
  type        = string
  default     = null
}

variable "status_page_domains" {
  description = "Status pages' own domains, each with the ARN of its ACM certificate in this region."
  type        = map(string)
  default     = {}
}

variable "allow_destroy" {
  description = "Set true (and apply) before terraform destroy."
  type        = bool
  default     = false
}

variable "oidc_issuer" {
  description = "Issuer URL of an OpenID provider people may sign in with (docs/accounts.md)."
  type        = string
  default     = null
}

variable "oidc_client_id" {
  description = "Client id registered at the OpenID provider."
  type        = string
  default     = null
}

variable "oidc_client_secret" {
  description = "Client secret at the OpenID provider; set it with TF_VAR_oidc_client_secret rather than in a file."
  type        = string
  default     = null
  sensitive   = true
}

variable "oidc_name" {
  description = "The name on the sign-in button."
  type        = string
  default     = null
}

variable "oidc_scopes" {
  description = "Scopes besides openid, email and profile, e.g. \"groups\"."
  type        = string
  default     = null
}
