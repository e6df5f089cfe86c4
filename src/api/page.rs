//! The planner's page: `GET /` (and `/ui`) and its assets under `/ui/`.
//!
//! The page (web/index.html) and its bundle (app.js, app.css: Leaflet and the page's own
//! code, built by build.rs with npm and esbuild from web/src and the npm lock into
//! `OUT_DIR`) are compiled into the binary with `include_str!`, so the server needs no
//! files and no network at run time, and the repository holds no library code. Why
//! Leaflet: see the header of web/src/app.js.
//!
//! Built without the page (cargo feature `web` off, or build.rs could not run npm: cfg
//! `stockroute_no_page`), `/` and `/ui` serve a short page saying how to get it, the asset
//! routes answer the API's JSON 404, and the CLI and the API are unchanged.
//!
//! These are routes of the service's own router, so its timeouts, body limit, metrics and
//! tracing apply to them as to the API. Headers:
//!
//! - `Content-Security-Policy`: scripts, styles and requests only from this server; images
//!   also from the OpenStreetMap tile server (the optional base map) and `data:` (Leaflet's
//!   icons, inlined into app.css); no inline script, no framing, no form posts.
//! - Caching: the page links its assets with the content hash as `?v=`; an asset asked
//!   for with the current hash is `immutable` for a year, anything else (the page itself,
//!   an asset without or with an old hash) is `no-cache`: revalidated each time with its
//!   `ETag`, answered `304 Not Modified` when unchanged.

use super::ApiError;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

/// The files build.rs made: the page's script (Leaflet and web/src/app.js, minified), its
/// styles (Leaflet's and web/src/app.css) and the licences of the bundled code and the map
/// data.
struct Bundle {
    app_js: &'static str,
    app_css: &'static str,
    licenses: &'static str,
}

/// The bundle, when this binary was built with it.
#[cfg(all(feature = "web", not(stockroute_no_page)))]
const BUNDLE: Option<Bundle> = Some(Bundle {
    app_js: include_str!(concat!(env!("OUT_DIR"), "/web/dist/app.js")),
    app_css: include_str!(concat!(env!("OUT_DIR"), "/web/dist/app.css")),
    licenses: include_str!(concat!(env!("OUT_DIR"), "/web/dist/licenses.txt")),
});
/// Built without the page: see the module docs.
#[cfg(not(all(feature = "web", not(stockroute_no_page))))]
const BUNDLE: Option<Bundle> = None;

/// Whether this binary serves the planner's page (else `/` says how to get it).
pub const PAGE_BUILT: bool = BUNDLE.is_some();

/// The page's HTML template: `{{app_js}}` and `{{app_css}}` become the versioned URLs.
const INDEX_TEMPLATE: &str = include_str!("../../web/index.html");
/// What `/` serves in a binary built without the page.
const NOT_BUILT_HTML: &str = "<!doctype html>
<html lang=\"en\">
<head><meta charset=\"utf-8\"><title>stockroute: no planner's page</title></head>
<body>
<h1>stockroute: no planner's page</h1>
<p>This server was built without the planner's page: install Node.js and npm and rebuild (see README,
\"Two commands\"; the build's warning says why it was left out).</p>
<p>The API is all here: <a href=\"/openapi.json\">/openapi.json</a> describes it,
<a href=\"/healthz\">/healthz</a> answers.</p>
</body>
</html>
";
/// The example problem behind the page's "Example" button (`[lon, lat]` in Monaco, for
/// `POST /v1/routes?roads=true` on the Monaco scenario).
pub const EXAMPLE_PROBLEM: &str = include_str!("../../web/examples/monaco_day.json");

/// The Content-Security-Policy of the page and its assets.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; \
    connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// `Cache-Control` of an asset asked for with its current content hash.
const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of everything else: revalidate with the `ETag` each time.
const CACHE_REVALIDATE: &str = "no-cache";

/// One file the page is made of.
struct Asset {
    body: &'static str,
    content_type: &'static str,
    /// FNV-1a (64 bits) of the body, hex: the `ETag` and the `?v=` of the asset's URL.
    hash: String,
}

