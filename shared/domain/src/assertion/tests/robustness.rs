//! Mangled conditions and hostile bodies must never panic: every mutation of a set of seed
//! conditions is parsed, errors must point inside the text, and whatever parses is evaluated
//! against bodies of every shape.

use super::super::Assertion;
use super::{Fixture, response};

const SEEDS: &[&str] = &[
    "[STATUS] == 200",
    "[RESPONSE_TIME] < 1h30m",
    "[BODY].data[0].items[12].é == any(1, \"two\", 3)",
    "len([BODY].items) >= [STATUS]",
    "has([HEADER].X-Id) != false",
    "pat(*(a)[b-c]\\*?*) == [BODY]",
    "[BODY] == pat(*[^0-9]\\)*)",
    "[CERTIFICATE_EXPIRATION] > 72h",
    "[IP] == any(::1, 10.0.0.1)",
    "\"quoted \\\" text\" == [BODY].q",
    "[BODY][0][1] <= -0x1F",
];

const INSERTS: &[char] = &['(', ')', '[', ']', '"', '\\', ' ', '=', '<', '!', '.', ',', '*', 'é', '0'];

fn mutations(seed: &str) -> Vec<String> {
    let chars: Vec<char> = seed.chars().collect();
    let mut out = Vec::new();
    for i in 0..=chars.len() {
        out.push(chars[..i].iter().collect());
        if i < chars.len() {
            out.push(chars[..i].iter().chain(&chars[i + 1..]).collect());
        }
        for insert in INSERTS {
            out.push(chars[..i].iter().chain([insert]).chain(&chars[i..]).collect());
        }
    }
    out
}

fn bodies() -> Vec<Fixture> {
    let bodies: &[&[u8]] = &[
        b"",
        b"   ",
        b"null",
        b"[]",
        b"{}",
        b"\xff\xfe\x00",
        br#"{"data":[{"items":[1,2,3]}],"q":"quoted \" text","items":null}"#,
        br#"[[0,-31],[1]]"#,
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        b"<html>(a)b*</html>",
    ];
    bodies.iter().map(|body| response().bytes(body)).chain([response().no_tls().no_ip().no_headers()]).collect()
}

#[test]
fn mangled_conditions_and_hostile_bodies_never_panic() {
    let fixtures = bodies();
    let (mut parsed, mut refused) = (0, 0);
    for seed in SEEDS {
        assert!(Assertion::parse(seed).is_ok(), "seed {seed:?} should parse");
        for source in mutations(seed) {
            match Assertion::parse(&source) {
                Ok(assertion) => {
                    parsed += 1;
                    for fixture in &fixtures {
                        // Only the absence of a panic matters here; mismatches must still say something.
                        if let Err(mismatch) = assertion.evaluate(&fixture.0) {
                            assert!(!mismatch.actual.is_empty(), "{source:?}");
                        }
                    }
                }
                Err(error) => {
                    refused += 1;
                    let length = source.chars().count();
                    assert!((1..=length + 1).contains(&error.column), "column {} outside {source:?} ({length} chars)", error.column);
                    assert!(!error.message.is_empty(), "{source:?}");
                }
            }
        }
    }
    // The mutations must exercise both paths, or this test proves little.
    assert!(parsed > 100 && refused > 100, "parsed {parsed}, refused {refused}");
}
