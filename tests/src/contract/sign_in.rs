//! What sign-in keeps beside people: failed attempts for throttling, and server secrets.

use super::Stores;
use super::fixtures::at;
use jiff::SignedDuration;
use std::collections::HashSet;
use std::sync::Arc;

/// Failed sign-ins: counted per key within the window, with the latest, until cleared.
pub async fn sign_in_attempts_contract(stores: Stores) {
    let attempts = &stores.sign_in_attempts;
    let (account, address) = ("account:ann@example.com", "ip:203.0.113.9");
    let window = |now: i64| at(now) - SignedDuration::from_mins(15);
    assert_eq!(attempts.failures(account, window(0)).await.unwrap(), (0, None));

    assert_eq!(attempts.record_failure(account, at(0), window(0)).await.unwrap(), (1, Some(at(0))));
    assert_eq!(attempts.record_failure(account, at(1), window(1)).await.unwrap(), (2, Some(at(1))));
    assert_eq!(
        attempts.record_failure(account, at(1), window(1)).await.unwrap(),
        (3, Some(at(1))),
        "two failures in one millisecond count twice"
    );
    assert_eq!(attempts.record_failure(address, at(2), window(2)).await.unwrap(), (1, Some(at(2))), "keys are counted apart");
    assert_eq!(attempts.failures(account, window(2)).await.unwrap(), (3, Some(at(1))));
    assert_eq!(attempts.failures(account, at(1)).await.unwrap(), (2, Some(at(1))), "the window starts at `since`, included");
    assert_eq!(attempts.failures(account, at(2)).await.unwrap(), (0, None));

    // Twenty minutes on, the first failures are out of the window.
    let later = 20 * 60;
    assert_eq!(attempts.record_failure(account, at(later), window(later)).await.unwrap(), (1, Some(at(later))));
    assert_eq!(attempts.failures(account, window(later)).await.unwrap(), (1, Some(at(later))));

    attempts.clear_failures(account).await.unwrap();
    assert_eq!(attempts.failures(account, window(0)).await.unwrap(), (0, None));
    assert_eq!(attempts.failures(address, window(2)).await.unwrap(), (1, Some(at(2))), "clearing one key leaves the others");
    attempts.clear_failures("account:nobody@example.com").await.unwrap();
    assert_eq!(
        attempts.record_failure(account, at(later + 1), window(later + 1)).await.unwrap(),
        (1, Some(at(later + 1))),
        "counting starts again"
    );
}

/// Server secrets: the first candidate stored wins, whoever asks later or at the same time.
pub async fn server_secrets_contract(stores: Stores) {
    let secrets = stores.server_secrets.clone();
    assert_eq!(secrets.server_secret("access-token-key", [1; 32]).await.unwrap(), [1; 32]);
    assert_eq!(secrets.server_secret("access-token-key", [2; 32]).await.unwrap(), [1; 32], "the stored secret wins");
    assert_eq!(secrets.server_secret("other", [3; 32]).await.unwrap(), [3; 32], "names are apart");

    let callers: Vec<_> = (10..18u8)
        .map(|n| {
            let secrets = Arc::clone(&secrets);
            tokio::spawn(async move { secrets.server_secret("raced", [n; 32]).await.unwrap() })
        })
        .collect();
    let mut seen = HashSet::new();
    for caller in callers {
        seen.insert(caller.await.unwrap());
    }
    assert_eq!(seen.len(), 1, "every concurrent caller gets the same secret");
    let winner = seen.into_iter().next().expect("one secret");
    assert!((10..18u8).any(|n| winner == [n; 32]), "the winner is one of the candidates");
    assert_eq!(secrets.server_secret("raced", [99; 32]).await.unwrap(), winner);
}
