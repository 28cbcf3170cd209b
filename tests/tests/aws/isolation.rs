//! The tenant isolation matrix on DynamoDB: the api function's router over the emulator's
//! stores, every route with an id, one organisation's key on another's ids.

use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_domain::tenant::ApiKeySecret;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::Session;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organisations_ids_answer_404_on_every_route_and_change_nothing_on_dynamodb() {
    let session = Session::start().await;
    let deps = session.deps();
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&deps, Bootstrap { tenant_name: "A".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
    vigil_tests::isolation::run(vigil_http::router(deps.clone()), &deps, TEST_KEY).await;
}
