//! Monitors, their checks, status changes, uptime and mutes.

use crate::paging::{Items, items};
use crate::{Client, Error, NO_BODY, NO_QUERY};
use http::{HeaderValue, Method, header};
use jiff::Timestamp;
use vigil_api::{
    Check, CheckDetail, CheckId, Monitor, MonitorDraft, MonitorId, MonitorQuery, MuteRequest, MuteState, Page, PageQuery, Summary,
    Transition, TriggeredCheck, Uptime,
};

impl Client {
    /// `POST /v1/monitors`.
    pub async fn create_monitor(&self, draft: &MonitorDraft) -> Result<Monitor, Error> {
        self.call(Method::POST, "/v1/monitors", NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/monitors`: one page.
    pub async fn list_monitors(&self, query: &MonitorQuery) -> Result<Page<Monitor>, Error> {
        self.call(Method::GET, "/v1/monitors", Some(query), NO_BODY).await
    }

    /// Every monitor `query` selects, page after page (its cursor is where to start).
    pub fn monitors(&self, query: MonitorQuery) -> Items<'_, Monitor> {
        items(move |cursor| {
            let query = MonitorQuery { cursor: cursor.or(query.cursor.clone()), ..query.clone() };
            async move { self.list_monitors(&query).await }
        })
    }

    /// `GET /v1/monitors/{id}`, with its latest check.
    pub async fn get_monitor(&self, id: MonitorId) -> Result<Monitor, Error> {
        self.get(&format!("/v1/monitors/{id}")).await
    }

    /// `PATCH /v1/monitors/{id}`: the fields `patch` sets change (a [`MonitorDraft`], or JSON
    /// with `"body": null` to remove the body); with `revision`, only if the monitor is still at
    /// it (`If-Match`).
    pub async fn update_monitor(
        &self,
        id: MonitorId,
        patch: &(impl serde::Serialize + ?Sized),
        revision: Option<u64>,
    ) -> Result<Monitor, Error> {
        let if_match: Vec<_> =
            revision.and_then(|r| HeaderValue::from_str(&format!("\"{r}\"")).ok()).map(|v| (header::IF_MATCH, v)).into_iter().collect();
        let response = self.call_raw(Method::PATCH, &format!("/v1/monitors/{id}"), NO_QUERY, Some(patch), &if_match).await?;
        crate::decode(&response)
    }

    /// `DELETE /v1/monitors/{id}`.
    pub async fn delete_monitor(&self, id: MonitorId) -> Result<(), Error> {
        self.delete(&format!("/v1/monitors/{id}")).await
    }

    /// `POST /v1/monitors/{id}/pause`.
    pub async fn pause_monitor(&self, id: MonitorId) -> Result<Monitor, Error> {
        self.call(Method::POST, &format!("/v1/monitors/{id}/pause"), NO_QUERY, NO_BODY).await
    }

    /// `POST /v1/monitors/{id}/resume`.
    pub async fn resume_monitor(&self, id: MonitorId) -> Result<Monitor, Error> {
        self.call(Method::POST, &format!("/v1/monitors/{id}/resume"), NO_QUERY, NO_BODY).await
    }

    /// `POST /v1/monitors/{id}/check`: checks now.
    pub async fn check_monitor(&self, id: MonitorId) -> Result<TriggeredCheck, Error> {
        self.call(Method::POST, &format!("/v1/monitors/{id}/check"), NO_QUERY, NO_BODY).await
    }

    /// `GET /v1/monitors/{id}/checks`: one page, newest first.
    pub async fn list_checks(&self, id: MonitorId, page: &PageQuery) -> Result<Page<Check>, Error> {
        self.call(Method::GET, &format!("/v1/monitors/{id}/checks"), Some(page), NO_BODY).await
    }

    /// Every check of a monitor, newest first.
    pub fn checks(&self, id: MonitorId) -> Items<'_, Check> {
        items(move |cursor| async move { self.list_checks(id, &PageQuery { cursor, limit: None }).await })
    }

    /// `GET /v1/monitors/{id}/checks/{check_id}`, with the response kept for it.
    pub async fn get_check(&self, id: MonitorId, check: CheckId) -> Result<CheckDetail, Error> {
        self.get(&format!("/v1/monitors/{id}/checks/{check}")).await
    }

    /// `GET /v1/monitors/{id}/uptime`.
    pub async fn uptime(&self, id: MonitorId) -> Result<Uptime, Error> {
        self.get(&format!("/v1/monitors/{id}/uptime")).await
    }

    /// `GET /v1/monitors/{id}/transitions`: one page, newest first.
    pub async fn list_transitions(&self, id: MonitorId, page: &PageQuery) -> Result<Page<Transition>, Error> {
        self.call(Method::GET, &format!("/v1/monitors/{id}/transitions"), Some(page), NO_BODY).await
    }

    /// Every status change of a monitor, newest first.
    pub fn transitions(&self, id: MonitorId) -> Items<'_, Transition> {
        items(move |cursor| async move { self.list_transitions(id, &PageQuery { cursor, limit: None }).await })
    }

    /// `PUT /v1/monitors/{id}/mute`, until `until` or until unmuted.
    pub async fn mute_monitor(&self, id: MonitorId, until: Option<Timestamp>) -> Result<MuteState, Error> {
        self.call(Method::PUT, &format!("/v1/monitors/{id}/mute"), NO_QUERY, Some(&MuteRequest { until })).await
    }

    /// `DELETE /v1/monitors/{id}/mute`.
    pub async fn unmute_monitor(&self, id: MonitorId) -> Result<(), Error> {
        self.delete(&format!("/v1/monitors/{id}/mute")).await
    }

    /// `GET /v1/summary`: monitors counted by status.
    pub async fn summary(&self) -> Result<Summary, Error> {
        self.get("/v1/summary").await
    }
}
