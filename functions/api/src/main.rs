//! The api function's entry point: what of the API no group's function serves, over the stores
//! its routes reach.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_aws::wiring::api_deps, vigil_fn_api::app).await
}
