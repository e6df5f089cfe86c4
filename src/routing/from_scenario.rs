//! Routing problems for a scenario's delivery day: one [`Problem`] per delivery station.
//!
//! # From orders to stops
//! Each order of `orders.csv` becomes one stop: its lines' weights and volumes (from
//! `skus.csv`) are summed, its window is the order's delivery window (none: any time in
//! the shift), its coordinates are snapped onto the scenario's road graph. Capacities and
//! demands are integers in **grams** and **cubic centimetres** (demands rounded up,
//! capacities down, so a rounded plan never overloads a real vehicle).
//!
//! # Which station serves an order
//! The **nearest station by road travel time from the station to the order** (the
//! direction the van drives), among the stations that snap onto the road graph and own at
//! least one vehicle; ties go to the station listed first in `scenario.toml`. The rule
//! ignores capacity on purpose: it is what a dispatcher does with fixed catchment areas,
//! and an order the nearest station cannot fit is reported unserved rather than moved
//! silently. When the caller routes only some stations, an order whose nearest station is
//! another one is reported as [`UnroutedReason::StationNotSelected`].
//!
//! # Nothing dropped silently
//! An order that cannot be snapped, has a SKU without dimensions or has no station is
//! returned in [`DayProblems::unrouted`] with a reason; every order appears exactly once,
//! either as a stop of some station's problem or there.
//!
//! # Travel times
//! One set of road arcs over the stations and all snapped orders, for a departure at the
//! hour of the earliest shift start (flat traffic profile), by [`road_locations`]: a
//! [`PointMatrix`](crate::roads::points::PointMatrix) up to [`RoadArcOptions::dense_up_to`] points, else one road oracle
//! (neighbour lists and hierarchy queries, no n x n matrix) that every station's problem
//! shares through its own [`crate::routing::RoadArcs`] map. Each station's problem takes its
//! rows and columns (or its oracle stops) in metres and seconds; both forms give the same
//! numbers. Costs: `cost_per_km / 1000` per metre,
//! `cost_per_hour / 3600` per second, plus the fixed cost per vehicle used.

use crate::context::SolveContext;
use crate::ids::{OrderId, SkuId, StationId, StopId, VehicleTypeId, ZoneId};
use crate::roads::FleetRoads;
use crate::roads::error::RoadError;
use crate::roads::graph::VehicleProfile;
use crate::roads::points::{MatrixTiming, PointPlace};
use crate::roads::snap::{DEFAULT_MAX_SNAP_M, Snapped, UnreachableReason};
use crate::routing::model::{Depot, Locations, Objective, Problem, Stop, TimeWindow, VehicleType};
use crate::routing::road_places::{RoadArcOptions, RoadPlaces, road_locations};
use crate::scenario::{Order, Scenario, Station};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How a delivery day is turned into problems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DayOptions {
    /// Time spent at each stop (parking, handing over).
    ///
    /// # Units
    /// Seconds.
    pub service_time_s: f64,
    /// Largest distance between an order and the road node it is snapped to, metres.
    pub max_snap_m: f64,
    /// Route only these stations (empty: all).
    pub stations: Vec<StationId>,
    /// When the day's arcs come from the road oracle instead of a matrix.
    pub road: RoadArcOptions,
}

impl Default for DayOptions {
    fn default() -> Self {
        Self {
            service_time_s: 300.0,
            max_snap_m: DEFAULT_MAX_SNAP_M,
            stations: Vec::new(),
            road: RoadArcOptions::default(),
        }
    }
}

/// What a stop of a station problem stands for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderStop {
    /// The order.
    pub order: OrderId,
    /// Its zone, if the order names one.
    pub zone: Option<ZoneId>,
    /// Summed weight of the lines, kg.
    pub weight_kg: f64,
    /// Summed volume of the lines, m3.
    pub volume_m3: f64,
}

/// The routing problem of one station.
#[derive(Debug, Clone)]
pub struct StationProblem {
    /// The station.
    pub station: StationId,
    /// Location 0 is the station (the only depot), location `i + 1` is stop `i`.
    pub problem: Problem,
    /// The snapped position of every location on the van's graph (profile 0), same
    /// indexing as the problem's.
    pub locations: Vec<Snapped>,
    /// Per further profile of the problem (`Problem::profiles[i]` is `profiles[i]`): the
    /// vehicle profile, and each location's snapped position on that profile's graph
    /// (`None` where it is off that graph: no vehicle of the profile reaches it).
    pub profiles: Vec<(VehicleProfile, Vec<Option<Snapped>>)>,
    /// What each stop stands for, same indexing as [`Problem::stops`].
    pub orders: Vec<OrderStop>,
}

