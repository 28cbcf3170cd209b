variable "name_prefix" {
  description = "Prefix of every resource name, so that several deployments can share an account."
  type        = string
  default     = "vigil"
  validation {
    # 26 at most: the bucket's name prefix, <name_prefix>-artefacts-, may have 37 characters.
    condition     = can(regex("^[a-z][a-z0-9-]{1,25}$", var.name_prefix))
    error_message = "name_prefix: lowercase letters, digits and dashes, 2 to 26 characters, starting with a letter."
  }
}

variable "artefacts_dir" {
  description = "Directory of cargo-lambda's output: <artefacts_dir>/<binary>/bootstrap.zip for each function."
  type        = string
}

variable "retention_days" {
  description = "Days of raw check history (DynamoDB TTL, VIGIL_RETENTION_DAYS) and of S3 artefacts and ping bodies."
  type        = number
  default     = 90
  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 3650
    error_message = "retention_days: 1 to 3650 (the range VIGIL_RETENTION_DAYS accepts)."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the functions' logs and the API access log."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "Customer KMS key for the table, bucket, topic, queues, logs and Lambda environments; null: AWS-owned or AWS-managed keys. Its key policy must let SNS, SQS and CloudWatch Logs use it (docs/deploy.md)."
  type        = string
  default     = null
}

variable "alarm_topic_arn" {
  description = "SNS topic that alarms notify; null: alarms only show in CloudWatch."
  type        = string
  default     = null
}

variable "admin_key_sha256" {
  description = "Hex SHA-256 of the first admin API key (VIGIL_ADMIN_KEY_SHA256): on its first cold start with no tenant, the api creates the first tenant with that key."
  type        = string
  default     = null
  validation {
    condition     = var.admin_key_sha256 == null || can(regex("^[0-9a-f]{64}$", var.admin_key_sha256))
    error_message = "admin_key_sha256: 64 lowercase hex digits (sha256sum of the key)."
  }
}

variable "public_url" {
  description = "Base URL users reach Vigil at (VIGIL_PUBLIC_URL), e.g. a custom domain; null: the API Gateway endpoint."
  type        = string
  default     = null
}

variable "status_page_domains" {
  description = "Status pages' own domains, each with the ARN of its ACM certificate in this region: API Gateway serves each domain, and the api function shows the page whose custom_domain it is."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for domain, certificate in var.status_page_domains :
      can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", domain)) && can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/", certificate))
    ])
    error_message = "status_page_domains: lowercase host names (status.example.com) to ACM certificate ARNs (arn:aws:acm:<region>:<account>:certificate/...)."
  }
}

variable "event_bus_arn" {
  description = "EventBridge bus ARN that events are also put on (VIGIL_EVENT_BUS); null: SNS only."
  type        = string
  default     = null
}

variable "email_from" {
  description = "Sender address of email notifications (VIGIL_EMAIL_FROM), an SES-verified identity; null: the functions' default. When set, the functions may send email from this address only."
  type        = string
  default     = null
}

variable "oidc_issuer" {
  description = "Issuer URL of the OpenID provider people may sign in with (VIGIL_OIDC_ISSUER), e.g. https://id.example.com/realms/ops or https://accounts.google.com; null: no OpenID Connect sign-in. Register <public URL>/v1/auth/oidc/callback as the client's redirect URI (docs/accounts.md)."
  type        = string
  default     = null
  validation {
    condition     = var.oidc_issuer == null || can(regex("^https?://[^/]+", var.oidc_issuer))
    error_message = "oidc_issuer: an http(s) URL."
  }
}

variable "oidc_client_id" {
  description = "Client id registered at the OpenID provider (VIGIL_OIDC_CLIENT_ID); needed with oidc_issuer."
  type        = string
  default     = null
}

variable "oidc_client_secret" {
  description = "Client secret at the OpenID provider (VIGIL_OIDC_CLIENT_SECRET); null: a public client, protected by PKCE alone. It lands in the sso function's environment alone, encrypted with kms_key_arn when one is given."
  type        = string
  default     = null
  sensitive   = true
}

