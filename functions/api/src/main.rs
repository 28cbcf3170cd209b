//! The api function's entry point: what of the API no group's function serves, over the stores
//! its routes reach.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vigil_fn_api::run_handler(|clients, config| Ok(vigil_fn_api::app(vigil_fn_api::api_deps(clients, config)?))).await
}
