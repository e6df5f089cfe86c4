//! Shipments (pickup-and-delivery pairs) in the search: the load profile a tour keeps, the
//! precedence rule, and the insertion of a pair into a tour.
//!
//! Without shipments a route's load is highest at the depot (every demand is loaded
//! there), so one number per dimension decides capacity. With them the load rises at
//! pickups and falls at deliveries, so each tour keeps its *profile*, the load after
//! leaving every position, and its running maximum from the start; then
//! - a depot delivery inserted at `pos` raises the load at positions `0..=pos` by its
//!   demand: it fits iff `pre_peak[pos] + d <= capacity` (O(1));
//! - a pair inserted with its pickup after position `p` and its delivery after position
//!   `q >= p` raises the load on `p..=q`: it fits iff `max(profile[p..=q]) + d <=
//!   capacity`, kept as a running maximum while `q` grows.
//!
//! The schedule of a pair insertion is checked by pushing the pickup's delay forward
//! through the positions between the two (O(q - p), incrementally as `q` grows), then the
//! delivery against the cached latest arrival (`Tour::latest`) as a single insertion is.
//! So one tour costs O(len^2) at worst; the scan over `p` stops once the tour leaves
//! after the pickup's last window, and over `q` once the load no longer fits or the tour
//! leaves after the delivery's last window, which on the Li & Lim families keeps it
//! close to linear.
//!
//! A tour's own part (its load profile, the precedence rule, partners in a ruin, the cost
//! of a pair alone) lives with the tour in [`crate::routing::plan`], which this module
//! builds on. Every function here is called only when [`Compiled::paired`]; problems
//! without shipments never reach this module.

use crate::routing::break_schedule::earliest_return;
use crate::routing::compiled::{Compiled, UNREACHABLE};
use crate::routing::plan::{Plan, Tour};
#[cfg(test)]
use crate::routing::plan::{ordered, with_partners};
use std::sync::Arc;

/// Where a stop or a pair goes in one tour and what it costs there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    /// Insert (the pickup, or the lone stop) before `stops[p]`.
    pub p: u32,
    /// Insert the delivery before the original `stops[q]` (`q >= p`; unused for a lone stop).
    pub q: u32,
    /// Cost change, in internal units.
    pub delta: f64,
}

/// The cheapest feasible place for a stop in no shipment in tour `t`, skipping positions
/// for which `blink` says so.
pub(crate) fn best_single(
    plan: &Plan,
    c: &Compiled,
    t: &Tour,
    stop: u32,
    mut blink: impl FnMut() -> bool,
) -> Option<Place> {
    let k = &c.kinds[t.kind as usize];
    if t.stops.len() >= k.max_stops || !c.skilled(t.kind, stop) {
        return None;
    }
    let (dims, d, due) = (c.dims, c.demand(stop), c.due[stop as usize]);
    let back = c.backhaul(stop);
    let mut best: Option<Place> = None;
    for pos in 0..=t.stops.len() {
        if t.depart[pos] > due {
            break;
        }
        let peak = &t.pre_peak[pos * dims..(pos + 1) * dims];
        if peak.iter().zip(d).zip(&k.capacity).any(|((l, d), cap)| l + d > *cap) {
            // The running maximum only grows: no later position fits either.
            break;
        }
        // A backhaul rides from the stop to the end: the later peak must take it.
        if !back.is_empty() {
            let later = &t.post_peak[pos * dims..(pos + 1) * dims];
            if later.iter().zip(back).zip(&k.capacity).any(|((l, b), cap)| l + b > *cap) {
                continue;
            }
        }
        if blink() {
            continue;
        }
        let bound = best.map_or(f64::INFINITY, |b| b.delta);
        if let Some(delta) = plan.insertion(c, t, stop, pos, bound)
            && best.is_none_or(|b| delta < b.delta)
        {
            best = Some(Place { p: pos as u32, q: pos as u32, delta });
        }
    }
    best
}

