//! Schemathesis (property-based tests generated from the OpenAPI document) against a live
//! `vigil serve`: no answer is a server error, and every answer (status, content type, headers,
//! body) is one the document describes. Bounded so that it ends in a minute or two on two
//! cores: `VIGIL_SCHEMATHESIS_EXAMPLES` cases per operation (25 by default) with the seed
//! `VIGIL_SCHEMATHESIS_SEED` (fixed by default, so that a failure reproduces).

use crate::support::{KEY, Serve};
use std::path::PathBuf;
use std::process::Command;

#[test]
fn schemathesis_finds_no_server_error_and_no_answer_off_the_document() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".venv-schemathesis/bin/python");
    assert!(python.exists(), "schemathesis is not installed in {}: run ./scripts/install-test-tools", python.display());
    // Through a wrapper that keeps a CPython 3.11 bug in Hypothesis's lambda naming from being
    // reported as an error of the API (see the script).
    let st = root.join("tests/tools/run_schemathesis.py");
    let serve = Serve::start(&[]);
    let examples = std::env::var("VIGIL_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "25".into());
    let seed = std::env::var("VIGIL_SCHEMATHESIS_SEED").unwrap_or_else(|_| "16".into());
    let reports = tempfile::tempdir().unwrap();
    let output = Command::new(&python)
        .current_dir(reports.path())
        .arg(&st)
        .args(["run", &format!("{}/v1/openapi.json", serve.base)])
        .args(["--header", &format!("Authorization: Bearer {KEY}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,\
             response_schema_conformance,unsupported_method",
        ])
        .args(["--max-examples", &examples, "--seed", &seed, "--workers", "2"])
        .args(["--generation-database", "none", "--no-color", "--request-timeout", "20"])
        .output()
        .expect("running schemathesis");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "schemathesis failed:\n{text}\n{}", String::from_utf8_lossy(&output.stderr));
    let summary = text.lines().find(|l| l.contains("generated,")).unwrap_or_default();
    assert!(summary.contains("passed"), "no test case ran:\n{text}");
    let generated: u64 = summary.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(generated > 500, "too few cases ran ({summary}):\n{text}");
    eprintln!("schemathesis: {}", summary.trim());
}
