//! CVRPLIB / VRPLIB (`.vrp`) instances and CVRPLIB `.sol` solutions.
//!
//! Supported: `EDGE_WEIGHT_TYPE : EUC_2D` with each edge rounded to the nearest integer
//! (the X and A sets' convention), `NODE_COORD_SECTION`, `DEMAND_SECTION`,
//! `DEPOT_SECTION` (one or several depots, `-1` ends it), optional `VEHICLES` (fleet size;
//! unlimited otherwise) and `DISTANCE` (maximum route length, enforced as a maximum
//! duration since travel time equals distance). Stops are the non-depot nodes in file
//! order; in a `.sol` file they are numbered 1..n in that order.

use crate::routing::error::RoutingError;
use crate::routing::formats::{num, read_text};
use crate::routing::model::{Depot, Locations, Metric, Objective, Problem, Stop, VehicleType};
use crate::routing::solution::Solution;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

const FMT: &str = "vrplib";

/// Reads a `.vrp` file.
///
/// # Errors
/// [`RoutingError::Io`], [`RoutingError::Parse`] (with the file and line),
/// [`RoutingError::Unsupported`] for other edge weight types.
pub fn read(path: &Path) -> Result<Problem, RoutingError> {
    parse(&read_text(path)?).map_err(|e| e.in_file(path))
}

/// Parses the text of a `.vrp` file.
///
/// The reader is strict, so that a truncated or damaged file is refused rather than solved
/// as a smaller instance: `DIMENSION` is required, `NODE_COORD_SECTION` and
/// `DEMAND_SECTION` must each list exactly `DIMENSION` distinct nodes (every node with a
/// demand), every field must parse and rows carry no extra fields.
///
/// # Errors
/// As [`read`], without the I/O.
pub fn parse(text: &str) -> Result<Problem, RoutingError> {
    let mut header: HashMap<String, String> = HashMap::new();
    let mut coords: Vec<(usize, [f64; 2])> = Vec::new();
    let mut coord_ids: HashMap<usize, usize> = HashMap::new();
    let mut demands: HashMap<usize, i64> = HashMap::new();
    let mut last_line = 0;
    let mut depots: Vec<usize> = Vec::new();
    let mut section = "";
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        last_line = line_no;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.ends_with("_SECTION") {
            section = match line {
                "NODE_COORD_SECTION" | "DEMAND_SECTION" | "DEPOT_SECTION" => line,
                other => {
                    return Err(RoutingError::Unsupported {
                        format: FMT,
                        key: other.to_owned(),
                        value: String::new(),
                    });
                }
            };
            continue;
        }
        if line == "EOF" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && section.is_empty()
        {
            header.insert(k.trim().to_uppercase(), v.trim().trim_matches('"').trim().to_owned());
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        match section {
            "NODE_COORD_SECTION" => {
                if f.len() != 3 {
                    return Err(RoutingError::parse(FMT, line_no, "expected `id x y`"));
                }
                let id: usize = num(FMT, line_no, f[0], "node id")?;
                let x: f64 = num(FMT, line_no, f[1], "x")?;
                let y: f64 = num(FMT, line_no, f[2], "y")?;
                if !(x.is_finite() && y.is_finite()) {
                    return Err(RoutingError::parse(FMT, line_no, "coordinates must be finite"));
                }
                if coord_ids.insert(id, line_no).is_some() {
                    return Err(RoutingError::parse(FMT, line_no, format!("node {id} twice")));
                }
                coords.push((id, [x, y]));
            }
            "DEMAND_SECTION" => {
                if f.len() != 2 {
                    return Err(RoutingError::parse(FMT, line_no, "expected `id demand`"));
                }
                let id: usize = num(FMT, line_no, f[0], "node id")?;
                if demands.insert(id, num(FMT, line_no, f[1], "demand")?).is_some() {
                    return Err(RoutingError::parse(FMT, line_no, format!("demand of {id} twice")));
                }
            }
            "DEPOT_SECTION" => {
                if f.len() != 1 {
                    return Err(RoutingError::parse(FMT, line_no, "expected one depot id"));
                }
                let id: i64 = num(FMT, line_no, f[0], "depot id")?;
                if id < 0 {
                    section = "";
                } else {
                    depots.push(id as usize);
                }
            }
            _ => return Err(RoutingError::parse(FMT, line_no, "line outside any section")),
        }
    }
    check_counts(&header, &coords, &demands, last_line)?;
    build(&header, coords, &demands, depots)
}

