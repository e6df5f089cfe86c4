//! The road network, a stage of its own below both placement and routing.
//!
//! - [`graph`] turns an OpenStreetMap extract into a routable [`RoadGraph`] (one-way
//!   rules, speeds from `maxspeed` or the road class, the largest strongly connected
//!   component kept).
//! - [`snap`] moves request locations onto road nodes where a van may stop.
//! - [`matrix`] computes travel-time and distance matrices between snapped locations, and
//!   [`traffic`] re-times them for a departure hour and the weather; [`points`] is the one
//!   way callers get a matrix for their own list of places (snap, matrix, index map).
//! - [`geometry`] draws paths as GeoJSON for maps.
//!
//! Placement prices long-distance shipments with it, routing costs its arcs with it; neither
//! reads OSM itself.

pub mod error;
pub mod geometry;
pub mod graph;
pub mod matrix;
pub mod points;
pub mod snap;
mod spatial;
pub mod traffic;

pub use error::RoadError;
pub use graph::{OSM_ATTRIBUTION, RoadGraph, RoadOptions};
pub use matrix::TravelMatrix;
pub use points::{MatrixTiming, PointMatrix, PointPlace};
pub use snap::{DEFAULT_MAX_SNAP_M, Snapped};
pub(crate) use spatial::haversine_m;
pub use traffic::TrafficProfile;