impl Asset {
    fn new(body: &'static str, content_type: &'static str) -> Self {
        Self { body, content_type, hash: format!("{:016x}", fnv1a(body.as_bytes())) }
    }
}

/// FNV-1a, 64 bits: a content hash for cache validation (not a security measure).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The page and its assets, made once (the texts are static).
struct Page {
    /// The page with its assets' versioned URLs filled in.
    index: Asset,
    app_js: Asset,
    app_css: Asset,
    licenses: Asset,
    example: Asset,
}

impl Page {
    fn new(bundle: &Bundle) -> Self {
        let app_js = Asset::new(bundle.app_js, "text/javascript; charset=utf-8");
        let app_css = Asset::new(bundle.app_css, "text/css; charset=utf-8");
        let html = INDEX_TEMPLATE
            .replace("{{app_js}}", &format!("/ui/app.js?v={}", app_js.hash))
            .replace("{{app_css}}", &format!("/ui/app.css?v={}", app_css.hash));
        Self {
            // Made once and kept for the process's life, like the other assets.
            index: Asset::new(Box::leak(html.into_boxed_str()), "text/html; charset=utf-8"),
            app_js,
            app_css,
            licenses: Asset::new(bundle.licenses, "text/plain; charset=utf-8"),
            example: Asset::new(EXAMPLE_PROBLEM, "application/json"),
        }
    }
}

/// The page, or `None` in a binary built without it.
static PAGE: LazyLock<Option<Page>> = LazyLock::new(|| BUNDLE.as_ref().map(Page::new));
/// What `/` serves in a binary built without the page.
static NOT_BUILT: LazyLock<Asset> =
    LazyLock::new(|| Asset::new(NOT_BUILT_HTML, "text/html; charset=utf-8"));

/// Whether the request's `If-None-Match` names `etag` (or `*`): the answer is then `304`.
pub(crate) fn etag_matches(request: &HeaderMap, etag: &str) -> bool {
    request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// Serves `asset`: `immutable` when asked for with its current hash (`versioned`), else
/// `no-cache`; `304` when the client's `If-None-Match` names the current `ETag`.
fn serve(asset: &Asset, versioned: bool, request: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", asset.hash);
    let cache = if versioned { CACHE_IMMUTABLE } else { CACHE_REVALIDATE };
    let mut response = if etag_matches(request, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, asset.content_type)], asset.body).into_response()
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The OpenStreetMap tile policy asks for a Referer; the origin is all it gets.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    response
}

/// Whether the request's `?v=` is `hash` (the asset's current version).
fn asks_for(uri: &Uri, hash: &str) -> bool {
    uri.query()
        .is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "v" && v == hash))
}

/// `GET /`, `GET /ui`: the planner's page, or the page saying how to get it.
pub async fn index(headers: HeaderMap) -> Response {
    serve(PAGE.as_ref().map_or(&NOT_BUILT, |page| &page.index), false, &headers)
}

/// Serves the asset `pick` chooses, `immutable` when asked for with its current hash; the
/// API's JSON 404 in a binary built without the page.
fn asset(uri: &Uri, headers: &HeaderMap, pick: fn(&Page) -> &Asset) -> Response {
    match PAGE.as_ref().map(pick) {
        Some(asset) => serve(asset, asks_for(uri, &asset.hash), headers),
        None => ApiError::NotFound { what: "route", id: uri.path().to_owned() }.into_response(),
    }
}

/// `GET /ui/app.js`: the page's script bundle.
pub async fn app_js(uri: Uri, headers: HeaderMap) -> Response {
    asset(&uri, &headers, |page| &page.app_js)
}

/// `GET /ui/app.css`: the page's styles.
pub async fn app_css(uri: Uri, headers: HeaderMap) -> Response {
    asset(&uri, &headers, |page| &page.app_css)
}

/// `GET /ui/licenses.txt`: the licences of the bundled library and of the map data.
pub async fn licenses(uri: Uri, headers: HeaderMap) -> Response {
    asset(&uri, &headers, |page| &page.licenses)
}

