//! People and organisations: set-up, sign-in and tokens, one's own account, organisations,
//! members, invitations, API keys and the audit log.

use crate::paging::{Items, items};
use crate::{Client, Credential, Error, NO_BODY, NO_QUERY, decode};
use http::Method;
use vigil_api::{
    AcceptInvitationRequest, ApiKey, ApiKeyId, AuditEntry, AuditLogQuery, EmailChangeRequest, Invitation, InvitationId, InvitationRequest,
    KeyRequest, Listing, Me, Member, Membership, NewOrganisation, Organisation, OrganisationChange, Page, PasswordChange,
    PasswordConfirmation, PasswordReset, PasswordResetRequest, Providers, RecoveryCodes, RevokeRequest, Role, RoleChange, SetUpRequest,
    TenantId, TokenConfirmation, TokenGrant, TokenRequest, TotpCode, TotpOffer, User, UserDraft, UserId,
};

impl Client {
    /// `POST /v1/setup`: the first owner of a fresh installation, signed in.
    pub async fn set_up(&self, request: &SetUpRequest) -> Result<TokenGrant, Error> {
        decode(&self.post_public("/v1/setup", request).await?)
    }

    /// `POST /v1/auth/token`: tokens for any grant.
    pub async fn grant(&self, request: &TokenRequest) -> Result<TokenGrant, Error> {
        decode(&self.post_public("/v1/auth/token", request).await?)
    }

    /// Signs in with an email and password (and `code`, if two-factor is on and known). Without
    /// the code it needs, the answer is [`Error::SecondFactorRequired`] with a ticket for
    /// [`finish_sign_in`](Self::finish_sign_in).
    pub async fn sign_in(&self, email: &str, password: &str, code: Option<&str>) -> Result<TokenGrant, Error> {
        self.grant(&TokenRequest::Password {
            email: email.to_owned(),
            password: password.to_owned(),
            code: code.map(str::to_owned),
            organisation_id: None,
        })
        .await
    }

    /// Finishes a sign-in that needs a second factor: the ticket and a code.
    pub async fn finish_sign_in(&self, ticket: &str, code: &str) -> Result<TokenGrant, Error> {
        self.grant(&TokenRequest::SecondFactor { ticket: ticket.to_owned(), code: code.to_owned() }).await
    }

    /// Spends `refresh_token` for the next pair, in `organisation` if given.
    pub async fn refresh(&self, refresh_token: &str, organisation: Option<TenantId>) -> Result<TokenGrant, Error> {
        self.grant(&TokenRequest::RefreshToken { refresh_token: refresh_token.to_owned(), organisation_id: organisation }).await
    }

    /// `POST /v1/auth/revoke`: `refresh_token`, and every token of its sign-in, stop working.
    pub async fn revoke_tokens(&self, refresh_token: &str) -> Result<(), Error> {
        self.post_public("/v1/auth/revoke", &RevokeRequest { refresh_token: refresh_token.to_owned() }).await.map(drop)
    }

    /// Signs this client out: its refresh token is revoked and its store forgets the tokens.
    pub async fn sign_out(&self) -> Result<(), Error> {
        match &self.credential {
            Credential::Tokens(session) => session.end(self).await,
            _ => Err(Error::Usage("this client is not signed in with tokens".into())),
        }
    }

    /// Makes this signed-in client act in `organisation` (one of the person's): a refresh for
    /// that organisation, kept in the store.
    pub async fn switch_organisation(&self, organisation: TenantId) -> Result<TokenGrant, Error> {
        match &self.credential {
            Credential::Tokens(session) => session.rotate(self, Some(organisation)).await,
            _ => Err(Error::Usage("an API key acts in its own organisation only: sign in to switch".into())),
        }
    }

    /// `POST /v1/auth/password-reset`: mails a reset link if the address has an account.
    pub async fn request_password_reset(&self, email: &str) -> Result<(), Error> {
        self.post_public("/v1/auth/password-reset", &PasswordResetRequest { email: email.to_owned() }).await.map(drop)
    }

    /// `POST /v1/auth/password-reset/confirm`: a new password with the link's token.
    pub async fn reset_password(&self, reset: &PasswordReset) -> Result<(), Error> {
        self.post_public("/v1/auth/password-reset/confirm", reset).await.map(drop)
    }

    /// `GET /v1/auth/providers`: the sign-in methods offered.
    pub async fn providers(&self) -> Result<Providers, Error> {
        self.get("/v1/auth/providers").await
    }

    /// `GET /v1/me`: the signed-in person.
    pub async fn me(&self) -> Result<Me, Error> {
        self.get("/v1/me").await
    }

    /// `PATCH /v1/me`: name, language, time zone.
    pub async fn update_me(&self, draft: &UserDraft) -> Result<User, Error> {
        self.call(Method::PATCH, "/v1/me", NO_QUERY, Some(draft)).await
    }

    /// `POST /v1/me/password`: every other session and refresh token of the account ends.
    pub async fn change_password(&self, change: &PasswordChange) -> Result<(), Error> {
        self.call_raw(Method::POST, "/v1/me/password", NO_QUERY, Some(change), &[]).await.map(drop)
    }

    /// `POST /v1/me/email`: mails a confirmation link to the new address.
    pub async fn request_email_change(&self, change: &EmailChangeRequest) -> Result<(), Error> {
        self.call_raw(Method::POST, "/v1/me/email", NO_QUERY, Some(change), &[]).await.map(drop)
    }

