use crate::extract::{Caller, ChannelPath, JsonBody, PageParams, QueryParams};
use crate::incident_views::channel_body;
use crate::problem::ApiError;
use crate::views::PageBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::notifications::{
    CreateChannel, DeleteChannel, GetChannel, ListChannels, TestChannel, create_channel, delete_channel, get_channel, list_channels,
    test_channel,
};
use vigil_domain::notify::{AttemptResult, ChannelDraft};

pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<ChannelDraft>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let channel = create_channel(&deps, CreateChannel { tenant_id: caller.tenant_id, draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(channel_body(&channel, true))))
}

pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<PageBody<Value>>, ApiError> {
    let page = list_channels(&deps, ListChannels { tenant_id: caller.tenant_id, page: params.page()? }, SystemClock::now()).await?;
    Ok(Json(PageBody { items: page.items.iter().map(|c| channel_body(c, false)).collect(), next_cursor: page.next_cursor.map(|c| c.0) }))
}

pub(crate) async fn read(State(deps): State<Deps>, Caller(caller): Caller, ChannelPath(id): ChannelPath) -> Result<Json<Value>, ApiError> {
    let channel = get_channel(&deps, GetChannel { tenant_id: caller.tenant_id, channel_id: id }, SystemClock::now()).await?;
    Ok(Json(channel_body(&channel, false)))
}

pub(crate) async fn delete(State(deps): State<Deps>, Caller(caller): Caller, ChannelPath(id): ChannelPath) -> Result<StatusCode, ApiError> {
    delete_channel(&deps, DeleteChannel { tenant_id: caller.tenant_id, channel_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a test message; the answer says how the channel responded (a refusal is still a 200:
/// the test ran).
pub(crate) async fn test(State(deps): State<Deps>, Caller(caller): Caller, ChannelPath(id): ChannelPath) -> Result<Json<Value>, ApiError> {
    let result = test_channel(&deps, TestChannel { tenant_id: caller.tenant_id, channel_id: id }, SystemClock::now()).await?;
    Ok(Json(match result {
        AttemptResult::Accepted { status_code } => json!({"delivered": true, "status_code": status_code}),
        AttemptResult::Rejected { status_code, error, .. } => json!({"delivered": false, "status_code": status_code, "error": error}),
    }))
}