/// `DIMENSION` nodes, each with coordinates and a demand: what a truncated file lacks.
/// Errors point at the last line read, where the missing rows should have been.
fn check_counts(
    header: &HashMap<String, String>,
    coords: &[(usize, [f64; 2])],
    demands: &HashMap<usize, i64>,
    last_line: usize,
) -> Result<(), RoutingError> {
    let Some(dim) = header.get("DIMENSION") else {
        return Err(RoutingError::parse(FMT, 0, "missing DIMENSION"));
    };
    let dim: usize = num(FMT, 0, dim, "DIMENSION")?;
    let count = |what: &str, got: usize| {
        let message = format!("DIMENSION is {dim} but {what} has {got} nodes (truncated file?)");
        RoutingError::parse(FMT, last_line, message)
    };
    if coords.len() != dim {
        return Err(count("NODE_COORD_SECTION", coords.len()));
    }
    if demands.len() != dim {
        return Err(count("DEMAND_SECTION", demands.len()));
    }
    if let Some((id, _)) = coords.iter().find(|(id, _)| !demands.contains_key(id)) {
        return Err(RoutingError::parse(FMT, last_line, format!("node {id} has no demand")));
    }
    Ok(())
}

fn build(
    header: &HashMap<String, String>,
    coords: Vec<(usize, [f64; 2])>,
    demands: &HashMap<usize, i64>,
    mut depots: Vec<usize>,
) -> Result<Problem, RoutingError> {
    match header.get("EDGE_WEIGHT_TYPE").map(String::as_str) {
        Some("EUC_2D") => {}
        other => {
            return Err(RoutingError::Unsupported {
                format: FMT,
                key: "EDGE_WEIGHT_TYPE".into(),
                value: other.unwrap_or("(missing)").to_owned(),
            });
        }
    }
    let capacity: i64 = match header.get("CAPACITY") {
        Some(c) => num(FMT, 0, c, "CAPACITY")?,
        None => return Err(RoutingError::parse(FMT, 0, "missing CAPACITY")),
    };
    if coords.is_empty() {
        return Err(RoutingError::parse(FMT, 0, "missing NODE_COORD_SECTION"));
    }
    if depots.is_empty() {
        depots.push(coords[0].0);
    }
    let index: HashMap<usize, usize> = coords.iter().enumerate().map(|(i, c)| (c.0, i)).collect();
    let mut depot_list = Vec::new();
    for d in &depots {
        let Some(&location) = index.get(d) else {
            return Err(RoutingError::parse(FMT, 0, format!("depot {d} has no coordinates")));
        };
        depot_list.push(Depot { id: d.to_string().into(), location });
    }
    let stops: Vec<Stop> = coords
        .iter()
        .enumerate()
        .filter(|(_, c)| !depots.contains(&c.0))
        .map(|(i, c)| Stop::new(c.0.to_string(), i, vec![demands.get(&c.0).copied().unwrap_or(0)]))
        .collect();
    let count = match header.get("VEHICLES") {
        Some(v) => num(FMT, 0, v, "VEHICLES")?,
        None => stops.len().max(1),
    };
    let max_duration = match header.get("DISTANCE") {
        Some(v) => Some(num::<f64>(FMT, 0, v, "DISTANCE")?),
        None => None,
    };
    let vehicle_types = (0..depot_list.len())
        .map(|d| {
            let mut v = VehicleType::new(format!("vehicle-{}", depots[d]), count, vec![capacity]);
            (v.start_depot, v.end_depot, v.max_duration) = (d, d, max_duration);
            v
        })
        .collect();
    Ok(Problem {
        name: header.get("NAME").cloned().unwrap_or_default(),
        locations: Locations::Coordinates {
            points: coords.into_iter().map(|c| c.1).collect(),
            metric: Metric::EuclideanRounded,
        },
        depots: depot_list,
        vehicle_types,
        stops,
        objective: Objective::default(),
    })
}

