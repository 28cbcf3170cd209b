//! The `aws-cost` scenario, small, on the emulator: the cost figures of docs/aws.md come from it,
//! and nothing else would notice if it stopped running (it once did, when the prober's wiring
//! lost the monitor repository the scenario made its monitors with).

use std::process::Command;

/// The number after `label` in `text`, up to the next character that is not a digit or a comma.
fn number_after(text: &str, label: &str) -> u64 {
    let start = text.find(label).unwrap_or_else(|| panic!("no `{label}` in:\n{text}")) + label.len();
    let digits: String = text[start..].chars().take_while(|c| c.is_ascii_digit() || *c == ',').filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("no number after `{label}` in:\n{text}"))
}

#[test]
fn the_scenario_counts_the_checks_and_prices_them() {
    // Claims reach 13 minutes ahead, so a window of 14 minutes after the first sees each
    // monitor claimed again and its checks run.
    let output = Command::new(env!("CARGO_BIN_EXE_vigil-bench"))
        .args(["aws-cost", "--monitors", "4", "--warmup-minutes", "1", "--minutes", "14"])
        .output()
        .expect("running vigil-bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "vigil-bench aws-cost failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));

    let checks = number_after(&stdout, "simulated minutes, ");
    assert!(checks >= 4 * 10, "4 monitors claimed again for 13 minutes ran only {checks} checks:\n{stdout}");
    let result_bytes = number_after(&stdout, ", result ");
    assert!((100..200).contains(&result_bytes), "a result item in the compact form is 100-200 bytes, not {result_bytes}:\n{stdout}");
    for row in ["| DynamoDB writes", "| DynamoDB storage (results)", "| SQS", "| total"] {
        assert!(stdout.contains(row), "no `{row}` row:\n{stdout}");
    }
}
