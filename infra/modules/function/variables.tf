variable "name" {
  description = "The function's name in functions/manifest.json (api, prober, ...)."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of every resource name of the deployment."
  type        = string
}

variable "binary" {
  description = "The cargo binary; its zip is <artefacts_dir>/<binary>/bootstrap.zip."
  type        = string
}

variable "artefacts_dir" {
  description = "Directory holding cargo-lambda's output (target/lambda)."
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

variable "log_retention_days" {
  type = number
}

variable "kms_key_arn" {
  description = "Customer KMS key for the environment and the log group; null: AWS-owned keys."
  type        = string
  default     = null
}

variable "tracing_mode" {
  description = "X-Ray tracing: PassThrough (free, no X-Ray permissions needed) or Active."
  type        = string
  default     = "PassThrough"
}

variable "alarm_actions" {
  description = "Where the errors alarm notifies (SNS topic ARNs); empty: the alarm is only visible in CloudWatch."
  type        = list(string)
  default     = []
}

variable "tags" {
  type    = map(string)
  default = {}
}
