//! The tasks function's entry point: its route group and the heartbeat tasks' pages over its own
//! stores.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_aws::wiring::tasks_deps, vigil_fn_api::tasks_app).await
}
