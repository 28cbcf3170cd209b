//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations (each next to
//! its handler) and the wire types of vigil-api, never written by hand. The router is built
//! from the same annotations ([`crate::router`]), so a documented route cannot be missing
//! from the router; the test `every_route_is_documented` checks the other way round. A test
//! writes it to docs/openapi.json, which the API serves as it is: no server builds it.
//!
//! The errors every operation shares follow from its shape and are added here, once: 500 for
//! all, 401 and 403 for those needing credentials, 400 for those reading a query or a body, 404
//! for those naming something by id, 413 and 415 for those reading a body. Errors particular to
//! an operation (409, 412, 429) are in its annotation.
//!
//! So are the credentials: an operation whose annotation says nothing takes an API key or an
//! access token (`Authorization: Bearer`), or a browser's session cookie, with its CSRF token
//! in `X-CSRF-Token` when the operation changes something; `security(())` marks the operations
//! that need none (set-up, sign-in, resets, invitations accepted, the OpenID provider's routes).

use utoipa::OpenApi;
use utoipa::ToResponse;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{HttpMethod, Operation, ParameterIn};
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use vigil_api::{Problem, SignInRefusal};

/// The fixed parts: what the API is, its tags, and the ping route (registered apart, since its
/// path is a wildcard the router spells `{*rest}`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vigil",
        description = "Uptime and heartbeat monitoring: HTTP monitors checked on a schedule, heartbeat tasks pinged by jobs, \
            incidents and their notifications; people, organisations, keys and the audit log. Every error is an RFC 9457 \
            `application/problem+json` body; listings are paged with `cursor` and `limit`. Every `/v1` operation needs \
            credentials unless it says otherwise: an API key or an access token (`Authorization: Bearer <key or token>`, \
            tokens from `POST /v1/auth/token`), or a browser's `vigil_session` cookie with the session's CSRF token in \
            `X-CSRF-Token` on every request that changes something.",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only")
    ),
    paths(crate::routes::ping::ping, crate::routes::public_pages::statuspage_document, crate::routes::public_pages::statuspage_document_by_host),
    components(schemas(
        Problem,
        SignInRefusal,
        vigil_domain::ids::StatusPageId,
        vigil_domain::ids::ComponentId,
        vigil_domain::ids::SubscriberId,
        vigil_domain::ids::PublicIncidentId,
        vigil_domain::ids::BadgeId
    )),
    tags(
        (name = "monitors", description = "HTTP monitors"),
        (name = "checks", description = "Checks, status changes and uptime of a monitor"),
        (name = "tasks", description = "Heartbeat tasks, their runs and pings"),
        (name = "heartbeats", description = "The ping URLs jobs call"),
        (name = "incidents", description = "Incidents and the messages sent about them"),
        (name = "channels", description = "Where notifications go"),
        (name = "alerting", description = "Alert rules, maintenance windows and mutes"),
        (name = "accounts", description = "Set-up, sign-in, tokens, sessions and one's own account"),
        (name = "organisations", description = "Organisations, members and invitations"),
        (name = "keys", description = "API keys"),
        (name = "audit", description = "The audit log"),
        (name = "hosts", description = "Host agents: enrolment, metrics, rules, remote actions and their history"),
        (name = "status pages", description = "What status pages serve to their readers: Statuspage-compatible documents and badges"),
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

/// The document as JSON, as the API serves it: built by [`document`] into docs/openapi.json
/// (a test keeps the file up to date), so that no server builds it, or the operations and
/// schemas it is made of, at run time.
pub(crate) fn document_json() -> &'static str {
    include_str!("../../../docs/openapi.json")
}

/// What [`document`] writes to docs/openapi.json.
#[cfg(test)]
fn generated_json() -> String {
    document().to_pretty_json().expect("the document serialises") + "\n"
}

/// The shared errors, each a reusable response of `application/problem+json`.
const SHARED_ERRORS: [(&str, &str, &str); 7] = [
    ("400", "BadRequest", "The request is malformed or invalid; `errors` lists every failing field"),
    ("401", "Unauthorized", "No valid API key, access token or session cookie (`unauthorized`)"),
    (
        "403",
        "Forbidden",
        "The role or the key's scope does not allow it (`forbidden`), a change made with the session cookie lacks its \
         `X-CSRF-Token` (`csrf`), or the person is no longer a member of the organisation (`not-a-member`)",
    ),
    ("404", "NotFound", "Nothing with this id (or it belongs to another tenant)"),
    ("413", "PayloadTooLarge", "The body is over 256 KiB"),
    ("415", "UnsupportedMediaType", "The body is not JSON"),
    ("500", "Internal", "The server failed; it has been logged"),
];

/// The security scheme of API keys and access tokens.
const BEARER: &str = "api_key";
/// The security scheme of a browser's session cookie.
const SESSION: &str = "session_cookie";
/// The security scheme of the CSRF token that goes with the cookie on every change.
const CSRF: &str = "csrf_token";

