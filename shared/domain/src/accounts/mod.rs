//! People and their organisations: users, memberships, invitations, secrets handed out by mail,
//! browser sessions, refresh-token families, access tokens, two-factor codes, sign-in policy and
//! throttling, and the audit log. Pure: hashing of passwords happens behind a port, time is a
//! parameter.

mod access_token;
mod audit;
mod email;
mod invitation;
mod membership;
mod oidc;
mod one_time;
mod organisation;
mod password;
mod recovery;
mod refresh;
mod return_to;
mod secret;
mod session;
mod throttle;
mod totp;
mod user;

pub use access_token::{AccessClaims, AccessTokenError};
pub use audit::{AuditEntry, AuditQuery, AuditTarget, FieldChange, masked_changes};
pub use email::{Email, EmailError};
pub use invitation::{Accepted, AnyInvitation, Expired, Invitation, InvitationState, Pending, Revoked, StoredInvitation};
pub use membership::{LastOwner, Membership, check_owner_change};
pub use oidc::{Admission, OidcIdentity, OidcRefusal, admitted, oidc_admission, pkce_challenge};
pub use one_time::{OneTimeToken, TokenPurpose};
pub use organisation::{OidcMatch, OidcRule, OrganisationSettings, oidc_role_for};
pub use password::{PasswordHash, PasswordRejected, check_password};
pub use recovery::{RecoveryCode, RecoveryCodes};
pub use refresh::{PresentedRefresh, RefreshFamily, RefreshOutcome};
pub use return_to::ReturnTo;
pub use secret::{SecretToken, TokenHash};
pub use session::{BrowserSession, SessionPolicy};
pub use throttle::{SignInThrottle, ThrottleKey};
pub use totp::{Totp, TotpError};
pub use user::{Locale, User, UserDraft, valid_name};
