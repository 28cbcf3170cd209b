//! People and organisations: first-run set-up, sign-in (password, second factor), browser
//! sessions, access and refresh tokens, API keys, profiles, passwords, email changes, two-factor
//! authentication, members, invitations, organisations, sign-in through an OpenID provider and
//! the audit log.
//!
//! Every use case that touches an organisation takes the [`Actor`](vigil_domain::access::Actor)
//! and checks the permission table itself; every change appends to the audit log.

mod audit_log;
pub mod audit_trail;
mod authenticate_key;
mod authenticate_token;
mod email_change;
mod errors;
mod invitations;
mod keys;
mod mail;
mod members;
mod oidc;
mod organisations;
mod passwords;
mod profile;
mod second_factor;
mod sessions;
mod set_up_owner;
mod sign_in;
mod signing_key;
mod tokens;
mod two_factor;

pub use audit_log::{list_audit_log, purge_audit_logs};
pub use authenticate_key::{AuthenticateKey, authenticate_key};
pub use authenticate_token::{AuthenticateToken, authenticate_token};
pub use email_change::{RequestEmailChange, confirm_email_change, request_email_change};
pub use errors::{AccountError, AuthError};
pub use invitations::{AcceptInvitation, InviteMember, accept_invitation, invite_member, list_invitations, revoke_invitation};
pub use keys::{CreateKey, create_key, list_keys, revoke_key};
pub use members::{Member, change_role, list_members, remove_member};
pub use oidc::{
    FinishOidc, OidcError, OidcRedirect, OidcSignedIn, ProviderAnswer, SignInOptions, StartOidc, finish_oidc, sign_in_options, start_oidc,
};
pub use organisations::{OrganisationDraft, create_organisation, get_organisation, update_organisation};
pub use passwords::{ChangePassword, RequestPasswordReset, ResetPassword, change_password, request_password_reset, reset_password};
pub use profile::{Me, get_me, update_profile};
pub use second_factor::{FinishSignIn, finish_sign_in};
pub use sessions::{
    AuthenticateSession, StartSession, SwitchOrganisation, authenticate_session, end_session, start_session, switch_organisation,
};
pub use set_up_owner::{SetUpOwner, needs_set_up, set_up_owner};
pub use sign_in::{SignIn, SignInOutcome, SignedIn, sign_in};
pub use tokens::{RefreshTokens, TokenPair, issue_tokens, refresh_tokens, revoke_tokens};
pub use two_factor::{TotpOffer, begin_totp, confirm_totp, disable_totp};
