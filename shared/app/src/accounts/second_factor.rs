use super::AuthError;
use super::sign_in::{SignedIn, check_throttle, record_failure};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::Origin;
use vigil_domain::accounts::{SecretToken, ThrottleKey, TokenPurpose, User};
use vigil_domain::ports::StoreError;

/// A code offered for a user: a TOTP code or a recovery code.
pub(crate) struct SecondFactorProof {
    pub(crate) user: User,
    pub(crate) code: String,
}

/// Checks a TOTP or recovery code and stores what it spends (the TOTP step, the recovery
/// code); a wrong code counts as a failed sign-in.
pub(crate) async fn check_second_factor(
    deps: &Deps,
    proof: SecondFactorProof,
    keys: &[ThrottleKey],
    now: Timestamp,
) -> Result<User, AuthError> {
    let SecondFactorProof { mut user, code } = proof;
    let Some(totp) = user.totp.clone() else { return Ok(user) };
    if let Ok(used) = totp.verify(&code, now) {
        user.totp = Some(used);
    } else if let Some(rest) = user.recovery_codes.spend(&code) {
        user.recovery_codes = rest;
    } else {
        record_failure(deps, keys, now).await?;
        return Err(AuthError::rejected("the two-factor code is not valid"));
    }
    user.version += 1;
    match deps.stores.users.update_user(&user).await {
        Ok(()) => Ok(user),
        // A concurrent change of the same account: the code may have been spent by it.
        Err(StoreError::Conflict) => Err(AuthError::rejected("the two-factor code is not valid")),
        Err(error) => Err(error.into()),
    }
}

/// Finish a sign-in that needed a second factor.
#[derive(Clone, Debug)]
pub struct FinishSignIn {
    /// The ticket the password step gave.
    pub ticket: SecretToken,
    /// A TOTP or recovery code.
    pub code: String,
    /// Where the request came from.
    pub origin: Origin,
}

/// Takes the ticket (once) and checks the code.
#[tracing::instrument(name = "finish_sign_in", skip_all)]
pub async fn finish_sign_in(deps: &Deps, cmd: FinishSignIn, now: Timestamp) -> Result<SignedIn, AuthError> {
    let expired = || AuthError::rejected("the sign-in took too long or was already finished; sign in again");
    let token = deps.stores.one_time_tokens.take_token(&cmd.ticket.hash()).await?.filter(|t| t.is_live(now)).ok_or_else(expired)?;
    let TokenPurpose::SecondFactor { user, tenant } = token.purpose.clone() else { return Err(expired()) };
    let user = deps.stores.users.user(user).await?.ok_or_else(expired)?;
    let mut keys = vec![ThrottleKey::Account(user.email.to_string())];
    keys.extend(cmd.origin.ip.clone().map(ThrottleKey::Address));
    check_throttle(deps, &keys, now).await?;
    let tenant_id = tenant.ok_or_else(expired)?;
    let role = deps.stores.memberships.membership(tenant_id, user.id).await?.ok_or(AuthError::NotAMember)?.role;
    let user = match check_second_factor(deps, SecondFactorProof { user, code: cmd.code }, &keys, now).await {
        Ok(user) => user,
        Err(error) => {
            // A mistyped code should not send the person back to the password step: the ticket
            // goes back for another try (the throttle bounds how many).
            deps.stores.one_time_tokens.insert_token(&token).await?;
            return Err(error);
        }
    };
    deps.stores.sign_in_attempts.clear_failures(&keys[0].as_storage_key()).await?;
    Ok(SignedIn { user, tenant_id, role })
}
