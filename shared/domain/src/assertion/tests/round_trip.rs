//! Assertions travel as their source text: Display, Serialize and Deserialize.

use super::super::Assertion;

#[test]
fn serde_round_trip_keeps_the_trimmed_source() {
    let cases: &[(&str, &str)] = &[
        ("[STATUS] == 200", "\"[STATUS] == 200\""),
        ("  [STATUS]   ==   200  ", "\"[STATUS]   ==   200\""),
        ("[BODY].data.status == UP", "\"[BODY].data.status == UP\""),
        ("[BODY] == pat(*<div id=\"user\">*)", "\"[BODY] == pat(*<div id=\\\"user\\\">*)\""),
        ("[BODY].message == \"a == b\"", "\"[BODY].message == \\\"a == b\\\"\""),
        ("[CERTIFICATE_EXPIRATION] > 72h", "\"[CERTIFICATE_EXPIRATION] > 72h\""),
        ("[BODY].état == prêt", "\"[BODY].état == prêt\""),
    ];
    for (source, json) in cases {
        let assertion = Assertion::parse(source).unwrap_or_else(|e| panic!("{source:?} should parse, got {e}"));
        assert_eq!(assertion.to_string(), source.trim(), "Display of {source:?}");
        let serialized = serde_json::to_string(&assertion).expect("serializes");
        assert_eq!(serialized, *json, "serialized {source:?}");
        let back: Assertion = serde_json::from_str(&serialized).expect("deserializes");
        assert_eq!(back, assertion, "round trip of {source:?}");
        assert_eq!(back.source(), source.trim());
    }
}

#[test]
fn deserializing_refuses_bad_conditions_with_their_column() {
    let cases: &[(&str, &str)] = &[
        ("\"[STAUTS] == 200\"", "at column 1: unknown placeholder [STAUTS]; did you mean [STATUS]?"),
        ("\"[STATUS] = 200\"", "at column 10: `=` is not an operator"),
        ("\"\"", "at column 1: the condition is empty"),
    ];
    for (json, phrase) in cases {
        let error = serde_json::from_str::<Assertion>(json).expect_err(json).to_string();
        assert!(error.contains(phrase), "error for {json}: {error}");
    }
    let list: Vec<Assertion> = serde_json::from_str(r#"["[STATUS] == 200", "len([BODY].items) > 0"]"#).expect("a list deserializes");
    assert_eq!(list.len(), 2);
    assert_eq!(serde_json::to_string(&list).expect("serializes"), r#"["[STATUS] == 200","len([BODY].items) > 0"]"#);
}
