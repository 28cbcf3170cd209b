//! The catalogues agree with each other and with the code: the same keys, plurals and
//! arguments in English and French, and every key the code or a template names exists.

use super::catalogue::{Catalogue, EN, FR, Message};
use std::collections::BTreeSet;
use std::path::Path;
use vigil_domain::accounts::Locale;

fn catalogues() -> (Catalogue, Catalogue) {
    (Catalogue::parse(EN).expect("en.toml parses"), Catalogue::parse(FR).expect("fr.toml parses"))
}

/// The `{names}` of a message.
fn arguments(message: &Message) -> BTreeSet<String> {
    let texts = match message {
        Message::Text(text) => vec![*text],
        Message::Plural { one, other } => vec![*one, *other],
    };
    texts
        .into_iter()
        .flat_map(|text| text.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned())))
        .collect()
}

/// Every key named in the crate's source and templates: the first string argument of `.t(`,
/// `.n(`, `.a(`, `.a2(` and `msg(`.
fn keys_used() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut keys = BTreeSet::new();
    let mut stack = vec![root.join("src"), root.join("templates")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.ends_with("i18n/catalogue_tests.rs") || path.ends_with("i18n/mod.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in [".t(\"", ".n(\"", ".a(\"", ".a2(\"", "msg(\""] {
                for (at, _) in text.match_indices(call) {
                    let rest = &text[at + call.len()..];
                    if let Some(end) = rest.find('"') {
                        keys.insert(rest[..end].to_owned());
                    }
                }
            }
        }
    }
    keys
}

#[test]
fn english_and_french_have_the_same_keys_plurals_and_arguments() {
    let (en, fr) = catalogues();
    let en_keys: BTreeSet<&str> = en.iter().map(|(k, _)| k).collect();
    let fr_keys: BTreeSet<&str> = fr.iter().map(|(k, _)| k).collect();
    assert_eq!(en_keys.difference(&fr_keys).collect::<Vec<_>>(), Vec::<&&str>::new(), "keys missing from fr.toml");
    assert_eq!(fr_keys.difference(&en_keys).collect::<Vec<_>>(), Vec::<&&str>::new(), "keys missing from en.toml");
    for (key, message) in en.iter() {
        let french = fr.get(key).unwrap();
        assert_eq!(
            matches!(message, Message::Plural { .. }),
            matches!(french, Message::Plural { .. }),
            "{key}: a plural in one language only"
        );
        assert_eq!(arguments(message), arguments(french), "{key}: the arguments differ");
    }
}

#[test]
fn every_key_the_code_and_templates_use_is_in_both_catalogues_and_none_is_unused() {
    let (en, fr) = catalogues();
    let used = keys_used();
    assert!(used.len() > 200, "the scan finds the keys ({} found)", used.len());
    let missing: Vec<&String> = used.iter().filter(|key| en.get(key).is_none() || fr.get(key).is_none()).collect();
    assert!(missing.is_empty(), "keys used but absent from a catalogue: {missing:?}");
    let unused: Vec<&str> = en.iter().map(|(k, _)| k).filter(|key| !used.contains(*key)).collect();
    assert!(unused.is_empty(), "keys in the catalogues that nothing uses: {unused:?}");
}

#[test]
fn the_compiled_catalogues_are_the_written_ones() {
    let (en, fr) = catalogues();
    for (written, compiled) in [(en, Catalogue::of(Locale::En)), (fr, Catalogue::of(Locale::Fr))] {
        assert_eq!(written.iter().collect::<Vec<_>>(), compiled.iter().collect::<Vec<_>>());
    }
    assert!(Catalogue::of(Locale::Fr).get("nav.overview").is_some_and(|m| *m != Message::Text("")), "a lookup by key finds it");
}

#[test]
fn a_key_missing_from_a_catalogue_is_caught() {
    let en = Catalogue::parse("[a]\nb = \"x\"\n").unwrap();
    assert!(en.get("a.b").is_some() && en.get("a.c").is_none());
    assert!(Catalogue::parse("[a]\nb = 1\n").is_err(), "only texts and tables");
    assert!(Catalogue::parse("a = { one = \"x\", other = \"y\", few = \"z\" }").is_err(), "plurals are one and other");
}
