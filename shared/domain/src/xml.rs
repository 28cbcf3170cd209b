//! Text inside XML documents: the status pages' feeds and badges, and the bodies of S3 calls.

/// `text` as XML character data or an attribute value: the five characters with a meaning in
/// XML replaced by their named entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_five_special_characters_are_replaced_and_nothing_else() {
        assert_eq!(super::escape("a&b<c>\"d'e/é ☃"), "a&amp;b&lt;c&gt;&quot;d&apos;e/é ☃");
    }
}
