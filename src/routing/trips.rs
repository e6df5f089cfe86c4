//! Multi-trip routes: where a route of a vehicle type that may reload
//! ([`crate::routing::model::VehicleType::max_reloads`]) goes back to its start depot.
//!
//! The search decides the order of a route's stops, as for any route; this module decides
//! where in that order the vehicle reloads: the cheapest split into at most
//! `max_reloads + 1` trips of at most the capacity each that keeps every window and the
//! shift end, exactly for the order as long as no stop and reload count holds more than
//! [`MAX_LABELS`] non-dominated labels (beyond that the shortest are kept, a heuristic). A label-setting pass over the order does it: a label is a trip that
//! starts at a stop (the depot behind it) with a distance and a time so far; each label
//! extends its trip stop by stop while the load fits and the windows hold, and at each end
//! either closes the route or reloads and opens the next trip. Labels at the same stop and
//! reload count that are no shorter and no earlier than another are dropped (leaving later
//! never arrives earlier, so they cannot end cheaper).
//!
//! # Complexity
//! O(len x trip x (max_reloads + 1) x labels), `trip` the stops one trip holds (the loads
//! bound it) and `labels` the non-dominated ones kept per stop and count, at most
//! [`MAX_LABELS`]. The search prices an insertion into such a route by splitting it again
//! (no O(1) check), so routes of these types are slower to search than others.

use crate::routing::compiled::{Compiled, UNREACHABLE};

/// Most labels kept per stop and reload count (the shortest ones): a bound on the work of
/// one split whatever the windows make of the dominance.
const MAX_LABELS: usize = 8;

/// Where a route reloads and what it costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    /// After how many stops it reloads, ascending (empty: one trip).
    pub reloads: Vec<u32>,
    /// Distance driven, reload detours included (fixed point).
    pub dist: i64,
    /// When it ends (fixed point).
    pub back: i64,
}

/// A trip that starts at stop `at` of the order, from the depot.
#[derive(Debug, Clone, Copy)]
struct Label {
    dist: i64,
    /// When the vehicle leaves the depot for this trip.
    time: i64,
    /// The label of the trip before (`u32::MAX` for the first).
    parent: u32,
    at: u32,
}

/// The cheapest split of `stops` (in this order) for vehicle type `kind`, or `None` when no
/// split into at most `max_reloads + 1` trips keeps the capacity, the windows, the shift
/// end and the distance limit.
pub(crate) fn split(c: &Compiled, kind: u32, stops: &[u32]) -> Option<Split> {
    split_below(c, kind, stops, f64::INFINITY)
}

