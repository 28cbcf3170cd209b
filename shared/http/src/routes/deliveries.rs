use crate::extract::{Caller, QueryParams};
use crate::incident_views;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use vigil_api::{Delivery, Page, PageQuery};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::notifications::{ListFailedDeliveries, list_failed_deliveries};

/// The failed-deliveries list (the self-hosted dead-letter queue), newest first.
#[utoipa::path(get, path = "/deliveries/failed", tag = "incidents", operation_id = "list_failed_deliveries",
    params(PageQuery),
    responses((status = 200, description = "A page of deliveries that failed for good", body = Page<Delivery>)))]
pub(crate) async fn failed(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<Delivery>>, ApiError> {
    let cmd = ListFailedDeliveries { actor: caller.clone(), page: crate::extract::page(&params)? };
    let page = list_failed_deliveries(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(Page {
        items: page.items.iter().map(|d| incident_views::delivery(d, None)).collect(),
        next_cursor: page.next_cursor.map(|c| c.0),
    }))
}
