# Vigil on LocalStack (https://localstack.cloud), for users with Docker: every AWS endpoint of
# the provider points at LocalStack, and the functions get AWS_ENDPOINT_URL so that their SDK
# calls do too. See docs/deploy.md ("Trying it on LocalStack") for what LocalStack's free edition
# lacks.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40.0, < 7.0.0"
    }
  }
}

variable "localstack_url" {
  description = "LocalStack's edge endpoint as seen from the machine running Terraform."
  type        = string
  default     = "http://localhost:4566"
}

variable "function_endpoint_url" {
  description = "LocalStack as seen from inside its Lambda containers (AWS_ENDPOINT_URL)."
  type        = string
  default     = "http://localhost.localstack.cloud:4566"
}

variable "artefacts_dir" {
  type    = string
  default = null
}

provider "aws" {
  region     = "us-east-1"
  access_key = "test"
  secret_key = "test"

  # LocalStack has no real account or instance metadata to look up.
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  # LocalStack serves every bucket from one host, so bucket names go in the path.
  s3_use_path_style = true

  endpoints {
    apigatewayv2   = var.localstack_url
    cloudwatch     = var.localstack_url
    cloudwatchlogs = var.localstack_url
    dynamodb       = var.localstack_url
    events         = var.localstack_url
    iam            = var.localstack_url
    kms            = var.localstack_url
    lambda         = var.localstack_url
    s3             = var.localstack_url
    ses            = var.localstack_url
    sns            = var.localstack_url
    sqs            = var.localstack_url
    sts            = var.localstack_url
  }
}

module "vigil" {
  source = "../../modules/vigil"

  name_prefix   = "vigil-local"
  artefacts_dir = coalesce(var.artefacts_dir, abspath("${path.root}/../../../target/lambda"))
  endpoint_url  = var.function_endpoint_url
  # Local data is disposable.
  allow_destroy  = true
  retention_days = 7
}

output "api_url" {
  value = module.vigil.api_url
}

output "heartbeat_base_url" {
  value = module.vigil.heartbeat_base_url
}

output "table_name" {
  value = module.vigil.table_name
}