/// The cheapest feasible place for the pair `pickup` -> `delivery` in tour `t` (module
/// docs), skipping candidates for which `blink` says so. `peak` is a scratch buffer.
///
/// # Complexity
/// O(len^2) at worst, usually far less (module docs).
pub(crate) fn best_pair(
    c: &Compiled,
    t: &Tour,
    pickup: u32,
    delivery: u32,
    peak: &mut Vec<i64>,
    mut blink: impl FnMut() -> bool,
) -> Option<Place> {
    let k = &c.kinds[t.kind as usize];
    let m = t.stops.len();
    if m + 2 > k.max_stops || !c.skilled(t.kind, pickup) || !c.skilled(t.kind, delivery) {
        return None;
    }
    let (si, sj) = (pickup as usize, delivery as usize);
    let (ui, uj) = (c.loc[si], c.loc[sj]);
    let (dims, d) = (c.dims, c.demand(pickup));
    let over = |load: &[i64]| load.iter().zip(d).zip(&k.capacity).any(|((l, d), c)| l + d > *c);
    let reach = |(d, t): (i32, i32)| d < UNREACHABLE && t < UNREACHABLE;
    let arcs = c.arcs_of(t.kind);
    let (dij, tij) = arcs.dist_time(ui, uj);
    if !reach((dij, tij)) {
        return None;
    }
    let time_cost = k.per_time != 0.0;
    let serve = c.service[si] + c.service[sj];
    let mut best: Option<Place> = None;
    let consider = |p: usize, q: usize, dd: i64, dt: i64, best: &mut Option<Place>| {
        if !c.dist_ok(t.kind, t.dist + dd, m + 2) {
            return;
        }
        let mut delta = k.per_dist * dd as f64;
        if c.breaks(t.kind) {
            // The checks so far leave the breaks out (a relaxation); this one decides.
            let (before, rest) = t.stops.split_at(p);
            let (between, after) = rest.split_at(q - p);
            let all = (before.iter().copied().chain([pickup]).chain(between.iter().copied()))
                .chain([delivery])
                .chain(after.iter().copied());
            let Some(back) = earliest_return(c, t.kind, all) else { return };
            delta += k.per_time * (back - t.back) as f64;
        } else if time_cost {
            delta += k.per_time * (dt + serve) as f64;
        }
        if best.is_none_or(|b| delta < b.delta) {
            *best = Some(Place { p: p as u32, q: q as u32, delta });
        }
    };
    for p in 0..=m {
        if t.depart[p] > c.due[si] {
            break;
        }
        let profile_p = &t.profile[p * dims..(p + 1) * dims];
        if over(profile_p) {
            continue;
        }
        let (a, b) = (t.locs[p], t.locs[p + 1]);
        let (dai, tai) = arcs.dist_time(a, ui);
        if !reach((dai, tai)) {
            continue;
        }
        let start_i = c.start(si, t.depart[p] + i64::from(tai));
        if start_i > c.due[si] {
            continue;
        }
        let dep_i = start_i + c.service[si];
        let (dab, tab) = (i64::from(t.arc[p]), i64::from(arcs.time(a, b)));
        // The delivery right after the pickup.
        let start_j = c.start(sj, dep_i + i64::from(tij));
        let (djb, tjb) = arcs.dist_time(uj, b);
        if start_j <= c.due[sj]
            && reach((djb, tjb))
            && start_j + c.service[sj] + i64::from(tjb) <= t.latest[p + 1]
            && !blink()
        {
            let dd = i64::from(dai) + i64::from(dij) + i64::from(djb) - dab;
            let dt = i64::from(tai) + i64::from(tij) + i64::from(tjb) - tab;
            consider(p, p, dd, dt, &mut best);
        }
        // The delivery after one of the stops that follow.
        if p == m {
            continue;
        }
        let (dib, tib) = arcs.dist_time(ui, b);
        if !reach((dib, tib)) || dep_i + i64::from(tib) > t.latest[p + 1] {
            continue;
        }
        let (pick_dd, pick_dt) =
            (i64::from(dai) + i64::from(dib) - dab, i64::from(tai) + i64::from(tib) - tab);
        peak.clear();
        peak.extend_from_slice(profile_p);
        // Arrival at locs[q] with the pickup in the tour (feasible up to the end, since
        // it keeps `latest[p + 1]`).
        let mut arrive = dep_i + i64::from(tib);
        for q in p + 1..=m {
            let s = t.stops[q - 1] as usize;
            let dep_q = c.start(s, arrive) + c.service[s];
            for (x, &l) in peak.iter_mut().zip(&t.profile[q * dims..(q + 1) * dims]) {
                *x = (*x).max(l);
            }
            if over(peak.as_slice()) || dep_q > c.due[sj] {
                break;
            }
            let (cq, eq) = (t.locs[q], t.locs[q + 1]);
            let (dcj, tcj) = arcs.dist_time(cq, uj);
            let (dje, tje) = arcs.dist_time(uj, eq);
            if reach((dcj, tcj)) && reach((dje, tje)) {
                let start_j = c.start(sj, dep_q + i64::from(tcj));
                if start_j <= c.due[sj]
                    && start_j + c.service[sj] + i64::from(tje) <= t.latest[q + 1]
                    && !blink()
                {
                    let (dce, tce) = (i64::from(t.arc[q]), i64::from(arcs.time(cq, eq)));
                    let dd = pick_dd + i64::from(dcj) + i64::from(dje) - dce;
                    let dt = pick_dt + i64::from(tcj) + i64::from(tje) - tce;
                    consider(p, q, dd, dt, &mut best);
                }
            }
            arrive = dep_q + i64::from(arcs.time(cq, eq));
        }
    }
    best
}

