terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40.0, < 7.0.0"
    }
  }
  # State is local by default; for a shared deployment, add a backend here, e.g.
  # backend "s3" { bucket = "my-tf-state" key = "vigil/terraform.tfstate" region = "eu-west-1" use_lockfile = true }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Application = "vigil", Environment = var.environment_name }
  }
}
