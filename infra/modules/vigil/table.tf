# The table exactly as shared/aws/src/dynamo/table.rs creates it for the tests (docs/aws.md
# explains the keys and indexes); scripts/check-infra compares the two.
resource "aws_dynamodb_table" "main" {
  name                        = "${var.name_prefix}-main"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = !var.allow_destroy

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  attribute {
    name = "creation_key"
    type = "S"
  }
  attribute {
    name = "due_shard"
    type = "S"
  }
  attribute {
    name = "due_at"
    type = "N"
  }

  # Keys only, so that claims and health writes to a monitor never write to this index.
  local_secondary_index {
    name            = "by_creation"
    range_key       = "creation_key"
    projection_type = "KEYS_ONLY"
  }

  # Sparse: only monitors with a due time carry due_shard/due_at. The interval is projected
  # because a claim is conditional on it.
  global_secondary_index {
    name               = "due"
    hash_key           = "due_shard"
    range_key          = "due_at"
    projection_type    = "INCLUDE"
    non_key_attributes = ["interval_s"]
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
