//! OpenID Connect sign-in, the pure part: the PKCE challenge, the identity a provider vouches
//! for, and what an organisation's rules make of it.

use super::{Email, OidcRule, oidc_role_for};
use crate::access::Role;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The PKCE `S256` code challenge of `verifier` (RFC 7636 §4.2): what the authorization request
/// carries, while the verifier stays on the server until the code is exchanged.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A person as an OpenID provider vouched for them, once their ID token was validated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OidcIdentity {
    /// The provider's stable identifier of the person (`sub`).
    pub subject: String,
    /// Their email address, if the provider gave one.
    pub email: Option<String>,
    /// Whether the provider says it proved the address is theirs.
    pub email_verified: bool,
    /// Their display name, if given.
    pub name: Option<String>,
    /// The provider's `groups` claim (empty without one).
    pub groups: Vec<String>,
}

/// What an OpenID Connect sign-in does in one organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Already a member: signs in with the role they have (a rule never changes it, so a
    /// promotion made by hand stays).
    Member(Role),
    /// Not a member yet; a rule lets them in as this role.
    Join(Role),
    /// A rule refuses them, member or not.
    Refused,
    /// Not a member and no rule applies: nothing here for them.
    Closed,
}

/// What an organisation with `rules` makes of a person with the verified `email` and `groups`
/// who is a member as `membership` (or not). The first matching rule decides.
pub fn oidc_admission(rules: &[OidcRule], membership: Option<Role>, email: &Email, groups: &[String]) -> Admission {
    match (oidc_role_for(rules, email, groups), membership) {
        (Some(None), _) => Admission::Refused,
        (Some(Some(_)) | None, Some(role)) => Admission::Member(role),
        (Some(Some(role)), None) => Admission::Join(role),
        (None, None) => Admission::Closed,
    }
}

/// Why nobody lets a person in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OidcRefusal {
    /// A rule refuses them wherever they could have gone.
    #[error("a sign-in rule refuses this account (by its email domain or a group): ask an admin of your organisation")]
    ByRule,
    /// No membership and no matching rule anywhere.
    #[error(
        "no organisation here lets this account in: ask an admin for an invitation, or for a sign-in rule that matches your email domain or a group"
    )]
    NoOrganisation,
}

/// The organisations a sign-in lets the person into, with the role they have there, in the
/// order given; or why none does.
pub fn admitted<T: Copy>(admissions: &[(T, Admission)]) -> Result<Vec<(T, Role)>, OidcRefusal> {
    let open: Vec<_> = admissions
        .iter()
        .filter_map(|(tenant, admission)| match admission {
            Admission::Member(role) | Admission::Join(role) => Some((*tenant, *role)),
            Admission::Refused | Admission::Closed => None,
        })
        .collect();
    match open.is_empty() {
        false => Ok(open),
        true if admissions.iter().any(|(_, a)| *a == Admission::Refused) => Err(OidcRefusal::ByRule),
        true => Err(OidcRefusal::NoOrganisation),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::OidcMatch;

    #[test]
    fn the_pkce_challenge_of_rfc_7636_appendix_b() {
        assert_eq!(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn admission_case_by_case() {
        let rule = |matches, role| OidcRule { matches, role };
        let rules = vec![
            rule(OidcMatch::Group("contractors".into()), None),
            rule(OidcMatch::Group("sre".into()), Some(Role::Editor)),
            rule(OidcMatch::EmailDomain("Example.com".into()), Some(Role::Viewer)),
        ];
        let none: &[OidcRule] = &[];
        // Rules, membership, email, groups: what the sign-in does.
        type Case<'a> = (&'a [OidcRule], Option<Role>, &'a str, &'a [&'a str], Admission);
        let cases: [Case; 11] = [
            (&rules, None, "ann@example.com", &[], Admission::Join(Role::Viewer)),
            (&rules, None, "ann@EXAMPLE.com", &["sre"], Admission::Join(Role::Editor)),
            (&rules, None, "ann@other.org", &["sre"], Admission::Join(Role::Editor)),
            (&rules, None, "ann@example.com", &["sre", "contractors"], Admission::Refused),
            (&rules, Some(Role::Admin), "ann@example.com", &["contractors"], Admission::Refused),
            (&rules, Some(Role::Admin), "ann@example.com", &["sre"], Admission::Member(Role::Admin)),
            (&rules, Some(Role::Viewer), "ann@other.org", &[], Admission::Member(Role::Viewer)),
            (&rules, None, "ann@other.org", &["ops"], Admission::Closed),
            (&rules, None, "ann@sub.example.com", &[], Admission::Closed),
            (&rules, None, "ann@other.org", &["SRE"], Admission::Closed),
            (none, Some(Role::Owner), "olive@example.com", &[], Admission::Member(Role::Owner)),
        ];
        for (rules, membership, email, groups, expected) in cases {
            let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
            let got = oidc_admission(rules, membership, &Email::parse(email).unwrap(), &groups);
            assert_eq!(got, expected, "{email} in {groups:?} as {membership:?}");
        }
    }

    #[test]
    fn a_refusal_says_whether_a_rule_or_nothing_refused() {
        use Admission::*;
        type Admitted = Result<Vec<(u8, Role)>, OidcRefusal>;
        let cases: [(&[(u8, Admission)], Admitted); 6] = [
            (&[], Err(OidcRefusal::NoOrganisation)),
            (&[(1, Closed), (2, Closed)], Err(OidcRefusal::NoOrganisation)),
            (&[(1, Closed), (2, Refused)], Err(OidcRefusal::ByRule)),
            (&[(1, Refused), (2, Join(Role::Viewer))], Ok(vec![(2, Role::Viewer)])),
            (&[(1, Member(Role::Owner)), (2, Closed), (3, Join(Role::Editor))], Ok(vec![(1, Role::Owner), (3, Role::Editor)])),
            (&[(1, Refused), (2, Member(Role::Viewer))], Ok(vec![(2, Role::Viewer)])),
        ];
        for (admissions, expected) in cases {
            assert_eq!(admitted(admissions), expected, "{admissions:?}");
        }
    }
}
