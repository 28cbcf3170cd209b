use crate::extract::{Caller, JsonBody, PageParams, QueryParams, TaskPath};
use crate::problem::ApiError;
use crate::task_views::{PingBody, RunBody, TaskBody};
use crate::views::PageBody;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::tasks::{
    CreateTask, DeleteTask, GetTask, ListPings, ListRuns, ListTasks, PauseTask, ResumeTask, TaskView, UpdateTask, create_task, delete_task,
    get_task, list_pings, list_runs, list_tasks, pause_task, resume_task, update_task,
};
use vigil_domain::heartbeat::TaskDraft;

fn task_response(deps: &Deps, view: &TaskView, status: StatusCode) -> Response {
    let mut response = (status, Json(TaskBody::new(view, &deps.settings.public_url))).into_response();
    if status == StatusCode::CREATED
        && let Ok(location) = HeaderValue::from_str(&format!("/v1/tasks/{}", view.record.task.id))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<TaskDraft>,
) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let record = create_task(&deps, CreateTask { tenant_id: caller.tenant_id, draft }, now).await?;
    let view = get_task(&deps, GetTask { tenant_id: caller.tenant_id, task_id: record.task.id }, now).await?;
    Ok(task_response(&deps, &view, StatusCode::CREATED))
}

pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<PageBody<TaskBody>>, ApiError> {
    let page = list_tasks(&deps, ListTasks { tenant_id: caller.tenant_id, page: params.page()? }, SystemClock::now()).await?;
    Ok(Json(PageBody {
        items: page.items.iter().map(|view| TaskBody::new(view, &deps.settings.public_url)).collect(),
        next_cursor: page.next_cursor.map(|c| c.0),
    }))
}

pub(crate) async fn read(State(deps): State<Deps>, Caller(caller): Caller, TaskPath(id): TaskPath) -> Result<Response, ApiError> {
    let view = get_task(&deps, GetTask { tenant_id: caller.tenant_id, task_id: id }, SystemClock::now()).await?;
    Ok(task_response(&deps, &view, StatusCode::OK))
}

pub(crate) async fn update(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    TaskPath(id): TaskPath,
    JsonBody(patch): JsonBody<TaskDraft>,
) -> Result<Response, ApiError> {
    let view = update_task(&deps, UpdateTask { tenant_id: caller.tenant_id, task_id: id, patch }, SystemClock::now()).await?;
    Ok(task_response(&deps, &view, StatusCode::OK))
}

pub(crate) async fn delete(State(deps): State<Deps>, Caller(caller): Caller, TaskPath(id): TaskPath) -> Result<StatusCode, ApiError> {
    delete_task(&deps, DeleteTask { tenant_id: caller.tenant_id, task_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn pause(State(deps): State<Deps>, Caller(caller): Caller, TaskPath(id): TaskPath) -> Result<Response, ApiError> {
    let view = pause_task(&deps, PauseTask { tenant_id: caller.tenant_id, task_id: id }, SystemClock::now()).await?;
    Ok(task_response(&deps, &view, StatusCode::OK))
}

pub(crate) async fn resume(State(deps): State<Deps>, Caller(caller): Caller, TaskPath(id): TaskPath) -> Result<Response, ApiError> {
    let view = resume_task(&deps, ResumeTask { tenant_id: caller.tenant_id, task_id: id }, SystemClock::now()).await?;
    Ok(task_response(&deps, &view, StatusCode::OK))
}

pub(crate) async fn runs(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    TaskPath(id): TaskPath,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<PageBody<RunBody>>, ApiError> {
    let cmd = ListRuns { tenant_id: caller.tenant_id, task_id: id, page: params.page()? };
    let page = list_runs(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(PageBody { items: page.items.iter().map(RunBody::new).collect(), next_cursor: page.next_cursor.map(|c| c.0) }))
}

pub(crate) async fn pings(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    TaskPath(id): TaskPath,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<PageBody<PingBody>>, ApiError> {
    let cmd = ListPings { tenant_id: caller.tenant_id, task_id: id, page: params.page()? };
    let page = list_pings(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(PageBody { items: page.items.iter().map(PingBody::new).collect(), next_cursor: page.next_cursor.map(|c| c.0) }))
}
