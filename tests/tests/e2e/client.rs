//! vigil-client against the real app: every call's answer reads into the wire types, listings
//! stream across pages, and problems come back typed.

use futures::TryStreamExt;
use vigil_client::Client;
use vigil_client::api::{ChannelDraft, Managed, MonitorDraft, MonitorQuery, TaskDraft};
use vigil_tests::app::TestApp;

#[tokio::test]
async fn the_client_speaks_the_servers_wire_types() {
    let app = TestApp::spawn().await;
    let client = Client::new(app.base.parse().unwrap(), &app.key).unwrap();
    assert_eq!(client.health().await.unwrap().status, "ok");
    let document = client.openapi().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");

    for i in 0..5 {
        let draft = MonitorDraft {
            name: Some(format!("m{i}")),
            url: Some(format!("{}/healthz", app.base)),
            tags: Some(vec![if i % 2 == 0 { "even" } else { "odd" }.to_owned()]),
            managed: Some(Some(Managed { source: "e2e".into(), key: format!("m{i}") })),
            ..MonitorDraft::default()
        };
        let created = client.create_monitor(&draft).await.unwrap();
        assert_eq!(created.managed.as_ref().map(|m| m.key.as_str()), Some(format!("m{i}").as_str()));
    }
    let all: Vec<_> = client.monitors(MonitorQuery { limit: Some(2), ..MonitorQuery::default() }).try_collect().await.unwrap();
    assert_eq!(all.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["m0", "m1", "m2", "m3", "m4"], "three pages of two");
    let even: Vec<_> =
        client.monitors(MonitorQuery { tag: Some("even".into()), limit: Some(1), ..MonitorQuery::default() }).try_collect().await.unwrap();
    assert_eq!(even.len(), 3);

    let checked = client.check_monitor(all[0].id).await.unwrap();
    let detail = client.get_check(all[0].id, checked.check.id).await.unwrap();
    assert_eq!(detail.check.id, checked.check.id);
    assert_eq!(client.uptime(all[0].id).await.unwrap().windows.len(), 3);
    assert_eq!(client.summary().await.unwrap().total, 5);
    let unmarked = client.update_monitor(all[0].id, &serde_json::json!({"managed": null}), Some(all[0].revision)).await.unwrap();
    assert_eq!(unmarked.managed, None, "null detaches a monitor from its file");

    let task = client.create_task(&TaskDraft { name: Some("t".into()), ..TaskDraft::default() }).await.unwrap();
    client.ping(&task.ping_url, Some(b"all good".to_vec())).await.unwrap();
    let runs: Vec<_> = client.runs(task.id).try_collect().await.unwrap();
    assert_eq!(runs[0].log.as_deref(), Some("all good"));

    let channel = ChannelDraft {
        name: Some("hook".into()),
        kind: Some("webhook".into()),
        url: Some("http://127.0.0.1:9/h".into()),
        ..ChannelDraft::default()
    };
    let created = client.create_channel(&channel).await.unwrap();
    assert!(created.secret.as_deref().is_some_and(|s| s.starts_with("whsec_") && !s.contains('…')), "shown once in full");
    let renamed = ChannelDraft { name: Some("hook 2".into()), ..channel };
    let replaced = client.replace_channel(created.id, &renamed).await.unwrap();
    assert_eq!(
        (replaced.name.as_str(), replaced.secret_fingerprint.clone()),
        ("hook 2", created.secret_fingerprint.clone()),
        "the secret is kept"
    );

    let missing = client.get_task("0192f3a4-0000-7000-8000-000000000001".parse().unwrap()).await.unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");
    let invalid = client
        .create_monitor(&MonitorDraft { name: Some("x".into()), url: Some("ftp://x".into()), ..MonitorDraft::default() })
        .await
        .unwrap_err();
    assert_eq!(invalid.problem().map(|p| p.errors[0].field.as_str()), Some("url"));
    let refused = Client::new(app.base.parse().unwrap(), "vk_wrong_wrong_wrong_wrong_wrong").unwrap().summary().await.unwrap_err();
    assert!(refused.is_unauthorized());
}
