//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations (each next to
//! its handler) and the wire types of vigil-api, never written by hand. The router is built
//! from the same annotations ([`crate::router`]), so a documented route cannot be missing
//! from the router; the test `every_route_is_documented` checks the other way round.
//!
//! The errors every operation shares follow from its shape and are added here, once: 500 for
//! all, 401 for those needing a key, 400 for those reading a query or a body, 404 for those
//! naming something by id, 413 and 415 for those reading a body. Errors particular to an
//! operation (409, 412) are in its annotation.

use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use vigil_api::Problem;

/// The fixed parts: what the API is, its tags, and the ping route (registered apart, since its
/// path is a wildcard the router spells `{*rest}`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vigil",
        description = "Uptime and heartbeat monitoring: HTTP monitors checked on a schedule, heartbeat tasks pinged by jobs, \
            incidents and their notifications. Every error is an RFC 9457 `application/problem+json` body; listings are \
            paged with `cursor` and `limit`; every `/v1` operation but this document needs an API key \
            (`Authorization: Bearer <key>`).",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only")
    ),
    paths(crate::routes::ping::ping),
    components(schemas(Problem)),
    tags(
        (name = "monitors", description = "HTTP monitors"),
        (name = "checks", description = "Checks, status changes and uptime of a monitor"),
        (name = "tasks", description = "Heartbeat tasks, their runs and pings"),
        (name = "heartbeats", description = "The ping URLs jobs call"),
        (name = "incidents", description = "Incidents and the messages sent about them"),
        (name = "channels", description = "Where notifications go"),
        (name = "alerting", description = "Alert rules, maintenance windows and mutes"),
        (name = "hosts", description = "Host agents: enrolment, metrics, rules, remote actions and their history"),
        (name = "service", description = "Health and this document"),
    )
)]
pub(crate) struct Fixed;

/// The OpenAPI document.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut document) = crate::api_routes().split_for_parts();
    add_conventions(&mut document);
    document
}

/// The document as JSON, built once.
pub(crate) fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| document().to_pretty_json().unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}")))
}

/// The shared errors, each a reusable response of `application/problem+json`.
const SHARED_ERRORS: [(&str, &str, &str); 6] = [
    ("400", "BadRequest", "The request is malformed or invalid; `errors` lists every failing field"),
    ("401", "Unauthorized", "No valid API key"),
    ("404", "NotFound", "Nothing with this id (or it belongs to another tenant)"),
    ("413", "PayloadTooLarge", "The body is over 256 KiB"),
    ("415", "UnsupportedMediaType", "The body is not JSON"),
    ("500", "Internal", "The server failed; it has been logged"),
];

fn add_conventions(document: &mut utoipa::openapi::OpenApi) {
    let components = document.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "api_key",
        SecurityScheme::Http(
            HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("An API key: `Authorization: Bearer vk_…`")).build(),
        ),
    );
    for (_, name, description) in SHARED_ERRORS {
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
        let response = ResponseBuilder::new().description(description).content("application/problem+json", content).build();
        components.responses.insert(name.to_owned(), RefOr::T(response));
    }
    document.security = Some(vec![SecurityRequirement::new("api_key", Vec::<String>::new())]);
    add_links_to_created(document);
    for (path, item) in document.paths.paths.iter_mut() {
        // The ping route answers plain text, described in full by its annotation.
        if path.starts_with("/ping/") {
            continue;
        }
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch, &mut item.head];
        for operation in operations.into_iter().flatten() {
            add_shared_errors(operation);
        }
    }
}

/// Links from each `POST <collection>` answering 201 to every operation under
/// `<collection>/{id}`, the `id` of the created resource filling their `{id}`.
fn add_links_to_created(document: &mut utoipa::openapi::OpenApi) {
    let mut targets: Vec<(String, String)> = Vec::new();
    for (path, item) in &document.paths.paths {
        let operations = [&item.get, &item.put, &item.post, &item.delete, &item.patch];
        for operation in operations.into_iter().flatten() {
            if let Some(id) = &operation.operation_id {
                targets.push((path.clone(), id.clone()));
            }
        }
    }
    for (path, item) in document.paths.paths.iter_mut() {
        let Some(created) = item.post.as_mut().and_then(|post| post.responses.responses.get_mut("201")) else { continue };
        let RefOr::T(created) = created else { continue };
        let prefix = format!("{path}/{{id}}");
        for (target_path, operation_id) in &targets {
            if target_path == &prefix || target_path.starts_with(&format!("{prefix}/")) && !target_path[prefix.len()..].contains('{') {
                let link = LinkBuilder::new().operation_id(operation_id.clone()).parameter("id", "$response.body#/id").build();
                created.links.insert(operation_id.clone(), RefOr::T(link));
            }
        }
    }
}

fn add_shared_errors(operation: &mut Operation) {
    let has_param = |place: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| matches!(p, RefOr::T(p) if std::mem::discriminant(&p.parameter_in) == std::mem::discriminant(&place)))
    };
    let has_body = operation.request_body.is_some();
    let wanted = [
        ("400", has_body || has_param(ParameterIn::Query)),
        ("401", operation.security.is_none()),
        ("404", has_param(ParameterIn::Path)),
        ("413", has_body),
        ("415", has_body),
        ("500", true),
    ];
    for ((status, name, _), (_, needed)) in SHARED_ERRORS.iter().zip(wanted) {
        if needed {
            operation
                .responses
                .responses
                .entry((*status).to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
        }
    }
}
