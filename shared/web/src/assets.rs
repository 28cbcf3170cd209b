//! The dashboard's CSS, JavaScript and icon, embedded in the binary under names that carry a
//! hash of their content (made by build.rs), so browsers keep them for a year and a new release
//! is fetched anew. Gzipped copies are made at build time and sent to browsers that accept gzip.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The name templates ask for (`app.css`).
    pub name: &'static str,
    /// The name it is served under (`app.3fa9c1b2d4.css`).
    pub hashed: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// The bytes.
    pub body: &'static [u8],
    /// The gzipped bytes, where gzip saves enough to be worth it.
    pub gzip: Option<&'static [u8]>,
}

/// Every asset.
pub static ASSETS: &[Asset] = include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The assets the public status pages use, the only ones the status function serves (on a
/// page's own domain): its binary carries none of the dashboard's scripts.
pub static PUBLIC_PAGE_ASSETS: &[Asset] = include!(concat!(env!("OUT_DIR"), "/public_assets.rs"));

/// Each asset's name and the name it is served under, without its bytes: what links are made of.
static NAMES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/asset_names.rs"));

/// The URL path of the asset templates know as `name`, under `base`.
pub(crate) fn url(base: &str, name: &str) -> String {
    match NAMES.iter().find(|(known, _)| *known == name) {
        Some((_, hashed)) => format!("{base}/assets/{hashed}"),
        None => {
            tracing::error!(name, "a template asks for an asset that is not embedded");
            format!("{base}/assets/{name}")
        }
    }
}

/// `GET /assets/{name}`: an asset by its hashed name, cached for a year.
pub(crate) async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    answer(ASSETS, &name, &headers)
}

/// `GET /assets/{name}` of the public pages: one of [`PUBLIC_PAGE_ASSETS`].
pub(crate) async fn serve_public(Path(name): Path<String>, headers: HeaderMap) -> Response {
    answer(PUBLIC_PAGE_ASSETS, &name, &headers)
}

/// The asset of `table` whose hashed name is `name`, gzipped if the browser takes it.
fn answer(table: &[Asset], name: &str, headers: &HeaderMap) -> Response {
    let Some(asset) = table.iter().find(|a| a.hashed == name) else {
        return (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], "no such asset").into_response();
    };
    let accepts_gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| coding.split(';').next().is_some_and(|c| c.trim().eq_ignore_ascii_case("gzip")) && !coding.contains("q=0"));
    let mut response = match asset.gzip.filter(|_| accepts_gzip) {
        Some(gzip) => {
            let mut response = gzip.into_response();
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            response
        }
        None => asset.body.into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn all_javascript_and_css_together_weigh_under_150_kb_compressed() {
        let scripts_and_styles: Vec<&Asset> =
            ASSETS.iter().filter(|a| a.content_type.starts_with("text/css") || a.content_type.starts_with("text/javascript")).collect();
        assert!(scripts_and_styles.len() >= 5, "app.css, app.js, htmx, uPlot and its CSS");
        let total: usize = scripts_and_styles.iter().map(|a| a.gzip.unwrap_or(a.body).len()).sum();
        println!("JS + CSS: {total} bytes gzipped ({} bytes raw)", scripts_and_styles.iter().map(|a| a.body.len()).sum::<usize>());
        assert!(total < 150 * 1024, "{total} bytes");
    }

    #[test]
    fn the_public_pages_assets_are_the_dashboards_own_and_every_name_has_its_bytes() {
        for asset in PUBLIC_PAGE_ASSETS {
            let same = ASSETS.iter().find(|a| a.hashed == asset.hashed).expect("a public asset is one of all");
            assert_eq!((same.body, same.gzip), (asset.body, asset.gzip), "{}", asset.name);
        }
        assert_eq!(PUBLIC_PAGE_ASSETS.iter().map(|a| a.name).collect::<Vec<_>>(), ["app.css", "favicon.svg"]);
        let names: Vec<(&str, &str)> = ASSETS.iter().map(|a| (a.name, a.hashed)).collect();
        assert_eq!(names, NAMES);
    }

    #[test]
    fn hashed_names_are_unique_and_gzip_copies_unpack_to_the_file() {
        for asset in ASSETS {
            assert_eq!(ASSETS.iter().filter(|a| a.hashed == asset.hashed).count(), 1, "{}", asset.hashed);
            assert!(asset.hashed.len() > asset.name.len() + 10, "{} carries a hash", asset.hashed);
            if let Some(gzip) = asset.gzip {
                let mut unpacked = Vec::new();
                flate2::read::GzDecoder::new(gzip).read_to_end(&mut unpacked).unwrap();
                assert_eq!(unpacked, asset.body, "{}", asset.name);
                assert!(gzip.len() < asset.body.len(), "{}", asset.name);
            }
        }
    }
}