variable "oidc_name" {
  description = "The name on the sign-in button (VIGIL_OIDC_NAME); null: the function's default, Single sign-on."
  type        = string
  default     = null
}

variable "oidc_scopes" {
  description = "Scopes asked for besides openid, email and profile (VIGIL_OIDC_SCOPES), e.g. \"groups\"; null: none."
  type        = string
  default     = null
}

variable "network_policy" {
  description = "VIGIL_NETWORK_POLICY: public-only (checks never reach private addresses) or allow-private."
  type        = string
  default     = "public-only"
  validation {
    condition     = contains(["public-only", "allow-private"], var.network_policy)
    error_message = "network_policy: public-only or allow-private."
  }
}

variable "body_cap_bytes" {
  description = "VIGIL_BODY_CAP_BYTES: most response body bytes a check reads; null: the functions' default (262144)."
  type        = number
  default     = null
}

variable "pings_kept_per_task" {
  description = "VIGIL_PINGS_KEPT_PER_TASK: how many of its newest pings each heartbeat task keeps (runs are kept whole); null: the functions' default (100)."
  type        = number
  default     = null
  validation {
    condition     = var.pings_kept_per_task == null || (var.pings_kept_per_task >= 1 && var.pings_kept_per_task <= 100000)
    error_message = "pings_kept_per_task: 1 to 100000 (the range VIGIL_PINGS_KEPT_PER_TASK accepts)."
  }
}

variable "log_level" {
  description = "VIGIL_LOG: the functions' log filter."
  type        = string
  default     = "info"
}

variable "endpoint_url" {
  description = "AWS_ENDPOINT_URL for the functions, for an emulator such as LocalStack; null on AWS."
  type        = string
  default     = null
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the functions without a fixed one (the scheduler and sweeper always have 1); -1: the account's unreserved pool."
  type = object({
    api            = optional(number, -1)
    dashboard      = optional(number, -1)
    account_pages  = optional(number, -1)
    host_pages     = optional(number, -1)
    alerting_pages = optional(number, -1)
    accounts       = optional(number, -1)
    sso            = optional(number, -1)
    monitors       = optional(number, -1)
    check_now      = optional(number, -1)
    tasks          = optional(number, -1)
    alerting       = optional(number, -1)
    hosts          = optional(number, -1)
    publishing     = optional(number, -1)
    triage         = optional(number, -1)
    status         = optional(number, -1)
    heartbeat      = optional(number, -1)
    prober         = optional(number, -1)
    incidents      = optional(number, -1)
    notifier       = optional(number, -1)
    agents         = optional(number, -1)
  })
  default = {}
}

variable "sqs_maximum_concurrency" {
  description = "Most concurrent invocations each SQS event source starts (2 to 1000). Bounds a runaway without the throttling (and early dead-lettering) that reserved concurrency causes on SQS-fed functions."
  type = object({
    prober    = optional(number, 50)
    incidents = optional(number, 5)
    notifier  = optional(number, 10)
  })
  default = {}
}

variable "api_throttling" {
  description = "Requests per second (steady, burst) the HTTP API stage admits, for the API and heartbeat pings together."
  type = object({
    rate_limit  = optional(number, 100)
    burst_limit = optional(number, 200)
  })
  default = {}
}

variable "probe_backlog_alarm_seconds" {
  description = "Alarm when the oldest probe job is older than this. Jobs are sent with delays of up to 900 s, so lower values can fire on a healthy queue."
  type        = number
  default     = 1200
}

variable "tracing_mode" {
  description = "X-Ray tracing of the functions: PassThrough (free) or Active (needs X-Ray permissions, added by you)."
  type        = string
  default     = "PassThrough"
}

variable "allow_destroy" {
  description = "Lets terraform destroy remove the table (deletion protection off) and a non-empty bucket. Apply with true before destroying."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
