//! The alerting function's entry point: its route group (channels, alert rules, maintenance
//! windows, failed deliveries) over its own stores.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_aws::wiring::alerting_deps, vigil_fn_api::alerting_app).await
}