/// Why an order is in no station's problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnroutedReason {
    /// The scenario has no road extract to route on.
    NoRoadGraph,
    /// The order's coordinates could not be snapped onto the road graph.
    NotOnRoads {
        /// Why.
        reason: UnreachableReason,
    },
    /// A line names a SKU that `skus.csv` does not describe.
    UnknownSku {
        /// The SKU.
        sku: SkuId,
    },
    /// No station is on the road graph with at least one vehicle.
    NoStation,
    /// The nearest station is not among those being routed.
    StationNotSelected,
}

/// An order left out of every problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnroutedOrder {
    /// The order.
    pub order: OrderId,
    /// The nearest station, when one was found.
    pub station: Option<StationId>,
    /// Why.
    #[serde(flatten)]
    pub reason: UnroutedReason,
}

/// A station that cannot be routed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OffRoadStation {
    /// The station.
    pub station: StationId,
    /// Why it could not be snapped.
    pub reason: UnreachableReason,
}

/// The delivery day as routing problems.
#[derive(Debug, Clone)]
pub struct DayProblems {
    /// One problem per routed station that has orders or vehicles, in scenario order.
    pub stations: Vec<StationProblem>,
    /// Orders in no problem, in order-file order.
    pub unrouted: Vec<UnroutedOrder>,
    /// Stations that could not be snapped onto the road graph.
    pub off_road_stations: Vec<OffRoadStation>,
    /// The departure hour the travel times were computed for (0-23).
    pub departure_hour: u8,
}

/// The road graphs of `scenario`'s extract for every vehicle profile its stations' fleets
/// drive, the van's first; `None` when the scenario names no extract.
///
/// # Errors
/// As [`FleetRoads::from_pbf`].
pub fn fleet_roads(scenario: &Scenario) -> Result<Option<FleetRoads>, RoadError> {
    let Some(path) = &scenario.roads else { return Ok(None) };
    let profiles = scenario.stations.iter().flat_map(|s| s.vehicle_types.iter().map(|v| v.profile));
    FleetRoads::from_pbf(path, profiles).map(Some)
}

