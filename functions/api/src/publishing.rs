//! The publishing function's entry point: the status page editors' route group and the editor's
//! pages over its own stores.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_aws::wiring::publishing_deps, vigil_fn_api::publishing_app).await
}
