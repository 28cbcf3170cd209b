//! What the fault tests of the incidents, notifier and prober functions share: a tenant whose
//! monitors are watched by an alert rule sending to one webhook receiver the test controls, and
//! the functions' handlers driven as Lambda's pollers drive them (a batch in, its item failures
//! left on the queue, the rest deleted).

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::types::Message;
use jiff::SignedDuration;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_aws::config::NotifierConfig;
use vigil_aws::{AwsClients, wiring};
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::incident::AnyIncident;
use vigil_domain::notify::Delivery;
use vigil_domain::page::PageRequest;
use vigil_domain::ports::IncidentQuery;
use vigil_domain::tenant::ApiKeySecret;
use vigil_fn_notifier::Notifier;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::{Session, queue_arn};
use vigil_tests::lambda::{ApiAnswer, api_request, call_api, receive_all, settle, sqs_event};
use vigil_tests::receiver::Receiver;
use vigil_tests::target::Target;

/// The ids of the messages a handler returned as batch item failures.
pub fn failed_ids(answer: &SqsBatchResponse) -> BTreeSet<String> {
    answer.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect()
}

/// Makes received `messages` of `queue_url` visible at once, as their visibility timeout
/// running out would.
pub async fn make_visible_again(session: &Session, queue_url: &str, messages: &[Message]) {
    for message in messages {
        session
            .clients
            .sqs()
            .change_message_visibility()
            .queue_url(queue_url)
            .receipt_handle(message.receipt_handle().unwrap_or_default())
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
    }
}

/// Hands what `queue_url` holds now to `handler` as one batch, then settles it as Lambda does;
/// returns the messages and the ids of those that failed (left on the queue).
pub async fn one_batch<F, Fut>(session: &Session, queue_url: &str, handler: F) -> (Vec<Message>, BTreeSet<String>)
where
    F: FnOnce(LambdaEvent<SqsEvent>) -> Fut,
    Fut: std::future::Future<Output = SqsBatchResponse>,
{
    let messages = receive_all(session.clients.sqs(), queue_url).await;
    let answer = handler(LambdaEvent::new(sqs_event(&messages, &queue_arn(queue_url)), Context::default())).await;
    let failed = failed_ids(&answer);
    settle(session.clients.sqs(), queue_url, &messages, &failed.iter().cloned().collect::<Vec<_>>()).await;
    (messages, failed)
}

/// Drains `queue_url` into a function, as Lambda's poller does, until it stays empty; returns
/// how many messages were handled. No message may fail.
pub async fn drain<F, Fut>(session: &Session, queue_url: &str, handler: F) -> usize
where
    F: Fn(LambdaEvent<SqsEvent>) -> Fut,
    Fut: std::future::Future<Output = SqsBatchResponse>,
{
    let mut handled = 0;
    loop {
        let messages = receive_all(session.clients.sqs(), queue_url).await;
        if messages.is_empty() {
            return handled;
        }
        handled += messages.len();
        let response = handler(LambdaEvent::new(sqs_event(&messages, &queue_arn(queue_url)), Context::default())).await;
        let failed: Vec<String> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
        assert!(failed.is_empty(), "no message may fail here: {failed:?}");
        settle(session.clients.sqs(), queue_url, &messages, &failed).await;
    }
}

/// A tenant with monitors of one target, an alert rule on all of them (openings only) and a
/// webhook channel to a receiver.
pub struct Alerting {
    /// The emulator, held for the test.
    pub session: Session,
    /// The deployment's HTTP API ([`crate::http_api`]).
    pub http_api: axum::Router,
    /// The tenant.
    pub tenant: TenantId,
    /// What the monitors check (200 until the test says otherwise).
    pub target: Target,
    /// Where the channel posts.
    pub receiver: Receiver,
    /// The monitors (failure threshold 1: one failing check takes each down).
    pub monitors: Vec<MonitorId>,
}

