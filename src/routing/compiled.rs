//! The integer form of a [`Problem`] that the search works on.
//!
//! Distances and times become `i32` matrices in fixed point: scale 1 when every distance
//! is already an integer (CVRPLIB rounded edges), otherwise x1000. Travel *times* are
//! rounded up and distances to the nearest unit, so a schedule the solver calls feasible is
//! feasible in real numbers too (the checker confirms it from the raw instance). Vehicles of
//! one type are interchangeable, so the search only counts how many of each type it uses.

use crate::routing::error::{RoutingError, matrix_buffer};
use crate::routing::model::{Locations, Metric, Problem};
use rayon::prelude::*;

/// Largest number of locations the dense matrices accept (two `i32` matrices of 6000^2
/// entries take about 290 MB).
pub const MAX_LOCATIONS: usize = 6000;

/// Marks an unreachable pair in the integer matrices.
pub(crate) const UNREACHABLE: i32 = i32::MAX / 4;

/// A time no schedule reaches (an open window end).
pub(crate) const NEVER: i64 = i64::MAX / 8;

/// One vehicle type in integer form.
#[derive(Debug, Clone)]
pub(crate) struct Kind {
    pub count: usize,
    pub capacity: Vec<i64>,
    pub start_loc: u32,
    pub end_loc: u32,
    pub shift_start: i64,
    pub latest_end: i64,
    /// Fixed cost in internal cost units (includes the vehicle weight when
    /// `vehicles_first`).
    pub fixed: f64,
    pub per_dist: f64,
    pub per_time: f64,
}

/// The compiled problem.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub n: usize,
    pub nloc: usize,
    pub dims: usize,
    /// Integer units per problem unit.
    pub scale: f64,
    pub dist: Vec<i32>,
    pub time: Vec<i32>,
    pub loc: Vec<u32>,
    pub demand: Vec<i64>,
    pub service: Vec<i64>,
    pub ready: Vec<i64>,
    pub due: Vec<i64>,
    pub penalty: Vec<f64>,
    pub kinds: Vec<Kind>,
    /// Weight of one vehicle in the hierarchical objective (0 when not hierarchical).
    pub vehicle_weight: f64,
    /// Mean distance between stops (sampled), for scale-free temperatures.
    pub mean_dist: f64,
}

impl Compiled {
    pub fn new(p: &Problem) -> Result<Self, RoutingError> {
        p.validate()?;
        let nloc = p.locations.len();
        if nloc > MAX_LOCATIONS {
            return Err(RoutingError::TooLarge { locations: nloc, limit: MAX_LOCATIONS });
        }
        let scale = match &p.locations {
            Locations::Coordinates { metric: Metric::EuclideanRounded, .. } => 1.0,
            _ => 1000.0,
        };
        let (dist, time) = matrices(&p.locations, scale)?;
        // Starts round up and ends down, so integer feasibility implies real feasibility.
        let up = |x: f64| -> i64 { if x.is_finite() { (x * scale).ceil() as i64 } else { NEVER } };
        let down =
            |x: f64| -> i64 { if x.is_finite() { (x * scale).floor() as i64 } else { NEVER } };
        let dims = p.dimensions();
        let n = p.stops.len();
        let mut c = Compiled {
            n,
            nloc,
            dims,
            scale,
            dist,
            time,
            loc: p.stops.iter().map(|s| s.location as u32).collect(),
            demand: p.stops.iter().flat_map(|s| s.demand.iter().copied()).collect(),
            service: p.stops.iter().map(|s| (s.service_time * scale).ceil() as i64).collect(),
            ready: p.stops.iter().map(|s| up(s.time_window.start)).collect(),
            due: p.stops.iter().map(|s| down(s.time_window.end)).collect(),
            penalty: Vec::new(),
            kinds: Vec::new(),
            vehicle_weight: 0.0,
            mean_dist: 1.0,
        };
        let max_d = c.dist.iter().filter(|&&d| d < UNREACHABLE).max().copied().unwrap_or(0) as f64;
        let max_t = c.time.iter().filter(|&&d| d < UNREACHABLE).max().copied().unwrap_or(0) as f64;
        let max_fixed = p.vehicle_types.iter().map(|v| v.fixed_cost).fold(0.0, f64::max) * scale;
        let max_pd = p.vehicle_types.iter().map(|v| v.cost_per_distance).fold(0.0, f64::max);
        let max_pt = p.vehicle_types.iter().map(|v| v.cost_per_time).fold(0.0, f64::max);
        let serve_bound = max_fixed + 2.0 * (max_pd * max_d + max_pt * max_t) + 1.0;
        if p.objective.vehicles_first {
            // More than any set of routes can cost in distance and time.
            c.vehicle_weight = (n as f64 + 2.0) * serve_bound * 4.0;
        }
        let auto_penalty = 10.0 * serve_bound + 2.0 * c.vehicle_weight;
        c.penalty = p
            .stops
            .iter()
            .map(|s| {
                s.unserved_penalty
                    .or(p.objective.unserved_penalty)
                    .map_or(auto_penalty, |x| x * scale)
            })
            .collect();
        c.kinds = p
            .vehicle_types
            .iter()
            .map(|v| Kind {
                count: v.count,
                capacity: v.capacity.clone(),
                start_loc: p.depots[v.start_depot].location as u32,
                end_loc: p.depots[v.end_depot].location as u32,
                shift_start: up(v.shift.start),
                latest_end: down(v.latest_end()),
                fixed: v.fixed_cost * scale + c.vehicle_weight,
                per_dist: v.cost_per_distance,
                per_time: v.cost_per_time,
            })
            .collect();
        c.mean_dist = mean_stop_distance(&c);
        Ok(c)
    }

