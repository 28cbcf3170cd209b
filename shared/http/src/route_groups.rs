//! The API's routes in groups: those that Lambda functions of their own serve behind API
//! Gateway (monitors, tasks, alerting, hosts, the status pages' editors, incidents' triage, the
//! account's, the public pages' feeds and links), and the rest. Each group is declared once, by
//! [`route_group!`], as two routers of the same handlers under the same paths and methods: one
//! with their OpenAPI operations, which the document is built from (`crate::api_routes`), and
//! one without, which servers serve: the whole router merges every plain group, and a group's
//! function serves its own. No server builds the OpenAPI machinery (operations, schemas and
//! their descriptions) at start or carries it in its binary; the document itself is built by a
//! test into docs/openapi.json, which the API serves (see `crate::openapi`).

use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use vigil_app::Deps;

/// One path's handlers as a plain axum route: the path and methods their `#[utoipa::path]`
/// annotations give, and nothing else of those annotations.
macro_rules! plain_route {
    ($module:ident : $first:ident $(, $more:ident)*) => {{
        use utoipa::Path as _;
        let path = utoipa_axum::paste! { crate::routes::$module::[<__path_ $first>]::path() };
        let mut methods = axum::routing::MethodRouter::new();
        plain_route!(@on methods, $module, $first);
        $(plain_route!(@on methods, $module, $more);)*
        (path, methods)
    }};
    (@on $methods:ident, $module:ident, $handler:ident) => {
        utoipa_axum::paste! {
            for method in crate::routes::$module::[<__path_ $handler>]::methods() {
                use utoipa_axum::PathItemExt as _;
                $methods = $methods.on(method.to_method_filter(), crate::routes::$module::$handler);
            }
        }
    };
}

