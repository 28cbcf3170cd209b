use crate::extract::{Caller, ChannelPath, JsonBody, QueryParams};
use crate::incident_views;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vigil_api::{Channel, ChannelTest, Page, PageQuery};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::notifications::{
    CreateChannel, DeleteChannel, GetChannel, ListChannels, ReplaceChannel, TestChannel, create_channel, delete_channel, get_channel,
    list_channels, replace_channel, test_channel,
};
use vigil_domain::ids::ChannelId;
use vigil_domain::notify::{AttemptResult, ChannelDraft};

/// Create a notification channel. A webhook's signing secret (generated when not given) is in
/// this answer only.
#[utoipa::path(post, path = "/channels", tag = "channels", operation_id = "create_channel",
    request_body = ChannelDraft,
    responses((status = 201, description = "The channel created, with its secret in full", body = Channel)))]
pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<ChannelDraft>,
) -> Result<(StatusCode, Json<Channel>), ApiError> {
    let channel = create_channel(&deps, CreateChannel { actor: caller.clone(), draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(incident_views::channel(&channel, true))))
}

/// List channels, oldest first, secrets masked.
#[utoipa::path(get, path = "/channels", tag = "channels", operation_id = "list_channels",
    params(PageQuery),
    responses((status = 200, description = "A page of channels", body = Page<Channel>)))]
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<Channel>>, ApiError> {
    let cmd = ListChannels { actor: caller.clone(), page: crate::extract::page(&params)? };
    let page = list_channels(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(Page {
        items: page.items.iter().map(|c| incident_views::channel(c, false)).collect(),
        next_cursor: page.next_cursor.map(|c| c.0),
    }))
}

/// Read a channel, secrets masked.
#[utoipa::path(get, path = "/channels/{id}", tag = "channels", operation_id = "get_channel",
    params(("id" = ChannelId, Path, description = "The channel")),
    responses((status = 200, description = "The channel", body = Channel)))]
pub(crate) async fn read(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    ChannelPath(id): ChannelPath,
) -> Result<Json<Channel>, ApiError> {
    let channel = get_channel(&deps, GetChannel { actor: caller.clone(), channel_id: id }, SystemClock::now()).await?;
    Ok(Json(incident_views::channel(&channel, false)))
}

/// Replace a channel, keeping its id (alert rules naming it keep doing so). A replacement of
/// the same type that leaves its secret out (`secret`, the `url` of Slack, Discord and Teams,
/// `routing_key`, the `to` of SMS) keeps the stored one.
#[utoipa::path(put, path = "/channels/{id}", tag = "channels", operation_id = "replace_channel",
    params(("id" = ChannelId, Path, description = "The channel")),
    request_body = ChannelDraft,
    responses((status = 200, description = "The channel, secrets masked", body = Channel)))]
pub(crate) async fn replace(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    ChannelPath(id): ChannelPath,
    JsonBody(draft): JsonBody<ChannelDraft>,
) -> Result<Json<Channel>, ApiError> {
    let cmd = ReplaceChannel { actor: caller.clone(), channel_id: id, draft };
    let channel = replace_channel(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(incident_views::channel(&channel, false)))
}

/// Delete a channel.
#[utoipa::path(delete, path = "/channels/{id}", tag = "channels", operation_id = "delete_channel",
    params(("id" = ChannelId, Path, description = "The channel")),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete(State(deps): State<Deps>, Caller(caller): Caller, ChannelPath(id): ChannelPath) -> Result<StatusCode, ApiError> {
    delete_channel(&deps, DeleteChannel { actor: caller.clone(), channel_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send a test message; the answer says how the channel responded (a refusal is still a 200:
/// the test ran).
#[utoipa::path(post, path = "/channels/{id}/test", tag = "channels", operation_id = "test_channel",
    params(("id" = ChannelId, Path, description = "The channel")),
    responses((status = 200, description = "How the channel answered", body = ChannelTest)))]
pub(crate) async fn test(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    ChannelPath(id): ChannelPath,
) -> Result<Json<ChannelTest>, ApiError> {
    let result = test_channel(&deps, TestChannel { actor: caller.clone(), channel_id: id }, SystemClock::now()).await?;
    Ok(Json(match result {
        AttemptResult::Accepted { status_code } => ChannelTest { delivered: true, status_code, error: None },
        AttemptResult::Rejected { status_code, error, .. } => ChannelTest { delivered: false, status_code, error: Some(error) },
    }))
}