    /// `POST /v1/me/email/confirm`: the new address, with the link's token.
    pub async fn confirm_email_change(&self, token: &str) -> Result<Me, Error> {
        self.call(Method::POST, "/v1/me/email/confirm", NO_QUERY, Some(&TokenConfirmation { token: token.to_owned() })).await
    }

    /// `POST /v1/me/totp`: a secret for an authenticator app.
    pub async fn begin_totp(&self) -> Result<TotpOffer, Error> {
        self.call(Method::POST, "/v1/me/totp", NO_QUERY, NO_BODY).await
    }

    /// `POST /v1/me/totp/confirm`: two-factor on; the recovery codes, shown once.
    pub async fn confirm_totp(&self, code: &str) -> Result<RecoveryCodes, Error> {
        self.call(Method::POST, "/v1/me/totp/confirm", NO_QUERY, Some(&TotpCode { code: code.to_owned() })).await
    }

    /// `POST /v1/me/totp/disable`: two-factor off.
    pub async fn disable_totp(&self, password: &str) -> Result<(), Error> {
        let body = PasswordConfirmation { password: password.to_owned() };
        self.call_raw(Method::POST, "/v1/me/totp/disable", NO_QUERY, Some(&body), &[]).await.map(drop)
    }

    /// `GET /v1/organisation`: the organisation acted in.
    pub async fn organisation(&self) -> Result<Organisation, Error> {
        self.get("/v1/organisation").await
    }

    /// `PATCH /v1/organisation`: its name or settings (owners).
    pub async fn update_organisation(&self, change: &OrganisationChange) -> Result<Organisation, Error> {
        self.call(Method::PATCH, "/v1/organisation", NO_QUERY, Some(change)).await
    }

    /// `POST /v1/organisation/leave`.
    pub async fn leave_organisation(&self) -> Result<(), Error> {
        self.call_raw(Method::POST, "/v1/organisation/leave", NO_QUERY, NO_BODY, &[]).await.map(drop)
    }

    /// `GET /v1/organisations`: the signed-in person's organisations and roles.
    pub async fn organisations(&self) -> Result<Vec<Membership>, Error> {
        self.get::<Listing<Membership>>("/v1/organisations").await.map(|l| l.items)
    }

    /// `POST /v1/organisations`: a new organisation owned by the signed-in person.
    pub async fn create_organisation(&self, name: &str) -> Result<Organisation, Error> {
        self.call(Method::POST, "/v1/organisations", NO_QUERY, Some(&NewOrganisation { name: name.to_owned() })).await
    }

    /// `GET /v1/members`.
    pub async fn members(&self) -> Result<Vec<Member>, Error> {
        self.get::<Listing<Member>>("/v1/members").await.map(|l| l.items)
    }

    /// `PATCH /v1/members/{id}`: a new role.
    pub async fn change_role(&self, member: UserId, role: Role) -> Result<(), Error> {
        self.call_raw(Method::PATCH, &format!("/v1/members/{member}"), NO_QUERY, Some(&RoleChange { role }), &[]).await.map(drop)
    }

    /// `DELETE /v1/members/{id}`.
    pub async fn remove_member(&self, member: UserId) -> Result<(), Error> {
        self.delete(&format!("/v1/members/{member}")).await
    }

    /// `POST /v1/invitations`: the invitation, with its link.
    pub async fn invite(&self, request: &InvitationRequest) -> Result<Invitation, Error> {
        self.call(Method::POST, "/v1/invitations", NO_QUERY, Some(request)).await
    }

    /// `GET /v1/invitations`.
    pub async fn invitations(&self) -> Result<Vec<Invitation>, Error> {
        self.get::<Listing<Invitation>>("/v1/invitations").await.map(|l| l.items)
    }

    /// `DELETE /v1/invitations/{id}`: withdraws a pending invitation.
    pub async fn revoke_invitation(&self, id: InvitationId) -> Result<Invitation, Error> {
        self.call(Method::DELETE, &format!("/v1/invitations/{id}"), NO_QUERY, NO_BODY).await
    }

    /// `POST /v1/invitations/accept`: joins (making the account if needed), signed in.
    pub async fn accept_invitation(&self, request: &AcceptInvitationRequest) -> Result<TokenGrant, Error> {
        decode(&self.post_public("/v1/invitations/accept", request).await?)
    }

    /// `GET /v1/keys`: without their secrets.
    pub async fn keys(&self) -> Result<Vec<ApiKey>, Error> {
        self.get::<Listing<ApiKey>>("/v1/keys").await.map(|l| l.items)
    }

    /// `POST /v1/keys`: the key, with its secret (shown this once).
    pub async fn create_key(&self, request: &KeyRequest) -> Result<ApiKey, Error> {
        self.call(Method::POST, "/v1/keys", NO_QUERY, Some(request)).await
    }

    /// `DELETE /v1/keys/{id}`: the key, revoked.
    pub async fn revoke_key(&self, id: ApiKeyId) -> Result<ApiKey, Error> {
        self.call(Method::DELETE, &format!("/v1/keys/{id}"), NO_QUERY, NO_BODY).await
    }

    /// `GET /v1/audit-log`: one page, newest first.
    pub async fn list_audit_log(&self, query: &AuditLogQuery) -> Result<Page<AuditEntry>, Error> {
        self.call(Method::GET, "/v1/audit-log", Some(query), NO_BODY).await
    }

    /// Every entry of the audit log that `query` selects, newest first, page after page.
    pub fn audit_log(&self, query: AuditLogQuery) -> Items<'_, AuditEntry> {
        items(move |cursor| {
            let query = AuditLogQuery { cursor: cursor.or(query.cursor.clone()), ..query.clone() };
            async move { self.list_audit_log(&query).await }
        })
    }
}
