//! `pat()` patterns: Go's `path.Match` syntax, which is what Gatus uses. `*` matches any run of
//! characters, `?` any one character, `[a-z]` / `[^0-9]` a class, and `\` escapes the next
//! character. Unlike Gatus (which strips `/` from both sides so Go's `*` can cross it) `*` and
//! `?` simply match `/` like any other character.

/// A compiled pattern.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Pattern {
    tokens: Vec<Token>,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Star,
    AnyChar,
    Class { negated: bool, ranges: Vec<(char, char)> },
    Char(char),
}

/// Why a pattern is malformed: characters into the pattern, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PatternError {
    pub offset: usize,
    pub message: String,
}

impl Pattern {
    /// Compiles a pattern, refusing the ones Go would reject with `ErrBadPattern` (Gatus then
    /// silently never matches; saying so when the monitor is saved is kinder).
    pub(super) fn compile(source: &str) -> Result<Pattern, PatternError> {
        let chars: Vec<char> = source.chars().collect();
        let fail = |offset: usize, message: &str| Err(PatternError { offset, message: message.to_owned() });
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '*' => {
                    // Consecutive stars mean the same as one, and fewer stars keep matching cheap.
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                    i += 1;
                }
                '?' => {
                    tokens.push(Token::AnyChar);
                    i += 1;
                }
                '\\' => match chars.get(i + 1) {
                    Some(&c) => {
                        tokens.push(Token::Char(c));
                        i += 2;
                    }
                    None => return fail(i, "a `\\` at the end of a pattern escapes nothing; write `\\\\` to match a backslash"),
                },
                '[' => {
                    let open = i;
                    i += 1;
                    let negated = chars.get(i) == Some(&'^');
                    if negated {
                        i += 1;
                    }
                    let mut ranges = Vec::new();
                    loop {
                        match chars.get(i) {
                            None => {
                                return fail(
                                    open,
                                    "this `[` starts a character class that is never closed with `]`; write `\\[` to match a `[`",
                                );
                            }
                            Some(']') if !ranges.is_empty() => {
                                i += 1;
                                break;
                            }
                            Some(']') => return fail(open, "a character class `[]` must list at least one character, e.g. [0-9]"),
                            Some(_) => {
                                let lo = class_char(&chars, &mut i)?;
                                let hi = if chars.get(i) == Some(&'-') {
                                    i += 1;
                                    class_char(&chars, &mut i)?
                                } else {
                                    lo
                                };
                                ranges.push((lo, hi));
                            }
                        }
                    }
                    tokens.push(Token::Class { negated, ranges });
                }
                c => {
                    tokens.push(Token::Char(c));
                    i += 1;
                }
            }
        }
        Ok(Pattern { tokens })
    }

    /// Whether the whole of `text` matches. Runs in O(text × pattern) at worst: on a mismatch it
    /// only ever returns to the most recent `*`, which is enough because `*` matches anything.
    pub(super) fn matches(&self, text: &str) -> bool {
        let tokens = &self.tokens;
        let (mut t, mut p) = (0, 0);
        // Where to resume after the last star: the token after it, and the text it has swallowed up to.
        let mut resume: Option<(usize, usize)> = None;
        loop {
            if tokens.get(p) == Some(&Token::Star) {
                p += 1;
                resume = Some((p, t));
                continue;
            }
            let next = text[t..].chars().next();
            match (next, tokens.get(p)) {
                (None, None) => return true,
                (Some(c), Some(token)) if token.matches(c) => {
                    t += c.len_utf8();
                    p += 1;
                    continue;
                }
                _ => {}
            }
            let Some((star_p, star_t)) = resume else { return false };
            let Some(swallowed) = text[star_t..].chars().next() else { return false };
            let star_t = star_t + swallowed.len_utf8();
            resume = Some((star_p, star_t));
            p = star_p;
            t = star_t;
        }
    }
}

/// One character of a class, escaped or not; `-` and `]` must be escaped, as in Go.
fn class_char(chars: &[char], i: &mut usize) -> Result<char, PatternError> {
    let fail = |offset: usize, message: &str| Err(PatternError { offset, message: message.to_owned() });
    match chars.get(*i) {
        Some('\\') => match chars.get(*i + 1) {
            Some(&c) => {
                *i += 2;
                Ok(c)
            }
            None => fail(*i, "a `\\` at the end of a pattern escapes nothing"),
        },
        Some('-') => fail(*i, "a `-` in a character class must sit between two characters (a-z) or be escaped as `\\-`"),
        Some(']') => fail(*i, "a character class needs a character on each side of `-`, e.g. [a-z]"),
        Some(&c) => {
            *i += 1;
            Ok(c)
        }
        None => fail(*i, "this character class is never closed with `]`"),
    }
}

impl Token {
    fn matches(&self, c: char) -> bool {
        match self {
            Token::Star => true,
            Token::AnyChar => true,
            Token::Char(expected) => *expected == c,
            Token::Class { negated, ranges } => ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "", true),
            ("*", "anything at all", true),
            ("*healthy*", "status: healthy!", true),
            ("*healthy*", "unhealthy", true),
            ("*healthy*", "HEALTHY", false),
            ("john*", "john.doe", true),
            ("bob*", "john.doe", false),
            ("10.*", "10.0.0.0", true),
            ("10.*", "255.255.255.255", false),
            ("4*", "404", true),
            ("4*", "200", false),
            ("2??", "204", true),
            ("2??", "2004", false),
            ("*<div id=\"user\">john.doe</div>*", "<html><body><div id=\"user\">john.doe</div></body></html>", true),
            ("*/api/*", "https://x/api/v1", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbYcZ", false),
            ("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa", false),
            ("[0-9][0-9]", "42", true),
            ("[0-9][0-9]", "4x", false),
            ("[^0-9]*", "x42", true),
            ("[^0-9]*", "42", false),
            ("[abc]", "b", true),
            ("\\*", "*", true),
            ("\\*", "x", false),
            ("caf?", "café", true),
            ("*é", "café", true),
            ("", "", true),
            ("", "x", false),
            ("**", "x", true),
        ];
        for (pattern, text, expected) in cases {
            let compiled = Pattern::compile(pattern).unwrap_or_else(|e| panic!("{pattern:?} should compile: {e:?}"));
            assert_eq!(compiled.matches(text), *expected, "{pattern:?} against {text:?}");
        }
    }

    #[test]
    fn malformed_patterns() {
        let cases: &[(&str, usize, &str)] = &[
            ("*[ok*", 1, "never closed"),
            ("[]", 0, "at least one character"),
            ("[^]", 0, "at least one character"),
            ("ab\\", 2, "escapes nothing"),
            ("[a-]", 3, "a character on each side"),
            ("[-a]", 1, "must sit between two characters"),
            ("[a\\", 2, "escapes nothing"),
        ];
        for (pattern, offset, phrase) in cases {
            let error = Pattern::compile(pattern).expect_err(pattern);
            assert_eq!(error.offset, *offset, "offset for {pattern:?}: {}", error.message);
            assert!(error.message.contains(phrase), "message for {pattern:?}: {}", error.message);
        }
    }
}
