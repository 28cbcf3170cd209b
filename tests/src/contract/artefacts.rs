use super::Stores;
use super::fixtures::{at, monitor_id, result, tenant};
use vigil_domain::check::FailureArtefact;

/// Artefacts are stored, replaced, read and deleted per monitor.
pub async fn artefact_store_contract(stores: Stores) {
    let store = &stores.artefacts;
    let (tenant, monitor) = (tenant(), monitor_id());
    let failed = result(tenant, monitor, at(60), false, 40);
    let spec = super::fixtures::spec("a", 60, &[]);
    let mut artefact = FailureArtefact {
        tenant_id: tenant,
        monitor_id: monitor,
        check_id: failed.id,
        started_at: failed.started_at,
        request: format!("{} {}", spec.method, spec.url),
        failure: failed.outcome.failure().cloned().expect("a failure"),
        status_code: Some(503),
        headers: vec![("content-type".into(), "text/html".into())],
        body_excerpt: "<h1>Service Unavailable</h1>".into(),
        timings: failed.timings,
    };
    assert_eq!(store.get(tenant, monitor, failed.id).await.unwrap(), None);
    store.put(&artefact).await.unwrap();
    assert_eq!(store.get(tenant, monitor, failed.id).await.unwrap(), Some(artefact.clone()));
    artefact.body_excerpt = "replaced".into();
    store.put(&artefact).await.unwrap();
    assert_eq!(store.get(tenant, monitor, failed.id).await.unwrap().unwrap().body_excerpt, "replaced");
    assert_eq!(store.get(super::fixtures::tenant(), monitor, failed.id).await.unwrap(), None, "scoped by tenant");
    store.delete_monitor(tenant, monitor).await.unwrap();
    assert_eq!(store.get(tenant, monitor, failed.id).await.unwrap(), None);
    store.delete_monitor(tenant, monitor).await.unwrap();
}
