//! The account pages' function's entry point: the account's pages over the account's stores,
//! with the OpenID provider of its environment offered on the sign-in page.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let (config, clients) = vigil_fn_api::api_start().await;
    let deps = vigil_fn_api::accounts_deps(&clients, &config)?;
    lambda_http::run(vigil_fn_api::account_pages_app(deps)).await
}
