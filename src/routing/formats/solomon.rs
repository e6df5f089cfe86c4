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
/// [`RoutingError::Io`], or [`RoutingError::Parse`] naming the file and line.
pub fn read(path: &Path) -> Result<Problem, RoutingError> {
    parse(&read_text(path)?).map_err(|e| e.in_file(path))
}

/// Where the reader is in the file's fixed layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Expecting `VEHICLE`.
    Vehicle,
    /// Expecting the `NUMBER CAPACITY` caption.
    FleetCaption,
    /// Expecting the fleet row.
    Fleet,
    /// Expecting `CUSTOMER`.
    Customer,
    /// Expecting the `CUST NO. ...` caption.
    CustomerCaption,
    /// In the customer rows.
    Rows,
}

/// Parses the text of a Solomon file.
///
/// The reader is strict so that a damaged file is refused rather than read as a different
/// instance: the blocks come in their fixed order, every customer row has 7 fields that all
/// parse (demand as an integer, the others as finite numbers), and customers are numbered
/// 0, 1, 2, ... without gaps, so a dropped or garbled row is an error naming its line.
///
/// # Errors
/// [`RoutingError::Parse`] naming the line.
pub fn parse(text: &str) -> Result<Problem, RoutingError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    let name = lines.next().map(|(_, l)| l.to_owned()).unwrap_or_default();
    let mut fleet: Option<(usize, i64)> = None;
    let mut rows: Vec<[f64; 7]> = Vec::new();
    let mut demands: Vec<i64> = Vec::new();
    let mut part = Part::Vehicle;
    for (no, line) in lines {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        let expect = |what: &str| RoutingError::parse(FMT, no, format!("expected {what}"));
        part = match part {
            Part::Vehicle if line == "VEHICLE" => Part::FleetCaption,
            Part::Vehicle => return Err(expect("`VEHICLE`")),
            Part::FleetCaption if f[0] == "NUMBER" => Part::Fleet,
            Part::FleetCaption => return Err(expect("`NUMBER CAPACITY`")),
            Part::Fleet => {
                if f.len() != 2 {
                    return Err(expect("`NUMBER CAPACITY` values"));
                }
                fleet = Some((num(FMT, no, f[0], "NUMBER")?, num(FMT, no, f[1], "CAPACITY")?));
                Part::Customer
            }
            Part::Customer if line == "CUSTOMER" => Part::CustomerCaption,
            Part::Customer => return Err(expect("`CUSTOMER`")),
            Part::CustomerCaption if f[0] == "CUST" => Part::Rows,
            Part::CustomerCaption => return Err(expect("the `CUST NO. ...` caption")),
            Part::Rows => {
                if f.len() != 7 {
                    return Err(expect("7 fields per customer"));
                }
                let id: usize = num(FMT, no, f[0], "customer number")?;
                if id != rows.len() {
                    let message = format!("customer {id} where {} was expected", rows.len());
                    return Err(RoutingError::parse(FMT, no, message));
                }
                let mut row = [0.0; 7];
                for (k, (x, field)) in row.iter_mut().zip(&f).enumerate() {
                    let value: f64 = num(FMT, no, field, "number")?;
                    if !value.is_finite() {
                        return Err(RoutingError::parse(FMT, no, format!("`{field}` not finite")));
                    }
                    *x = value;
                    if k == 3 {
                        demands.push(num(FMT, no, field, "integer demand")?);
                    }
                }
                rows.push(row);
                Part::Rows
            }
        };
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
            demand: vec![demands.get(i).copied().unwrap_or_default()],
            service_time: r[6],
            time_window: TimeWindow { start: r[4], end: r[5] },
            ..Stop::new(format!("{}", r[0]), i, Vec::new())
        })
        .collect();
    let mut vehicle = VehicleType::new("vehicle", count, vec![capacity]);
    vehicle.shift = TimeWindow { start: depot[4], end: depot[5] };
    Ok(Problem {
        profiles: Vec::new(),
        name,
        locations: Locations::Coordinates {
            points: rows.iter().map(|r| [r[1], r[2]]).collect(),
            metric: Metric::Euclidean,
        },
        depots: vec![Depot { id: "0".into(), location: 0 }],
        vehicle_types: vec![vehicle],
        stops,
        objective: Objective { vehicles_first: true, ..Objective::default() },
        shipments: Vec::new(),
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
    fn r12_a_row_that_is_not_a_customer_is_refused_not_dropped() {
        for (from, to) in [
            ("1 3 4 10 5 20 2", "x1 3 4 10 5 20 2"),
            ("1 3 4 10 5 20 2", "1 3 4 NaN 5 20 2"),
            ("1 3 4 10 5 20 2", "1 3 4 10.9 5 20 2"),
            ("1 3 4 10 5 20 2", "1 3 4 10 inf 20 2"),
            ("1 3 4 10 5 20 2", "3 3 4 10 5 20 2"),
        ] {
            let err = parse(&TINY.replace(from, to)).unwrap_err();
            assert!(matches!(err, RoutingError::Parse { line: 11, .. }), "{to}: {err}");
        }
        let garbage = format!("{TINY}garbage\n");
        assert!(matches!(parse(&garbage), Err(RoutingError::Parse { line: 13, .. })));
        let no_fleet = TINY.replace("  2         50\n", "");
        assert!(parse(&no_fleet).is_err());
    }

    #[test]
    fn r12_a_read_error_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.txt");
        std::fs::write(&path, TINY.replace("1 3 4 10 5 20 2", "1 3 4 NaN 5 20 2")).unwrap();
        let err = read(&path).unwrap_err();
        assert!(err.to_string().contains("bad.txt line 11"), "{err}");
    }

    #[test]
    fn a_short_row_names_its_line() {
        let bad = TINY.replace("1 3 4 10 5 20 2", "1 3 4 10 5 20");
        assert!(matches!(parse(&bad), Err(RoutingError::Parse { line: 11, .. })));
    }
}
