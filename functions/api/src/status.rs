//! The status function's entry point: the public status pages over their own stores.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_aws::wiring::status_deps, vigil_fn_api::status_app).await
}
