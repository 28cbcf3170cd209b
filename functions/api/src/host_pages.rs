//! The host pages' function's entry point: the hosts' pages over the hosts function's stores,
//! reaching agents through their WebSocket API.

use vigil_aws::wiring;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_handler(|clients, config| {
        Ok(vigil_fn_api::host_pages_app(wiring::hosts_deps(clients, config)?, wiring::agent_gateway(clients, config)))
    })
    .await
}
