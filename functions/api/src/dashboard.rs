//! The dashboard function's entry point: the pages over every store, reaching agents through
//! their WebSocket API.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_handler(|clients, config| {
        let deps = vigil_fn_api::dashboard_deps(clients, config)?;
        Ok(vigil_fn_api::dashboard_app(deps, vigil_aws::wiring::agent_gateway(clients, config)))
    })
    .await
}
