//! Live updates of open pages. Self-hosted, a page listens to `/live`, a stream of Server-Sent
//! Events fed by the use cases' notices (each says what changed in the member's organisation,
//! and a `ping` every few seconds says the server is there); the page then fetches itself again
//! and swaps its content. On AWS, where API Gateway's HTTP API does not stream, `/live` answers
//! 204 and the page polls itself instead: often while visible, rarely while hidden. Either way
//! the page shows when it last heard from the server and says so when it cannot reach it.

use crate::failure::Failure;
use crate::visitor::Visitor;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;
use vigil_app::Deps;
use vigil_domain::ids::TenantId;
use vigil_domain::ports::{LiveEvent, LiveNotice, LiveSubscription};

/// How often the stream says it is still there.
const PING: Duration = Duration::from_secs(10);

/// How pages of this deployment hear of changes: `sse` where a live feed runs, `poll` where
/// none does.
pub(crate) fn mode(deps: &Deps) -> &'static str {
    if deps.live.is_some() { "sse" } else { "poll" }
}

/// The event that tells a page about `notice`: its kind and the id of what changed.
pub(crate) fn event_of(notice: LiveNotice) -> (&'static str, String) {
    match notice {
        LiveNotice::Checked(id) => ("checked", id.to_string()),
        LiveNotice::Monitor(id) => ("monitor", id.to_string()),
        LiveNotice::Task(id) => ("task", id.to_string()),
        LiveNotice::Incident(id) => ("incident", id.to_string()),
        LiveNotice::Host(id) => ("host", id.to_string()),
    }
}

/// The next event of `tenant` from `subscription`, skipping other organisations' notices;
/// `None` once the feed is gone.
async fn next_for(tenant: TenantId, subscription: &mut Box<dyn LiveSubscription>) -> Option<Event> {
    loop {
        match subscription.next().await? {
            LiveEvent::Notice(of, notice) if of == tenant => {
                let (kind, id) = event_of(notice);
                return Some(Event::default().event("change").data(format!("{{\"kind\":\"{kind}\",\"id\":\"{id}\"}}")));
            }
            LiveEvent::Notice(..) => continue,
            // Some notices were lost: the page reloads its content to be sure.
            LiveEvent::Missed => return Some(Event::default().event("change").data("{\"kind\":\"missed\"}")),
        }
    }
}

fn changes(tenant: TenantId, subscription: Box<dyn LiveSubscription>) -> impl Stream<Item = Result<Event, Infallible>> {
    let hello = stream::once(async { Ok(Event::default().event("ping").data("hello")) });
    let notices = stream::unfold(subscription, move |mut subscription| async move {
        next_for(tenant, &mut subscription).await.map(|event| (Ok(event), subscription))
    });
    futures::StreamExt::chain(hello, notices)
}

/// `GET /live`: the member's organisation's changes as Server-Sent Events, or 204 where the
/// deployment has no live feed (the page polls).
pub(crate) async fn stream(visitor: Visitor) -> Result<Response, Failure> {
    let tenant = visitor.member()?.actor.tenant_id;
    let Some(feed) = visitor.deps.live.clone() else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let keep_alive = KeepAlive::new().interval(PING).event(Event::default().event("ping").data("ping"));
    Ok(Sse::new(changes(tenant, feed.subscribe())).keep_alive(keep_alive).into_response())
}
