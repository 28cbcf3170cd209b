//! A browser, as far as sign-in flows need one: it keeps each site's cookies, follows nothing
//! by itself (each redirect is a step the test sees), and fills in forms.

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Response, StatusCode};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;
use url::Url;

/// Cookies per site (scheme, host and port), without paths or expiry beyond deletion: enough
/// for one sign-in at a time.
pub struct Browser {
    client: reqwest::Client,
    jars: Mutex<HashMap<String, BTreeMap<String, String>>>,
}

impl Default for Browser {
    fn default() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Self { client, jars: Mutex::new(HashMap::new()) }
    }
}

fn site(url: &Url) -> String {
    url.origin().ascii_serialization()
}

impl Browser {
    /// GET `url` with the site's cookies, keeping the cookies the answer sets.
    pub async fn get(&self, url: &str) -> Response {
        let url = Url::parse(url).unwrap_or_else(|e| panic!("`{url}` is not a URL: {e}"));
        let request = self.client.get(url.clone());
        self.send(&url, request).await
    }

    /// POST `form` (URL-encoded) to `url`.
    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> Response {
        let url = Url::parse(url).unwrap_or_else(|e| panic!("`{url}` is not a URL: {e}"));
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let request = self.client.post(url.clone()).header("content-type", "application/x-www-form-urlencoded").body(body);
        self.send(&url, request).await
    }

    async fn send(&self, url: &Url, mut request: reqwest::RequestBuilder) -> Response {
        if let Some(cookies) = self.cookie_header(url) {
            request = request.header(COOKIE, cookies);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("requesting {url}: {e}"));
        self.keep_cookies(url, &response);
        response
    }

    /// The `Cookie` header the browser sends to `url`'s site.
    pub fn cookie_header(&self, url: &Url) -> Option<String> {
        let jars = self.jars.lock().expect("cookie jars");
        let jar = jars.get(&site(url)).filter(|jar| !jar.is_empty())?;
        Some(jar.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; "))
    }

    /// The value of the cookie `name` of `url`'s site.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        let url = Url::parse(url).ok()?;
        self.jars.lock().expect("cookie jars").get(&site(&url))?.get(name).cloned()
    }

    /// Sets a cookie, as a page's script or another tab could.
    pub fn set_cookie(&self, url: &str, name: &str, value: &str) {
        let url = Url::parse(url).expect("a URL");
        self.jars.lock().expect("cookie jars").entry(site(&url)).or_default().insert(name.to_owned(), value.to_owned());
    }

    fn keep_cookies(&self, url: &Url, response: &Response) {
        let mut jars = self.jars.lock().expect("cookie jars");
        let jar = jars.entry(site(url)).or_default();
        for header in response.headers().get_all(SET_COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            let mut parts = text.split(';').map(str::trim);
            let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else { continue };
            let deleted = value.is_empty() || parts.any(|attribute| attribute.eq_ignore_ascii_case("max-age=0"));
            if deleted {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }
}

/// Where a redirect answer points, resolved against the URL that was asked for.
pub fn location(from: &str, response: &Response) -> Option<String> {
    if !response.status().is_redirection() {
        return None;
    }
    let target = response.headers().get(LOCATION)?.to_str().ok()?;
    Some(Url::parse(from).ok()?.join(target).ok()?.to_string())
}

/// A redirect's target, or a panic that shows what came instead.
pub async fn expect_redirect(from: &str, response: Response, status: StatusCode) -> String {
    let got = response.status();
    match location(from, &response) {
        Some(target) if got == status => target,
        _ => panic!("{from} answered {got}, not a {status} redirect: {}", response.text().await.unwrap_or_default()),
    }
}