/// [`split`] when only a split whose variable cost (distance and time, no fixed cost) is
/// below `limit` matters (`None` otherwise): a trip is given up as soon as what it has
/// driven and spent costs `limit` or the best complete split so far, which is what makes
/// pricing an insertion by splitting affordable (the caller's best place so far bounds
/// every other).
pub(crate) fn split_below(c: &Compiled, kind: u32, stops: &[u32], limit: f64) -> Option<Split> {
    let k = &c.kinds[kind as usize];
    let m = stops.len();
    let arcs = c.arcs_of(kind);
    let depot = k.start_loc;
    let reloads = k.max_reloads as usize;
    if m == 0 {
        // An empty tour, as [`crate::routing::plan::Tour::update`] prices one.
        let (d, t) = arcs.dist_time(k.start_loc, k.end_loc);
        let back = k.shift_start + i64::from(t);
        return Some(Split { reloads: Vec::new(), dist: i64::from(d), back });
    }
    // labels[at * (reloads + 1) + r]: trips that start at stop `at` after `r` reloads.
    let width = reloads + 1;
    let mut arena: Vec<Label> =
        vec![Label { dist: 0, time: k.shift_start, parent: u32::MAX, at: 0 }];
    let mut open: Vec<Vec<u32>> = vec![Vec::new(); (m + 1) * width];
    open[0].push(0);
    let mut best: Option<(f64, u32, i64, i64)> = None;
    let mut load = vec![0i64; c.dims];
    for at in 0..m {
        for r in 0..width {
            let here = std::mem::take(&mut open[at * width + r]);
            for &li in &here {
                let l = arena[li as usize];
                let (mut dist, mut now) = (l.dist, l.time);
                load.fill(0);
                let mut prev = depot;
                for (end, &s) in stops.iter().enumerate().skip(at) {
                    let fits =
                        load.iter_mut().zip(c.demand(s)).zip(&k.capacity).all(|((x, d), cap)| {
                            *x += d;
                            *x <= *cap
                        });
                    if !fits {
                        break;
                    }
                    let u = c.loc[s as usize];
                    let (d, t) = arcs.dist_time(prev, u);
                    if d >= UNREACHABLE || t >= UNREACHABLE {
                        break;
                    }
                    let start = c.start(s as usize, now + i64::from(t));
                    if start > c.due[s as usize] {
                        break;
                    }
                    dist += i64::from(d);
                    now = start + c.service[s as usize];
                    prev = u;
                    // Distance and time only grow along a trip and after it: bound.
                    let spent =
                        k.per_dist * dist as f64 + k.per_time * (now - k.shift_start) as f64;
                    if spent >= best.map_or(limit, |b| b.0.min(limit)) {
                        break;
                    }
                    let next = end + 1;
                    if next == m {
                        let (d, t) = arcs.dist_time(u, k.end_loc);
                        let back = now + i64::from(t);
                        let total = dist + i64::from(d);
                        // Each reload drives one arc more than the stops alone.
                        if d < UNREACHABLE
                            && t < UNREACHABLE
                            && back <= k.latest_end
                            && c.dist_ok(kind, total, m + r)
                        {
                            let cost = k.per_dist * total as f64
                                + k.per_time * (back - k.shift_start) as f64;
                            if cost < limit && best.is_none_or(|b| cost < b.0) {
                                best = Some((cost, li, total, back));
                            }
                        }
                    } else if r < reloads {
                        let (d, t) = arcs.dist_time(u, depot);
                        let ready = now + i64::from(t) + k.reload_time;
                        if d < UNREACHABLE && t < UNREACHABLE && ready <= k.latest_end {
                            let label = Label {
                                dist: dist + i64::from(d),
                                time: ready,
                                parent: li,
                                at: next as u32,
                            };
                            offer(&mut arena, &mut open[next * width + r + 1], label);
                        }
                    }
                }
            }
        }
    }
    let (_, mut li, dist, back) = best?;
    let mut reloads = Vec::new();
    while li != u32::MAX {
        let l = arena[li as usize];
        if l.parent != u32::MAX {
            reloads.push(l.at);
        }
        li = l.parent;
    }
    reloads.reverse();
    Some(Split { reloads, dist, back })
}

