//! CVRPLIB `.sol` solutions: `Route #k: c1 c2 ...`, then `Cost N`.
//!
//! Customers are numbered 1..n in the instance's node order with the depots left out: for
//! the usual single depot at node 1 that is `node - 1`, the numbering of CVRPLIB and of
//! the ORTEC (EURO-NeurIPS 2022) solutions. The cost is the solution's route cost, which
//! for these instances is the instance's objective (total distance for CVRP, total
//! driving duration for ORTEC).

use super::FMT;
use crate::routing::error::RoutingError;
use crate::routing::formats::num;
use crate::routing::solution::Solution;
use std::fmt::Write as _;

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

    #[test]
    fn sol_round_trip_keeps_numbering() {
        let routes = parse_sol("Route #1: 2 1\nRoute #2: 3\nCost 10\n").unwrap();
        assert_eq!(routes, vec![vec![1, 0], vec![2]]);
    }
}