/// Writes a solution in CVRPLIB `.sol` form: `Route #k: c1 c2 ...` with stops numbered
/// 1..n in file order, then `Cost N` (the route cost; an integer when it is one).
pub fn write_sol(solution: &Solution) -> String {
    let mut out = String::new();
    for (k, r) in solution.routes.iter().enumerate() {
        let stops: Vec<String> = r.stops.iter().map(|s| (s + 1).to_string()).collect();
        let _ = writeln!(out, "Route #{}: {}", k + 1, stops.join(" "));
    }
    let cost = solution.cost;
    if (cost - cost.round()).abs() < 1e-9 {
        let _ = writeln!(out, "Cost {}", cost.round() as i64);
    } else {
        let _ = writeln!(out, "Cost {cost:.3}");
    }
    out
}

/// Reads the routes of a CVRPLIB `.sol` text as 0-based stop indices.
///
/// # Errors
/// [`RoutingError::Parse`] on a bad number or a stop numbered 0.
pub fn parse_sol(text: &str) -> Result<Vec<Vec<usize>>, RoutingError> {
    let mut routes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.trim().strip_prefix("Route") else { continue };
        let Some((_, stops)) = rest.split_once(':') else {
            return Err(RoutingError::parse(FMT, i + 1, "expected `Route #k: ...`"));
        };
        let mut r = Vec::new();
        for f in stops.split_whitespace() {
            let s: usize = num(FMT, i + 1, f, "stop number")?;
            if s == 0 {
                return Err(RoutingError::parse(FMT, i + 1, "stops are numbered from 1"));
            }
            r.push(s - 1);
        }
        routes.push(r);
    }
    Ok(routes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "NAME : t\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\n\
        CAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 0 1\nDEMAND_SECTION\n1 0\n2 5\n3 4\n\
        DEPOT_SECTION\n1\n-1\nEOF\n";

    #[test]
    fn reads_a_small_instance() {
        let p = parse(TINY).unwrap();
        assert_eq!(p.stops.len(), 2);
        assert_eq!(p.stops[1].demand, vec![4]);
        assert_eq!(p.depots[0].location, 0);
        assert_eq!(p.locations.distance(0, 1), 5.0);
        assert_eq!(p.vehicle_types[0].capacity, vec![10]);
    }

    #[test]
    fn a_bad_number_names_its_line() {
        let bad = TINY.replace("2 3 4", "2 x 4");
        let err = parse(&bad).unwrap_err();
        assert!(matches!(err, RoutingError::Parse { line: 8, .. }), "{err}");
    }

    #[test]
    fn other_edge_weights_are_refused() {
        let bad = TINY.replace("EUC_2D", "GEO");
        assert!(matches!(parse(&bad), Err(RoutingError::Unsupported { .. })));
    }

    #[test]
    fn r12_a_file_truncated_mid_section_is_refused() {
        let cut = TINY.split("3 0 1\n").next().unwrap();
        let err = parse(cut).unwrap_err();
        assert!(matches!(err, RoutingError::Parse { .. }), "{err}");
        assert!(err.to_string().contains("DIMENSION is 3"), "{err}");
        let no_demand = TINY.replace("3 4\nDEPOT", "DEPOT");
        assert!(parse(&no_demand).unwrap_err().to_string().contains("DEMAND_SECTION has 2"));
        let no_dim = TINY.replace("DIMENSION : 3\n", "");
        assert!(parse(&no_dim).unwrap_err().to_string().contains("missing DIMENSION"));
    }

    #[test]
    fn r12_extra_fields_duplicates_and_non_finite_numbers_are_refused() {
        for (from, to, line) in [
            ("2 3 4", "2 3 4 5", 8),
            ("2 3 4", "2 NaN 4", 8),
            ("3 0 1", "2 0 1", 9),
            ("2 5\n", "2 5 1\n", 12),
            ("2 5\n", "2 5.5\n", 12),
        ] {
            let err = parse(&TINY.replace(from, to)).unwrap_err();
            assert!(matches!(err, RoutingError::Parse { line: l, .. } if l == line), "{to}: {err}");
        }
    }

    #[test]
    fn r12_a_read_error_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.vrp");
        std::fs::write(&path, TINY.replace("2 3 4", "2 x 4")).unwrap();
        let err = read(&path).unwrap_err();
        assert!(err.to_string().contains("cut.vrp"), "{err}");
        assert!(matches!(err, RoutingError::Parse { line: 8, .. }), "{err}");
    }

    #[test]
    fn sol_round_trip_keeps_numbering() {
        let routes = parse_sol("Route #1: 2 1\nRoute #2: 3\nCost 10\n").unwrap();
        assert_eq!(routes, vec![vec![1, 0], vec![2]]);
    }
}
