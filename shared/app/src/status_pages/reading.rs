//! Readers of a page: which page an address names, whether a reader may see it (anyone; who
//! gave the password; members of the organisation), and the password form.

use crate::Deps;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::ids::UserId;
use vigil_domain::ports::StoreError;
use vigil_domain::status_page::{PageAccess, StatusPage};

/// The server secret the access cookies of password pages are made with.
const ACCESS_SECRET: &str = "status-page-access";
/// Wrong passwords allowed per page and address within [`THROTTLE_WINDOW`].
const MOST_WRONG_PASSWORDS: u32 = 10;
/// The window wrong passwords are counted over.
const THROTTLE_WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// How a request names a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageAddress {
    /// `/status/<slug>`.
    Slug(String),
    /// The `Host` of a page's own domain.
    Domain(String),
}

/// The page an address names, whatever its organisation.
pub async fn find_public_page(deps: &Deps, address: &PageAddress) -> Result<Option<StatusPage>, StoreError> {
    match address {
        PageAddress::Slug(slug) => deps.stores.status_pages.page_by_slug(slug).await,
        PageAddress::Domain(domain) => deps.stores.status_pages.page_by_domain(domain).await,
    }
}

/// Who reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reader {
    /// The person signed in, if any.
    pub user: Option<UserId>,
    /// The access cookie of the page, if the reader has one.
    pub access_token: Option<String>,
}

/// Why a reader may not see a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The page wants its password.
    Password,
    /// The page is for members of its organisation.
    Members,
}

/// Whether `reader` may see `page`.
pub async fn admit(deps: &Deps, page: &StatusPage, reader: &Reader) -> Result<Result<(), Refusal>, StoreError> {
    Ok(match &page.access {
        PageAccess::Public => Ok(()),
        PageAccess::Password { .. } => {
            let secret = deps.stores.server_secrets.server_secret(ACCESS_SECRET, deps.random.secret_bytes()).await?;
            match &reader.access_token {
                Some(token) if page.admits_token(&secret, token) => Ok(()),
                _ => Err(Refusal::Password),
            }
        }
        PageAccess::Members => match reader.user {
            Some(user) if deps.stores.memberships.membership(page.tenant_id, user).await?.is_some() => Ok(()),
            _ => Err(Refusal::Members),
        },
    })
}

/// What a password given to a page did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unlock {
    /// Right: the access cookie's value.
    Admitted(String),
    /// Wrong.
    Wrong,
    /// Too many wrong passwords from this address lately: try again later.
    Throttled,
}

/// Checks `password` for `page`, given from address `ip`; too many wrong ones from one address
/// are refused without checking for a while.
pub async fn unlock_page(deps: &Deps, page: &StatusPage, password: &str, ip: &str, now: Timestamp) -> Result<Unlock, StoreError> {
    let PageAccess::Password { hash } = &page.access else { return Ok(Unlock::Wrong) };
    let key = format!("status-page:{}:{ip}", page.id);
    let since = now - THROTTLE_WINDOW;
    if deps.stores.sign_in_attempts.failures(&key, since).await?.0 >= MOST_WRONG_PASSWORDS {
        return Ok(Unlock::Throttled);
    }
    if !deps.passwords.verify_password(password, hash).await {
        deps.stores.sign_in_attempts.record_failure(&key, now, since).await?;
        return Ok(Unlock::Wrong);
    }
    let secret = deps.stores.server_secrets.server_secret(ACCESS_SECRET, deps.random.secret_bytes()).await?;
    Ok(page.access_token(&secret).map_or(Unlock::Wrong, Unlock::Admitted))
}
