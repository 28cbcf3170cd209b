//! The pages, answered in-process over the in-memory store; a module per area.

mod installation;

mod contrast;
mod host_pages;
mod incident_pages;
mod monitor_pages;
mod notification_pages;
mod pages;
mod status_pages;
mod task_pages;
