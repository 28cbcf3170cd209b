variable "name" {
  description = "The function's name in functions/manifest.json (api, prober, ...)."
  type        = string
}

variable "binary" {
  description = "The cargo binary; its zip is <artefacts_dir>/<binary>/bootstrap.zip."
  type        = string
}

variable "memory_mb" {
  type = number
}

variable "timeout_seconds" {
  type = number
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions; -1 leaves the function on the account's unreserved pool."
  type        = number
  default     = -1
}

variable "environment" {
  description = "Environment variables (AWS_REGION is set by Lambda itself)."
  type        = map(string)
}

variable "policy_json" {
  description = "The function's own permissions, as an IAM policy document; logging is added here."
  type        = string
}

variable "deployment" {
  description = <<-EOT
    What every function of the deployment shares: the prefix of every resource name
    (name_prefix), the directory holding cargo-lambda's output, target/lambda (artefacts_dir),
    the log groups' retention (log_retention_days), a customer KMS key for the environment and
    the log group, null for AWS-owned keys (kms_key_arn), X-Ray tracing, PassThrough or Active
    (tracing_mode), where the errors alarm notifies, empty for CloudWatch only (alarm_actions),
    and tags.
  EOT
  type = object({
    name_prefix        = string
    artefacts_dir      = string
    log_retention_days = number
    kms_key_arn        = optional(string)
    tracing_mode       = optional(string, "PassThrough")
    alarm_actions      = optional(list(string), [])
    tags               = optional(map(string), {})
  })
}
