//! The alerting pages' function's entry point: channels, rules, windows and mutes as pages, over
//! the alerting function's stores with the monitors and tasks read, sending a channel's test.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_route_group(vigil_aws::wiring::alerting_page_deps, vigil_fn_api::alerting_pages_app).await
}