/// Builds one routing problem per station for the scenario's orders (see the module docs
/// for the assignment rule and units).
///
/// Stations are matched to orders on the van's graph (`roads.primary()`), which is also
/// every problem's profile 0; a vehicle type whose profile has a graph of its own in
/// `roads` (an e-cargo bike) drives that graph: the same points snapped and timed on it
/// make a further profile of the problem ([`Problem::profiles`]).
///
/// # Errors
/// [`RoadError`] from the travel matrix (cancelled, no path between snapped points).
///
/// # Complexity
/// Snapping O(n log V), then up to the dense size one matrix over stations + orders (one
/// Dijkstra per distinct node) and O(n^2) to cut it per station; above it the oracle's
/// hierarchy and neighbour lists (O(n k) memory) and one query per station and order.
/// All of it once more per further profile the stations' fleets drive.
pub fn day_problems(
    scenario: &Scenario,
    roads: &FleetRoads,
    options: &DayOptions,
    ctx: &SolveContext,
) -> Result<DayProblems, RoadError> {
    let graph = roads.primary();
    let mut unrouted = Vec::new();
    let mut off_road_stations = Vec::new();
    // Candidate stations: on the road graph, with a fleet. They are the first points of
    // the matrix; the orders to place follow, snapped or not.
    let mut points: Vec<Result<Snapped, UnreachableReason>> = Vec::new();
    // The coordinates of every point, for the further profiles' graphs.
    let mut coords: Vec<(f64, f64)> = Vec::new();
    let mut candidates: Vec<&Station> = Vec::new();
    for station in &scenario.stations {
        match graph.snap(station.lat, station.lon, options.max_snap_m) {
            Ok(s) if station.vehicle_types.iter().any(|v| v.count > 0) => {
                points.push(Ok(s));
                coords.push((station.lat, station.lon));
                candidates.push(station);
            }
            Ok(_) => {}
            Err(reason) => {
                off_road_stations.push(OffRoadStation { station: station.id.clone(), reason })
            }
        }
    }
    let skus: HashMap<&SkuId, (f64, f64)> =
        scenario.skus.iter().map(|s| (&s.id, (s.weight_kg, s.volume_m3))).collect();
    let mut routable: Vec<(&Order, OrderStop)> = Vec::new();
    for order in &scenario.orders {
        let unrouted_as = |reason| UnroutedOrder { order: order.id.clone(), station: None, reason };
        let Some(stop) = order_stop(order, &skus) else {
            let sku = order.lines.iter().find(|l| !skus.contains_key(&l.sku)).map(|l| &l.sku);
            let sku = sku.cloned().unwrap_or_else(|| SkuId::new(""));
            unrouted.push(unrouted_as(UnroutedReason::UnknownSku { sku }));
            continue;
        };
        if candidates.is_empty() {
            unrouted.push(unrouted_as(UnroutedReason::NoStation));
            continue;
        }
        points.push(graph.snap(order.lat, order.lon, options.max_snap_m));
        coords.push((order.lat, order.lon));
        routable.push((order, stop));
    }
    let departure_hour = candidates
        .iter()
        .flat_map(|s| s.vehicle_types.iter().map(|v| v.shift_start.seconds() / 3600))
        .min()
        .map_or(8, |h| h.min(23) as u8);
    if points.is_empty() {
        return Ok(DayProblems {
            stations: Vec::new(),
            unrouted,
            off_road_stations,
            departure_hour,
        });
    }
    let timing = MatrixTiming::flat(departure_hour);
    let arcs = road_locations(graph, points, &timing, &options.road, ctx)?;
    // The same points on the graph of every further profile a candidate's fleet drives.
    let mut others: Vec<(VehicleProfile, RoadPlaces)> = Vec::new();
    for g in roads.graphs().iter().skip(1) {
        let drives = |s: &&Station| s.vehicle_types.iter().any(|v| v.profile == g.profile());
        if !candidates.iter().any(drives) {
            continue;
        }
        let snapped = coords.iter().map(|&(lat, lon)| g.snap(lat, lon, options.max_snap_m));
        let places = road_locations(g, snapped.collect(), &timing, &options.road, ctx)?;
        others.push((g.profile(), places));
    }
    let RoadPlaces { locations: all, places } = &arcs;
    let n_st = candidates.len();
    // Per candidate station: (routable order, its input point).
    let mut assigned: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n_st];
    for (k, (order, _)) in routable.iter().enumerate() {
        let at = n_st + k;
        if !matches!(places.get(at), Some(PointPlace::Row { .. })) {
            let reason = match places.get(at) {
                Some(&PointPlace::Unreachable(reason)) => reason,
                _ => UnreachableReason::OutsideGraph,
            };
            let reason = UnroutedReason::NotOnRoads { reason };
            unrouted.push(UnroutedOrder { order: order.id.clone(), station: None, reason });
            continue;
        }
        // Stations are on the graph, so every time is known.
        let time_s = |s: usize| all.duration(s, at);
        let nearest = (0..n_st).min_by(|&a, &b| time_s(a).total_cmp(&time_s(b))).unwrap_or(0);
        let station = candidates[nearest];
        let selected = options.stations.is_empty() || options.stations.contains(&station.id);
        if selected {
            assigned[nearest].push((k, at));
        } else {
            unrouted.push(UnroutedOrder {
                order: order.id.clone(),
                station: Some(station.id.clone()),
                reason: UnroutedReason::StationNotSelected,
            });
        }
    }
    let order_pos: HashMap<&OrderId, usize> =
        scenario.orders.iter().enumerate().map(|(i, o)| (&o.id, i)).collect();
    unrouted.sort_by_key(|u| order_pos.get(&u.order).copied().unwrap_or(usize::MAX));
    let mut stations = Vec::new();
    for (s, station) in candidates.iter().enumerate() {
        if !(options.stations.is_empty() || options.stations.contains(&station.id)) {
            continue;
        }
        if arcs.snapped(s).is_none() {
            continue;
        }
        // Input points of the station, then of its stops.
        let mut index = vec![s];
        index.extend(assigned[s].iter().map(|&(_, point)| point));
        let locations = station_locations(all, &index);
        let stops: Vec<Stop> = assigned[s]
            .iter()
            .enumerate()
            .map(|(i, &(k, _))| stop_of(routable[k].0, &routable[k].1, i + 1, options))
            .collect();
        // The further profiles this station's fleet drives, in `others` order.
        let own: Vec<&(VehicleProfile, RoadPlaces)> = others
            .iter()
            .filter(|(p, _)| station.vehicle_types.iter().any(|v| v.profile == *p))
            .collect();
        let vehicle_types = station
            .vehicle_types
            .iter()
            .map(|v| VehicleType {
                profile: own.iter().position(|(p, _)| *p == v.profile).map_or(0, |i| i + 1),
                ..vehicle_type(v)
            })
            .collect();
        let problem = Problem {
            profiles: own.iter().map(|(_, o)| station_locations(&o.locations, &index)).collect(),
            name: format!("{} {}", scenario.name, station.id),
            locations,
            depots: vec![Depot { id: station.id.clone(), location: 0 }],
            vehicle_types,
            stops,
            objective: Objective::default(),
            shipments: Vec::new(),
        };
        stations.push(StationProblem {
            station: station.id.clone(),
            problem,
            locations: index.iter().filter_map(|&point| arcs.snapped(point)).collect(),
            profiles: own
                .iter()
                .map(|(p, o)| (*p, index.iter().map(|&point| o.snapped(point)).collect()))
                .collect(),
            orders: assigned[s].iter().map(|&(k, _)| routable[k].1.clone()).collect(),
        });
    }
    Ok(DayProblems { stations, unrouted, off_road_stations, departure_hour })
}

