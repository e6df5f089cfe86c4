//! Li & Lim PDPTW text files and their solutions.
//!
//! Line 1 is `K Q S` (vehicles, capacity, speed; the speed is unused: travel time equals
//! distance); then one line per node `id x y demand ready due service pickup delivery`,
//! tab separated, node 0 the depot (its window is the horizon). A pickup has `pickup = 0`
//! and `delivery` = its delivery's id, a delivery `pickup` = its pickup's id and
//! `delivery = 0`; the demand is positive at the pickup and its negation at the delivery.
//! Distances are exact Euclidean in double precision and the objective is hierarchical
//! (vehicles, then distance), as for the published best-known solutions.
//!
//! Each node becomes a stop with the node's id and the demand's absolute value, each
//! pickup-delivery pair a [`Shipment`].

use crate::routing::error::RoutingError;
use crate::routing::formats::pairs::{PairRow, pair_up};
use crate::routing::formats::{num, read_text};
use crate::routing::model::{
    Depot, Locations, MAX_QUANTITY, MAX_TIME, Metric, Objective, Problem, Shipment, Stop,
    TimeWindow, VehicleType,
};
use crate::routing::solution::Solution;
use std::fmt::Write as _;
use std::path::Path;

const FMT: &str = "lilim";

/// Most vehicles a file may declare (a bound for the fleet the search counts).
const MAX_VEHICLES: usize = 1 << 20;

/// Reads a Li & Lim file.
///
/// # Errors
/// [`RoutingError::Io`], or [`RoutingError::Parse`] naming the file and line.
pub fn read(path: &Path) -> Result<Problem, RoutingError> {
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
    let mut p = parse(&read_text(path)?).map_err(|e| e.in_file(path))?;
    p.name = name;
    Ok(p)
}

/// One node line, as read.
#[derive(Debug, Clone, Copy)]
struct Node {
    line: usize,
    x: f64,
    y: f64,
    demand: i64,
    ready: f64,
    due: f64,
    service: f64,
    pickup: usize,
    delivery: usize,
}

/// Parses the text of a Li & Lim file (LF or CRLF lines).
///
/// The reader is strict, so that a damaged file is refused rather than read as another
/// instance: the header has 3 fields, every node line 9 that all parse (demand, pickup and
/// delivery as integers, the others as finite numbers), nodes are numbered 0, 1, 2, ...
/// without gaps, the depot has no demand and no partner, and every other node is a pickup
/// or a delivery whose partner names it back with the opposite demand.
///
/// # Errors
/// [`RoutingError::Parse`] naming the line.
pub fn parse(text: &str) -> Result<Problem, RoutingError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    let err = |line: usize, message: String| RoutingError::parse(FMT, line, message);
    let Some((no, header)) = lines.by_ref().find(|(_, l)| !l.is_empty()) else {
        return Err(err(1, "empty file: expected `K Q S`".into()));
    };
    let h: Vec<&str> = header.split_whitespace().collect();
    if h.len() != 3 {
        return Err(err(no, format!("expected `K Q S` (3 fields), got {} fields", h.len())));
    }
    let vehicles: usize = num(FMT, no, h[0], "vehicle count")?;
    let capacity: i64 = num(FMT, no, h[1], "integer capacity")?;
    let speed: f64 = num(FMT, no, h[2], "speed")?;
    if vehicles > MAX_VEHICLES || !(0..=MAX_QUANTITY).contains(&capacity) || !speed.is_finite() {
        let message = format!(
            "vehicles must be in [0, {MAX_VEHICLES}], capacity in [0, {MAX_QUANTITY}] and the \
             speed finite"
        );
        return Err(err(no, message));
    }
    let mut nodes: Vec<Node> = Vec::new();
    for (no, line) in lines {
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() != 9 {
            return Err(err(no, format!("expected 9 fields per node, got {}", f.len())));
        }
        let id: usize = num(FMT, no, f[0], "node id")?;
        if id != nodes.len() {
            return Err(err(no, format!("node {id} where {} was expected", nodes.len())));
        }
        let real = |k: usize, what: &str| -> Result<f64, RoutingError> {
            let x: f64 = num(FMT, no, f[k], what)?;
            if x.is_finite() && x.abs() <= MAX_TIME {
                Ok(x)
            } else {
                Err(err(no, format!("{what} `{}` is not finite or beyond {MAX_TIME:e}", f[k])))
            }
        };
        let node = Node {
            line: no,
            x: real(1, "x")?,
            y: real(2, "y")?,
            demand: num(FMT, no, f[3], "integer demand")?,
            ready: real(4, "ready time")?,
            due: real(5, "due time")?,
            service: real(6, "service time")?,
            pickup: num(FMT, no, f[7], "pickup id")?,
            delivery: num(FMT, no, f[8], "delivery id")?,
        };
        if node.ready > node.due || node.service < 0.0 {
            let message = "the window must not end before it starts, the service >= 0";
            return Err(err(no, message.into()));
        }
        if node.demand.unsigned_abs() > MAX_QUANTITY as u64 {
            return Err(err(no, format!("demand beyond {MAX_QUANTITY}")));
        }
        nodes.push(node);
    }
    let Some(depot) = nodes.first().copied() else {
        return Err(err(no, "no node lines after the header".into()));
    };
    if depot.demand != 0 || depot.pickup != 0 || depot.delivery != 0 {
        return Err(err(depot.line, "the depot (node 0) has a demand or a partner".into()));
    }
    let shipments = pairs(&nodes)?;
    let stops = nodes
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, n)| Stop {
            service_time: n.service,
            time_window: TimeWindow { start: n.ready, end: n.due },
            ..Stop::new(i.to_string(), i, vec![n.demand.abs()])
        })
        .collect();
    let mut vehicle = VehicleType::new("vehicle", vehicles, vec![capacity]);
    vehicle.shift = TimeWindow { start: depot.ready, end: depot.due };
    Ok(Problem {
        profiles: Vec::new(),
        name: String::new(),
        locations: Locations::Coordinates {
            points: nodes.iter().map(|n| [n.x, n.y]).collect(),
            metric: Metric::Euclidean,
        },
        depots: vec![Depot { id: "0".into(), location: 0 }],
        vehicle_types: vec![vehicle],
        stops,
        shipments,
        objective: Objective { vehicles_first: true, ..Objective::default() },
    })
}

