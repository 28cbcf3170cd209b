use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::notify::Mute;
use vigil_domain::ports::StoreError;

/// List a tenant's mutes.
#[derive(Clone, Debug)]
pub struct ListMutes {
    /// Who asks, in which organisation.
    pub actor: Actor,
}

/// Why mutes could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListMutesError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists the mutes holding at `now` (one that ran out silences nothing and is left out),
/// those ending soonest first and those until unmuted last.
#[tracing::instrument(name = "list_mutes", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn list_mutes(deps: &Deps, cmd: ListMutes, now: Timestamp) -> Result<Vec<Mute>, ListMutesError> {
    cmd.actor.require(Action::Read)?;
    let mut mutes: Vec<Mute> = deps.stores.silences.mutes(cmd.actor.tenant_id).await?.into_iter().filter(|m| m.is_active(now)).collect();
    mutes.sort_by_key(|m| (m.until.is_none(), m.until, m.created_at));
    Ok(mutes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::{MuteMonitor, mute_monitor};
    use crate::world::{World, at};
    use jiff::SignedDuration;
    use vigil_domain::incident::IncidentSubject;

    #[tokio::test]
    async fn the_mutes_holding_now_soonest_end_first() {
        let world = World::new();
        let (forever, soon, later, over) = (world.monitor().await, world.monitor().await, world.monitor().await, world.monitor().await);
        for (monitor, until) in [(forever, None), (later, Some(at(7200))), (soon, Some(at(600))), (over, Some(at(60)))] {
            mute_monitor(&world.deps, MuteMonitor { actor: world.actor(), monitor_id: monitor, until }, at(0)).await.unwrap();
        }
        let listed = list_mutes(&world.deps, ListMutes { actor: world.actor() }, at(0) + SignedDuration::from_mins(5)).await.unwrap();
        let subjects: Vec<IncidentSubject> = listed.iter().map(|m| m.subject).collect();
        assert_eq!(
            subjects,
            [IncidentSubject::Monitor(soon), IncidentSubject::Monitor(later), IncidentSubject::Monitor(forever)],
            "the ended mute is left out"
        );
        let mut stranger = world.actor();
        stranger.tenant_id = vigil_domain::ids::TenantId::from_uuid(uuid::Uuid::from_u128(99));
        assert!(list_mutes(&world.deps, ListMutes { actor: stranger }, at(0)).await.unwrap().is_empty(), "another tenant's are not listed");
    }
}
