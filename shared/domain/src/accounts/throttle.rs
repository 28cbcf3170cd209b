//! Slowing down password guessing: failed sign-ins are counted per account and per address;
//! past a few, each further try must wait, longer each time.

use jiff::{SignedDuration, Timestamp};

/// What failures are counted against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    /// An account, by email (counted whether or not it exists, so the answer reveals nothing).
    Account(String),
    /// A client address.
    Address(String),
}

impl ThrottleKey {
    /// The key as stored.
    pub fn as_storage_key(&self) -> String {
        match self {
            ThrottleKey::Account(email) => format!("account:{email}"),
            ThrottleKey::Address(ip) => format!("address:{ip}"),
        }
    }
}

/// The policy: how many failures are free, and how the wait grows after them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignInThrottle {
    /// Failures older than this are forgotten.
    pub window: SignedDuration,
    /// Failures allowed per account before waits begin.
    pub free_per_account: u32,
    /// Failures allowed per address before waits begin (several people may share one).
    pub free_per_address: u32,
    /// The longest wait.
    pub max_wait: SignedDuration,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        Self { window: SignedDuration::from_mins(15), free_per_account: 5, free_per_address: 20, max_wait: SignedDuration::from_mins(15) }
    }
}

impl SignInThrottle {
    /// How long the next try must wait after `failures` failures in the window, the last at
    /// `last_failure`: nothing while under the free count, then 1 s, 2 s, 4 s … up to the cap.
    pub fn wait(&self, key: &ThrottleKey, failures: u32, last_failure: Option<Timestamp>, now: Timestamp) -> Option<SignedDuration> {
        let free = match key {
            ThrottleKey::Account(_) => self.free_per_account,
            ThrottleKey::Address(_) => self.free_per_address,
        };
        let over = failures.checked_sub(free)?;
        let wait = SignedDuration::from_secs(1i64 << over.min(20)).min(self.max_wait);
        let until = last_failure?.saturating_add(wait).ok()?;
        (until > now).then(|| until.duration_since(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_past_the_free_failures_and_are_capped() {
        let t0: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let policy = SignInThrottle::default();
        let account = ThrottleKey::Account("a@b.io".into());
        let address = ThrottleKey::Address("10.0.0.1".into());
        let s = SignedDuration::from_secs;
        let cases = [
            (&account, 4, t0, None),
            (&account, 5, t0, Some(s(1))),
            (&account, 7, t0, Some(s(4))),
            (&account, 7, t0 + s(3), Some(s(1))),
            (&account, 7, t0 + s(4), None),
            (&account, 60, t0, Some(SignedDuration::from_mins(15))),
            (&address, 19, t0, None),
            (&address, 21, t0, Some(s(2))),
        ];
        for (key, failures, now, wait) in cases {
            assert_eq!(policy.wait(key, failures, Some(t0), now), wait, "{key:?} {failures} at {now}");
        }
    }
}
