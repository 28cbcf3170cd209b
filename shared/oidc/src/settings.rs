use std::fmt;

/// How Vigil reaches its OpenID provider: `vigil serve`'s `--oidc-*` flags, or the api
/// function's `VIGIL_OIDC_*` variables.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The issuer identifier; its discovery document is at
    /// `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret (a confidential client); `None` for a public client, which PKCE alone
    /// protects.
    pub client_secret: Option<String>,
    /// The name on the sign-in button.
    pub display_name: String,
    /// Scopes asked for besides `openid`, `email` and `profile` (`groups` on providers that
    /// release the groups claim under a scope of its own).
    pub extra_scopes: Vec<String>,
    /// PEM roots to trust besides the public ones, for a provider behind a private CA.
    pub extra_root_certificates_pem: Option<Vec<u8>>,
}

impl OidcSettings {
    /// Scopes written as `--oidc-scopes` and `VIGIL_OIDC_SCOPES` take them: separated by commas
    /// or spaces.
    pub fn scope_list(text: &str) -> Vec<String> {
        text.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }

    /// Every scope asked for, `openid` first, each once.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        let standard = ["email", "profile"];
        let extra = self.extra_scopes.iter().map(String::as_str).filter(move |s| !standard.contains(s) && *s != "openid");
        standard.into_iter().chain(extra)
    }
}

impl fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("display_name", &self.display_name)
            .field("extra_scopes", &self.extra_scopes)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_asked_once_and_the_secret_never_prints() {
        let settings = OidcSettings {
            issuer: "https://id.example.com".into(),
            client_id: "vigil".into(),
            client_secret: Some("s3cret-value".into()),
            display_name: "Example".into(),
            extra_scopes: vec!["groups".into(), "email".into(), "openid".into(), "offline_access".into()],
            extra_root_certificates_pem: None,
        };
        assert_eq!(settings.scopes().collect::<Vec<_>>(), ["email", "profile", "groups", "offline_access"]);
        assert!(!format!("{settings:?}").contains("s3cret-value"));
        assert_eq!(OidcSettings::scope_list(" groups, offline_access  roles,"), ["groups", "offline_access", "roles"]);
    }
}
