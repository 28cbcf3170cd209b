//! The names a condition may use, what is said about the ones it may not, and "did you mean".

use super::ast::Placeholder;

/// The placeholders Vigil understands, as written in messages.
pub(super) const PLACEHOLDERS: &[&str] =
    &["[STATUS]", "[RESPONSE_TIME]", "[BODY]", "[HEADER]", "[CONNECTED]", "[IP]", "[CERTIFICATE_EXPIRATION]"];

/// The functions, as written in messages.
pub(super) const FUNCTIONS: &[&str] = &["len", "has", "pat", "any"];

/// What a placeholder name (already upper-cased, without brackets) stands for.
pub(super) enum Known {
    /// A placeholder that needs nothing after its `]`.
    Simple(Placeholder),
    /// `[BODY]`, which may be followed by a JSON path.
    Body,
    /// `[HEADER]`, which must be followed by `.Name`.
    Header,
    /// A Gatus placeholder that has no meaning for Vigil's HTTP monitors, and why.
    Inapplicable(&'static str),
}

pub(super) fn placeholder(upper: &str) -> Option<Known> {
    Some(match upper {
        "STATUS" => Known::Simple(Placeholder::Status),
        "RESPONSE_TIME" => Known::Simple(Placeholder::ResponseTime),
        "CERTIFICATE_EXPIRATION" => Known::Simple(Placeholder::CertificateExpiration),
        "CONNECTED" => Known::Simple(Placeholder::Connected),
        "IP" => Known::Simple(Placeholder::Ip),
        "BODY" => Known::Body,
        "HEADER" => Known::Header,
        "DNS_RCODE" => Known::Inapplicable(
            "[DNS_RCODE] is the answer code of Gatus's DNS endpoints; Vigil monitors make HTTP requests, so there is no DNS answer to check",
        ),
        "DOMAIN_EXPIRATION" => Known::Inapplicable(
            "[DOMAIN_EXPIRATION] needs a WHOIS lookup, which Vigil does not make; [CERTIFICATE_EXPIRATION] watches the TLS certificate instead",
        ),
        "CONTEXT" => Known::Inapplicable(
            "[CONTEXT] carries values between the steps of a Gatus suite; a Vigil monitor is a single request, so there is no context",
        ),
        _ => return None,
    })
}

/// Placeholder names people reach for that are too far from the real one for edit distance.
const ALIASES: &[(&str, &str)] = &[
    ("CERT_EXPIRATION", "[CERTIFICATE_EXPIRATION]"),
    ("TLS_EXPIRATION", "[CERTIFICATE_EXPIRATION]"),
    ("SSL_EXPIRATION", "[CERTIFICATE_EXPIRATION]"),
    ("CODE", "[STATUS]"),
    ("LATENCY", "[RESPONSE_TIME]"),
    ("DURATION", "[RESPONSE_TIME]"),
    ("REMOTE_IP", "[IP]"),
    ("ADDRESS", "[IP]"),
];

/// The message for an unknown placeholder name, suggesting the closest known one.
pub(super) fn unknown_placeholder(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    let alias = ALIASES.iter().find(|(alias, _)| *alias == upper).map(|(_, real)| *real);
    let suggestion = alias.or_else(|| closest(&upper, PLACEHOLDERS.iter().map(|p| (p.trim_matches(['[', ']']), *p))));
    let known =
        "[STATUS], [RESPONSE_TIME], [BODY] (with an optional JSON path), [HEADER].name, [CONNECTED], [IP] and [CERTIFICATE_EXPIRATION]";
    match suggestion {
        Some(real) => format!("unknown placeholder [{name}]; did you mean {real}? The placeholders are {known}"),
        None => format!("unknown placeholder [{name}]; the placeholders are {known}"),
    }
}

/// The message for an unknown function name, suggesting the closest known one.
pub(super) fn unknown_function(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let suggestion = closest(&lower, FUNCTIONS.iter().map(|f| (*f, *f)));
    let known = "len(), has(), pat() and any()";
    let quote_hint = "(to compare with text that has parentheses, put it in double quotes)";
    match suggestion {
        Some(real) => format!("unknown function `{name}()`; did you mean `{real}()`? The functions are {known} {quote_hint}"),
        None => format!("unknown function `{name}()`; the functions are {known} {quote_hint}"),
    }
}

/// The candidate nearest to `wanted` (case aside) if it is near enough to be a typo or a
/// shortening: within a third of the length by edit distance, or one a prefix of the other.
fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = (&'a str, &'a str)>) -> Option<&'a str> {
    let wanted = wanted.to_ascii_uppercase();
    let limit = (wanted.chars().count() / 3).max(2);
    candidates
        .map(|(name, shown)| {
            let name = name.to_ascii_uppercase();
            let distance = edit_distance(&wanted, &name);
            let shortened = wanted.len().min(name.len()) >= 3 && (wanted.starts_with(&name) || name.starts_with(&wanted));
            (if shortened { distance.min(1) } else { distance }, shown)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, shown)| shown)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let cases: &[(&str, Option<&str>)] = &[
            ("STAUTS", Some("[STATUS]")),
            ("status_code", Some("[STATUS]")),
            ("RESPONSETIME", Some("[RESPONSE_TIME]")),
            ("RESPONSE_TIMES", Some("[RESPONSE_TIME]")),
            ("BDY", Some("[BODY]")),
            ("HEADERS", Some("[HEADER]")),
            ("CERT_EXPIRATION", Some("[CERTIFICATE_EXPIRATION]")),
            ("CERTIFICATE_EXPIRY", Some("[CERTIFICATE_EXPIRATION]")),
            ("CONNECT", Some("[CONNECTED]")),
            ("CONNECTION", Some("[CONNECTED]")),
            ("CERT", Some("[CERTIFICATE_EXPIRATION]")),
            ("RESPONSE", Some("[RESPONSE_TIME]")),
            ("LATENCY", Some("[RESPONSE_TIME]")),
            ("FOO", None),
            ("ENDPOINT_NAME", None),
        ];
        for (name, expected) in cases {
            let message = unknown_placeholder(name);
            match expected {
                Some(real) => assert!(message.contains(&format!("did you mean {real}?")), "{name}: {message}"),
                None => assert!(!message.contains("did you mean"), "{name}: {message}"),
            }
        }
        assert!(unknown_function("LEN").contains("did you mean `len()`"));
        assert!(unknown_function("pattern").contains("did you mean `pat()`"));
        assert!(!unknown_function("frobnicate").contains("did you mean"));
    }

    #[test]
    fn distances() {
        let cases: &[(&str, &str, usize)] =
            &[("", "", 0), ("a", "", 1), ("kitten", "sitting", 3), ("STATUS", "STAUTS", 2), ("len", "len", 0)];
        for (a, b, distance) in cases {
            assert_eq!(edit_distance(a, b), *distance, "{a} vs {b}");
        }
    }
}
