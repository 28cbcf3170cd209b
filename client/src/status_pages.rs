//! Status pages: the pages, their components, public incidents and their updates,
//! subscribers, and badges.

use crate::paging::{Items, items};
use crate::{Client, Error, NO_BODY, NO_QUERY};
use http::Method;
use vigil_api::{
    Badge, BadgeDraft, BadgeId, ComponentDraft, ComponentId, IncidentId, Page, PageQuery, PublicIncident, PublicIncidentDraft,
    PublicIncidentId, PublicUpdateDraft, PublishRequest, StatusPage, StatusPageDraft, StatusPageId, Subscriber, SubscriberDraft,
    SubscriberId,
};

impl Client {
    /// `POST /v1/status-pages`.
    pub async fn create_status_page(&self, draft: &StatusPageDraft) -> Result<StatusPage, Error> {
        self.call(Method::POST, "/v1/status-pages", NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/status-pages`: every page of the organisation, oldest first.
    pub async fn list_status_pages(&self) -> Result<Vec<StatusPage>, Error> {
        self.get("/v1/status-pages").await
    }

    /// `GET /v1/status-pages/{id}`, with its components.
    pub async fn get_status_page(&self, id: StatusPageId) -> Result<StatusPage, Error> {
        self.get(&format!("/v1/status-pages/{id}")).await
    }

    /// `PATCH /v1/status-pages/{id}`: what the draft leaves out stays.
    pub async fn update_status_page(&self, id: StatusPageId, draft: &StatusPageDraft) -> Result<StatusPage, Error> {
        self.call(Method::PATCH, &format!("/v1/status-pages/{id}"), NO_QUERY, Some(draft)).await
    }

    /// `DELETE /v1/status-pages/{id}`, with its incidents and subscribers.
    pub async fn delete_status_page(&self, id: StatusPageId) -> Result<(), Error> {
        self.delete(&format!("/v1/status-pages/{id}")).await
    }

    /// `POST /v1/status-pages/{id}/components`: the page, with `component_id` naming the new one.
    pub async fn add_component(&self, page: StatusPageId, draft: &ComponentDraft) -> Result<StatusPage, Error> {
        self.call(Method::POST, &format!("/v1/status-pages/{page}/components"), NO_QUERY, Some(draft)).await
    }

    /// `PUT /v1/status-pages/{id}/components/{component_id}`: what the draft leaves out stays.
    pub async fn update_component(&self, page: StatusPageId, id: ComponentId, draft: &ComponentDraft) -> Result<StatusPage, Error> {
        self.call(Method::PUT, &format!("/v1/status-pages/{page}/components/{id}"), NO_QUERY, Some(draft)).await
    }

    /// `DELETE /v1/status-pages/{id}/components/{component_id}`: a group goes with its members.
    pub async fn remove_component(&self, page: StatusPageId, id: ComponentId) -> Result<StatusPage, Error> {
        self.call(Method::DELETE, &format!("/v1/status-pages/{page}/components/{id}"), NO_QUERY, NO_BODY).await
    }

    /// `POST /v1/status-pages/{id}/incidents`: posts an incident with its first update.
    pub async fn post_public_incident(&self, page: StatusPageId, draft: &PublicIncidentDraft) -> Result<PublicIncident, Error> {
        self.call(Method::POST, &format!("/v1/status-pages/{page}/incidents"), NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/status-pages/{id}/incidents`: one page, newest first.
    pub async fn list_public_incidents(&self, page: StatusPageId, query: &PageQuery) -> Result<Page<PublicIncident>, Error> {
        self.call(Method::GET, &format!("/v1/status-pages/{page}/incidents"), Some(query), NO_BODY).await
    }

    /// Every public incident of a page, newest first.
    pub fn public_incidents(&self, page: StatusPageId) -> Items<'_, PublicIncident> {
        items(move |cursor| async move { self.list_public_incidents(page, &PageQuery { cursor, limit: None }).await })
    }

    /// `POST /v1/public-incidents/{id}/updates`.
    pub async fn post_public_update(&self, id: PublicIncidentId, draft: &PublicUpdateDraft) -> Result<PublicIncident, Error> {
        self.call(Method::POST, &format!("/v1/public-incidents/{id}/updates"), NO_QUERY, Some(draft)).await
    }

    /// `POST /v1/incidents/{id}/publish`: posts an internal incident on a page; publishing it
    /// again answers the same post.
    pub async fn publish_incident(&self, id: IncidentId, request: &PublishRequest) -> Result<PublicIncident, Error> {
        self.call(Method::POST, &format!("/v1/incidents/{id}/publish"), NO_QUERY, Some(request)).await
    }

    /// `POST /v1/status-pages/{id}/subscribers`: a webhook's secret is in this answer only.
    pub async fn add_subscriber(&self, page: StatusPageId, draft: &SubscriberDraft) -> Result<Subscriber, Error> {
        self.call(Method::POST, &format!("/v1/status-pages/{page}/subscribers"), NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/status-pages/{id}/subscribers`: one page, oldest first.
    pub async fn list_subscribers(&self, page: StatusPageId, query: &PageQuery) -> Result<Page<Subscriber>, Error> {
        self.call(Method::GET, &format!("/v1/status-pages/{page}/subscribers"), Some(query), NO_BODY).await
    }

    /// Every subscriber of a page, oldest first.
    pub fn subscribers(&self, page: StatusPageId) -> Items<'_, Subscriber> {
        items(move |cursor| async move { self.list_subscribers(page, &PageQuery { cursor, limit: None }).await })
    }

    /// `DELETE /v1/status-pages/{id}/subscribers/{subscriber_id}`.
    pub async fn remove_subscriber(&self, page: StatusPageId, id: SubscriberId) -> Result<(), Error> {
        self.delete(&format!("/v1/status-pages/{page}/subscribers/{id}")).await
    }

    /// `POST /v1/badges`.
    pub async fn create_badge(&self, draft: &BadgeDraft) -> Result<Badge, Error> {
        self.call(Method::POST, "/v1/badges", NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/badges`.
    pub async fn list_badges(&self) -> Result<Vec<Badge>, Error> {
        self.get("/v1/badges").await
    }

    /// `DELETE /v1/badges/{id}`: its token stops working.
    pub async fn delete_badge(&self, id: BadgeId) -> Result<(), Error> {
        self.delete(&format!("/v1/badges/{id}")).await
    }
}
