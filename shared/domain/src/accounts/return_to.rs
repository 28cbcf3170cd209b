use std::fmt;

/// Where a browser goes after signing in: a path on this server, never another site, so that a
/// sign-in link cannot be made to forward someone elsewhere (an open redirect).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnTo(String);

impl ReturnTo {
    /// The longest path kept (it rides in a stored token and a `Location` header).
    pub const MAX_LEN: usize = 2000;

    /// `text` if it is a local path (`/monitors?tag=prod`); `/` when nothing is given.
    pub fn parse(text: Option<&str>) -> Result<Self, String> {
        let Some(text) = text.filter(|t| !t.is_empty()) else { return Ok(Self("/".into())) };
        let local = "give a path on this server that starts with a single `/`, such as `/monitors`";
        if text.len() > Self::MAX_LEN {
            return Err(format!("a return path has at most {} characters", Self::MAX_LEN));
        }
        // Browsers read `//host`, `/\host` and `\\host` as another site, and drop tabs and
        // new lines from URLs, so `/\t/host` is one too: only printable ASCII passes (other
        // characters come percent-encoded, as browsers send them).
        if !text.starts_with('/') || text.starts_with("//") || text.contains('\\') || !text.chars().all(|c| c.is_ascii_graphic()) {
            let shown: String = text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect();
            return Err(format!("`{shown}` is not a local path: {local}"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<ReturnTo> for String {
    fn from(value: ReturnTo) -> Self {
        value.0
    }
}

impl fmt::Display for ReturnTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_return_paths() {
        let cases: [(Option<&str>, Option<&str>); 18] = [
            (None, Some("/")),
            (Some(""), Some("/")),
            (Some("/"), Some("/")),
            (Some("/monitors?tag=prod#top"), Some("/monitors?tag=prod#top")),
            (Some("/a/b/../c"), Some("/a/b/../c")),
            (Some("https://evil.example/"), None),
            (Some("http:/evil.example"), None),
            (Some("//evil.example/path"), None),
            (Some("/\\evil.example"), None),
            (Some("\\\\evil.example"), None),
            (Some("/\t/evil.example"), None),
            (Some("/\n/evil.example"), None),
            (Some("javascript:alert(1)"), None),
            (Some("monitors"), None),
            (Some("/a b"), None),
            (Some(" /monitors"), None),
            (Some("/caf\u{e9}"), None),
            (Some("/caf%C3%A9"), Some("/caf%C3%A9")),
        ];
        for (text, expected) in cases {
            assert_eq!(ReturnTo::parse(text).ok().map(String::from).as_deref(), expected, "{text:?}");
        }
        let long = format!("/{}", "a".repeat(ReturnTo::MAX_LEN));
        assert!(ReturnTo::parse(Some(&long)).unwrap_err().contains("at most"));
        assert!(ReturnTo::parse(Some("https://evil.example/")).unwrap_err().starts_with("`https://evil.example/` is not a local path"));
        assert!(
            ReturnTo::parse(Some("/\n/evil.example")).unwrap_err().starts_with("`/\\n/evil.example`"),
            "control characters shown escaped"
        );
    }
}
