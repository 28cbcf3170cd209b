//! The credentials Lambda gives a function: its role's temporary keys, in the environment.
//!
//! aws-config's provider does the same, but that crate always compiles the SDK's STS client
//! along, which no function calls; so the Lambda builds do without aws-config.

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, future};

/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` at every signing,
/// so that a missing variable fails the call that needed it, with its name, not the start.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EnvironmentCredentials;

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(credentials_from(|name| std::env::var(name).ok()))
    }
}

/// The credentials the variables `var` reads hold; blank ones count as missing.
fn credentials_from(var: impl Fn(&str) -> Option<String>) -> provider::Result {
    let present = |name: &str| var(name).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty());
    let required = |name: &'static str| present(name).ok_or_else(|| CredentialsError::not_loaded(format!("{name} is not set")));
    let access_key = required("AWS_ACCESS_KEY_ID")?;
    let secret_key = required("AWS_SECRET_ACCESS_KEY")?;
    Ok(Credentials::new(access_key, secret_key, present("AWS_SESSION_TOKEN"), None, "environment"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::error::Error;

    fn read(vars: &[(&str, &str)]) -> provider::Result {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        credentials_from(|name| vars.get(name).cloned())
    }

    #[test]
    fn a_role_s_keys_and_token_are_read() {
        let found =
            read(&[("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_SESSION_TOKEN", "token")]).unwrap();
        assert_eq!((found.access_key_id(), found.secret_access_key(), found.session_token()), ("ASIAEXAMPLE", "secret", Some("token")));
        let long_lived =
            read(&[("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_SESSION_TOKEN", " ")]).unwrap();
        assert_eq!(long_lived.session_token(), None, "a blank token is no token");
    }

    #[test]
    fn a_missing_or_blank_key_is_named() {
        let cases: [(&[(&str, &str)], &str); 3] = [
            (&[], "AWS_ACCESS_KEY_ID is not set"),
            (&[("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")], "AWS_SECRET_ACCESS_KEY is not set"),
            (&[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "secret")], "AWS_ACCESS_KEY_ID is not set"),
        ];
        for (vars, reason) in cases {
            let error = read(vars).unwrap_err();
            assert_eq!(error.source().map(ToString::to_string).as_deref(), Some(reason), "{vars:?}");
        }
    }
}
