//! `GET /v1/scenario/roads`: the loaded scenario's roads as GeoJSON, the planner's page's
//! base map.
//!
//! No tile server is reachable from most places stockroute runs, so the page draws the
//! streets from the scenario's own OSM extract ([`crate::roads::basemap`]): one
//! `MultiLineString` feature (`kind: "road"`), one line per stretch between junctions,
//! with the OSM attribution the extract's licence asks for. The scenario is loaded once at
//! start and never changes, so the answer carries an `ETag` and may be cached; a `bbox`
//! narrows it, and [`MAX_POINTS`] bounds it (a 422 asks for a smaller box beyond it).

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::AppQuery;
use crate::api::page::{etag_matches, fnv1a};
use crate::api::state::AppState;
use crate::roads::basemap::{self, BasemapError, LonLatBox};
use crate::roads::geometry::GeoJsonBuilder;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The most points one answer may hold: about 13 MB of JSON. Monaco's whole map has about
/// 20,000; a city of 30,000 stops is asked for by `bbox`.
pub const MAX_POINTS: usize = 500_000;

/// Query parameters of `GET /v1/scenario/roads`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RoadsQuery {
    /// Only the roads with a segment end in this box: `min_lon,min_lat,max_lon,max_lat`
    /// in degrees (WGS84), GeoJSON's bbox order. Without it, every road.
    #[serde(default)]
    #[param(
        example = "7.41,43.72,7.44,43.75",
        pattern = r"^ *-?[0-9]+(\.[0-9]+)? *(, *-?[0-9]+(\.[0-9]+)? *){3}$"
    )]
    pub bbox: Option<String>,
}

/// The roads of the loaded scenario as a GeoJSON FeatureCollection (RFC 7946) with one
/// `MultiLineString` feature of `kind: "road"` whose lines are `[lon, lat]` in degrees,
/// and a top-level `attribution` (OpenStreetMap).
#[utoipa::path(
    get,
    path = "/v1/scenario/roads",
    operation_id = "show_scenario_roads",
    params(RoadsQuery),
    responses(
        (status = 200, description = "The roads as GeoJSON (`[lon, lat]` in degrees)", content_type = "application/geo+json", body = Object,
            example = json!({"type": "FeatureCollection", "attribution": "© OpenStreetMap contributors",
                "features": [{"type": "Feature", "properties": {"kind": "road"},
                    "geometry": {"type": "MultiLineString", "coordinates": [[[7.4197, 43.7314], [7.4201, 43.7318]]]}}]})),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 404, description = "The loaded scenario has no road extract", body = ErrorBody),
        (status = 422, description = "A bad `bbox`, a box with more than 500,000 points of road (`too_many_points`), or no scenario loaded (`no_scenario`: `serve --scenario DIR`)", body = ErrorBody),
    ),
    tag = "scenario"
)]
pub async fn show(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<RoadsQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let within = query.bbox.as_deref().map(parse_bbox).transpose()?;
    let loaded = state.scenario().cloned().ok_or(ApiError::NoScenario { field: None })?;
    let Some(graph) = loaded.graph() else {
        return Err(ApiError::NotFound {
            what: "road extract in the loaded scenario",
            id: "roads".into(),
        });
    };
    // The scenario never changes while the server runs: its folder, its graph and the box
    // name the answer (a restart on another scenario gets another tag).
    let name = format!(
        "{}|{}|{}|{}",
        loaded.folder.display(),
        graph.node_count(),
        graph.edge_count(),
        query.bbox.as_deref().unwrap_or("")
    );
    let etag = format!("\"roads-{:016x}\"", fnv1a(name.as_bytes()));
    let cache = [
        (header::ETAG, HeaderValue::from_str(&etag).map_err(|e| ApiError::Task(e.to_string()))?),
        (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600")),
    ];
    if etag_matches(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let body = state
        .blocking(move |_| {
            let Some(graph) = loaded.graph() else {
                return Err(ApiError::Task("the road graph went away".into()));
            };
            let lines = basemap::road_lines(graph, within, MAX_POINTS).map_err(bbox_error)?;
            let mut features = GeoJsonBuilder::new();
            features.multi_line("road", &lines, serde_json::Map::new());
            serde_json::to_vec(&features.finish())
                .map_err(|source| ApiError::Encode { what: "road map", source })
        })
        .await?;
    let content = (header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"));
    Ok((cache, [content], body).into_response())
}

/// `min_lon,min_lat,max_lon,max_lat`: four plain decimal numbers (`-7.5`, `43`; no
/// exponent, no `inf`), spaces allowed around them, exactly the document's pattern.
fn parse_bbox(raw: &str) -> Result<LonLatBox, ApiError> {
    let bad = |message: String| ApiError::field("invalid_field", "bbox", message);
    let values: Vec<f64> = raw
        .split(',')
        .map(|v| plain_number(v.trim_matches(' ')))
        .collect::<Option<_>>()
        .ok_or_else(|| bad(format!("`{raw}` is not four plain decimal numbers")))?;
    let [min_lon, min_lat, max_lon, max_lat] = values[..] else {
        return Err(bad(format!(
            "{} number(s); give min_lon,min_lat,max_lon,max_lat in degrees",
            values.len()
        )));
    };
    LonLatBox::new(min_lon, min_lat, max_lon, max_lat).map_err(bbox_error)
}

/// `-?[0-9]+(\.[0-9]+)?` as a number.
fn plain_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    (all_digits(whole) && all_digits(fraction)).then(|| text.parse().ok()).flatten()
}

fn bbox_error(e: BasemapError) -> ApiError {
    let code = match e {
        BasemapError::BadBox { .. } => "invalid_field",
        BasemapError::TooManyPoints { .. } => "too_many_points",
    };
    ApiError::field(code, "bbox", e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bbox_is_four_numbers_in_order() {
        assert!(parse_bbox("7.41,43.72,7.44,43.75").is_ok());
        assert!(parse_bbox(" 7.41, 43.72 ,7.44,43.75").is_ok());
        assert!(parse_bbox("-7,-43.5,7,43").is_ok());
        for bad in [
            "",
            "7.41,43.72,7.44",
            "7.41,43.72,7.44,43.75,1",
            "a,b,c,d",
            "7.44,43.72,7.41,43.75",
            "nan,0,1,1",
            "1e1,0,20,1",
            "inf,0,1,1",
            "1.,0,1,1",
            ".5,0,1,1",
            "+1,0,2,1",
            "\t1,0,2,1",
        ] {
            let e = parse_bbox(bad).unwrap_err();
            assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert!(e.to_string().starts_with("`bbox`"), "{bad}: {e}");
        }
    }
}
