use crate::extract::{Caller, JsonBody, QueryParams, TaskPath, page};
use crate::problem::ApiError;
use crate::task_views;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vigil_api::{Page, PageQuery, Ping, Problem, Run, Task};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::tasks::{
    CreateTask, DeleteTask, GetTask, ListPings, ListRuns, ListTasks, PauseTask, ResumeTask, TaskView, UpdateTask, create_task, delete_task,
    get_task, list_pings, list_runs, list_tasks, pause_task, resume_task, update_task,
};
use vigil_domain::heartbeat::TaskDraft;
use vigil_domain::ids::TaskId;

fn task_response(deps: &Deps, view: &TaskView, status: StatusCode) -> Response {
    let mut response = (status, Json(task_views::task(view, &deps.settings.public_url))).into_response();
    if status == StatusCode::CREATED
        && let Ok(location) = HeaderValue::from_str(&format!("/v1/tasks/{}", view.record.task.id))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Create a heartbeat task: a job that pings its URL when it runs. Absent fields take
/// Healthchecks' defaults (a period of a day, an hour of grace).
#[utoipa::path(post, path = "/tasks", tag = "tasks", operation_id = "create_task",
    request_body = TaskDraft,
    responses((status = 201, description = "The task created, with its ping URLs", body = Task,
        headers(("Location" = String, description = "Its URL"))), (status = 409, description = "Refused in the current state", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<TaskDraft>,
) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let record = create_task(&deps, CreateTask { actor: caller.clone(), draft }, now).await?;
    let view = get_task(&deps, GetTask { actor: caller.clone(), task_id: record.task.id }, now).await?;
    Ok(task_response(&deps, &view, StatusCode::CREATED))
}

/// List tasks, oldest first.
#[utoipa::path(get, path = "/tasks", tag = "tasks", operation_id = "list_tasks",
    params(PageQuery),
    responses((status = 200, description = "A page of tasks", body = Page<Task>)))]
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<Task>>, ApiError> {
    let listed = list_tasks(&deps, ListTasks { actor: caller.clone(), page: page(&params)? }, SystemClock::now()).await?;
    Ok(Json(Page {
        items: listed.items.iter().map(|view| task_views::task(view, &deps.settings.public_url)).collect(),
        next_cursor: listed.next_cursor.map(|c| c.0),
    }))
}

/// Read a task: its status, why, and when the next ping is expected.
#[utoipa::path(get, path = "/tasks/{id}", tag = "tasks", operation_id = "get_task",
    params(("id" = TaskId, Path, description = "The task")),
    responses((status = 200, description = "The task", body = Task)))]
pub(crate) async fn read(State(deps): State<Deps>, Caller(caller): Caller, TaskPath(id): TaskPath) -> Result<Response, ApiError> {
    let view = get_task(&deps, GetTask { actor: caller.clone(), task_id: id }, SystemClock::now()).await?;
    Ok(task_response(&deps, &view, StatusCode::OK))
}

/// Change some fields of a task; absent fields keep their value and `null` clears the
/// optional ones (`slug`, `max_run_seconds`, `min_run_seconds`, `managed`).
#[utoipa::path(patch, path = "/tasks/{id}", tag = "tasks", operation_id = "update_task",
    params(("id" = TaskId, Path, description = "The task")),
    request_body = TaskDraft,
    responses((status = 200, description = "The task", body = Task), (status = 409, description = "Refused in the current state", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn update(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    TaskPath(id): TaskPath,
    JsonBody(patch): JsonBody<TaskDraft>,
) -> Result<Response, ApiError> {
    let view = update_task(&deps, UpdateTask { actor: caller.clone(), task_id: id, patch }, SystemClock::now()).await?;
    Ok(task_response(&deps, &view, StatusCode::OK))
}

/// Delete a task and its history.
#[utoipa::path(delete, path = "/tasks/{id}", tag = "tasks", operation_id = "delete_task",
    params(("id" = TaskId, Path, description = "The task")),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete(State(deps): State<Deps>, Caller(caller): Caller, TaskPath(id): TaskPath) -> Result<StatusCode, ApiError> {
    delete_task(&deps, DeleteTask { actor: caller.clone(), task_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop watching a task (its status becomes Paused; its pings are still recorded).
#[utoipa::path(post, path = "/tasks/{id}/pause", tag = "tasks", operation_id = "pause_task",
    params(("id" = TaskId, Path, description = "The task")),
    responses((status = 200, description = "The task", body = Task)))]
pub(crate) async fn pause(State(deps): State<Deps>, Caller(caller): Caller, TaskPath(id): TaskPath) -> Result<Response, ApiError> {
    let view = pause_task(&deps, PauseTask { actor: caller.clone(), task_id: id }, SystemClock::now()).await?;
    Ok(task_response(&deps, &view, StatusCode::OK))
}

/// Watch a paused task again.
#[utoipa::path(post, path = "/tasks/{id}/resume", tag = "tasks", operation_id = "resume_task",
    params(("id" = TaskId, Path, description = "The task")),
    responses((status = 200, description = "The task", body = Task)))]
pub(crate) async fn resume(State(deps): State<Deps>, Caller(caller): Caller, TaskPath(id): TaskPath) -> Result<Response, ApiError> {
    let view = resume_task(&deps, ResumeTask { actor: caller.clone(), task_id: id }, SystemClock::now()).await?;
    Ok(task_response(&deps, &view, StatusCode::OK))
}

/// A task's runs, newest first, each with its log (the body of its last ping).
#[utoipa::path(get, path = "/tasks/{id}/runs", tag = "tasks", operation_id = "list_runs",
    params(("id" = TaskId, Path, description = "The task"), PageQuery),
    responses((status = 200, description = "A page of runs", body = Page<Run>)))]
pub(crate) async fn runs(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    TaskPath(id): TaskPath,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<Run>>, ApiError> {
    let cmd = ListRuns { actor: caller.clone(), task_id: id, page: page(&params)? };
    let listed = list_runs(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(Page { items: listed.items.iter().map(task_views::run).collect(), next_cursor: listed.next_cursor.map(|c| c.0) }))
}

/// A task's pings, newest first, with their bodies.
#[utoipa::path(get, path = "/tasks/{id}/pings", tag = "tasks", operation_id = "list_pings",
    params(("id" = TaskId, Path, description = "The task"), PageQuery),
    responses((status = 200, description = "A page of pings", body = Page<Ping>)))]
pub(crate) async fn pings(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    TaskPath(id): TaskPath,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<Ping>>, ApiError> {
    let cmd = ListPings { actor: caller.clone(), task_id: id, page: page(&params)? };
    let listed = list_pings(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(Page { items: listed.items.iter().map(task_views::ping).collect(), next_cursor: listed.next_cursor.map(|c| c.0) }))
}