impl Alerting {
    /// Sets up `monitors` monitors on a fresh emulator.
    pub async fn start(monitors: usize) -> Self {
        let session = Session::start().await;
        let deps = session.deps();
        let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
        bootstrap(&deps, Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
        let tenant = deps.stores.tenants.find_key(&ApiKeySecret::presented(TEST_KEY).hash()).await.unwrap().unwrap().tenant_id;
        let mut alerting = Self {
            http_api: crate::http_api::http_api(&session),
            session,
            tenant,
            target: Target::http().await,
            receiver: Receiver::start().await,
            monitors: Vec::new(),
        };
        for i in 0..monitors {
            let body = json!({"name": format!("m{i}"), "url": alerting.target.url("/"), "interval_seconds": 3600, "failure_threshold": 1});
            let created = alerting.call("POST", "/v1/monitors", Some(body)).await;
            assert_eq!(created.status, 201, "{:?}", created.json);
            alerting.monitors.push(created.json["id"].as_str().unwrap().parse().unwrap());
        }
        let channel =
            alerting.call("POST", "/v1/channels", Some(json!({"name": "hook", "type": "webhook", "url": alerting.receiver.url()})));
        let channel = channel.await.json["id"].clone();
        let select = json!({"monitors": alerting.monitors.iter().map(ToString::to_string).collect::<Vec<_>>()});
        let rule = json!({"name": "all", "select": select, "channels": [channel], "notify_on": {"resolved": false}});
        assert_eq!(alerting.call("POST", "/v1/alert-rules", Some(rule)).await.status, 201);
        alerting
    }

    /// A request to the deployment's HTTP API with the admin key.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> ApiAnswer {
        call_api(&self.http_api, api_request(method, path, Some(TEST_KEY), body.as_ref())).await
    }

    /// Makes the target fail and checks every monitor now through the api function: each goes
    /// down, and its status change goes to the events topic (and on to the incidents queue).
    pub async fn take_down(&self) {
        self.target.set_status(503);
        for id in &self.monitors {
            let check = self.call("POST", &format!("/v1/monitors/{id}/check"), None).await;
            assert_eq!(check.json["check"]["result"], "down", "{:?}", check.json);
        }
    }

    /// Runs the incidents function over its queue until it is empty.
    pub async fn handle_incident_events(&self) -> usize {
        let deps = self.session.wired(wiring::incidents_deps);
        drain(&self.session, &self.session.resources.incident_queue_url, |e| async { vigil_fn_incidents::handle(&deps, e).await.unwrap() })
            .await
    }

    /// The notifier function on `clients` (the emulator's or a proxy's), wired as its `main`
    /// wires it but with a short `lease`, so that a delivery claimed by a failed attempt comes
    /// back within the test.
    pub fn notifier(&self, clients: &AwsClients, lease: Duration) -> Notifier {
        let config = NotifierConfig { store: self.session.store_config(), dlq_url: self.session.resources.notify_dlq_url.clone() };
        Notifier::wired(clients, &config, SignedDuration::try_from(lease).unwrap()).unwrap()
    }

    /// The tenant's incidents.
    pub async fn incidents(&self) -> Vec<AnyIncident> {
        let query = IncidentQuery { status: None, subject: None, opened_from: None, opened_before: None, page: PageRequest::first() };
        self.session.deps().stores.incidents.list(self.tenant, &query).await.unwrap().items
    }

    /// Every delivery of the tenant's incidents.
    pub async fn deliveries(&self) -> Vec<Delivery> {
        let stores = self.session.deps().stores;
        let mut deliveries = Vec::new();
        for incident in self.incidents().await {
            deliveries.extend(stores.deliveries.for_incident(self.tenant, incident.core().id).await.unwrap());
        }
        deliveries
    }

    /// Asserts that every delivery's message reached the receiver under the delivery's id (its
    /// `webhook-id`) and was accepted `times` times, and that nothing else was sent; returns
    /// the deliveries.
    pub async fn assert_each_delivery_sent(&self, times: usize) -> Vec<Delivery> {
        let deliveries = self.deliveries().await;
        let mut accepted = BTreeMap::new();
        for received in self.receiver.accepted() {
            *accepted.entry(received.header("webhook-id").unwrap_or_default().to_owned()).or_insert(0) += 1;
        }
        let ids: BTreeSet<String> = deliveries.iter().map(|d| d.id.to_string()).collect();
        assert_eq!(accepted.keys().cloned().collect::<BTreeSet<_>>(), ids, "every delivery's message arrived, under its id");
        assert!(accepted.values().all(|n| *n == times), "each message accepted {times} time(s): {accepted:?}");
        assert_eq!(self.receiver.received().len(), deliveries.len() * times, "nothing else was sent");
        deliveries
    }
}