/// The rows and columns `index` of the day's matrix, or the same oracle for those points.
fn station_locations(all: &Locations, index: &[usize]) -> Locations {
    match all {
        Locations::Road(arcs) => Locations::Road(arcs.subset(index)),
        Locations::Matrix { distance, duration } => {
            let cut = |m: &Vec<Vec<f64>>| -> Vec<Vec<f64>> {
                index.iter().map(|&a| index.iter().map(|&b| m[a][b]).collect()).collect()
            };
            Locations::Matrix { distance: cut(distance), duration: cut(duration) }
        }
        // `road_locations` gives one of the two above; cut any other form pairwise.
        other => {
            let cut = |f: &dyn Fn(usize, usize) -> f64| -> Vec<Vec<f64>> {
                index.iter().map(|&a| index.iter().map(|&b| f(a, b)).collect()).collect()
            };
            Locations::Matrix {
                distance: cut(&|a, b| other.distance(a, b)),
                duration: cut(&|a, b| other.duration(a, b)),
            }
        }
    }
}

/// Summed weight and volume of an order; `None` when a line's SKU is unknown.
fn order_stop(order: &Order, skus: &HashMap<&SkuId, (f64, f64)>) -> Option<OrderStop> {
    let (mut weight_kg, mut volume_m3) = (0.0, 0.0);
    for line in &order.lines {
        let (w, v) = skus.get(&line.sku)?;
        weight_kg += w * line.quantity;
        volume_m3 += v * line.quantity;
    }
    Some(OrderStop { order: order.id.clone(), zone: order.zone.clone(), weight_kg, volume_m3 })
}

/// Decimal noise allowed before rounding up or down (`0.0015 * 3 * 1e6` is
/// `4500.000000000001`, which must stay 4500 cm3).
const ROUNDING_SLACK: f64 = 1e-6;

/// Grams and cubic centimetres, rounded up (demand).
fn demand_of(stop: &OrderStop) -> Vec<i64> {
    let up = |x: f64| (x - ROUNDING_SLACK).ceil().max(0.0) as i64;
    vec![up(stop.weight_kg * 1000.0), up(stop.volume_m3 * 1e6)]
}

/// Grams and cubic centimetres, rounded down (capacity): a plan within these never
/// overloads the real vehicle.
fn capacity_of(v: &crate::scenario::VehicleType) -> Vec<i64> {
    let down = |x: f64| (x + ROUNDING_SLACK).floor().max(0.0) as i64;
    vec![down(v.capacity_kg * 1000.0), down(v.capacity_m3 * 1e6)]
}

