//! Solomon VRPTW text files (also used by Gehring and Homberger).
//!
//! Line 1 is the name; the `VEHICLE` block gives `NUMBER CAPACITY`; the `CUSTOMER` block
//! has one row per node `no x y demand ready due service`, node 0 being the depot whose
//! window is the planning horizon. Distances and times are exact Euclidean and the
//! objective is hierarchical (vehicles, then distance), as for the published best-known
//! solutions.

use crate::routing::error::RoutingError;
use crate::routing::formats::{num, read_text};
use crate::routing::model::{
    Depot, Locations, Metric, Objective, Problem, Stop, TimeWindow, VehicleType,
};
use std::path::Path;

const FMT: &str = "solomon";

/// Reads a Solomon file.
///
/// # Errors
/// [`RoutingError::Io`], or [`RoutingError::Parse`] naming the line.
pub fn read(path: &Path) -> Result<Problem, RoutingError> {
    parse(&read_text(path)?)
}

/// Parses the text of a Solomon file.
///
/// # Errors
/// [`RoutingError::Parse`] naming the line.
pub fn parse(text: &str) -> Result<Problem, RoutingError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    let name = lines.next().map(|(_, l)| l.to_owned()).unwrap_or_default();
    let mut fleet: Option<(usize, i64)> = None;
    let mut rows: Vec<[f64; 7]> = Vec::new();
    let mut in_customers = false;
    for (no, line) in lines {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        if line.starts_with("CUSTOMER") {
            in_customers = true;
            continue;
        }
        let numeric = f[0].chars().all(|c| c.is_ascii_digit());
        if !numeric {
            continue;
        }
        if !in_customers {
            if f.len() != 2 {
                return Err(RoutingError::parse(FMT, no, "expected `NUMBER CAPACITY`"));
            }
            fleet = Some((num(FMT, no, f[0], "NUMBER")?, num(FMT, no, f[1], "CAPACITY")?));
        } else {
            if f.len() != 7 {
                return Err(RoutingError::parse(FMT, no, "expected 7 fields per customer"));
            }
            let mut row = [0.0; 7];
            for (x, field) in row.iter_mut().zip(&f) {
                *x = num(FMT, no, field, "number")?;
            }
            rows.push(row);
        }
    }
    let Some((count, capacity)) = fleet else {
        return Err(RoutingError::parse(FMT, 0, "missing VEHICLE block"));
    };
    let Some(depot) = rows.first().copied() else {
        return Err(RoutingError::parse(FMT, 0, "missing CUSTOMER rows"));
    };
    let stops = rows
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, r)| Stop {
            id: format!("{}", r[0]).into(),
            location: i,
            demand: vec![r[3] as i64],
            service_time: r[6],
            time_window: TimeWindow { start: r[4], end: r[5] },
            unserved_penalty: None,
        })
        .collect();
    let mut vehicle = VehicleType::new("vehicle", count, vec![capacity]);
    vehicle.shift = TimeWindow { start: depot[4], end: depot[5] };
    Ok(Problem {
        name,
        locations: Locations::Coordinates {
            points: rows.iter().map(|r| [r[1], r[2]]).collect(),
            metric: Metric::Euclidean,
        },
        depots: vec![Depot { id: "0".into(), location: 0 }],
        vehicle_types: vec![vehicle],
        stops,
        objective: Objective { vehicles_first: true, unserved_penalty: None },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "T1\n\nVEHICLE\nNUMBER     CAPACITY\n  2         50\n\nCUSTOMER\n\
        CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n\
        0 0 0 0 0 100 0\n1 3 4 10 5 20 2\n2 0 1 5 0 50 1\n";

    #[test]
    fn reads_fleet_windows_and_depot_horizon() {
        let p = parse(TINY).unwrap();
        assert_eq!(p.name, "T1");
        assert_eq!(p.stops.len(), 2);
        assert_eq!(p.stops[0].time_window, TimeWindow { start: 5.0, end: 20.0 });
        assert_eq!(p.stops[0].service_time, 2.0);
        assert_eq!(p.vehicle_types[0].count, 2);
        assert_eq!(p.vehicle_types[0].shift.end, 100.0);
        assert!(p.objective.vehicles_first);
    }

    #[test]
    fn a_short_row_names_its_line() {
        let bad = TINY.replace("1 3 4 10 5 20 2", "1 3 4 10 5 20");
        assert!(matches!(parse(&bad), Err(RoutingError::Parse { line: 11, .. })));
    }
}
