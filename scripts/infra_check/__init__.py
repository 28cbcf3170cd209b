"""Static checks of infra/ (Terraform) against the functions' manifest and the Rust code.

Run by scripts/check-infra; no Terraform binary and no provider download needed.
"""