fn stop_of(order: &Order, stop: &OrderStop, location: usize, options: &DayOptions) -> Stop {
    let time_window = order.time_window.map_or(TimeWindow::ALWAYS, |w| TimeWindow {
        start: f64::from(w.start.seconds()),
        end: f64::from(w.end.seconds()),
    });
    Stop {
        service_time: options.service_time_s,
        time_window,
        ..Stop::new(StopId::new(order.id.as_str()), location, demand_of(stop))
    }
}

fn vehicle_type(v: &crate::scenario::VehicleType) -> VehicleType {
    VehicleType {
        id: VehicleTypeId::new(v.id.as_str()),
        count: v.count as usize,
        capacity: capacity_of(v),
        start_depot: 0,
        end_depot: Some(0),
        shift: TimeWindow {
            start: f64::from(v.shift_start.seconds()),
            end: f64::from(v.shift_end.seconds()),
        },
        max_duration: None,
        fixed_cost: v.fixed_cost,
        cost_per_distance: v.cost_per_km / 1000.0,
        cost_per_time: v.cost_per_hour / 3600.0,
        breaks: v
            .breaks
            .iter()
            .map(|b| {
                let (earliest, latest) = (b.earliest.seconds(), b.latest.seconds());
                let window = TimeWindow { start: f64::from(earliest), end: f64::from(latest) };
                crate::routing::Break::new(b.id.clone(), window, b.minutes * 60.0)
            })
            .collect(),
        ..VehicleType::new(VehicleTypeId::new(v.id.as_str()), 0, Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CentreId;
    use crate::roads::graph::tests::{edge, grid_node};
    use crate::roads::graph::{RoadGraph, RoadOptions};
    use crate::scenario::{Costs, OrderLine, Period, Sku, TimeOfDay, VehicleType as Fleet};

    #[test]
    fn r13_a_scenario_allows_the_breaks_the_routing_model_takes() {
        assert_eq!(crate::scenario::limits::BREAKS, crate::routing::breaks::MAX_BREAKS);
    }

    /// The scenario's largest order and vehicle (`scenario::limits`), in this stage's
    /// integer grams and cubic centimetres, stay within what the routing model accepts:
    /// a scenario that validates is never refused here.
    #[test]
    fn the_scenario_bounds_on_orders_and_vehicles_fit_routing_quantities() {
        use crate::routing::model::MAX_QUANTITY;
        use crate::scenario::limits::{ORDER_KG, ORDER_M3, VEHICLE_KG, VEHICLE_M3};
        for kg in [ORDER_KG.max, VEHICLE_KG.max] {
            assert!((kg * 1000.0).ceil() as i64 <= MAX_QUANTITY, "{kg} kg");
        }
        for m3 in [ORDER_M3.max, VEHICLE_M3.max] {
            assert!((m3 * 1e6).ceil() as i64 <= MAX_QUANTITY, "{m3} m3");
        }
    }

    /// A 1 x 5 street, 10 s between neighbours, both ways.
    fn street() -> RoadGraph {
        let nodes = (0..5).map(|c| grid_node(0, c)).collect();
        let mut edges = Vec::new();
        for c in 0..4 {
            edges.push((c, c + 1, edge(10)));
            edges.push((c + 1, c, edge(10)));
        }
        RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap()
    }

    fn station(id: &str, col: u32, vans: u32) -> Station {
        let at = grid_node(0, col);
        Station {
            id: StationId::new(id),
            name: id.into(),
            lat: at.lat,
            lon: at.lon,
            centre: CentreId::new("C"),
            vehicle_types: vec![Fleet {
                id: VehicleTypeId::new("van"),
                count: vans,
                capacity_kg: 100.5,
                capacity_m3: 1.25,
                shift_start: TimeOfDay::at_hour(8),
                shift_end: TimeOfDay::at_hour(17),
                cost_per_km: 0.5,
                cost_per_hour: 36.0,
                fixed_cost: 10.0,
                breaks: Vec::new(),
                profile: VehicleProfile::Van,
            }],
        }
    }

    fn order(id: &str, lat: f64, lon: f64, sku: &str, quantity: f64) -> Order {
        Order {
            id: OrderId::new(id),
            zone: None,
            lat,
            lon,
            time_window: None,
            lines: vec![OrderLine { sku: SkuId::new(sku), quantity }],
        }
    }

    fn scenario(stations: Vec<Station>, orders: Vec<Order>) -> Scenario {
        let sku = Sku { id: SkuId::new("S"), volume_m3: 0.0015, weight_kg: 0.3333, value: 1.0 };
        Scenario {
            name: "t".into(),
            currency: "EUR".into(),
            period: Period::Day,
            horizon_periods: 7,
            roads: None,
            costs: Costs::default(),
            centres: Vec::new(),
            stations,
            zones: Vec::new(),
            skus: vec![sku],
            demand: Vec::new(),
            orders,
        }
    }

    #[test]
    fn orders_go_to_the_nearest_station_and_the_rest_are_reported_with_reasons() {
        let g = street();
        let lat = |c: u32| grid_node(0, c).lat;
        let lon = |c: u32| grid_node(0, c).lon;
        let scn = scenario(
            vec![station("A", 0, 1), station("B", 4, 2), station("EMPTY", 2, 0)],
            vec![
                order("near-a", lat(1), lon(1), "S", 3.0),
                order("at-sea", 40.0, 5.0, "S", 1.0),
                order("near-b", lat(3), lon(3), "S", 1.0),
                order("odd-sku", lat(2), lon(2), "NOPE", 1.0),
                order("middle", lat(2), lon(2), "S", 1.0),
            ],
        );
        let day = day_problems(
            &scn,
            &FleetRoads::single(g.clone()),
            &DayOptions::default(),
            &SolveContext::new(0),
        )
        .unwrap();
        assert_eq!(day.departure_hour, 8);
        let ids = |sp: &StationProblem| -> Vec<String> {
            sp.problem.stops.iter().map(|s| s.id.to_string()).collect()
        };
        // Only stations with vehicles; "middle" is a tie (20 s each way): first listed wins.
        assert_eq!(day.stations.len(), 2);
        assert_eq!(
            (day.stations[0].station.as_str(), ids(&day.stations[0])),
            ("A", vec!["near-a".to_owned(), "middle".to_owned()])
        );
        assert_eq!(ids(&day.stations[1]), vec!["near-b".to_owned()]);
        let reasons: Vec<(&str, &UnroutedReason)> =
            day.unrouted.iter().map(|u| (u.order.as_str(), &u.reason)).collect();
        assert!(matches!(reasons[0], ("at-sea", UnroutedReason::NotOnRoads { .. })), "{reasons:?}");
        assert_eq!(
            reasons[1],
            ("odd-sku", &UnroutedReason::UnknownSku { sku: SkuId::new("NOPE") })
        );
        assert_eq!(reasons.len(), 2);

        // Units: grams and cm3, demand rounded up, capacity down; costs per metre / second.
        let a = &day.stations[0].problem;
        assert_eq!(a.stops[0].demand, vec![1000, 4500]); // 3 x 333.3 g -> 999.9 -> 1000
        assert_eq!(a.vehicle_types[0].capacity, vec![100_500, 1_250_000]);
        assert!((a.vehicle_types[0].cost_per_distance - 0.0005).abs() < 1e-12);
        assert!((a.vehicle_types[0].cost_per_time - 0.01).abs() < 1e-12);
        assert_eq!(a.vehicle_types[0].shift, TimeWindow { start: 28_800.0, end: 61_200.0 });
        assert_eq!(a.stops[0].service_time, 300.0);
        // Location 0 is the station: 10 s to near-a, 20 s to middle.
        assert_eq!(a.locations.duration(0, 1), 10.0);
        assert_eq!(a.locations.duration(0, 2), 20.0);
        assert_eq!(day.stations[0].locations.len(), 3);
        assert_eq!(day.stations[0].orders[0].order.as_str(), "near-a");
        assert!(a.validate().is_ok());
    }

    #[test]
    fn without_a_station_with_vehicles_every_order_is_reported() {
        let g = street();
        let n = grid_node(0, 1);
        let scn = scenario(vec![station("EMPTY", 0, 0)], vec![order("o", n.lat, n.lon, "S", 1.0)]);
        let day = day_problems(
            &scn,
            &FleetRoads::single(g.clone()),
            &DayOptions::default(),
            &SolveContext::new(0),
        )
        .unwrap();
        assert!(day.stations.is_empty());
        assert_eq!(day.unrouted.len(), 1);
        assert_eq!(day.unrouted[0].reason, UnroutedReason::NoStation);
    }
}
