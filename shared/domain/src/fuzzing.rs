//! The fuzzing harness of Vigil's parsers and decoders (the targets are in this crate's tests
//! and beside the decoders of other crates): random `arbitrary` inputs for a bounded time,
//! half of them spelled from the target grammar's tokens so that they reach past the first
//! character. `VIGIL_FUZZ_SECONDS` sets the time per target (2 by default). A failure prints the
//! arbtest seed that reproduces it; the input that crashed becomes a row of [`REGRESSIONS`].

use std::time::Duration;

/// The punctuation of JSON, for targets that read JSON bodies.
pub const JSON_PUNCTUATION: &[&str] = &["{", "}", "[", "]", ",", ":", "null", "\"\"", "0", "-1"];

/// Inputs that once crashed or hung a target; every target is run on each.
pub const REGRESSIONS: &[&str] = &["", " ", "\u{0}", "{}", "[]", "null"];

/// `a` and `b` as one list of tokens.
pub fn with<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<&'a str> {
    a.iter().chain(b).copied().collect()
}

fn test_time() -> Duration {
    let seconds = std::env::var("VIGIL_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    Duration::from_secs(seconds)
}

/// Half the inputs as they come (lossy UTF-8), half spelled from `tokens`: each byte picks one.
fn spell(input: &[u8], tokens: &[&str]) -> String {
    match input.split_first() {
        Some((first, rest)) if first % 2 == 0 => rest.iter().map(|b| tokens[*b as usize % tokens.len()]).collect(),
        _ => String::from_utf8_lossy(input).into_owned(),
    }
}

/// Runs `target` on every regression, then on random inputs for the time budget; panics (with
/// the reproducing seed) if `target` does.
pub fn fuzz(tokens: &[&str], target: impl Fn(&str)) {
    for input in REGRESSIONS {
        target(input);
    }
    let runs = std::cell::Cell::new(0u64);
    arbtest::arbtest(|u| {
        let input: &[u8] = u.arbitrary()?;
        target(&spell(input, tokens));
        runs.set(runs.get() + 1);
        Ok(())
    })
    .size_max(512)
    .budget(test_time())
    .run();
    eprintln!("fuzzed {} inputs in {:?}", runs.get(), test_time());
}
