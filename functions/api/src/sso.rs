//! The sso function's entry point: signing in through the OpenID provider, over the account's
//! stores.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let (config, clients) = vigil_fn_api::api_start().await;
    lambda_http::run(vigil_fn_api::sso_app(vigil_fn_api::sso_deps(&clients, &config)?)).await
}
