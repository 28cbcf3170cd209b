//! The monitors function's entry point: its route group over its own stores.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_aws::wiring::monitors_deps, vigil_fn_api::monitors_app).await
}
