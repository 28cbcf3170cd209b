//! A real OpenID provider for the tests: the certified `oidc-provider` npm package, run with Node
//! by `tests/oidc/provider.mjs` on a free loopback port, with one client and the accounts a test
//! gives. `./scripts/install-test-tools` installs the package (pinned by its package-lock.json).

use crate::browser::{Browser, location};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// The client Vigil is registered as.
pub const CLIENT_ID: &str = "vigil-tests";
/// Its secret.
pub const CLIENT_SECRET: &str = "a-client-secret-for-the-oidc-tests";

const INSTALL: &str =
    "run ./scripts/install-test-tools (it installs tests/oidc's pinned oidc-provider with npm; Node.js 20 or later is needed)";

/// A person the provider knows, by the login typed into its form.
#[derive(Clone, Debug)]
pub struct Account {
    /// What is typed as the login (and becomes the subject).
    pub login: &'static str,
    /// Their address.
    pub email: &'static str,
    /// Whether the provider says the address is proven.
    pub email_verified: bool,
    /// Their name.
    pub name: &'static str,
    /// The `groups` claim.
    pub groups: &'static [&'static str],
}

/// How the provider hands out claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimsIn {
    /// In the ID token.
    IdToken,
    /// Only at the userinfo endpoint (the ID token carries `sub`): the provider's default, as
    /// OpenID Connect Core has it for the code flow.
    UserInfo,
}

/// The provider process; killed when dropped.
pub struct OidcProvider {
    /// Its issuer URL, `http://127.0.0.1:<port>`.
    pub issuer: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

fn script_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

impl OidcProvider {
    /// Starts the provider; it serves once [`OidcProvider::configure`] gave it its client.
    /// Fails loudly, naming the install command, when Node or the package is missing.
    pub async fn start() -> Self {
        let dir = script_dir();
        assert!(
            dir.join("node_modules/oidc-provider/package.json").exists(),
            "the OpenID provider of the OIDC tests is not installed in {}: {INSTALL}",
            dir.display()
        );
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("starting `node` failed ({error}): the OIDC tests need Node.js 20 or later; then {INSTALL}"));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut errors = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
        let kept = Arc::clone(&stderr);
        tokio::spawn(async move {
            while let Ok(Some(line)) = errors.next_line().await {
                kept.lock().expect("stderr lines").push(line);
            }
        });
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut provider = Self { issuer: String::new(), child, stdin, stdout, stderr };
        let first = provider.next_message().await;
        provider.issuer = first["issuer"].as_str().unwrap_or_else(|| panic!("no issuer in {first}")).to_owned();
        provider
    }

    /// Registers the client (confidential, PKCE, `redirect_uri`) and the accounts, and waits
    /// until the provider serves.
    pub async fn configure(&mut self, redirect_uri: &str, accounts: &[Account], claims: ClaimsIn) {
        let accounts: serde_json::Map<String, Value> = accounts
            .iter()
            .map(|a| {
                let claims = json!({"email": a.email, "email_verified": a.email_verified, "name": a.name, "groups": a.groups});
                (a.login.to_owned(), claims)
            })
            .collect();
        let config = json!({
            "client": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [redirect_uri]},
            "accounts": accounts,
            "id_token_claims": claims == ClaimsIn::IdToken,
        });
        let stdin = self.stdin.as_mut().expect("the provider's stdin");
        stdin.write_all(format!("{config}\n").as_bytes()).await.expect("configuring the provider");
        stdin.flush().await.expect("configuring the provider");
        let ready = self.next_message().await;
        assert_eq!(ready["ready"], true, "the provider did not start: {ready}; its log: {}", self.log());
    }

    async fn next_message(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(30), self.stdout.next_line()).await;
        match line {
            Ok(Ok(Some(line))) => serde_json::from_str(&line).unwrap_or_else(|e| panic!("the provider printed `{line}` ({e})")),
            Ok(Ok(None)) | Ok(Err(_)) => {
                let status = self.child.try_wait().ok().flatten();
                panic!("the OpenID provider stopped ({status:?}): {}\nIf its package is missing, {INSTALL}", self.log())
            }
            Err(_) => panic!("the OpenID provider said nothing for 30 s: {}", self.log()),
        }
    }

    /// What the provider wrote to stderr so far (its warnings and server errors).
    pub fn log(&self) -> String {
        self.stderr.lock().expect("stderr lines").join("\n")
    }
}

/// What the person does on the consent page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Lets the client in.
    Consent,
    /// Cancels: the provider sends the browser back with `access_denied`.
    Abort,
}

impl OidcProvider {
    /// Plays the person at the provider: from Vigil's `authorization_url`, through the login form
    /// (as `login`) and the consent page, to the redirect back. Returns the callback URL the
    /// provider sends the browser to, without following it.
    pub async fn authorize(&self, browser: &Browser, authorization_url: &str, login: &str, decision: Decision) -> String {
        let own = format!("{}/", self.issuer);
        let mut url = authorization_url.to_owned();
        for _ in 0..12 {
            if !url.starts_with(&own) {
                return url;
            }
            let response = browser.get(&url).await;
            if let Some(next) = location(&url, &response) {
                url = next;
                continue;
            }
            let status = response.status();
            let page = response.text().await.unwrap_or_default();
            assert_eq!(status, 200, "the provider answered {url} with {status}: {page}\nits log: {}", self.log());
            let action = between(&page, "action=\"", "\"").unwrap_or_else(|| panic!("no form at {url}: {page}"));
            let prompt = between(&page, "name=\"prompt\" value=\"", "\"").unwrap_or_else(|| panic!("no prompt at {url}: {page}"));
            let response = match (prompt.as_str(), decision) {
                ("login", _) => browser.post_form(&action, &[("prompt", "login"), ("login", login), ("password", "any")]).await,
                ("consent", Decision::Consent) => browser.post_form(&action, &[("prompt", "consent")]).await,
                ("consent", Decision::Abort) => browser.get(&format!("{action}/abort")).await,
                (other, _) => panic!("an unexpected prompt `{other}` at {url}"),
            };
            url = location(&action, &response).unwrap_or_else(|| {
                panic!("{action} answered {} without a redirect; the provider's log: {}", response.status(), self.log())
            });
        }
        panic!("still at the provider after 12 steps ({url}): {}", self.log())
    }
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].replace("&amp;", "&"))
}
