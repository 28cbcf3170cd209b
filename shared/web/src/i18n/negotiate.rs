//! Which language a visitor who is not signed in reads: the cookie the language switch sets,
//! else the browser's `Accept-Language`.

use vigil_domain::accounts::Locale;

/// The cookie the language switch sets.
pub(crate) const LANGUAGE_COOKIE: &str = "vigil_lang";

/// The best language of an `Accept-Language` header that Vigil speaks (by quality, then
/// order), if any.
pub(crate) fn from_accept_language(header: &str) -> Option<Locale> {
    let mut best: Option<(f32, Locale)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let Some(locale) = parts.next().map(str::trim).and_then(Locale::parse) else { continue };
        let quality = parts.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, locale));
        }
    }
    best.map(|(_, locale)| locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_spoken_language_wins() {
        let cases = [
            ("fr-FR,fr;q=0.9,en;q=0.8", Some(Locale::Fr)),
            ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.7", Some(Locale::Fr)),
            ("en-GB, fr", Some(Locale::En)),
            ("de, es", None),
            ("fr;q=0, en;q=0.1", Some(Locale::En)),
            ("", None),
        ];
        for (header, want) in cases {
            assert_eq!(from_accept_language(header), want, "{header}");
        }
    }
}
