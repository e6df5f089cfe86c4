//! The unit of every number in the OpenAPI document that belongs to a type the API shows
//! but does not own.
//!
//! The API's own request and answer types state their units in their doc comments, which
//! utoipa copies into the document. The routing problem (`JsonProblem` and its parts, from
//! [`crate::routing::formats::json`], shared with `stockroute route --format json`) and the
//! plan options (from [`crate::plan`]) are documented where they live for their Rust
//! readers, in the terms of their own modules (the routing format does not fix a unit: its
//! numbers are in whatever unit the client's matrices are); what an HTTP client needs is
//! the unit as this service uses them (seconds and metres once `roads=true` snaps the
//! stops on the scenario's roads). [`describe`] writes those descriptions into the
//! document; a test in `tests/it/api/contract.rs` fails on any number left without a unit,
//! and the test below on any entry that no longer names a property.

use serde_json::Value;

/// `(schema, property, description)`: the description, with its unit, that the document
/// gives `property` of component `schema`.
pub const UNITS: &[(&str, &str, &str)] = &[
    (
        "JsonProblem",
        "time_limit_s",
        "Time limit of the solve (seconds, counted from the request's arrival).",
    ),
    (
        "JsonProblem",
        "seed",
        "Seed of the solve (no unit): with `max_iterations`, the same request gets the same answer.",
    ),
    (
        "JsonProblem",
        "max_iterations",
        "Stop the search after this many iterations per worker (iterations; the time limit still applies): with a seed, the same request then gets the same answer on any machine.",
    ),
    (
        "JsonLocations",
        "coordinates",
        "Points `[x, y]` in the problem's distance unit (planar), or with `roads=true` `[lon, lat]` in degrees (WGS 84). Read as lists so that a point of another length is a violation naming its index (`locations.coordinates[3]`).",
    ),
    (
        "JsonLocations",
        "distance",
        "Distance matrix in the problem's distance unit (e.g. metres); `null` marks no path.",
    ),
    (
        "JsonLocations",
        "duration",
        "Travel-time matrix in the problem's time unit (e.g. seconds; default: the distance matrix); `null` marks no path.",
    ),
    ("JsonDepot", "location", "Location index (0-based index into `locations`)."),
    ("JsonVehicle", "count", "How many such vehicles (count, default 1)."),
    (
        "JsonVehicle",
        "capacity",
        "Capacity per dimension, in the units of the stops' `demand` (e.g. kg, parcels).",
    ),
    (
        "JsonVehicle",
        "max_duration",
        "Longest route duration, in the problem's time unit (seconds with `roads=true`).",
    ),
    ("JsonVehicle", "fixed_cost", "Cost of using the vehicle (currency)."),
    (
        "JsonVehicle",
        "cost_per_distance",
        "Cost per distance unit (currency per distance unit: per metre with `roads=true`; default 1).",
    ),
    (
        "JsonVehicle",
        "cost_per_time",
        "Cost per time unit (currency per time unit: per second with `roads=true`; default 0).",
    ),
    (
        "JsonVehicle",
        "max_stops",
        "Most stops one route of this type serves (count; default: no limit).",
    ),
    (
        "JsonVehicle",
        "max_distance",
        "Longest distance one route drives, depot to depot, in the problem's distance unit (metres with `roads=true`; default: no limit).",
    ),
    (
        "JsonBreak",
        "duration",
        "How long the break lasts, in the problem's time unit (seconds with `roads=true`); it counts in the route's duration.",
    ),
    ("JsonStop", "location", "Location index (0-based index into `locations`)."),
    (
        "JsonStop",
        "prize",
        "What serving the stop earns, the same as `unserved_penalty` under the name prize-collecting and OR-Tools users know (currency; give one of the two). A stop with either is optional: left out when serving it costs more.",
    ),
    (
        "JsonStop",
        "demand",
        "Demand per dimension, in the units of the vehicles' `capacity` (default: zeros).",
    ),
    (
        "JsonStop",
        "service_time",
        "Time spent at the stop, in the problem's time unit (seconds with `roads=true`).",
    ),
    (
        "JsonStop",
        "unserved_penalty",
        "Cost when unserved (currency; default: the objective's). A stop with a penalty is optional (left out when serving it costs more); without one, and without the objective's, it is required (left out only when no vehicle can serve it).",
    ),
    ("JsonObjective", "unserved_penalty", "Default cost of an unserved stop (currency)."),
    (
        "TimeWindow",
        "start",
        "Earliest time, in the problem's time unit on its clock (seconds with `roads=true`).",
    ),
    (
        "TimeWindow",
        "end",
        "Latest time, in the problem's time unit on its clock (seconds with `roads=true`).",
    ),
    ("JobProgress", "done", "Steps done (count of the job's own steps, as `total`)."),
    ("JobProgress", "total", "Steps in all (count of the job's own steps; 0 while unknown)."),
    (
        "PlanBody",
        "seed",
        "Seed of every random choice (no unit; 0 to 2^63 - 1, the range the store keeps): same scenario + options + seed = same plan.",
    ),
    (
        "ForecastOptions",
        "horizon",
        "Periods to forecast (count of periods, 1-3660; default: the scenario's `horizon_periods`).",
    ),
    ("ForecastOptions", "origins", "Rolling origins used for model selection (count, 1-20)."),
    (
        "PlacementStageOptions",
        "k_nearest",
        "Each zone may be served by its `k` nearest centres (count of centres).",
    ),
    (
        "PlacementStageOptions",
        "cycle_periods",
        "Periods the stock must cover (count of periods, may be fractional; default: the horizon).",
    ),
    (
        "RoutingStageOptions",
        "max_iterations",
        "Search iterations per station (iterations: the budget; no time limit, for reproducibility).",
    ),
    ("RoutingStageOptions", "service_time_s", "Time at each stop (seconds)."),
    (
        "RoutingStageOptions",
        "max_snap_m",
        "Largest snap distance of an order onto the roads (metres).",
    ),
];

/// Writes [`UNITS`] into `doc`'s component schemas; returns the entries that named no
/// property (none, unless a type changed under the table).
pub fn describe(doc: &mut Value) -> Vec<(&'static str, &'static str)> {
    let mut missing = Vec::new();
    for &(schema, property, description) in UNITS {
        let pointer = format!("/components/schemas/{schema}/properties/{property}");
        match doc.pointer_mut(&pointer).and_then(Value::as_object_mut) {
            Some(p) => {
                p.insert("description".into(), Value::String(description.into()));
            }
            None => missing.push((schema, property)),
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::OpenApi;

    #[test]
    fn every_entry_names_a_property_of_the_document() {
        let mut doc = serde_json::to_value(crate::api::openapi::ApiDoc::openapi()).unwrap();
        assert_eq!(describe(&mut doc), Vec::<(&str, &str)>::new());
        let seed = &doc["components"]["schemas"]["JsonProblem"]["properties"]["seed"];
        assert!(seed["description"].as_str().unwrap().contains("no unit"), "{seed}");
    }
}
