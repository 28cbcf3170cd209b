//! People and access through the `vigil` command line, against a spawned `vigil serve`: the
//! sign-in login (with and without two-factor) whose refresh token rotates in the context file
//! and is revoked by `vigil logout`, processes sharing a context, keys shown once and revoked,
//! members invited with the link of the API's answer, organisations, and the audit log.

use crate::support::{Cli, KEY, Run, Serve};
use std::os::unix::fs::PermissionsExt;
use vigil_client::Client;
use vigil_client::api::{AcceptInvitationRequest, SetUpRequest};
use vigil_domain::accounts::Totp;

const OWNER: (&str, &str) = ("olive@example.com", "correct horse battery staple");

/// Runs `work` against the API on a runtime of its own (the tests themselves are plain).
fn api<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(work)
}

fn anonymous(serve: &Serve) -> Client {
    Client::anonymous(serve.base.parse().unwrap()).unwrap()
}

/// A server whose owner is `OWNER`, in organisation Acme.
fn serve_with_owner() -> Serve {
    let serve = Serve::start(&[]);
    let request = SetUpRequest { email: OWNER.0.into(), password: OWNER.1.into(), name: "Olive".into(), organisation: Some("Acme".into()) };
    api(anonymous(&serve).set_up(&request)).expect("setting up the owner");
    serve
}

fn sign_in(cli: &Cli, serve: &Serve, input: &str) -> Run {
    cli.run_input(&["login", &serve.base, "--email", OWNER.0], input)
}

fn config(cli: &Cli) -> toml::Value {
    toml::from_str(&std::fs::read_to_string(cli.config_file()).unwrap()).unwrap()
}

fn stored(cli: &Cli, field: &str) -> Option<String> {
    config(cli)["contexts"]["default"].get("tokens").and_then(|t| t.get(field)).and_then(|v| v.as_str()).map(str::to_owned)
}

/// Makes the context's access token look expired, so that the next command must refresh.
fn expire_access_token(cli: &Cli) {
    let mut value = config(cli);
    value["contexts"]["default"]["tokens"]["access_expires_at"] = toml::Value::String("2000-01-01T00:00:00Z".into());
    std::fs::write(cli.config_file(), toml::to_string(&value).unwrap()).unwrap();
}

#[test]
fn a_sign_in_keeps_a_rotating_refresh_token_and_logout_revokes_it() {
    let serve = serve_with_owner();
    let cli = Cli::new();
    let wrong = sign_in(&cli, &serve, "not the password\n");
    assert_eq!(wrong.code, 4, "{wrong:?}");
    assert!(wrong.stderr.contains("refused the sign-in"), "{wrong:?}");
    assert!(!cli.config_file().exists(), "a refused sign-in saves nothing");

    let login = sign_in(&cli, &serve, &format!("{}\n", OWNER.1));
    assert_eq!(login.code, 0, "{login:?}");
    assert!(login.stdout.contains("as olive@example.com in Acme (owner)"), "{login:?}");
    assert_eq!(std::fs::metadata(cli.config_file()).unwrap().permissions().mode() & 0o777, 0o600);
    let first = stored(&cli, "refresh_token").expect("a refresh token in the context");
    assert!(first.starts_with("vr_"), "{first}");
    assert!(config(&cli)["contexts"]["default"].get("key").is_none(), "no key: a sign-in");
    let contexts = cli.run(&["contexts"]);
    assert!(contexts.stdout.contains("olive@example.com"), "{contexts:?}");

    // While the access token is fresh, commands use it as it is.
    assert_eq!(cli.run(&["members", "list"]).code, 0);
    assert_eq!(stored(&cli, "refresh_token").as_ref(), Some(&first));

    // Expired: the next command refreshes on its own and keeps the new refresh token.
    expire_access_token(&cli);
    let members = cli.run(&["members", "list", "-o", "json"]);
    assert_eq!(members.code, 0, "{members:?}");
    assert_eq!(members.json()[0]["email"], OWNER.0);
    let second = stored(&cli, "refresh_token").unwrap();
    assert_ne!(second, first, "the refresh token rotated");
    assert!(stored(&cli, "access_expires_at").unwrap() > jiff::Timestamp::now().to_string());

    // Processes running at once on one context take turns: none sends a spent refresh token,
    // which would end the whole sign-in.
    expire_access_token(&cli);
    let runs: Vec<_> =
        (0..4).map(|_| cli.command().args(["members", "list"]).stdout(std::process::Stdio::piped()).spawn().unwrap()).collect();
    for run in runs {
        let done = run.wait_with_output().unwrap();
        assert!(done.status.success(), "{done:?}");
    }
    assert_eq!(cli.run(&["status"]).code, 0, "the sign-in is still good");
    let latest = stored(&cli, "refresh_token").unwrap();
    assert_ne!(latest, second);

    let logout = cli.run(&["logout"]);
    assert_eq!(logout.code, 0, "{logout:?}");
    assert!(logout.stdout.contains("Signed out"), "{logout:?}");
    assert!(config(&cli)["contexts"].get("default").is_none());
    let after = api(anonymous(&serve).refresh(&latest, None)).unwrap_err();
    assert_eq!(after.status(), Some(401), "the refresh token was revoked: {after:?}");
}

