//! Route geometry for maps: the road polyline of each leg, and a GeoJSON writer.
//!
//! A route is solved on a travel matrix, which keeps only times and distances; a map needs
//! the roads in between. [`route_line`] asks the road graph for the fastest path of every
//! leg (the same free-flow path the matrix timed, see [`RoadGraph::path_geometry`]) and
//! joins the legs into one polyline. [`GeoJsonBuilder`] collects routes, stops, centres
//! and zone outlines as GeoJSON features (RFC 7946, `(lon, lat)` order) with the
//! [`OSM_ATTRIBUTION`] as a top-level member, which the OSM licence (ODbL) requires on
//! anything drawn from the extract. The `geojson` crate owns the format; this module only
//! decides what goes in.
//!
//! Used by `stockroute plan` (routes.geojson, report.html) and by the service's optional
//! route geometry.

use crate::roads::error::RoadError;
use crate::roads::graph::{OSM_ATTRIBUTION, RoadGraph};
use crate::roads::snap::Snapped;
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};
use serde::Serialize;

/// The road polyline through `visits` in order (typically depot, stops, depot): for each
/// leg the snapped location, the road nodes of the fastest path, the next location; a
/// point shared by two legs appears once.
///
/// # Units
/// `[lon, lat]` pairs in degrees (GeoJSON order).
///
/// # Errors
/// [`RoadError::NoPath`] naming the first leg `(i, i + 1)` that has no road path (a
/// location snapped on another graph; on a graph built here every pair is connected).
///
/// # Complexity
/// One Dijkstra search per leg: O(legs (V + E) log V) at worst, stopped at each target.
pub fn route_line(graph: &RoadGraph, visits: &[Snapped]) -> Result<Vec<[f64; 2]>, RoadError> {
    let mut line: Vec<[f64; 2]> = Vec::new();
    for (i, leg) in visits.windows(2).enumerate() {
        let path = graph
            .path_geometry(&leg[0], &leg[1])
            .ok_or(RoadError::NoPath { count: 1, first: vec![(i, i + 1)] })?;
        for (lon, lat) in path {
            let point = [lon, lat];
            if line.last() != Some(&point) {
                line.push(point);
            }
        }
    }
    if line.is_empty() {
        line.extend(visits.iter().map(|v| [v.lon, v.lat]));
    }
    Ok(line)
}

/// The properties of a feature from any serialisable struct or map (anything that is not
/// a JSON object gives no properties).
pub fn properties(value: &impl Serialize) -> JsonObject {
    match serde_json::to_value(value) {
        Ok(JsonValue::Object(map)) => map,
        _ => JsonObject::new(),
    }
}

/// Collects map features; [`finish`](Self::finish) returns the feature collection with
/// the OSM attribution. Every feature carries a `kind` property (`route`, `stop`,
/// `centre`, `station`, `zone`, ...) so a map can style layers without guessing.
#[derive(Debug, Clone, Default)]
pub struct GeoJsonBuilder {
    features: Vec<Feature>,
}

impl GeoJsonBuilder {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a line (a route) of `[lon, lat]` points.
    pub fn line(&mut self, kind: &str, coordinates: &[[f64; 2]], properties: JsonObject) {
        let value = GeometryValue::new_line_string(coordinates.iter().copied());
        self.push(kind, value, properties);
    }

    /// Adds several lines as one feature (a base map's roads: one feature, not thousands).
    pub fn multi_line(&mut self, kind: &str, lines: &[Vec<[f64; 2]>], properties: JsonObject) {
        let coordinates =
            lines.iter().map(|l| l.iter().map(|&p| geojson::Position::from(p)).collect()).collect();
        self.push(kind, GeometryValue::MultiLineString { coordinates }, properties);
    }

    /// Adds a point.
    ///
    /// # Units
    /// Degrees (WGS84).
    pub fn point(&mut self, kind: &str, lon: f64, lat: f64, properties: JsonObject) {
        self.push(kind, GeometryValue::new_point([lon, lat]), properties);
    }

    /// Adds a polygon (a zone outline; `x` = lon, `y` = lat), exterior ring then holes.
    pub fn polygon(&mut self, kind: &str, polygon: &geo::Polygon<f64>, properties: JsonObject) {
        let ring = |r: &geo::LineString<f64>| -> Vec<geojson::Position> {
            r.coords().map(|c| [c.x, c.y].into()).collect()
        };
        let mut rings = vec![ring(polygon.exterior())];
        rings.extend(polygon.interiors().iter().map(ring));
        self.push(kind, GeometryValue::Polygon { coordinates: rings }, properties);
    }

