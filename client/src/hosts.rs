//! Hosts, their enrolments, metrics and connection events, the rules on them, and remote
//! actions with their history.

use crate::{Client, Error, NO_BODY, NO_QUERY};
use http::Method;
use vigil_api::{
    ActionRequestId, AgentId, ConnectionEvent, Enrolment, EnrolmentId, Host, HostAction, HostRule, HostRuleDraft, HostRuleId, LatestSample,
    NewAction, NewEnrolment, Page, PageQuery, Series, SeriesQuery,
};

impl Client {
    /// `GET /v1/hosts`: every host.
    pub async fn list_hosts(&self) -> Result<Page<Host>, Error> {
        self.get("/v1/hosts").await
    }

    /// `GET /v1/hosts/{id}`.
    pub async fn get_host(&self, id: AgentId) -> Result<Host, Error> {
        self.get(&format!("/v1/hosts/{id}")).await
    }

    /// `POST /v1/hosts/{id}/revoke`: the agent's credential stops working at once.
    pub async fn revoke_host(&self, id: AgentId) -> Result<Host, Error> {
        self.call(Method::POST, &format!("/v1/hosts/{id}/revoke"), NO_QUERY, NO_BODY).await
    }

    /// `GET /v1/hosts/{id}/metrics`: the latest sample.
    pub async fn host_metrics(&self, id: AgentId) -> Result<LatestSample, Error> {
        self.get(&format!("/v1/hosts/{id}/metrics")).await
    }

    /// `GET /v1/hosts/{id}/metrics/series`: one metric over a range.
    pub async fn host_series(&self, id: AgentId, query: &SeriesQuery) -> Result<Series, Error> {
        self.call(Method::GET, &format!("/v1/hosts/{id}/metrics/series"), Some(query), NO_BODY).await
    }

    /// `GET /v1/hosts/{id}/connections`: one page, newest first.
    pub async fn host_connections(&self, id: AgentId, page: &PageQuery) -> Result<Page<ConnectionEvent>, Error> {
        self.call(Method::GET, &format!("/v1/hosts/{id}/connections"), Some(page), NO_BODY).await
    }

    /// `POST /v1/enrolments`: the answer holds the one-time token, this once.
    pub async fn create_enrolment(&self, enrolment: &NewEnrolment) -> Result<Enrolment, Error> {
        self.call(Method::POST, "/v1/enrolments", NO_QUERY, Some(enrolment)).await
    }

    /// `GET /v1/enrolments`: those waiting for their agent.
    pub async fn list_enrolments(&self) -> Result<Page<Enrolment>, Error> {
        self.get("/v1/enrolments").await
    }

    /// `DELETE /v1/enrolments/{id}`.
    pub async fn withdraw_enrolment(&self, id: EnrolmentId) -> Result<(), Error> {
        self.delete(&format!("/v1/enrolments/{id}")).await
    }

    /// `POST /v1/host-rules`.
    pub async fn create_host_rule(&self, draft: &HostRuleDraft) -> Result<HostRule, Error> {
        self.call(Method::POST, "/v1/host-rules", NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/host-rules`: every rule with its state on each host it watches.
    pub async fn list_host_rules(&self) -> Result<Page<HostRule>, Error> {
        self.get("/v1/host-rules").await
    }

    /// `DELETE /v1/host-rules/{id}`.
    pub async fn delete_host_rule(&self, id: HostRuleId) -> Result<(), Error> {
        self.delete(&format!("/v1/host-rules/{id}")).await
    }

    /// `POST /v1/hosts/{id}/actions`: asks the agent to run an action its own config names.
    pub async fn request_action(&self, id: AgentId, action: &str) -> Result<HostAction, Error> {
        let body = NewAction { action: action.to_owned() };
        self.call(Method::POST, &format!("/v1/hosts/{id}/actions"), NO_QUERY, Some(&body)).await
    }

    /// `GET /v1/actions` (every host) or `GET /v1/hosts/{id}/actions`: one page, newest first.
    pub async fn list_actions(&self, host: Option<AgentId>, page: &PageQuery) -> Result<Page<HostAction>, Error> {
        let path = host.map_or_else(|| "/v1/actions".to_owned(), |id| format!("/v1/hosts/{id}/actions"));
        self.call(Method::GET, &path, Some(page), NO_BODY).await
    }

    /// `GET /v1/actions/{id}`.
    pub async fn get_action(&self, id: ActionRequestId) -> Result<HostAction, Error> {
        self.get(&format!("/v1/actions/{id}")).await
    }
}
