//! The dashboard function's entry point: the pages over the stores they reach.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_aws::wiring::dashboard_deps, vigil_fn_api::dashboard_app).await
}
