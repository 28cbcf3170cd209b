//! Heartbeat tasks, their runs and pings.

use crate::paging::{Items, items};
use crate::{Client, Error, NO_BODY, NO_QUERY};
use http::Method;
use vigil_api::{Page, PageQuery, Ping, Run, Task, TaskDraft, TaskId};

impl Client {
    /// `POST /v1/tasks`.
    pub async fn create_task(&self, draft: &TaskDraft) -> Result<Task, Error> {
        self.call(Method::POST, "/v1/tasks", NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/tasks`: one page.
    pub async fn list_tasks(&self, page: &PageQuery) -> Result<Page<Task>, Error> {
        self.call(Method::GET, "/v1/tasks", Some(page), NO_BODY).await
    }

    /// Every task, oldest first.
    pub fn tasks(&self) -> Items<'_, Task> {
        items(move |cursor| async move { self.list_tasks(&PageQuery { cursor, limit: None }).await })
    }

    /// `GET /v1/tasks/{id}`.
    pub async fn get_task(&self, id: TaskId) -> Result<Task, Error> {
        self.get(&format!("/v1/tasks/{id}")).await
    }

    /// `PATCH /v1/tasks/{id}`: the fields `patch` sets change.
    pub async fn update_task(&self, id: TaskId, patch: &TaskDraft) -> Result<Task, Error> {
        self.call(Method::PATCH, &format!("/v1/tasks/{id}"), NO_QUERY, Some(patch)).await
    }

    /// `DELETE /v1/tasks/{id}`.
    pub async fn delete_task(&self, id: TaskId) -> Result<(), Error> {
        self.delete(&format!("/v1/tasks/{id}")).await
    }

    /// `POST /v1/tasks/{id}/pause`.
    pub async fn pause_task(&self, id: TaskId) -> Result<Task, Error> {
        self.call(Method::POST, &format!("/v1/tasks/{id}/pause"), NO_QUERY, NO_BODY).await
    }

    /// `POST /v1/tasks/{id}/resume`.
    pub async fn resume_task(&self, id: TaskId) -> Result<Task, Error> {
        self.call(Method::POST, &format!("/v1/tasks/{id}/resume"), NO_QUERY, NO_BODY).await
    }

    /// `GET /v1/tasks/{id}/runs`: one page, newest first.
    pub async fn list_runs(&self, id: TaskId, page: &PageQuery) -> Result<Page<Run>, Error> {
        self.call(Method::GET, &format!("/v1/tasks/{id}/runs"), Some(page), NO_BODY).await
    }

    /// Every run of a task, newest first.
    pub fn runs(&self, id: TaskId) -> Items<'_, Run> {
        items(move |cursor| async move { self.list_runs(id, &PageQuery { cursor, limit: None }).await })
    }

    /// `GET /v1/tasks/{id}/pings`: one page, newest first.
    pub async fn list_pings(&self, id: TaskId, page: &PageQuery) -> Result<Page<Ping>, Error> {
        self.call(Method::GET, &format!("/v1/tasks/{id}/pings"), Some(page), NO_BODY).await
    }

    /// Every ping of a task, newest first.
    pub fn pings(&self, id: TaskId) -> Items<'_, Ping> {
        items(move |cursor| async move { self.list_pings(id, &PageQuery { cursor, limit: None }).await })
    }
}
