//! The OpenID Connect use cases over a fake provider on the real store: each organisation's
//! rules across several organisations, case by case, and what the sign-in keeps to itself
//! (the PKCE verifier and nonce, one use of a state, its lifetime, the issuer of the answer).

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use std::sync::{Arc, Mutex};
use url::Url;
use vigil_app::Deps;
use vigil_app::accounts::{FinishOidc, OidcError, OidcSignedIn, ProviderAnswer, StartOidc, finish_oidc, start_oidc};
use vigil_domain::access::Role;
use vigil_domain::accounts::{
    Email, Membership, OidcIdentity, OidcMatch, OidcRefusal, OidcRule, OrganisationSettings, SecretToken, User, pkce_challenge,
};
use vigil_domain::ids::{TenantId, UserId};
use vigil_domain::ports::{AuthorizationRequest, OidcFailure, OidcProvider};
use vigil_domain::tenant::Tenant;
use vigil_tests::app::TestApp;

const ISSUER: &str = "https://id.example.com";

/// A provider that vouches for whom it is told to, and remembers what it was asked.
#[derive(Default)]
struct FakeProvider {
    identity: Mutex<Option<Result<OidcIdentity, OidcFailure>>>,
    authorized: Mutex<Vec<AuthorizationRequest>>,
    exchanged: Mutex<Vec<(String, String, String)>>,
}

#[async_trait]
impl OidcProvider for FakeProvider {
    fn display_name(&self) -> &str {
        "Fake"
    }

    fn issuer(&self) -> &str {
        ISSUER
    }

    async fn authorization_url(&self, request: &AuthorizationRequest) -> Result<Url, OidcFailure> {
        self.authorized.lock().unwrap().push(request.clone());
        Ok(Url::parse_with_params(&format!("{ISSUER}/auth"), [("state", &request.state)]).unwrap())
    }

    async fn exchange(&self, code: &str, verifier: &str, nonce: &str) -> Result<OidcIdentity, OidcFailure> {
        self.exchanged.lock().unwrap().push((code.to_owned(), verifier.to_owned(), nonce.to_owned()));
        self.identity.lock().unwrap().clone().expect("the test says whom the provider vouches for")
    }
}

struct World {
    _app: TestApp,
    deps: Deps,
    provider: Arc<FakeProvider>,
    tenants: Vec<TenantId>,
}

/// A fresh server whose deps sign in through a fake provider, with one organisation per set of
/// rules (oldest first).
async fn world(organisations: &[Vec<OidcRule>]) -> World {
    let app = TestApp::spawn().await;
    let provider = Arc::new(FakeProvider::default());
    let mut deps = app.server.as_ref().expect("a running server").deps.clone();
    deps.oidc = Some(provider.clone());
    let mut tenants = Vec::new();
    for (i, rules) in organisations.iter().enumerate() {
        let mut tenant = Tenant::new(TenantId::from_uuid(uuid::Uuid::now_v7()), format!("org{i}"), Timestamp::now());
        tenant.settings = OrganisationSettings { oidc_rules: rules.clone(), password_sign_in: false, ..OrganisationSettings::default() };
        deps.stores.organisations.insert_tenant(&tenant).await.unwrap();
        tenants.push(tenant.id);
    }
    World { _app: app, deps, provider, tenants }
}