/// Keeps `label` among `set` unless one there is no longer and no later; drops those it
/// beats, and the longest beyond [`MAX_LABELS`].
fn offer(arena: &mut Vec<Label>, set: &mut Vec<u32>, label: Label) {
    if set.iter().any(|&i| {
        let o = &arena[i as usize];
        o.dist <= label.dist && o.time <= label.time
    }) {
        return;
    }
    set.retain(|&i| {
        let o = &arena[i as usize];
        !(label.dist <= o.dist && label.time <= o.time)
    });
    if set.len() >= MAX_LABELS {
        let worst =
            set.iter().enumerate().max_by_key(|&(_, &i)| arena[i as usize].dist).map(|(k, _)| k);
        match worst {
            Some(w) if arena[set[w] as usize].dist > label.dist => {
                set.swap_remove(w);
            }
            _ => return,
        }
    }
    set.push(arena.len() as u32);
    arena.push(label);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::model::{
        Depot, Locations, Metric, Objective, Problem, Stop, TimeWindow, VehicleType,
    };
    use proptest::prelude::*;

    /// The schedule of `stops` with reloads before the positions in `reloads`, simulated in
    /// the compiled integers: `(dist, back)`, `None` when a trip overflows, a window closes,
    /// the shift ends or the distance limit breaks.
    fn simulate(c: &Compiled, kind: u32, stops: &[u32], reloads: &[u32]) -> Option<(i64, i64)> {
        let k = &c.kinds[kind as usize];
        let depot = k.start_loc;
        let (mut at, mut dist, mut now) = (depot, 0i64, k.shift_start);
        let mut load = vec![0i64; c.dims];
        for (p, &s) in stops.iter().enumerate() {
            if reloads.contains(&(p as u32)) {
                let (d, t) = c.kdt(kind, at, depot);
                dist += i64::from(d);
                now += i64::from(t) + k.reload_time;
                at = depot;
                load.fill(0);
            }
            for (x, d) in load.iter_mut().zip(c.demand(s)) {
                *x += d;
            }
            if load.iter().zip(&k.capacity).any(|(x, cap)| x > cap) {
                return None;
            }
            let (d, t) = c.kdt(kind, at, c.loc[s as usize]);
            dist += i64::from(d);
            now = c.start(s as usize, now + i64::from(t));
            if now > c.due[s as usize] {
                return None;
            }
            now += c.service[s as usize];
            at = c.loc[s as usize];
        }
        let (d, t) = c.kdt(kind, at, k.end_loc);
        dist += i64::from(d);
        now += i64::from(t);
        let ok = now <= k.latest_end && c.dist_ok(kind, dist, stops.len() + reloads.len());
        ok.then_some((dist, now))
    }

    fn compiled(
        points: Vec<(f64, f64)>,
        windows: Vec<Option<(f64, f64)>>,
        cap: i64,
        reloads: usize,
        shift_end: f64,
    ) -> Compiled {
        let stops = (1..points.len())
            .map(|i| {
                let mut s = Stop::new(format!("s{i}"), i, vec![1 + (i % 3) as i64]);
                s.service_time = 2.0;
                if let Some(Some((a, w))) = windows.get(i - 1) {
                    s.time_window = TimeWindow { start: *a, end: a + w };
                }
                s
            })
            .collect();
        let mut van = VehicleType::new("van", 1, vec![cap]);
        van.max_reloads = reloads;
        van.reload_time = 5.0;
        van.shift = TimeWindow { start: 0.0, end: shift_end };
        let p = Problem {
            profiles: Vec::new(),
            name: "trips".into(),
            locations: Locations::Coordinates {
                points: points.into_iter().map(|(x, y)| [x, y]).collect(),
                metric: Metric::EuclideanRounded,
            },
            depots: vec![Depot { id: "d".into(), location: 0 }],
            vehicle_types: vec![van],
            stops,
            objective: Objective::default(),
            shipments: Vec::new(),
        };
        Compiled::new(&p, u64::MAX, 1).unwrap()
    }

    #[test]
    fn r13_an_empty_tour_splits_into_one_empty_trip() {
        let c = compiled(vec![(0.0, 0.0), (3.0, 4.0)], Vec::new(), 3, 2, 500.0);
        assert_eq!(split(&c, 0, &[]), Some(Split { reloads: Vec::new(), dist: 0, back: 0 }));
    }

    proptest! {
        /// The split is the cheapest feasible set of at most `max_reloads` reload positions
        /// (every subset tried), and its reloads reproduce its distance and end.
        #[test]
        fn r13_the_split_is_the_cheapest_feasible_one(
            points in prop::collection::vec((0.0f64..100.0, 0.0f64..100.0), 2..9),
            windows in prop::collection::vec(prop::option::weighted(0.3, (0.0f64..300.0, 20.0f64..200.0)), 8),
            cap in 2i64..7,
            reloads in 1usize..4,
            shift_end in 300.0f64..1500.0,
        ) {
            let c = compiled(points, windows, cap, reloads, shift_end);
            let stops: Vec<u32> = (0..c.n as u32).collect();
            let m = stops.len();
            let mut best: Option<i64> = None;
            for mask in 0u32..(1 << m.saturating_sub(1)) {
                let chosen: Vec<u32> = (1..m as u32).filter(|&p| mask & (1 << (p - 1)) != 0).collect();
                if chosen.len() > reloads {
                    continue;
                }
                if let Some((d, _)) = simulate(&c, 0, &stops, &chosen) {
                    best = Some(best.map_or(d, |b: i64| b.min(d)));
                }
            }
            let got = split(&c, 0, &stops);
            prop_assert_eq!(got.as_ref().map(|s| s.dist), best);
            // Bounded: found just above its cost, not at it.
            if let Some(sp) = &got {
                let cost = sp.dist as f64;
                let above = split_below(&c, 0, &stops, cost + 0.5);
                prop_assert_eq!(above.as_ref(), Some(sp));
                prop_assert_eq!(split_below(&c, 0, &stops, cost), None);
            }
            if let Some(sp) = got {
                prop_assert!(sp.reloads.len() <= reloads);
                prop_assert_eq!(simulate(&c, 0, &stops, &sp.reloads), Some((sp.dist, sp.back)));
            }
        }
    }
}