/// `GET /ui/example.json`: the example problem of the page.
pub async fn example(uri: Uri, headers: HeaderMap) -> Response {
    asset(&uri, &headers, |page| &page.example)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_each_link_once_and_nothing_inline() {
        // Each placeholder once, where the link is (one in a comment broke the links).
        assert_eq!(INDEX_TEMPLATE.matches("{{app_js}}").count(), 1);
        assert_eq!(INDEX_TEMPLATE.matches("{{app_css}}").count(), 1);
        // No inline script or style, here or in the message page: the policy blocks them.
        for html in [INDEX_TEMPLATE, NOT_BUILT_HTML] {
            assert!(!html.contains("<script>") && !html.contains("<style"));
            assert!(!html.contains(" style="));
        }
    }

    #[test]
    fn caching_follows_the_version_and_the_etag() {
        let asset = Asset::new("let x = 1;", "text/javascript; charset=utf-8");
        let none = HeaderMap::new();
        let r = serve(&asset, true, &none);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CACHE_CONTROL], CACHE_IMMUTABLE);
        let etag = r.headers()[header::ETAG].clone();
        assert_eq!(serve(&asset, false, &none).headers()[header::CACHE_CONTROL], CACHE_REVALIDATE);
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, etag);
        let r = serve(&asset, false, &again);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(r.headers()[header::CACHE_CONTROL], CACHE_REVALIDATE);
        again.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"0000\""));
        assert_eq!(serve(&asset, false, &again).status(), StatusCode::OK);
    }

    #[test]
    fn the_example_parses() {
        let example: serde_json::Value = serde_json::from_str(EXAMPLE_PROBLEM).unwrap();
        assert!(example["stops"].as_array().is_some_and(|s| !s.is_empty()));
    }

    /// The real page, in a binary built with it.
    #[cfg(all(feature = "web", not(stockroute_no_page)))]
    mod built {
        use super::*;

        fn page() -> &'static Page {
            PAGE.as_ref().expect("built with the page")
        }

        #[test]
        fn the_page_links_its_assets_by_their_current_hash() {
            let (index, js, css) = (&page().index, &page().app_js, &page().app_css);
            const { assert!(PAGE_BUILT) };
            assert!(!index.body.contains("{{"), "a placeholder is left in the page");
            assert!(index.body.contains(&format!("/ui/app.js?v={}", js.hash)));
            assert!(index.body.contains(&format!("/ui/app.css?v={}", css.hash)));
            assert!(index.body.contains("<div id=\"map\""));
            let uri: Uri = format!("/ui/app.js?v={}", js.hash).parse().unwrap();
            assert!(asks_for(&uri, &js.hash));
            assert!(!asks_for(&"/ui/app.js?v=0".parse().unwrap(), &js.hash));
            assert!(!asks_for(&"/ui/app.js".parse().unwrap(), &js.hash));
        }

        #[test]
        fn the_bundle_keeps_leaflets_notice() {
            let licenses = page().licenses.body;
            assert!(page().app_js.body.contains("Leaflet 1.9.4"), "the bundled library's notice");
            assert!(page().app_css.body.contains(".leaflet-container"));
            assert!(licenses.contains("Leaflet 1.9.4") && licenses.contains("BSD 2-Clause"));
            assert!(licenses.contains("OpenStreetMap contributors"));
        }
    }

    /// The message page, in a binary built without the page.
    #[cfg(not(all(feature = "web", not(stockroute_no_page))))]
    mod not_built {
        use super::*;

        #[tokio::test]
        async fn the_root_says_how_to_get_the_page_and_the_assets_are_404() {
            const { assert!(!PAGE_BUILT) };
            let r = index(HeaderMap::new()).await;
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
            assert_eq!(r.headers()[header::CONTENT_SECURITY_POLICY], CONTENT_SECURITY_POLICY);
            assert!(NOT_BUILT.body.contains("install Node.js and npm and rebuild (see README"));
            let r = app_js("/ui/app.js".parse().unwrap(), HeaderMap::new()).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
        }
    }
}