/// The shipments of the nodes (stop index = node id - 1), each pair checked both ways.
fn pairs(nodes: &[Node]) -> Result<Vec<Shipment>, RoutingError> {
    let rows: Vec<PairRow> = nodes
        .iter()
        .enumerate()
        .skip(1)
        .map(|(id, n)| PairRow {
            node: id,
            line: n.line,
            demand: n.demand,
            pickup: n.pickup,
            delivery: n.delivery,
        })
        .collect();
    let stops = nodes.len();
    pair_up(FMT, &rows, |node| (1..stops).contains(&node).then(|| node - 1), false)
}

/// Writes a solution as `Route #k: id id ...` with the nodes' ids as in the Li & Lim file
/// (the stops' ids), then `Vehicles N` and `Distance D` (the hierarchical objective).
pub fn write_sol(problem: &Problem, solution: &Solution) -> String {
    let mut out = String::new();
    for (k, r) in solution.routes.iter().enumerate() {
        let ids: Vec<&str> =
            r.stops.iter().filter_map(|&s| problem.stops.get(s)).map(|s| s.id.as_str()).collect();
        let _ = writeln!(out, "Route #{}: {}", k + 1, ids.join(" "));
    }
    let _ = writeln!(out, "Vehicles {}", solution.vehicles());
    let _ = writeln!(out, "Distance {:.4}", solution.distance);
    out
}

