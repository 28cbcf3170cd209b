use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::heartbeat::{PingKey, PingToken, Task, TaskDraft, TaskRecord, TaskSpec, TaskState, assess};
use vigil_domain::ids::TaskId;
use vigil_domain::monitor::{FieldError, SpecErrors};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::{StoreError, TaskWrite};

/// Create a heartbeat task from a client's draft.
#[derive(Clone, Debug)]
pub struct CreateTask {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// What the client sent.
    pub draft: TaskDraft,
}

/// Why a task could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateTaskError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// The draft broke validation rules.
    #[error(transparent)]
    Invalid(#[from] SpecErrors),
    /// Another task of the tenant has the slug.
    #[error("another task has the slug `{0}`")]
    SlugTaken(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// 16 random bytes from the port's 32.
pub(crate) fn random_16(deps: &Deps) -> [u8; 16] {
    let bytes = deps.random.secret_bytes();
    let mut half = [0u8; 16];
    half.copy_from_slice(&bytes[..16]);
    half
}

/// Validates and stores a new task with a fresh ping token; gives the tenant a ping key on
/// its first task.
#[tracing::instrument(name = "create_task", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn create_task(deps: &Deps, cmd: CreateTask, now: Timestamp) -> Result<TaskRecord, CreateTaskError> {
    cmd.actor.require(Action::EditTasks)?;
    let spec = TaskSpec::from_draft(&cmd.draft)?;
    deps.stores.ping_keys.get_or_insert(cmd.actor.tenant_id, &PingKey::from_random(random_16(deps))).await?;
    let task = Task {
        id: TaskId::from_uuid(deps.random.new_id(now)),
        tenant_id: cmd.actor.tenant_id,
        token: PingToken::from_random(random_16(deps)),
        spec,
        revision: 1,
        created_at: now,
        updated_at: now,
    };
    let state = TaskState::new(now);
    // A one-shot task is expected from its creation on, so it may have a deadline already.
    let next_deadline = assess(&task, &state, now).next_deadline;
    let record = TaskRecord { task, state, next_deadline };
    match deps.stores.tasks.insert(&record).await? {
        TaskWrite::Done => {
            deps.notify(cmd.actor.tenant_id, LiveNotice::Task(record.task.id));
            let after = crate::accounts::audit_trail::snapshot(&record.task.spec.to_draft());
            crate::accounts::audit_trail::changed(
                deps,
                &cmd.actor,
                "task.create",
                "task",
                record.task.id,
                Some(&record.task.spec.name),
                serde_json::Value::Null,
                after,
                now,
            )
            .await?;
            Ok(record)
        }
        TaskWrite::SlugTaken => Err(CreateTaskError::SlugTaken(record.task.spec.slug.map(|s| s.to_string()).unwrap_or_default())),
        other => Err(StoreError::backend(format!("inserting a task answered {other:?}")).into()),
    }
}

/// The validation error of a taken slug, for callers that report field errors.
pub(crate) fn slug_taken_error(slug: &str) -> SpecErrors {
    SpecErrors(vec![FieldError { field: "slug".into(), message: format!("another task already has the slug `{slug}`") }])
}