    /// Number of features so far.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether no feature was added.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    fn push(&mut self, kind: &str, value: GeometryValue, mut properties: JsonObject) {
        properties.insert("kind".to_owned(), JsonValue::String(kind.to_owned()));
        self.features.push(Feature {
            bbox: None,
            geometry: Some(Geometry::new(value)),
            id: None,
            properties: Some(properties),
            foreign_members: None,
        });
    }

    /// The collection, features in insertion order, with a top-level `attribution`
    /// member holding [`OSM_ATTRIBUTION`].
    pub fn finish(self) -> FeatureCollection {
        let mut members = JsonObject::new();
        members.insert("attribution".to_owned(), JsonValue::String(OSM_ATTRIBUTION.to_owned()));
        FeatureCollection { bbox: None, features: self.features, foreign_members: Some(members) }
    }
}

impl RoadGraph {
    /// The road geometry between two snapped locations, for maps: the first location, the
    /// road nodes of the fastest path, the second location. `None` when either location
    /// was snapped on another graph or no path exists.
    ///
    /// # Units
    /// `(lon, lat)` pairs in degrees (GeoJSON order).
    pub fn path_geometry(&self, from: &Snapped, to: &Snapped) -> Option<Vec<(f64, f64)>> {
        let path = self.shortest_path(from.node, to.node)?;
        let mut line = Vec::with_capacity(path.nodes.len() + 2);
        line.push((from.lon, from.lat));
        line.extend(path.nodes.iter().map(|&n| (self.node(n).lon, self.node(n).lat)));
        line.push((to.lon, to.lat));
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::graph::tests::grid_node;
    use crate::roads::graph::{EdgeData, RoadOptions};

    /// A 1 x 3 row of nodes joined both ways.
    fn row() -> RoadGraph {
        let nodes = vec![grid_node(0, 0), grid_node(0, 1), grid_node(0, 2)];
        let e = EdgeData::from_length(80.0, 30.0);
        let edges = vec![(0, 1, e), (1, 0, e), (1, 2, e), (2, 1, e)];
        RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap()
    }

    #[test]
    fn route_line_follows_the_road_nodes_and_joins_legs_once() {
        let g = row();
        let a = g.snap(43.73, 7.42, 50.0).unwrap();
        let c = g.snap(43.73, 7.422, 50.0).unwrap();
        let line = route_line(&g, &[a, c, a]).unwrap();
        // a -> node 0 -> 1 -> 2 -> c, then back through 1 to a.
        assert_eq!(line.first(), Some(&[7.42, 43.73]));
        assert_eq!(line.last(), Some(&[7.42, 43.73]));
        assert!(line.contains(&[7.421, 43.73]), "{line:?}");
        assert!(line.windows(2).all(|w| w[0] != w[1]), "{line:?}");
    }

    #[test]
    fn collection_carries_the_attribution_and_kinds() {
        let mut b = GeoJsonBuilder::new();
        b.point("centre", 7.4, 43.7, properties(&serde_json::json!({"id": "C1"})));
        b.line("route", &[[7.4, 43.7], [7.41, 43.71]], JsonObject::new());
        let poly = geo::Polygon::new(
            geo::LineString::from(vec![(7.0, 43.0), (7.1, 43.0), (7.1, 43.1), (7.0, 43.0)]),
            vec![],
        );
        b.polygon("zone", &poly, JsonObject::new());
        let text = b.finish().to_string();
        let parsed: geojson::GeoJson = text.parse().unwrap();
        let geojson::GeoJson::FeatureCollection(fc) = parsed else { panic!("not a collection") };
        assert_eq!(fc.features.len(), 3);
        let attribution = fc.foreign_members.as_ref().and_then(|m| m.get("attribution"));
        assert_eq!(attribution.and_then(|a| a.as_str()), Some(OSM_ATTRIBUTION));
        let kind = |i: usize| fc.features[i].property("kind").and_then(|k| k.as_str());
        assert_eq!((kind(0), kind(1), kind(2)), (Some("centre"), Some("route"), Some("zone")));
    }
}
