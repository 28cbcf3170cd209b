use super::Email;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A password hash in the PHC string format (`$argon2id$v=19$m=…`). Made and checked by the
/// `PasswordHasher` port; never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PasswordHash(pub String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}

/// Why a new password was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRejected {
    /// Shorter than the minimum.
    #[error("a password needs at least {min} characters")]
    TooShort {
        /// The minimum.
        min: usize,
    },
    /// Longer than what is worth hashing.
    #[error("a password has at most {max} characters")]
    TooLong {
        /// The maximum.
        max: usize,
    },
    /// Among the passwords attackers try first, or made of one repeated or sequential run.
    #[error("this password is among the most common ones; choose another")]
    Common,
    /// Contains the account's own email name.
    #[error("a password must not contain your email address")]
    ContainsEmail,
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest: argon2 hashes anything, but a megabyte password is an attack, not a secret.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks a new password against the policy: length, the common-password list, and the email.
/// Composition rules (a digit, a symbol) are deliberately absent, as NIST SP 800-63B advises.
pub fn check_password(password: &str, email: &Email) -> Result<(), PasswordRejected> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordRejected::TooShort { min: MIN_PASSWORD_CHARS });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordRejected::TooLong { max: MAX_PASSWORD_CHARS });
    }
    let lower = password.to_lowercase();
    let local = email.as_str().split('@').next().unwrap_or_default();
    if local.len() >= 4 && lower.contains(local) {
        return Err(PasswordRejected::ContainsEmail);
    }
    if is_common(&lower) {
        return Err(PasswordRejected::Common);
    }
    Ok(())
}

/// Passwords (or their stems before a run of digits or punctuation) that lead every published
/// list of leaked passwords.
const COMMON: &[&str] = &[
    "123456",
    "password",
    "12345678",
    "qwerty",
    "123456789",
    "12345",
    "1234",
    "111111",
    "1234567",
    "dragon",
    "123123",
    "baseball",
    "abc123",
    "football",
    "monkey",
    "letmein",
    "696969",
    "shadow",
    "master",
    "666666",
    "qwertyuiop",
    "123321",
    "mustang",
    "1234567890",
    "michael",
    "654321",
    "superman",
    "1qaz2wsx",
    "7777777",
    "121212",
    "000000",
    "qazwsx",
    "123qwe",
    "killer",
    "trustno1",
    "jordan",
    "jennifer",
    "zxcvbnm",
    "asdfgh",
    "hunter",
    "buster",
    "soccer",
    "harley",
    "batman",
    "andrew",
    "tigger",
    "sunshine",
    "iloveyou",
    "fuckme",
    "2000",
    "charlie",
    "robert",
    "thomas",
    "hockey",
    "ranger",
    "daniel",
    "starwars",
    "klaster",
    "112233",
    "george",
    "computer",
    "michelle",
    "jessica",
    "pepper",
    "1111",
    "zxcvbn",
    "555555",
    "11111111",
    "131313",
    "freedom",
    "777777",
    "pass",
    "maggie",
    "159753",
    "aaaaaa",
    "ginger",
    "princess",
    "joshua",
    "cheese",
    "amanda",
    "summer",
    "love",
    "ashley",
    "nicole",
    "chelsea",
    "biteme",
    "matthew",
    "access",
    "yankees",
    "987654321",
    "dallas",
    "austin",
    "thunder",
    "taylor",
    "matrix",
    "mobilemail",
    "mom",
    "monitor",
    "monitoring",
    "admin",
    "administrator",
    "welcome",
    "login",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "qwerty123",
    "qwertyui",
    "azerty",
    "azertyuiop",
    "motdepasse",
    "soleil",
    "bonjour",
    "changeme",
    "secret",
    "default",
    "root",
    "toor",
    "letmein1",
    "welcome1",
    "password1",
    "iloveyou1",
    "princess1",
    "abcdef",
    "abcdefg",
    "abcdefgh",
    "abcdefghij",
    "qweasdzxc",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zaq12wsx",
    "asdfghjkl",
    "vigil",
    "uptime",
    "internet",
    "samsung",
    "google",
    "apple",
    "facebook",
    "linkedin",
    "starbucks",
    "whatever",
    "football1",
    "baseball1",
    "superman1",
];

fn is_common(lower: &str) -> bool {
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    let candidates = [lower, stem];
    if candidates.iter().any(|candidate| COMMON.contains(candidate)) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    let one_char = chars.iter().all(|c| *c == chars[0]);
    let sequential = chars.windows(2).all(|w| w[1] as i64 - w[0] as i64 == 1) || chars.windows(2).all(|w| w[0] as i64 - w[1] as i64 == 1);
    let repeated_stem = (1..=chars.len() / 2).any(|n| chars.len().is_multiple_of(n) && chars.chunks(n).all(|c| c == &chars[..n]) && n < 4);
    one_char || sequential || repeated_stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_case_by_case() {
        let email = Email::parse("ann.lee@example.com").unwrap();
        let cases: [(&str, Result<(), PasswordRejected>); 10] = [
            ("correct horse battery staple", Ok(())),
            ("Tr0ub4dor&3xyz", Ok(())),
            ("short", Err(PasswordRejected::TooShort { min: MIN_PASSWORD_CHARS })),
            ("password123!", Err(PasswordRejected::Common)),
            ("Password2024", Err(PasswordRejected::Common)),
            ("qwertyuiop", Err(PasswordRejected::Common)),
            ("aaaaaaaaaaaa", Err(PasswordRejected::Common)),
            ("abcabcabcabc", Err(PasswordRejected::Common)),
            ("0123456789", Err(PasswordRejected::Common)),
            ("my-ann.lee-password", Err(PasswordRejected::ContainsEmail)),
        ];
        for (password, expected) in cases {
            assert_eq!(check_password(password, &email), expected, "{password:?}");
        }
        assert_eq!(check_password(&"x".repeat(300), &email), Err(PasswordRejected::TooLong { max: MAX_PASSWORD_CHARS }));
    }
}
