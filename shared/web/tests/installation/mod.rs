//! An installation over the in-memory store for the page tests of tasks, incidents and
//! notifications: an organisation with a member of each role signed in, the fakes' handles,
//! and what makes monitors, tasks, channels and outages.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::Timestamp;
use std::sync::Arc;
use tower::ServiceExt;
use vigil_app::accounts::{SetUpOwner, SignedIn, StartSession, set_up_owner, start_session};
use vigil_app::checks::{RunCheck, run_check};
use vigil_app::incidents::{HandleEvent, handle_event};
use vigil_app::monitors::{CreateMonitor, create_monitor};
use vigil_app::notifications::{
    ClaimDueDeliveries, CreateChannel, CreateRule, Deliver, claim_due_deliveries, create_channel, create_rule, deliver,
};
use vigil_app::tasks::{CreateTask, create_task};
use vigil_app::{Blobs, Deps, Settings, Stores};
use vigil_domain::access::{Actor, Origin, Role};
use vigil_domain::accounts::{Email, Locale, Membership, User};
use vigil_domain::heartbeat::TaskRecord;
use vigil_domain::ids::{ChannelId, IncidentId, MonitorId, TenantId, UserId};
use vigil_domain::incident::IncidentSubject;
use vigil_memory::{MemoryStore, RecordingPublisher, ScriptedNotifier, ScriptedProber, SequentialRandom};

/// An answer: status, headers, body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Where a redirect goes.
    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }
}

/// A signed-in browser: its cookie header and its session's CSRF token.
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
    pub user: UserId,
}

/// The organisation, its members' browsers and the fakes.
pub struct Installation {
    pub router: Router,
    pub deps: Deps,
    pub tenant: TenantId,
    pub prober: ScriptedProber,
    pub events: RecordingPublisher,
    pub notifier: ScriptedNotifier,
    pub owner: Browser,
    pub editor: Browser,
    pub responder: Browser,
    pub viewer: Browser,
}

pub fn now() -> Timestamp {
    Timestamp::now()
}

fn uuid_of(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n)
}

async fn session_of(deps: &Deps, signed_in: SignedIn) -> Browser {
    let user = signed_in.user.id;
    let (session, cookie) = start_session(deps, StartSession { signed_in, origin: Origin::default() }, now()).await.unwrap();
    Browser { cookie: format!("vigil_session={}", cookie.expose()), csrf: session.csrf, user }
}

impl Installation {
    /// An owner (Ann), an editor (Eve), a responder (Rita) and a viewer named like a script,
    /// all in English and UTC unless a test changes them.
    pub async fn new() -> Self {
        let store = Arc::new(MemoryStore::new());
        let (prober, events, notifier) =
            (ScriptedProber::answering(ScriptedProber::response(200)), RecordingPublisher::new(), ScriptedNotifier::default());
        let deps = Deps {
            stores: Arc::new(Stores::on(store.clone(), Blobs { artefacts: store.clone(), ping_bodies: store })),
            events: Arc::new(events.clone()),
            prober: Arc::new(prober.clone()),
            random: Arc::new(SequentialRandom::new()),
            notifier: Arc::new(notifier.clone()),
            passwords: Arc::new(vigil_memory::InstantPasswords),
            oidc: None,
            live: None,
            settings: Arc::new(Settings::default()),
        };
        let cmd = SetUpOwner {
            email: "ann@example.com".into(),
            password: "correct horse battery staple".into(),
            name: "Ann".into(),
            organisation: Some("Acme".into()),
            origin: Origin::default(),
        };
        let owner = set_up_owner(&deps, cmd, now()).await.unwrap();
        let tenant = owner.tenant_id;
        let mut members = Vec::new();
        for (n, (name, email, role)) in [
            ("Eve Editor", "eve@example.com", Role::Editor),
            ("Rita Responder", "rita@example.com", Role::Responder),
            ("<script>alert(1)</script>", "v@example.com", Role::Viewer),
        ]
        .into_iter()
        .enumerate()
        {
            let user = User::new(UserId::from_uuid(uuid_of(n as u128 + 10)), Email::parse(email).unwrap(), name.into(), now());
            deps.stores.users.insert_user(&user).await.unwrap();
            deps.stores.memberships.put_membership(&Membership { tenant_id: tenant, user_id: user.id, role, since: now() }).await.unwrap();
            members.push(session_of(&deps, SignedIn { user, tenant_id: tenant, role }).await);
        }
        let owner = session_of(&deps, owner).await;
        let [editor, responder, viewer] = <[Browser; 3]>::try_from(members).ok().unwrap();
        Self { router: vigil_web::app(deps.clone()), deps, tenant, prober, events, notifier, owner, editor, responder, viewer }
    }

    /// Vigil itself in the organisation, to set things up around the pages.
    pub fn system(&self) -> Actor {
        Actor::system(self.tenant)
    }

