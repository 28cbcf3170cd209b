//! The routes a router serves, read from its `Debug` form: how the tests hold each route
//! group's router to the whole one, and the whole one to the OpenAPI document.
//!
//! axum has no public listing of a router's routes, so this reads the matcher's paths by route
//! id, and each route's `Allow` header (its methods). If a new axum release changes that form,
//! the parse panics or finds nothing, and the tests that use it fail; they never pass by
//! finding nothing.

use std::collections::{BTreeMap, BTreeSet};

/// `(path, methods)` of every route, from a router's `Debug` text (the compact form).
pub fn routes_in(debug: &str) -> BTreeMap<String, BTreeSet<String>> {
    // The fallback router (unknown paths) follows the path router; only the latter is served.
    let served = &debug[..debug.find("fallback_router").expect("a router's Debug form names its fallback router")];
    let (methods_part, paths_part) = served.split_at(served.find("node: Node").expect("a path router's Debug form has a node"));
    let mut methods_by_id = BTreeMap::new();
    for chunk in methods_part.split("RouteId(").skip(1) {
        let id: u32 = chunk[..chunk.find(')').expect("a route id")].parse().expect("a numeric route id");
        let allow = &chunk[chunk.find("allow_header: ").expect("a method router's Allow header") + "allow_header: ".len()..];
        let methods: BTreeSet<String> = match allow.strip_prefix("Bytes(b\"") {
            Some(list) => list[..list.find('"').expect("a closing quote")].split(',').map(str::to_owned).collect(),
            // `any`: every method reaches the handler, which answers those it supports.
            None => BTreeSet::from(["ANY".to_owned()]),
        };
        methods_by_id.insert(id, methods);
    }
    let mut routes = BTreeMap::new();
    for chunk in paths_part.split("RouteId(").skip(1) {
        let id: u32 = chunk[..chunk.find(')').expect("a route id")].parse().expect("a numeric route id");
        let quoted = &chunk[chunk.find('"').expect("a quoted path") + 1..];
        let path = &quoted[..quoted.find('"').expect("a closing quote")];
        let methods = methods_by_id.get(&id).cloned().unwrap_or_default();
        // axum answers HEAD wherever it answers GET; the document lists GET alone.
        let methods = methods.into_iter().filter(|m| m != "HEAD" || path.starts_with("/ping/")).collect();
        routes.insert(path.replace("{*", "{"), methods);
    }
    routes
}
