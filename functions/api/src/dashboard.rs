//! The dashboard function's entry point: the pages over every store, reaching agents through
//! their WebSocket API.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let (config, clients) = vigil_fn_api::api_start().await;
    let deps = vigil_fn_api::dashboard_deps(&clients, &config)?;
    let agents = vigil_aws::wiring::agent_gateway(&clients, &config.store);
    lambda_http::run(vigil_fn_api::dashboard_app(deps, agents)).await
}
