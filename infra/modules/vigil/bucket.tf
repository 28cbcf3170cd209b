# Failure artefacts (<tenant>/<monitor>/<check>.json) and big ping bodies (pings/). Both are
# history, so they expire with the check history they belong to.
resource "aws_s3_bucket" "artefacts" {
  #checkov:skip=CKV_AWS_18:Server access logs would be a second bucket and a log line per artefact write; the functions' CloudWatch logs already record who wrote what.
  #checkov:skip=CKV_AWS_144:Artefacts are disposable evidence that expires after retention_days; replicating them to another region doubles storage for no recovery need.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to new artefacts; event notifications would have no consumer.
  #checkov:skip=CKV_AWS_145:Encrypted with var.kms_key_arn when one is given; otherwise SSE-S3, so that a deployment needs no key by default.
  bucket_prefix = "${var.name_prefix}-artefacts-"
  force_destroy = var.allow_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "artefacts" {
  bucket                  = aws_s3_bucket.artefacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "artefacts" {
  bucket = aws_s3_bucket.artefacts.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artefacts" {
  bucket = aws_s3_bucket.artefacts.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

# Versioning guards against an overwrite or delete by mistake; old versions are kept one day
# only, so it costs next to nothing.
resource "aws_s3_bucket_versioning" "artefacts" {
  bucket = aws_s3_bucket.artefacts.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artefacts" {
  bucket = aws_s3_bucket.artefacts.id

  rule {
    id     = "expire-with-check-history"
    status = "Enabled"
    filter {}
    expiration {
      days = var.retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.artefacts]
}

data "aws_iam_policy_document" "artefacts_bucket" {
  statement {
    sid       = "DenyPlainHttp"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.artefacts.arn, "${aws_s3_bucket.artefacts.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "artefacts" {
  bucket     = aws_s3_bucket.artefacts.id
  policy     = data.aws_iam_policy_document.artefacts_bucket.json
  depends_on = [aws_s3_bucket_public_access_block.artefacts]
}