/// Reads the routes of a solution in this module's form or the SINTEF one (`Route k :
/// id id ...`, other lines ignored) as stop indices of `problem` (found by id).
///
/// # Errors
/// [`RoutingError::Parse`] on a line without `:` or an id `problem` has no stop for.
pub fn parse_sol(problem: &Problem, text: &str) -> Result<Vec<Vec<usize>>, RoutingError> {
    let index: std::collections::HashMap<&str, usize> =
        problem.stops.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut routes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.trim().strip_prefix("Route") else { continue };
        let Some((_, ids)) = rest.split_once(':') else {
            return Err(RoutingError::parse(FMT, i + 1, "expected `Route k : id id ...`"));
        };
        let route = ids
            .split_whitespace()
            .map(|id| {
                index.get(id).copied().ok_or_else(|| {
                    RoutingError::parse(FMT, i + 1, format!("no task with id `{id}`"))
                })
            })
            .collect::<Result<Vec<usize>, _>>()?;
        routes.push(route);
    }
    Ok(routes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two pairs: 1 -> 3, 4 -> 2 (CRLF, tabs).
    const TINY: &str = "2\t10\t1\r\n0\t0\t0\t0\t0\t100\t0\t0\t0\r\n1\t1\t0\t4\t0\t50\t1\t0\t3\r\n\
        2\t2\t0\t-6\t0\t90\t1\t4\t0\r\n3\t3\t0\t-4\t0\t90\t1\t1\t0\r\n\
        4\t0\t2\t6\t0\t60\t1\t0\t2\r\n";

    #[test]
    fn reads_pairs_demands_windows_and_fleet() {
        let p = parse(TINY).unwrap();
        assert!(p.validate().is_ok());
        assert_eq!(p.stops.len(), 4);
        assert_eq!(
            p.shipments,
            [Shipment { pickup: 0, delivery: 2 }, Shipment { pickup: 3, delivery: 1 }]
        );
        assert_eq!(p.stops[1].demand, [6]);
        assert_eq!(p.stops[1].id.as_str(), "2");
        assert_eq!(p.stops[0].time_window, TimeWindow { start: 0.0, end: 50.0 });
        assert_eq!(p.vehicle_types[0].count, 2);
        assert_eq!(p.vehicle_types[0].capacity, [10]);
        assert_eq!(p.vehicle_types[0].shift.end, 100.0);
        assert!(p.objective.vehicles_first);
    }

    #[test]
    fn r13_a_damaged_line_is_refused_with_its_line() {
        for (from, to, line) in [
            ("2\t10\t1", "2\t10", 1),
            ("2\t10\t1", "2\tx\t1", 1),
            ("1\t1\t0\t4\t0\t50\t1\t0\t3", "1\t1\t0\t4\t0\t50\t1\t0", 3),
            ("1\t1\t0\t4\t0\t50\t1\t0\t3", "1\t1\t0\t4.5\t0\t50\t1\t0\t3", 3),
            ("1\t1\t0\t4\t0\t50\t1\t0\t3", "1\t1\t0\t4\t0\tNaN\t1\t0\t3", 3),
            ("1\t1\t0\t4\t0\t50\t1\t0\t3", "1\t1\t0\t4\t60\t50\t1\t0\t3", 3),
            ("1\t1\t0\t4\t0\t50\t1\t0\t3", "1\t1\t0\t4\t0\t50\t1\t0\t9", 3),
            ("1\t1\t0\t4\t0\t50\t1\t0\t3", "1\t1\t0\t4\t0\t50\t1\t0\t2", 3),
            ("1\t1\t0\t4\t0\t50\t1\t0\t3", "1\t1\t0\t5\t0\t50\t1\t0\t3", 3),
            ("1\t1\t0\t4\t0\t50\t1\t0\t3", "1\t1\t0\t4\t0\t50\t1\t2\t3", 3),
            ("3\t3\t0\t-4\t0\t90\t1\t1\t0", "3\t3\t0\t-4\t0\t90\t1\t4\t0", 3),
            ("3\t3\t0\t-4\t0\t90\t1\t1\t0", "5\t3\t0\t-4\t0\t90\t1\t1\t0", 5),
            ("0\t0\t0\t0\t0\t100\t0\t0\t0", "0\t0\t0\t3\t0\t100\t0\t0\t0", 2),
        ] {
            assert!(TINY.contains(from), "{from}");
            let err = parse(&TINY.replacen(from, to, 1)).unwrap_err();
            assert!(matches!(err, RoutingError::Parse { line: l, .. } if l == line), "{to}: {err}");
        }
        assert!(parse("").is_err());
        assert!(parse("2 10 1\r\n").is_err());
    }

    #[test]
    fn a_read_error_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.txt");
        std::fs::write(&path, TINY.replace("\t-6\t", "\tx\t")).unwrap();
        let err = read(&path).unwrap_err();
        assert!(err.to_string().contains("bad.txt line 4"), "{err}");
    }

    #[test]
    fn the_sol_names_tasks_by_their_file_ids_and_reads_back() {
        let p = parse(TINY).unwrap();
        let route = crate::routing::Route {
            vehicle_type: 0,
            vehicle: 0,
            stops: vec![3, 0, 1, 2],
            distance: 12.0,
            duration: 0.0,
            breaks: Vec::new(),
            reloads: Vec::new(),
        };
        let s = Solution {
            routes: vec![route],
            unserved: Vec::new(),
            cost: 12.0,
            unserved_penalty: 0.0,
            distance: 12.0,
            stats: Default::default(),
        };
        let text = write_sol(&p, &s);
        assert_eq!(text, "Route #1: 4 1 2 3\nVehicles 1\nDistance 12.0000\n");
        assert_eq!(parse_sol(&p, &text).unwrap(), [vec![3, 0, 1, 2]]);
        assert_eq!(parse_sol(&p, "Route 1 : 4 1 2 3\n").unwrap(), [vec![3, 0, 1, 2]]);
        assert!(parse_sol(&p, "Route 1 : 4 7\n").is_err());
    }
}
