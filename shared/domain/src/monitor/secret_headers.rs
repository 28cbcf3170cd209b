//! Request headers that carry credentials: shown masked once saved, and kept as stored when a
//! client sends the masked value back (a read-modify-write of the whole monitor).

use std::collections::BTreeMap;

/// Name fragments of headers that carry credentials, compared case-insensitively.
const SECRET_NAME_PARTS: [&str; 8] = ["authorization", "cookie", "token", "secret", "password", "api-key", "apikey", "session"];

/// The shortest value whose last four characters may be shown.
const TAIL_SHOWN_FROM: usize = 16;

/// Whether a header of this name carries a credential.
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "x-api-key" || SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
}

/// How a credential is shown: an `Authorization` scheme stays readable (`Bearer …3f9a`), the
/// rest becomes `…` and, for long values, their last four characters.
pub fn mask_header_value(value: &str) -> String {
    let (scheme, secret) = match value.split_once(' ') {
        Some((scheme, rest)) if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphabetic()) => (Some(scheme), rest),
        _ => (None, value),
    };
    let count = secret.chars().count();
    let tail: String = if count >= TAIL_SHOWN_FROM { secret.chars().skip(count - 4).collect() } else { String::new() };
    match scheme {
        Some(scheme) => format!("{scheme} …{tail}"),
        None => format!("…{tail}"),
    }
}

/// `headers` as an API read shows them.
pub fn masked(headers: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if is_secret_header(name) { mask_header_value(value) } else { value.clone() };
            (name.clone(), shown)
        })
        .collect()
}

/// The fingerprint of each credential header of `headers`, by name.
pub fn fingerprints(headers: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter(|(name, _)| is_secret_header(name))
        .map(|(name, value)| (name.clone(), crate::fingerprint::of_secret(value)))
        .collect()
}

/// `sent` with every value that is the mask of the stored value of the same header replaced by
/// the stored value, so that sending back what a read showed changes nothing.
pub fn unmasked(sent: BTreeMap<String, String>, stored: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    sent.into_iter()
        .map(|(name, value)| {
            let kept = stored.get(&name).filter(|old| is_secret_header(&name) && mask_header_value(old) == value).cloned().unwrap_or(value);
            (name, kept)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_headers_are_masked_and_masks_sent_back_keep_the_value() {
        let cases = [
            ("Authorization", "Bearer abcdefghijklmnopqrstuvwxyz", "Bearer …wxyz"),
            ("authorization", "Basic dXNlcjpwdw==", "Basic …"),
            ("X-Api-Key", "k-1234567890abcdef", "…cdef"),
            ("Cookie", "session=abc", "…"),
            ("X-Auth-Token", "short", "…"),
            ("X-Client-Secret", "0123456789abcdefXYZW", "…XYZW"),
        ];
        for (name, value, shown) in cases {
            assert!(is_secret_header(name), "{name}");
            let stored = BTreeMap::from([(name.to_owned(), value.to_owned())]);
            assert_eq!(masked(&stored)[name], shown, "{name}");
            assert_eq!(unmasked(masked(&stored), &stored), stored, "{name}: sending the mask back keeps the secret");
            let replaced = BTreeMap::from([(name.to_owned(), "new value".to_owned())]);
            assert_eq!(unmasked(replaced.clone(), &stored), replaced, "{name}: a new value replaces it");
        }
    }

    #[test]
    fn other_headers_are_shown_as_they_are() {
        for name in ["Accept", "User-Agent", "X-Request-Id", "Content-Type"] {
            assert!(!is_secret_header(name), "{name}");
            let stored = BTreeMap::from([(name.to_owned(), "text/html".to_owned())]);
            assert_eq!(masked(&stored), stored);
        }
        // A literal "…" for a header that is no secret is a value like any other.
        let stored = BTreeMap::from([("Accept".to_owned(), "a".to_owned())]);
        let sent = BTreeMap::from([("Accept".to_owned(), "…".to_owned())]);
        assert_eq!(unmasked(sent.clone(), &stored), sent);
    }
}
