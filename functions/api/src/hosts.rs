//! The hosts function's entry point: its route group over its own stores, reaching agents
//! through their WebSocket API.

use vigil_aws::wiring;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_handler(|clients, config| {
        Ok(vigil_fn_api::hosts_app(wiring::hosts_deps(clients, config)?, wiring::agent_gateway(clients, config)))
    })
    .await
}