fn add_conventions(document: &mut utoipa::openapi::OpenApi) {
    let components = document.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("An API key (`vk_…`) or an access token from `POST /v1/auth/token`: `Authorization: Bearer …`"))
                .build(),
        ),
    );
    components.add_security_scheme(
        SESSION,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::SESSION_COOKIE,
            "A browser's session (`POST /v1/auth/session` sets it): HttpOnly, SameSite=Lax",
        ))),
    );
    components.add_security_scheme(
        CSRF,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-CSRF-Token",
            "The session's CSRF token (in the answer of `POST /v1/auth/session` and `GET /v1/auth/session`), sent with \
             every request that the cookie authenticates and that changes something",
        ))),
    );
    for (_, name, description) in SHARED_ERRORS {
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
        let response = ResponseBuilder::new().description(description).content("application/problem+json", content).build();
        components.responses.insert(name.to_owned(), RefOr::T(response));
    }
    for (name, response) in [SignInRefused::response(), TooManyAttempts::response(), NotAPerson::response()] {
        components.responses.insert(name.to_owned(), response);
    }
    document.security = Some(credentials(false));
    add_links_to_created(document);
    for (path, item) in document.paths.paths.iter_mut() {
        // The ping route answers plain text, described in full by its annotation.
        if path.starts_with("/ping/") {
            continue;
        }
        let operations = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Delete, &mut item.delete),
            (HttpMethod::Patch, &mut item.patch),
            (HttpMethod::Head, &mut item.head),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let public = operation.security.as_ref().is_some_and(|s| s.contains(&SecurityRequirement::default()));
            add_shared_errors(operation, !public);
            if operation.security.is_none() {
                operation.security = Some(credentials(!matches!(method, HttpMethod::Get | HttpMethod::Head)));
            }
        }
    }
}

/// A key or token; or the session cookie, with its CSRF token when the request `changes`
/// something.
fn credentials(changes: bool) -> Vec<SecurityRequirement> {
    let none = Vec::<String>::new;
    let session =
        if changes { SecurityRequirement::new(SESSION, none()).add(CSRF, none()) } else { SecurityRequirement::new(SESSION, none()) };
    vec![SecurityRequirement::new(BEARER, none()), session]
}

/// A problem+json response described by `description`, its body of `schema`.
fn problem_response(description: &str, schema: &str) -> Response {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build();
    ResponseBuilder::new().description(description).content("application/problem+json", content).build()
}

/// The 401 of a sign-in: a wrong credential, or a right password that needs a second factor.
pub(crate) struct SignInRefused;

impl<'r> ToResponse<'r> for SignInRefused {
    fn response() -> (&'r str, RefOr<Response>) {
        let mut response = problem_response(
            "The credentials are not valid (`unauthorized`, the same answer whether or not the email has an account); or \
             the password was right and a second factor is needed (`second-factor-required`, with a `ticket` that a code \
             finishes within five minutes)",
            "SignInRefusal",
        );
        response.headers.insert("WWW-Authenticate".into(), RefOr::T(HeaderBuilder::new().description(Some("`Bearer`")).build()));
        ("SignInRefused", RefOr::T(response))
    }
}

/// 429: failed sign-ins (or reset requests) are slowed per account and per address.
pub(crate) struct TooManyAttempts;

impl<'r> ToResponse<'r> for TooManyAttempts {
    fn response() -> (&'r str, RefOr<Response>) {
        let mut response = problem_response(
            "Too many failed attempts for this account or address (`too-many-requests`): even the right password waits \
             `retry_after` seconds",
            "Problem",
        );
        let seconds = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).build();
        let header = HeaderBuilder::new().schema(Some(seconds)).description(Some("Seconds to wait")).build();
        response.headers.insert("Retry-After".into(), RefOr::T(header));
        ("TooManyAttempts", RefOr::T(response))
    }
}

/// 400 on a person's own account reached with an API key, which has none.
pub(crate) struct NotAPerson;

impl<'r> ToResponse<'r> for NotAPerson {
    fn response() -> (&'r str, RefOr<Response>) {
        let response =
            problem_response("Only a signed-in person has an account: an API key has none (`invalid-input` on `actor`)", "Problem");
        ("NotAPerson", RefOr::T(response))
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

fn add_shared_errors(operation: &mut Operation, needs_credentials: bool) {
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
        ("401", needs_credentials),
        ("403", needs_credentials),
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_published_document_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
        if std::env::var_os("VIGIL_WRITE_OPENAPI").is_some() {
            std::fs::write(&path, super::generated_json()).unwrap();
            return;
        }
        assert!(
            super::document_json() == super::generated_json(),
            "docs/openapi.json is stale: run `VIGIL_WRITE_OPENAPI=1 cargo test -p vigil-http the_published_document` and build again"
        );
    }
}