impl Plan {
    /// Inserts the pair `pickup` -> `delivery` (in no tour, and not in `unassigned`) at
    /// `place` of tour `tour`, or in a new tour of `kind` when `tour` is `None`.
    pub(crate) fn apply_pair(
        &mut self,
        c: &Compiled,
        pickup: u32,
        delivery: u32,
        tour: Option<usize>,
        kind: u32,
        place: Place,
    ) {
        let t = match tour {
            None => {
                self.used[kind as usize] += 1;
                self.tours.push(Arc::new(Tour::new(kind, vec![pickup, delivery], c)));
                self.tours.len() - 1
            }
            Some(t) => {
                let tour = Arc::make_mut(&mut self.tours[t]);
                // The delivery first, in the original numbering, then the pickup before it.
                tour.stops.insert(place.q as usize, delivery);
                tour.stops.insert(place.p as usize, pickup);
                tour.update(c);
                t
            }
        };
        self.reindex(t);
        debug_assert!(self.tours[t].is_feasible(c), "a pair insertion let a violation in");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::formats::lilim;
    use rand::{Rng, SeedableRng};

    /// The pair and single insertion checks must agree with inserting, rebuilding the tour
    /// and checking it whole, on a real instance with tight windows and loads.
    #[test]
    fn pair_insertion_agrees_with_a_full_rebuild() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/routing/lc101.txt");
        let mut p = lilim::read(std::path::Path::new(path)).unwrap();
        // A tighter capacity makes the load profile bind.
        p.vehicle_types[0].capacity = vec![60];
        let c = Compiled::new(&p, u64::MAX, 1).unwrap();
        let pairs: Vec<(u32, u32)> =
            p.shipments.iter().map(|s| (s.pickup as u32, s.delivery as u32)).collect();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
        let (mut cases, mut feasible, mut peak) = (0, 0, Vec::new());
        for _ in 0..400 {
            // A tour of a few pairs in window order (often feasible on lc101).
            let k = rng.random_range(0..5);
            let mut chosen: Vec<(u32, u32)> = Vec::new();
            while chosen.len() < k {
                let x = pairs[rng.random_range(0..pairs.len())];
                if !chosen.contains(&x) {
                    chosen.push(x);
                }
            }
            let mut stops: Vec<u32> = chosen.iter().flat_map(|&(a, b)| [a, b]).collect();
            stops.sort_by_key(|&s| c.ready[s as usize]);
            let tour = Tour::new(0, stops.clone(), &c);
            if !tour.is_feasible(&c) {
                continue;
            }
            let (i, j) = loop {
                let x = pairs[rng.random_range(0..pairs.len())];
                if !chosen.contains(&x) {
                    break x;
                }
            };
            let mut brute: Option<f64> = None;
            for q in 0..=stops.len() {
                for pp in 0..=q {
                    let mut longer = stops.clone();
                    longer.insert(q, j);
                    longer.insert(pp, i);
                    let full = Tour::new(0, longer, &c);
                    if full.is_feasible(&c) {
                        let d = (full.dist - tour.dist) as f64;
                        brute = Some(brute.map_or(d, |b: f64| b.min(d)));
                    }
                }
            }
            let quick = best_pair(&c, &tour, i, j, &mut peak, || false);
            assert_eq!(quick.map(|x| x.delta), brute, "{stops:?} + ({i}, {j})");
            if let Some(place) = quick {
                let mut longer = stops.clone();
                longer.insert(place.q as usize, j);
                longer.insert(place.p as usize, i);
                assert!(Tour::new(0, longer, &c).is_feasible(&c));
                feasible += 1;
            }
            cases += 1;
        }
        assert!(cases > 100 && feasible > 20, "too few cases: {cases} / {feasible}");
    }

    #[test]
    fn the_profile_rises_at_pickups_and_falls_at_deliveries() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/routing/lc101.txt");
        let p = lilim::read(std::path::Path::new(path)).unwrap();
        let c = Compiled::new(&p, u64::MAX, 1).unwrap();
        let a = p.shipments[0];
        let b = p.shipments[1];
        let (da, db) = (p.stops[a.pickup].demand[0], p.stops[b.pickup].demand[0]);
        let stops = vec![a.pickup as u32, b.pickup as u32, a.delivery as u32, b.delivery as u32];
        let t = Tour::new(0, stops, &c);
        assert_eq!(t.profile, [0, da, da + db, db, 0]);
        assert_eq!(t.pre_peak, [0, da, da + db, da + db, da + db]);
        assert_eq!(t.load, [da + db]);
        assert!(ordered(&t, &c));
        let backwards = Tour::new(0, vec![a.delivery as u32, a.pickup as u32], &c);
        assert!(!ordered(&backwards, &c) && !backwards.is_feasible(&c));
        assert_eq!(with_partners(&t, &c, &[0]), [0, 2]);
    }
}