fn identity(email: &str, verified: bool, groups: &[&str]) -> OidcIdentity {
    OidcIdentity {
        subject: format!("sub-{email}"),
        email: Some(email.to_owned()),
        email_verified: verified,
        name: None,
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

fn rule(matches: OidcMatch, role: Option<Role>) -> OidcRule {
    OidcRule { matches, role }
}

impl World {
    async fn member(&self, email: &str, tenant: usize, role: Role, since: Timestamp) -> User {
        let user = match self.deps.stores.users.user_by_email(&Email::parse(email).unwrap()).await.unwrap() {
            Some(user) => user,
            None => {
                let user = User::new(UserId::from_uuid(uuid::Uuid::now_v7()), Email::parse(email).unwrap(), "Existing".into(), since);
                self.deps.stores.users.insert_user(&user).await.unwrap();
                user
            }
        };
        let membership = Membership { tenant_id: self.tenants[tenant], user_id: user.id, role, since };
        self.deps.stores.memberships.put_membership(&membership).await.unwrap();
        user
    }

    /// Starts a sign-in and finishes it as the provider's `who`, from the same browser.
    async fn sign_in(&self, who: OidcIdentity) -> Result<OidcSignedIn, OidcError> {
        *self.provider.identity.lock().unwrap() = Some(Ok(who));
        let now = Timestamp::now();
        let started = start_oidc(&self.deps, StartOidc { return_to: Some("/incidents".into()) }, now).await.unwrap();
        finish_oidc(&self.deps, finish(&started.state, Some(&started.state), code("c")), now).await
    }

    async fn roles_of(&self, email: &str) -> Vec<(usize, Role)> {
        let Some(user) = self.deps.stores.users.user_by_email(&Email::parse(email).unwrap()).await.unwrap() else { return Vec::new() };
        let mut roles: Vec<(usize, Role)> = self
            .deps
            .stores
            .memberships
            .memberships_of(user.id)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|(m, _)| Some((self.tenants.iter().position(|t| *t == m.tenant_id)?, m.role)))
            .collect();
        roles.sort();
        roles
    }
}

fn code(code: &str) -> ProviderAnswer {
    ProviderAnswer::Code { code: code.into(), issuer: Some(ISSUER.into()) }
}

fn finish(state: &SecretToken, browser: Option<&SecretToken>, answer: ProviderAnswer) -> FinishOidc {
    FinishOidc { state: state.clone(), browser_state: browser.cloned(), answer, origin: Default::default() }
}

/// What a case expects: the organisation and role of the session and every membership after,
/// or the refusal.
#[derive(Debug, PartialEq)]
enum Outcome {
    SignedIn { session: (usize, Role), memberships: Vec<(usize, Role)> },
    Refused(&'static str),
}

fn kind(error: &OidcError) -> &'static str {
    match error {
        OidcError::Refused(OidcRefusal::ByRule) => "by rule",
        OidcError::Refused(OidcRefusal::NoOrganisation) => "no organisation",
        OidcError::NoVerifiedEmail(_) => "no verified email",
        OidcError::BadState(_) => "bad state",
        OidcError::Provider(_) => "provider",
        _ => "other",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_organisations_rules_decide_case_by_case() {
    use OidcMatch::{EmailDomain, Group};
    use Outcome::{Refused, SignedIn};
    let long_ago = Timestamp::now() - SignedDuration::from_hours(24 * 30);
    let yesterday = Timestamp::now() - SignedDuration::from_hours(24);
    struct Case {
        name: &'static str,
        organisations: Vec<Vec<OidcRule>>,
        members: Vec<(usize, Role, Timestamp)>,
        who: OidcIdentity,
        expected: Outcome,
    }
    let cases = vec![
        Case {
            name: "a group rule makes a newcomer an editor",
            organisations: vec![vec![rule(Group("sre".into()), Some(Role::Editor))]],
            members: vec![],
            who: identity("ann@example.com", true, &["sre"]),
            expected: SignedIn { session: (0, Role::Editor), memberships: vec![(0, Role::Editor)] },
        },
        Case {
            name: "rules of several organisations: each lets them in, the session lands in the first",
            organisations: vec![
                vec![rule(EmailDomain("example.com".into()), Some(Role::Viewer))],
                vec![],
                vec![rule(Group("sre".into()), Some(Role::Responder))],
            ],
            members: vec![],
            who: identity("ann@example.com", true, &["sre"]),
            expected: SignedIn { session: (0, Role::Viewer), memberships: vec![(0, Role::Viewer), (2, Role::Responder)] },
        },
        Case {
            name: "a member lands in their oldest membership and keeps their role where a rule matches",
            organisations: vec![
                vec![rule(Group("sre".into()), Some(Role::Viewer))],
                vec![rule(Group("sre".into()), Some(Role::Viewer))],
                vec![],
            ],
            members: vec![(2, Role::Editor, yesterday), (1, Role::Admin, long_ago)],
            who: identity("ann@example.com", true, &["sre"]),
            expected: SignedIn { session: (1, Role::Admin), memberships: vec![(0, Role::Viewer), (1, Role::Admin), (2, Role::Editor)] },
        },
        Case {
            name: "a refusing rule keeps a member out of that organisation only",
            organisations: vec![vec![rule(Group("contractors".into()), None)], vec![]],
            members: vec![(0, Role::Admin, long_ago), (1, Role::Viewer, yesterday)],
            who: identity("ann@example.com", true, &["contractors"]),
            expected: SignedIn { session: (1, Role::Viewer), memberships: vec![(0, Role::Admin), (1, Role::Viewer)] },
        },
        Case {
            name: "a refusing rule where they could go refuses them",
            organisations: vec![vec![rule(Group("contractors".into()), None), rule(EmailDomain("example.com".into()), Some(Role::Viewer))]],
            members: vec![(0, Role::Viewer, long_ago)],
            who: identity("ann@example.com", true, &["contractors"]),
            expected: Refused("by rule"),
        },
        Case {
            name: "neither a membership nor a rule",
            organisations: vec![vec![rule(EmailDomain("example.com".into()), Some(Role::Viewer))]],
            members: vec![],
            who: identity("ann@sub.example.com", true, &["sre"]),
            expected: Refused("no organisation"),
        },
        Case {
            name: "an unverified address is refused before any rule",
            organisations: vec![vec![rule(EmailDomain("example.com".into()), Some(Role::Viewer))]],
            members: vec![(0, Role::Owner, long_ago)],
            who: identity("ann@example.com", false, &[]),
            expected: Refused("no verified email"),
        },
        Case {
            name: "no address at all is refused",
            organisations: vec![vec![rule(Group("sre".into()), Some(Role::Viewer))]],
            members: vec![],
            who: OidcIdentity { email: None, ..identity("x@example.com", true, &["sre"]) },
            expected: Refused("no verified email"),
        },
    ];
    for case in cases {
        let world = world(&case.organisations).await;
        for (tenant, role, since) in &case.members {
            world.member("ann@example.com", *tenant, *role, *since).await;
        }
        let email = case.who.email.clone().unwrap_or_default();
        let got = match world.sign_in(case.who).await {
            Ok(done) => {
                let session = world.tenants.iter().position(|t| *t == done.signed_in.tenant_id).unwrap();
                assert_eq!(done.return_to, "/incidents", "{}", case.name);
                SignedIn { session: (session, done.signed_in.role), memberships: world.roles_of(&email).await }
            }
            Err(error) => Refused(kind(&error)),
        };
        assert_eq!(got, case.expected, "{}", case.name);
        if let (Refused(_), true, Ok(email)) = (&case.expected, case.members.is_empty(), Email::parse(&email)) {
            let user = world.deps.stores.users.user_by_email(&email).await.unwrap();
            assert!(user.is_none(), "{}: a refusal makes no account", case.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_account_has_no_password_and_an_existing_one_becomes_verified() {
    let world = world(&[vec![rule(OidcMatch::Group("sre".into()), Some(Role::Viewer))]]).await;
    let newcomer = OidcIdentity { name: Some("  Ann Lee ".into()), ..identity("Ann@Example.com", true, &["sre"]) };
    let done = world.sign_in(newcomer).await.unwrap();
    let user = done.signed_in.user;
    assert_eq!((user.email.as_str(), user.name.as_str()), ("ann@example.com", "Ann Lee"));
    assert!(user.email_verified && user.password.is_none());

    let nameless = identity("bo@example.com", true, &["sre"]);
    assert_eq!(world.sign_in(nameless).await.unwrap().signed_in.user.name, "bo", "no name: the address's local part");

    let owner = world.member("olive@example.com", 0, Role::Owner, Timestamp::now()).await;
    assert!(!owner.email_verified);
    let done = world.sign_in(identity("olive@example.com", true, &[])).await.unwrap();
    assert_eq!((done.signed_in.user.id, done.signed_in.role), (owner.id, Role::Owner));
    let stored = world.deps.stores.users.user(owner.id).await.unwrap().unwrap();
    assert!(stored.email_verified, "the provider proved the address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_works_once_in_its_browser_within_ten_minutes_for_the_configured_issuer() {
    let world = world(&[vec![rule(OidcMatch::Group("sre".into()), Some(Role::Viewer))]]).await;
    *world.provider.identity.lock().unwrap() = Some(Ok(identity("ann@example.com", true, &["sre"])));
    let deps = &world.deps;
    let now = Timestamp::now();

    let started = start_oidc(deps, StartOidc::default(), now).await.unwrap();
    assert_eq!(started.lifetime, SignedDuration::from_mins(10));
    let other_browser = SecretToken::from_random([7; 32]);
    let error = finish_oidc(deps, finish(&started.state, Some(&other_browser), code("c1")), now).await.unwrap_err();
    assert_eq!(kind(&error), "bad state", "{error}");
    let error = finish_oidc(deps, finish(&started.state, None, code("c1")), now).await.unwrap_err();
    assert!(error.to_string().contains("started in another browser"), "{error}");
    let done = finish_oidc(deps, finish(&started.state, Some(&started.state), code("c1")), now).await.unwrap();
    assert_eq!(done.return_to, "/", "a refused browser spent nothing; no return path is the root");
    let again = finish_oidc(deps, finish(&started.state, Some(&started.state), code("c1")), now).await.unwrap_err();
    assert!(again.to_string().contains("finished already"), "{again}");

    // What went to the provider at the start, and what the exchange was given.
    let authorized = world.provider.authorized.lock().unwrap().last().cloned().unwrap();
    let (code_given, verifier, nonce) = world.provider.exchanged.lock().unwrap().last().cloned().unwrap();
    assert_eq!(authorized.state, started.state.expose());
    assert_eq!(code_given, "c1");
    assert_eq!(pkce_challenge(&verifier), authorized.pkce_challenge, "the verifier of the challenge sent");
    assert_eq!(nonce, authorized.nonce);
    assert!(verifier.len() >= 43 && verifier != nonce && verifier != authorized.state);

    let late = start_oidc(deps, StartOidc::default(), now).await.unwrap();
    let error = finish_oidc(deps, finish(&late.state, Some(&late.state), code("c2")), now + SignedDuration::from_mins(10)).await;
    assert!(error.unwrap_err().to_string().contains("more than ten minutes"));

    let mixed_up = start_oidc(deps, StartOidc::default(), now).await.unwrap();
    let answer = ProviderAnswer::Code { code: "c3".into(), issuer: Some("https://attacker.example".into()) };
    let error = finish_oidc(deps, finish(&mixed_up.state, Some(&mixed_up.state), answer), now).await.unwrap_err();
    assert!(error.to_string().contains("not from the configured provider"), "{error}");

    *world.provider.identity.lock().unwrap() = Some(Err(OidcFailure::Unreachable("connection refused".into())));
    let down = start_oidc(deps, StartOidc::default(), now).await.unwrap();
    let error = finish_oidc(deps, finish(&down.state, Some(&down.state), code("c4")), now).await.unwrap_err();
    assert!(matches!(error, OidcError::Provider(OidcFailure::Unreachable(_))), "{error}");

    let refused = start_oidc(deps, StartOidc { return_to: Some("https://evil.example/".into()) }, now).await.unwrap_err();
    assert!(matches!(&refused, OidcError::Invalid(errors) if errors.0[0].field == "return_to"), "{refused}");
    let mut without = deps.clone();
    without.oidc = None;
    assert!(matches!(start_oidc(&without, StartOidc::default(), now).await, Err(OidcError::NotConfigured)));
}
