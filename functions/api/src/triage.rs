//! The triage function's entry point: the incidents' route group and their pages over its own
//! stores.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_aws::wiring::triage_deps, vigil_fn_api::triage_app).await
}
