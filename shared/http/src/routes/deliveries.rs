use crate::extract::{Caller, PageParams, QueryParams};
use crate::incident_views::DeliveryBody;
use crate::problem::ApiError;
use crate::views::PageBody;
use axum::Json;
use axum::extract::State;
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::notifications::{ListFailedDeliveries, list_failed_deliveries};

/// The failed-deliveries list (the self-hosted dead-letter queue), newest first.
pub(crate) async fn failed(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<PageBody<DeliveryBody>>, ApiError> {
    let cmd = ListFailedDeliveries { tenant_id: caller.tenant_id, page: params.page()? };
    let page = list_failed_deliveries(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(PageBody {
        items: page.items.iter().map(|d| DeliveryBody::new(d, None)).collect(),
        next_cursor: page.next_cursor.map(|c| c.0),
    }))
}