    /// Changes a member's language and time zone.
    pub async fn speak(&self, browser: &Browser, locale: Locale, zone: &str) {
        let mut user = self.deps.stores.users.user(browser.user).await.unwrap().unwrap();
        user.locale = locale;
        user.time_zone = zone.to_owned();
        user.version += 1;
        self.deps.stores.users.update_user(&user).await.unwrap();
    }

    pub async fn call(&self, method: Method, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self.router.clone().oneshot(request.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
        let (parts, body) = response.into_parts();
        Answer { status: parts.status, headers: parts.headers, body: body.collect().await.unwrap().to_bytes().to_vec() }
    }

    pub async fn get(&self, path: &str, browser: &Browser) -> Answer {
        self.call(Method::GET, path, &[("cookie", browser.cookie.as_str())], "").await
    }

    /// Posts `fields` with the browser's CSRF token.
    pub async fn post(&self, path: &str, browser: &Browser, fields: &[(&str, &str)]) -> Answer {
        let mut pairs = vec![("csrf", browser.csrf.as_str())];
        pairs.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let headers = [("cookie", browser.cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
        self.call(Method::POST, path, &headers, &body).await
    }

    /// A monitor that goes Down at the first failure and Up after two successes.
    pub async fn monitor(&self, name: &str) -> MonitorId {
        let draft = serde_json::from_value(serde_json::json!({
            "name": name, "url": "https://example.com/", "interval_seconds": 60, "failure_threshold": 1, "recovery_threshold": 2,
        }))
        .unwrap();
        create_monitor(&self.deps, CreateMonitor { actor: self.system(), draft }, now()).await.unwrap().monitor.id
    }

    /// Checks `monitor` now, the target answering `status`, and hands the status change it
    /// published (if any) to the incidents, as the bus would.
    pub async fn check(&self, monitor: MonitorId, status: u16) {
        let published = self.events.events().len();
        self.prober.then(ScriptedProber::response(status));
        // A check is known by its monitor and planned millisecond: two checks never share one.
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        let at = now();
        run_check(&self.deps, RunCheck { tenant_id: self.tenant, monitor_id: monitor, planned_at: at, manual: true }, at).await.unwrap();
        for event in self.events.events().into_iter().skip(published) {
            handle_event(&self.deps, HandleEvent { event }, now()).await.unwrap();
        }
    }

    /// The monitor goes down; its incident.
    pub async fn outage(&self, monitor: MonitorId) -> IncidentId {
        self.check(monitor, 503).await;
        self.ongoing(monitor).await.expect("an incident opened")
    }

    pub async fn ongoing(&self, monitor: MonitorId) -> Option<IncidentId> {
        let ongoing = self.deps.stores.incidents.ongoing(self.tenant, IncidentSubject::Monitor(monitor)).await.unwrap();
        ongoing.map(|i| i.core().id)
    }

    /// A task from its JSON draft.
    pub async fn task(&self, json: serde_json::Value) -> TaskRecord {
        create_task(&self.deps, CreateTask { actor: self.system(), draft: serde_json::from_value(json).unwrap() }, now()).await.unwrap()
    }

    /// A webhook channel.
    pub async fn channel(&self, name: &str) -> ChannelId {
        let draft = serde_json::from_value(
            serde_json::json!({"name": name, "type": "webhook", "url": format!("https://hooks.example.com/{name}")}),
        )
        .unwrap();
        create_channel(&self.deps, CreateChannel { actor: self.system(), draft }, now()).await.unwrap().id
    }

    /// A rule sending everything to `channel`.
    pub async fn rule_to(&self, channel: ChannelId) {
        let draft =
            serde_json::from_value(serde_json::json!({"name": "all", "select": {"all": true}, "channels": [channel.to_string()]})).unwrap();
        create_rule(&self.deps, CreateRule { actor: self.system(), replaces: None, draft }, now()).await.unwrap();
    }

    /// Makes one attempt of every delivery due.
    pub async fn deliver_due(&self) {
        let cmd = ClaimDueDeliveries { overdue_by: jiff::SignedDuration::ZERO, lease: jiff::SignedDuration::from_secs(60), limit: 50 };
        for delivery in claim_due_deliveries(&self.deps, cmd, now()).await.unwrap() {
            deliver(&self.deps, Deliver { delivery }, now()).await.unwrap();
        }
    }
}

/// The HTML between the element with `id` and the end of its tag's first closing.
pub fn element(html: &str, tag: &str, id: &str) -> String {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} in the page"));
    let end = html[start..].find(&format!("</{tag}>")).map_or(html.len(), |e| start + e);
    html[start..end].to_owned()
}

/// Every page answers with the security headers and carries no inline script or style.
pub fn assert_safe(path: &str, answer: &Answer) {
    let csp = answer.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
    let html = answer.text();
    assert!(!html.contains("<script>") && !html.contains("style=") && !html.contains("<style"), "{path} has inline code");
    for handler in [" onclick=", " onsubmit=", " onchange=", "javascript:"] {
        assert!(!html.contains(handler), "{path} has an inline handler {handler}");
    }
}
