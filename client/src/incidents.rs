//! Incidents and deliveries.

use crate::paging::{Items, items};
use crate::{Client, Error, NO_BODY, NO_QUERY};
use http::Method;
use vigil_api::{
    ActRequest, CommentRequest, Delivery, Incident, IncidentDetail, IncidentId, IncidentQuery, Page, PageQuery, TimelineEntry,
};

impl Client {
    /// `GET /v1/incidents`: one page, newest first.
    pub async fn list_incidents(&self, query: &IncidentQuery) -> Result<Page<Incident>, Error> {
        self.call(Method::GET, "/v1/incidents", Some(query), NO_BODY).await
    }

    /// Every incident `query` selects, newest first.
    pub fn incidents(&self, query: IncidentQuery) -> Items<'_, Incident> {
        items(move |cursor| {
            let query = IncidentQuery { cursor: cursor.or(query.cursor.clone()), ..query.clone() };
            async move { self.list_incidents(&query).await }
        })
    }

    /// `GET /v1/incidents/{id}`, with its timeline and deliveries.
    pub async fn get_incident(&self, id: IncidentId) -> Result<IncidentDetail, Error> {
        self.get(&format!("/v1/incidents/{id}")).await
    }

    /// `POST /v1/incidents/{id}/acknowledge`.
    pub async fn acknowledge_incident(&self, id: IncidentId, act: &ActRequest) -> Result<Incident, Error> {
        self.call(Method::POST, &format!("/v1/incidents/{id}/acknowledge"), NO_QUERY, Some(act)).await
    }

    /// `POST /v1/incidents/{id}/resolve`.
    pub async fn resolve_incident(&self, id: IncidentId, act: &ActRequest) -> Result<Incident, Error> {
        self.call(Method::POST, &format!("/v1/incidents/{id}/resolve"), NO_QUERY, Some(act)).await
    }

    /// `POST /v1/incidents/{id}/comments`.
    pub async fn comment_on_incident(&self, id: IncidentId, comment: &CommentRequest) -> Result<TimelineEntry, Error> {
        self.call(Method::POST, &format!("/v1/incidents/{id}/comments"), NO_QUERY, Some(comment)).await
    }

    /// `GET /v1/deliveries/failed`: one page, newest first.
    pub async fn list_failed_deliveries(&self, page: &PageQuery) -> Result<Page<Delivery>, Error> {
        self.call(Method::GET, "/v1/deliveries/failed", Some(page), NO_BODY).await
    }

    /// Every delivery that failed for good, newest first.
    pub fn failed_deliveries(&self) -> Items<'_, Delivery> {
        items(move |cursor| async move { self.list_failed_deliveries(&PageQuery { cursor, limit: None }).await })
    }
}
