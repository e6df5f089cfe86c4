//! The road network, a stage of its own below both placement and routing.
//!
//! - [`graph`] turns an OpenStreetMap extract into a routable [`RoadGraph`] for one
//!   [`VehicleProfile`] (van by default; car, truck, e-cargo bike, on foot): the ways it may
//!   use, one-way rules, speeds from `maxspeed` or the road class, the largest strongly
//!   connected component kept.
//! - [`fleet`] keeps one graph per profile a fleet drives ([`FleetRoads`], the van's first).
//! - [`snap`] moves request locations onto road nodes where a van may stop.
//! - [`matrix`] computes travel-time and distance matrices between snapped locations, and
//!   [`traffic`] re-times them for a departure hour and the weather; [`points`] is the one
//!   way callers get a matrix for their own list of places (snap, matrix, index map).
//! - [`neighbours`], [`ch`] and [`oracle`] serve city-scale requests without an n x n
//!   matrix: each stop's nearest stops by bounded searches, any other arc by contraction
//!   hierarchy queries, with the matrix's exact numbers.
//! - [`geometry`] draws paths as GeoJSON for maps.
//!
//! Placement prices long-distance shipments with it, routing costs its arcs with it; neither
//! reads OSM itself.

mod arc_cache;
pub mod basemap;
pub mod ch;
mod cost;
pub mod error;
pub mod fleet;
pub mod geometry;
pub mod graph;
pub mod matrix;
pub mod neighbours;
pub mod oracle;
mod oracle_options;
pub mod points;
pub mod snap;
mod spatial;
pub mod traffic;

pub use error::RoadError;
pub use fleet::FleetRoads;
pub use graph::{OSM_ATTRIBUTION, RoadClass, RoadGraph, RoadOptions, VehicleProfile};
pub use matrix::TravelMatrix;
pub use oracle::{ArcCost, OracleOptions, RoadOracle};
pub use points::{MatrixTiming, PointMatrix, PointPlace};
pub use snap::{DEFAULT_MAX_SNAP_M, Snapped};
pub(crate) use spatial::haversine_m;
pub use traffic::TrafficProfile;