    #[inline]
    pub fn d(&self, a: u32, b: u32) -> i32 {
        self.dist[a as usize * self.nloc + b as usize]
    }

    #[inline]
    pub fn t(&self, a: u32, b: u32) -> i32 {
        self.time[a as usize * self.nloc + b as usize]
    }

    #[inline]
    pub fn demand(&self, stop: u32) -> &[i64] {
        let s = stop as usize * self.dims;
        &self.demand[s..s + self.dims]
    }

    /// Whether any stop has a binding time window or any shift ends.
    pub fn has_time_windows(&self) -> bool {
        self.due.iter().any(|&d| d < NEVER) || self.kinds.iter().any(|k| k.latest_end < NEVER)
    }
}

fn matrices(loc: &Locations, scale: f64) -> Result<(Vec<i32>, Vec<i32>), RoutingError> {
    let n = loc.len();
    let mut dist = matrix_buffer(n)?;
    let mut time = matrix_buffer(n)?;
    let conv = |x: f64, up: bool| -> i32 {
        let v = x * scale;
        if !v.is_finite() || v >= UNREACHABLE as f64 {
            UNREACHABLE
        } else if up {
            v.ceil() as i32
        } else {
            v.round() as i32
        }
    };
    let rows: Vec<(Vec<i32>, Vec<i32>)> = (0..n)
        .into_par_iter()
        .map(|a| {
            let d = (0..n).map(|b| conv(loc.distance(a, b), false)).collect();
            // Times round up so integer feasibility implies real feasibility.
            let t = (0..n).map(|b| conv(loc.duration(a, b), true)).collect();
            (d, t)
        })
        .collect();
    for (d, t) in rows {
        dist.extend(d);
        time.extend(t);
    }
    Ok((dist, time))
}

fn mean_stop_distance(c: &Compiled) -> f64 {
    let n = c.n;
    if n < 2 {
        return 1.0;
    }
    let step = (n / 64).max(1);
    let (mut sum, mut k) = (0.0, 0u64);
    for i in (0..n).step_by(step) {
        for j in (0..n).step_by(step) {
            let d = c.d(c.loc[i], c.loc[j]);
            if i != j && d < UNREACHABLE {
                sum += d as f64;
                k += 1;
            }
        }
    }
    if k == 0 { 1.0 } else { (sum / k as f64).max(1.0) }
}
