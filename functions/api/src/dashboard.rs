//! The dashboard function's entry point: the pages over the stores they reach.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_handler(|clients, config| Ok(vigil_fn_api::dashboard_app(vigil_fn_api::dashboard_deps(clients, config)?))).await
}