/// Declares a group of routes, each line one path's handlers of one module: `$documented`
/// registers them with their OpenAPI operations, `$plain` as plain axum routes.
macro_rules! route_group {
    ($(#[$doc:meta])* $documented:ident, $plain:ident { $($module:ident :: { $($handler:ident),+ $(,)? }),+ $(,)? }) => {
        $(#[$doc])*
        pub(crate) fn $documented() -> OpenApiRouter<Deps> {
            OpenApiRouter::new() $(.routes(routes!($(crate::routes::$module::$handler),+)))+
        }

        #[doc = concat!("The routes of [`", stringify!($documented), "`] without their OpenAPI operations.")]
        pub(crate) fn $plain() -> Router<Deps> {
            let mut router = Router::new();
            $(
                let (path, methods) = plain_route!($module: $($handler),+);
                router = router.route(&path, methods);
            )+
            router
        }
    };
}

route_group! {
    /// A monitor and what hangs off it: the monitor itself (its deletion resolves and announces
    /// its ongoing incident), its checks, uptime, transitions and mute. Every route below
    /// `/v1/monitors` but "check now" (see [`check_now_routes`]): the group [`monitors_router`]
    /// serves on its own.
    monitor_routes, plain_monitor_routes {
        monitors::{create, list},
        monitors::{read, update, delete},
        monitors::{pause},
        monitors::{resume},
        checks::{list},
        checks::{read},
        status::{uptime},
        status::{transitions},
        alerting::{mute, unmute},
    }
}

route_group! {
    /// A heartbeat task and its history: every route below `/v1/tasks`, the group
    /// [`tasks_router`] serves on its own (the pings themselves are [`crate::ping_router`]'s).
    task_routes, plain_task_routes {
        tasks::{create, list},
        tasks::{read, update, delete},
        tasks::{pause},
        tasks::{resume},
        tasks::{runs},
        tasks::{pings},
    }
}

route_group! {
    /// Where alerts go and when they are held back: channels and their test send, alert rules,
    /// maintenance windows, and the deliveries that failed. Every route below those paths: the
    /// group [`alerting_router`] serves on its own.
    alerting_routes, plain_alerting_routes {
        channels::{create, list},
        channels::{read, replace, delete},
        channels::{test},
        alerting::{create_alert_rule, list_alert_rules},
        alerting::{get_alert_rule, replace_alert_rule, delete_alert_rule},
        alerting::{create_maintenance_window, list_maintenance_windows},
        alerting::{get_maintenance_window, replace_maintenance_window, delete_maintenance_window},
        deliveries::{failed},
    }
}

route_group! {
    /// Host agents as the API shows them: hosts, their metrics, connections and actions,
    /// enrolments and host rules. Every route below those paths: the group [`hosts_router`]
    /// serves on its own (the agents' own connection, `/v1/agents/connect`, is not part of it).
    host_routes, plain_host_routes {
        hosts::{list},
        hosts::{read},
        hosts::{revoke},
        hosts::{metrics},
        hosts::{series},
        hosts::{connections},
        host_actions::{request, of_host},
        host_actions::{list},
        host_actions::{read},
        hosts::{enrol, enrolments},
        hosts::{withdraw},
        host_rules::{create, list},
        host_rules::{delete},
    }
}

route_group! {
    /// What a status page's editors do: the pages, their components and subscribers, the
    /// incidents they post and update (and the incidents they publish), and badges. Every route
    /// below `/v1/status-pages`, `/v1/public-incidents` and `/v1/badges`, and publishing an
    /// incident: the group [`publishing_router`] serves on its own.
    publishing_routes, plain_publishing_routes {
        status_pages::{create, list},
        status_pages::{read, delete, change},
        status_pages::{add_component},
        status_pages::{change_component, drop_component},
        status_pages::{publish},
        subscribers::{add, list},
        subscribers::{remove},
        status_pages::{post, incidents},
        status_pages::{update},
        status_pages::{create_badge_route, badges},
        status_pages::{remove_badge},
    }
}

route_group! {
    /// What the public status pages serve besides their HTML: their feeds, badges, and the links
    /// of a subscription's mails (their Statuspage documents are
    /// [`crate::with_statuspage_documents`]'). Readers need no credentials for any of it.
    public_page_routes, plain_public_page_routes {
        public_pages::{badge},
        public_pages::{rss},
        public_pages::{atom},
        subscriptions::{confirm},
        subscriptions::{leave},
    }
}

route_group! {
    /// Running a monitor's check now, inside the request: the group [`check_now_router`] serves
    /// on its own, the only one behind API Gateway that carries the check engine.
    check_now_routes, plain_check_now_routes {
        checks::{trigger},
    }
}

route_group! {
    /// The `/v1` routes that no group's function serves, which API Gateway leaves to the api
    /// function: the summary, the agents' WebSocket of `vigil serve` and this document.
    api_own_routes, plain_api_own_routes {
        status::{summary},
        agents::{connect},
        health::{openapi},
    }
}

route_group! {
    /// What the people on call do with incidents: list and read them, acknowledge, comment and
    /// resolve. Every route below `/v1/incidents` but publishing one on a status page (see
    /// [`publishing_routes`]): the group [`triage_router`] serves on its own.
    triage_routes, plain_triage_routes {
        incidents::{list},
        incidents::{read},
        incidents::{acknowledge},
        incidents::{comment},
        incidents::{resolve},
    }
}

route_group! {
    /// People, organisations, sign-in, keys and the audit log: the group [`accounts_router`]
    /// serves on its own.
    account_routes, plain_account_routes {
        auth::{set_up},
        auth::{token},
        auth::{revoke},
        auth::{current, start, end},
        auth::{switch},
        oidc::{providers},
        auth::{request_reset},
        auth::{confirm_reset},
        me::{read, update},
        me::{password},
        me::{email},
        me::{confirm_email},
        me::{totp_begin},
        me::{totp_confirm},
        me::{totp_disable},
        organisation::{read, update},
        organisation::{leave},
        organisation::{mine, create},
        organisation::{members},
        organisation::{change, remove},
        organisation::{invitations, invite},
        auth::{accept},
        organisation::{revoke},
        keys::{list, create},
        keys::{revoke},
        audit::{list},
    }
}

route_group! {
    /// Signing in through the OpenID provider: the way there and the way back, the group
    /// [`sso_router`] serves on its own (the only one that carries the OpenID Connect client).
    sso_routes, plain_sso_routes {
        oidc::{start},
        oidc::{callback},
    }
}

route_group! {
    /// What the API serves outside `/v1`: its health, and subscribing to a status page (which
    /// queues a confirmation mail: on AWS the api serves it, not the status function).
    root_routes, plain_root_routes {
        health::{healthz},
        subscriptions::{start},
    }
}

/// The monitors' routes alone (every route below `/v1/monitors` but "check now"): what the
/// monitors Lambda serves behind API Gateway's `/v1/monitors` routes, carrying none of the rest
/// of the API.
pub fn monitors_router(deps: Deps) -> axum::Router {
    v1_group(plain_monitor_routes()).with_state(deps)
}

/// "Check now" alone (`POST /v1/monitors/{id}/check`): what the check-now Lambda serves, so
/// that no other function behind API Gateway carries the check engine.
pub fn check_now_router(deps: Deps) -> axum::Router {
    v1_group(plain_check_now_routes()).with_state(deps)
}

/// The heartbeat tasks' routes alone (every route below `/v1/tasks`): what the tasks Lambda
/// serves behind API Gateway's `/v1/tasks` routes.
pub fn tasks_router(deps: Deps) -> axum::Router {
    v1_group(plain_task_routes()).with_state(deps)
}

/// The alerting routes alone (channels and their test send, alert rules, maintenance windows,
/// failed deliveries): what the alerting Lambda serves behind API Gateway's routes of those paths.
pub fn alerting_router(deps: Deps) -> axum::Router {
    v1_group(plain_alerting_routes()).with_state(deps)
}

/// The hosts' routes alone (hosts, enrolments, host rules, actions): what the hosts Lambda
/// serves behind API Gateway's routes of those paths. Revoking a host and requesting an action
/// reach its agent through the [`crate::AgentLinks`] the caller layers on.
pub fn hosts_router(deps: Deps) -> axum::Router {
    v1_group(plain_host_routes()).with_state(deps)
}

/// The status page editors' routes alone (pages, components, subscribers, posted incidents,
/// badges, publishing an incident): what the publishing Lambda serves behind API Gateway's
/// routes of those paths.
pub fn publishing_router(deps: Deps) -> axum::Router {
    v1_group(plain_publishing_routes()).with_state(deps)
}

/// The incidents' routes alone (every route below `/v1/incidents` but publishing one): what
/// the triage Lambda serves behind API Gateway's `/v1/incidents` routes.
pub fn triage_router(deps: Deps) -> axum::Router {
    v1_group(plain_triage_routes()).with_state(deps)
}

/// What the api Lambda serves: the `/v1` routes of no group's function ([`api_own_routes`]),
/// `/healthz` and subscribing to a status page, with the API's answers to unknown paths, limits
/// and errors, waiting for their state. API Gateway sends it `/v1/…` where no group's route is
/// more specific, `/healthz` and subscribing; the dashboard's pages are the dashboard
/// function's.
pub fn api_function_routes() -> Router<Deps> {
    crate::with_api_layers(plain_root_routes().nest("/v1", plain_api_own_routes()))
}

/// The account's routes alone (sign-in, people, organisations, invitations, keys, the audit
/// log, setting up the first owner), but signing in through the OpenID provider: what the
/// accounts Lambda serves behind API Gateway's routes of those paths.
pub fn accounts_router(deps: Deps) -> axum::Router {
    v1_group(plain_account_routes()).with_state(deps)
}

/// Signing in through the OpenID provider alone (`/v1/auth/oidc/…`): what the sso Lambda
/// serves.
pub fn sso_router(deps: Deps) -> axum::Router {
    v1_group(plain_sso_routes()).with_state(deps)
}

/// The public status pages' routes of the API alone (feeds, badges, a subscription's links and
/// Statuspage documents), with the API's answers to unknown paths, limits and errors, waiting
/// for their state: what the status function serves beside the pages themselves.
pub fn public_page_router() -> Router<Deps> {
    crate::with_api_layers(crate::with_statuspage_documents(plain_public_page_routes()))
}

/// A group of `/v1` routes served on its own, with the API's answers to unknown paths, limits
/// and errors.
pub(crate) fn v1_group(routes: Router<Deps>) -> Router<Deps> {
    crate::with_api_layers(Router::new().nest("/v1", routes))
}