#[test]
fn a_sign_in_with_two_factor_asks_for_a_code() {
    let serve = serve_with_owner();
    let owner = api(anonymous(&serve).sign_in(OWNER.0, OWNER.1, None)).unwrap();
    let client = Client::new(serve.base.parse().unwrap(), &owner.access_token).unwrap();
    let offer = api(client.begin_totp()).unwrap();
    let totp = Totp::from_base32(&offer.secret).unwrap();
    let recovery = api(client.confirm_totp(&totp.code(jiff::Timestamp::now()))).unwrap().recovery_codes;

    let cli = Cli::new();
    let wrong_code = sign_in(&cli, &serve, &format!("{}\n000000\n", OWNER.1));
    assert_eq!(wrong_code.code, 4, "{wrong_code:?}");
    assert!(wrong_code.stderr.contains("two-factor code is not valid"), "{wrong_code:?}");
    assert!(!cli.config_file().exists());

    // The confirmation spent this step's code; the app's next one is taken.
    let code = totp.code(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30));
    let login = sign_in(&cli, &serve, &format!("{}\n{code}\n", OWNER.1));
    assert_eq!(login.code, 0, "{login:?}");
    assert!(login.stdout.contains("in Acme (owner)"), "{login:?}");
    let me = cli.run(&["orgs", "list", "-o", "json"]);
    assert_eq!(me.code, 0, "{me:?}");

    let other = Cli::new();
    let with_recovery = sign_in(&other, &serve, &format!("{}\n{}\n", OWNER.1, recovery[0]));
    assert_eq!(with_recovery.code, 0, "a recovery code works too: {with_recovery:?}");
}

/// The secret a `keys create` printed.
fn secret_in(run: &Run) -> String {
    run.stdout.lines().map(str::trim).find(|l| l.starts_with("vk_")).unwrap_or_else(|| panic!("no secret in {run:?}")).to_owned()
}

#[test]
fn a_key_is_shown_once_and_stops_working_when_revoked() {
    let serve = serve_with_owner();
    let cli = Cli::new();
    assert_eq!(sign_in(&cli, &serve, &format!("{}\n", OWNER.1)).code, 0);

    let created = cli.run(&["keys", "create", "--name", "ci", "--scope", "write", "--expires", "90d"]);
    assert_eq!(created.code, 0, "{created:?}");
    assert!(created.stdout.contains("shown only this once"), "{created:?}");
    let secret = secret_in(&created);
    let with_key = |args: &[&str]| cli.run(&[&["--key", secret.as_str()], args].concat());
    assert_eq!(with_key(&["monitors", "list"]).code, 0, "the new key works");

    let listed = cli.run(&["keys", "list", "-o", "json"]);
    let keys = listed.json();
    let ci = keys.as_array().unwrap().iter().find(|k| k["name"] == "ci").expect("the key is listed").clone();
    assert!(ci.get("secret").is_none(), "the secret is never shown again: {ci}");
    assert_eq!((ci["scope"].as_str(), ci["service"].as_bool()), (Some("write"), Some(false)));
    assert!(ci["expires_at"].as_str().is_some_and(|at| at > "2026"), "{ci}");
    let table = cli.run(&["keys", "list"]);
    assert!(table.stdout.contains("ci") && table.stdout.contains("write") && table.stdout.contains("active"), "{table:?}");

    let revoked = cli.run(&["keys", "revoke", "ci"]);
    assert_eq!(revoked.code, 0, "{revoked:?}");
    assert_eq!(with_key(&["monitors", "list"]).code, 4, "a revoked key is refused");
    let active = cli.run(&["keys", "list", "-o", "json"]).json();
    assert!(active.as_array().unwrap().iter().all(|k| k["name"] != "ci"), "revoked keys are hidden by default: {active}");
    assert!(cli.run(&["keys", "list", "--all"]).stdout.contains("revoked"));
    assert_eq!(cli.run(&["keys", "revoke", "nothing-by-that-name"]).code, 3);
    assert_eq!(cli.run(&["keys", "create", "--name", "x", "--scope", "everything"]).code, 2);

    // An API key makes service keys only, and says so.
    let admin = Cli::new();
    admin.login(&serve);
    let personal = admin.run(&["keys", "create", "--name", "bot"]);
    assert_eq!(personal.code, 1, "{personal:?}");
    assert!(personal.stderr.contains("service"), "{personal:?}");
    let service = admin.run(&["keys", "create", "--name", "bot", "--scope", "read", "--service", "-o", "json"]);
    assert_eq!(service.code, 0, "{service:?}");
    assert_eq!(service.json()["service"], true);
    assert!(service.json()["secret"].as_str().is_some_and(|s| s.starts_with("vk_")));
}

