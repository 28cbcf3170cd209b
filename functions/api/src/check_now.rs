//! The check-now function's entry point: running a monitor's check inside the request ("check
//! now" from the API and from a monitor's page, a monitor's form tried), with the probe engine.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_fn_api::check_now_deps, vigil_fn_api::check_now_app).await
}
