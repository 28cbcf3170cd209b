//! Live updates of open pages. Self-hosted, a page listens to `/live` (Server-Sent Events fed
//! by the use cases' notices); on AWS, where API Gateway's HTTP API does not stream, the page
//! polls `/live/since` instead. Either way the page knows when it last heard from the server.

use vigil_app::Deps;

/// How pages of this deployment hear of changes: `sse` where a live feed runs, `poll` where
/// none does.
pub(crate) fn mode(deps: &Deps) -> &'static str {
    if deps.live.is_some() { "sse" } else { "poll" }
}