#[test]
fn an_invitation_link_makes_a_member_and_the_audit_log_names_who_did_what() {
    let serve = serve_with_owner();
    let cli = Cli::new();
    assert_eq!(sign_in(&cli, &serve, &format!("{}\n", OWNER.1)).code, 0);

    let invited = cli.run(&["members", "invite", "ann@example.com", "--role", "editor"]);
    assert_eq!(invited.code, 0, "{invited:?}");
    let link = invited.stdout.lines().map(str::trim).find(|l| l.contains("/invitations/accept?token=")).expect("the link").to_owned();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let accept = AcceptInvitationRequest { token, name: Some("Ann".into()), password: Some("a long and unusual passphrase".into()) };
    api(anonymous(&serve).accept_invitation(&accept)).expect("the link makes an account");

    let members = cli.run(&["members", "list", "-o", "json"]).json();
    let ann = members.as_array().unwrap().iter().find(|m| m["email"] == "ann@example.com").expect("Ann is a member").clone();
    assert_eq!(ann["role"], "editor");
    assert_eq!(cli.run(&["members", "role", "ann@example.com", "responder"]).code, 0);
    let table = cli.run(&["members", "list"]);
    assert!(table.stdout.lines().any(|l| l.contains("ann@example.com") && l.contains("responder")), "{table:?}");
    assert_eq!(cli.run(&["members", "role", "ann@example.com", "boss"]).code, 2);
    let last_owner = cli.run(&["members", "role", OWNER.0, "viewer"]);
    assert_eq!(last_owner.code, 1, "{last_owner:?}");
    assert!(last_owner.stderr.contains("owner"), "{last_owner:?}");
    assert_eq!(cli.run(&["members", "remove", "ann@example.com"]).code, 0);
    assert_eq!(cli.run(&["members", "list", "-o", "json"]).json().as_array().unwrap().len(), 1);

    // The audit log, newest first, read two entries a page.
    let all = cli.run(&["audit", "-o", "json", "--page-size", "2", "--limit", "5"]);
    assert_eq!(all.code, 0, "{all:?}");
    let entries = all.json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 5, "five entries, across three pages");
    let times: Vec<jiff::Timestamp> = entries.iter().map(|e| e["at"].as_str().unwrap().parse().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
    assert_eq!(entries[0]["action"], "member.remove");
    let by_members = cli.run(&["audit", "--action", "member", "--actor", OWNER.0, "-o", "json"]).json();
    let actions: Vec<&str> = by_members.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"member.role_change") && actions.contains(&"member.remove"), "{actions:?}");
    assert!(actions.iter().all(|a| a.starts_with("member.")), "{actions:?}");
    let table = cli.run(&["audit", "--since", "1h"]);
    assert!(table.stdout.starts_with("WHEN") && table.stdout.contains(OWNER.0) && table.stdout.contains("invitation.create"), "{table:?}");
    assert_eq!(cli.run(&["audit", "--since", "yesterday"]).code, 2);
}

#[test]
fn a_signed_in_context_switches_organisation_and_a_key_cannot() {
    let serve = serve_with_owner();
    let owner = api(anonymous(&serve).sign_in(OWNER.0, OWNER.1, None)).unwrap();
    let client = Client::new(serve.base.parse().unwrap(), &owner.access_token).unwrap();
    api(client.create_organisation("Second")).unwrap();

    let cli = Cli::new();
    assert_eq!(sign_in(&cli, &serve, &format!("{}\n", OWNER.1)).code, 0);
    let listed = cli.run(&["orgs", "list"]);
    assert!(listed.stdout.lines().any(|l| l.starts_with('*') && l.contains("Acme")), "{listed:?}");
    assert!(listed.stdout.contains("Second"), "{listed:?}");
    let switched = cli.run(&["orgs", "switch", "Second"]);
    assert_eq!(switched.code, 0, "{switched:?}");
    let orgs = cli.run(&["orgs", "list", "-o", "json"]).json();
    let current: Vec<&str> =
        orgs.as_array().unwrap().iter().filter(|o| o["current"] == true).map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(current, ["Second"], "the context acts in Second now");
    expire_access_token(&cli);
    let again = cli.run(&["orgs", "list", "-o", "json"]).json();
    assert!(again.as_array().unwrap().iter().any(|o| o["name"] == "Second" && o["current"] == true), "a refresh stays in Second: {again}");

    // Signing in straight into an organisation.
    let other = Cli::new();
    let login = other.run_input(&["login", &serve.base, "--email", OWNER.0, "--organisation", "Second"], &format!("{}\n", OWNER.1));
    assert_eq!(login.code, 0, "{login:?}");
    assert!(login.stdout.contains("in Second (owner)"), "{login:?}");

    let keyed = Cli::new();
    let run = keyed.run(&["--server", &serve.base, "--key", KEY, "orgs", "switch", "Second"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("an API key has none"), "a key belongs to one organisation: {run:?}");
}
