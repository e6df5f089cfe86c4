//! SWAP* (Vidal 2022, "Hybrid genetic search for the CVRP: open-source implementation and
//! SWAP* neighborhood"): exchange a stop `u` of tour A with a stop `v` of tour B, each put
//! back at its *cheapest* position in the other tour, not necessarily where the other was.
//!
//! # Why it is exact with three positions per stop
//! Taking `u` out of A only changes A's two arcs around `u` (they merge into one). So the
//! cheapest place for `v` in A without `u` is either that merged arc (`v` in place of `u`)
//! or one of A's other arcs at its old price; since at most two of A's arcs touch `u`, the
//! three cheapest positions of `v` in A always hold the best one that does not. Each tour
//! therefore keeps, per stop of another tour, its three cheapest insertion positions
//! ([`Top3`]), and a pair `(u, v)` is then priced in O(1).
//!
//! # What is cached, and when it is refreshed
//! The three positions of a stop in a tour depend only on the tour's stops, so they are
//! cached by tour *content* (kind and stop sequence, hashed and compared on lookup): a tour
//! that a move or a ruin-and-recreate changed is a new entry, one that did not keeps its
//! entry across plans and iterations (the search copies plans every iteration, and a tour
//! keeps its content in the copy). Pairs of contents already searched without an improving
//! exchange are remembered too, so a sweep over every pair costs only the changed tours.
//! Both caches are cut back to the live tours when they outgrow them.
//!
//! # Which pairs
//! Only tours whose polar sectors around their start depot overlap ([`Sector`]), as in the
//! paper: tours on opposite sides of the depot cannot exchange stops profitably. That needs
//! coordinates, and the exact symmetry of planar arcs is used to price a stop's positions in
//! one pass; [`SwapStar::new`] returns `None` for explicit matrices (and for problems
//! small enough to keep a dense matrix, whose points the compiled problem does not keep).
//! Capacity and distance costs only: [`SwapStar::new`] also returns `None` on limited
//! problems (skills, route limits: [`crate::routing::compiled::Compiled::limited`]) and on timed
//! problems (windows, shift ends, time costs), where the other operators still run. With `near > 0` only the pairs of a stop and one of its `near`
//! nearest neighbours in the other tour are priced (a granular SWAP*, O(|A| near) per pair
//! of tours instead of O(|A| |B|)).
//!
//! # Status
//! Off by default: measured not to pay on top of SISR and the granular moves at city scale;
//! see [`crate::routing::local`] and docs/benchmarks.md, "SWAP*".

use crate::routing::arcs::Arcs;
use crate::routing::compiled::UNREACHABLE;
use crate::routing::env::Env;
use crate::routing::local::EPS;
use crate::routing::plan::{Plan, Tour};
use std::collections::{HashMap, HashSet};
use std::f64::consts::TAU;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Cached tour contents (and searched pairs) per live tour before the caches are cut back.
const KEEP_PER_TOUR: usize = 4;
/// Searched pairs remembered per live tour before that cache is cleared.
const PAIRS_PER_TOUR: usize = 64;

/// One insertion position: before `stops[pos]`, i.e. on the arc `locs[pos] -> locs[pos + 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    /// Distance added (fixed-point units).
    cost: i64,
    pos: u32,
}

/// The three cheapest insertion positions of one stop in one tour, cheapest first
/// (`cost == i64::MAX` marks an unused slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Top3([Slot; 3]);

impl Top3 {
    const EMPTY: Top3 = Top3([Slot { cost: i64::MAX, pos: u32::MAX }; 3]);

    /// Keeps `(cost, pos)` if it is among the three cheapest (earlier positions win ties).
    fn offer(&mut self, cost: i64, pos: u32) {
        let s = &mut self.0;
        if cost >= s[2].cost {
            return;
        }
        s[2] = Slot { cost, pos };
        if s[2].cost < s[1].cost {
            s.swap(1, 2);
            if s[1].cost < s[0].cost {
                s.swap(0, 1);
            }
        }
    }

    /// The cheapest position whose arc does not touch the stop at index `at` of the tour
    /// (arcs `at` and `at + 1`).
    fn away_from(&self, at: usize) -> Option<Slot> {
        self.0
            .iter()
            .find(|s| s.cost != i64::MAX && s.pos as usize != at && s.pos as usize != at + 1)
            .copied()
    }
}

/// The smallest circular arc of polar angles (radians, about `origin`) holding every stop of
/// a tour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sector {
    origin: u32,
    start: f64,
    width: f64,
}

impl Sector {
    /// The sector of `locs` seen from `origin`: the full circle minus the widest gap
    /// between consecutive angles. `angles` is a reused buffer.
    fn of(points: &[[f64; 2]], origin: u32, locs: &[u32], angles: &mut Vec<f64>) -> Self {
        let o = points[origin as usize];
        angles.clear();
        angles.extend(locs.iter().map(|&l| {
            let p = points[l as usize];
            (p[1] - o[1]).atan2(p[0] - o[0]).rem_euclid(TAU)
        }));
        angles.sort_by(f64::total_cmp);
        let (Some(&first), Some(&last)) = (angles.first(), angles.last()) else {
            return Sector { origin, start: 0.0, width: 0.0 };
        };
        let (mut gap, mut start) = (first + TAU - last, first);
        for w in angles.windows(2) {
            if w[1] - w[0] > gap {
                gap = w[1] - w[0];
                start = w[1];
            }
        }
        Sector { origin, start, width: (TAU - gap).max(0.0) }
    }

    fn contains(&self, angle: f64) -> bool {
        (angle - self.start).rem_euclid(TAU) <= self.width
    }

    /// Whether the two sectors share an angle (always, for tours from different depots:
    /// their angles are not comparable).
    pub fn overlaps(&self, o: &Sector) -> bool {
        self.origin != o.origin || self.contains(o.start) || o.contains(self.start)
    }
}

/// What is cached for one tour content.
#[derive(Debug)]
struct Entry {
    kind: u32,
    stops: Vec<u32>,
    sector: Sector,
    /// Stop of another tour -> its three cheapest positions in this one.
    top: HashMap<u32, Top3>,
}

/// The two tours of one [`SwapStar::evaluate`] call and their cache keys.
struct Pair<'p> {
    a: usize,
    b: usize,
    ta: &'p Tour,
    tb: &'p Tour,
    ka: u64,
    kb: u64,
}

/// A priced exchange, for [`SwapStar::apply`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Exchange {
    pub a: usize,
    pub b: usize,
    /// Index of `u` in A's stops, of `v` in B's.
    pub u_at: usize,
    pub v_at: usize,
    /// Where `v` goes in A (a position of A before the exchange, see [`Slot`]), `None` for
    /// `u`'s place; the same for `u` in B.
    pub v_to: Option<usize>,
    pub u_to: Option<usize>,
    /// Cost change (negative improves).
    pub delta: f64,
}

/// The SWAP* evaluator with its caches.
#[derive(Debug)]
pub(crate) struct SwapStar {
    entries: HashMap<u64, Entry>,
    /// Content pairs searched without an improving exchange.
    searched: HashSet<(u64, u64)>,
    /// 0: every pair of stops of two tours; else pairs of a stop and one of its `near`
    /// nearest neighbours.
    near: usize,
    /// This pair's positions of B's stops in A (by index in B), and of A's in B.
    into_a: Vec<Option<Top3>>,
    into_b: Vec<Option<Top3>>,
    angles: Vec<f64>,
    /// Stop pairs priced exactly so far.
    pub evaluations: u64,
    /// Exchanges applied so far.
    pub applied: u64,
}

impl SwapStar {
    /// The evaluator over every pair of stops of two tours (`near == 0`, the paper's
    /// neighbourhood) or over the pairs of a stop and one of its `near` nearest neighbours;
    /// `None` without planar arcs or with time costs (see the module docs).
    pub fn new(env: &Env<'_>, near: usize) -> Option<Self> {
        planar_points(env)?;
        if env.c.timed || env.c.limited {
            return None;
        }
        Some(SwapStar {
            entries: HashMap::new(),
            searched: HashSet::new(),
            near,
            into_a: Vec::new(),
            into_b: Vec::new(),
            angles: Vec::new(),
            evaluations: 0,
            applied: 0,
        })
    }

    /// The cache key of a tour's content.
    fn key(t: &Tour) -> u64 {
        let mut h = DefaultHasher::new();
        t.kind.hash(&mut h);
        t.stops.hash(&mut h);
        h.finish()
    }

    /// The entry of `t`'s content (made fresh when absent or when another content hashed
    /// to the same key); returns its key.
    fn entry(&mut self, points: &[[f64; 2]], t: &Tour) -> u64 {
        let key = Self::key(t);
        let fresh = self.entries.get(&key).is_none_or(|e| e.kind != t.kind || e.stops != t.stops);
        if fresh {
            let inner = &t.locs[1..t.locs.len() - 1];
            let sector = Sector::of(points, t.locs[0], inner, &mut self.angles);
            let e = Entry { kind: t.kind, stops: t.stops.clone(), sector, top: HashMap::new() };
            self.entries.insert(key, e);
        }
        key
    }

    /// The sector of every tour of `plan` (empty tours get an empty one, never used).
    pub fn sectors(&mut self, env: &Env<'_>, plan: &Plan) -> Vec<Sector> {
        self.trim(plan);
        let Some(points) = planar_points(env) else { return Vec::new() };
        plan.tours
            .iter()
            .map(|t| {
                let k = self.entry(points, t);
                self.entries[&k].sector
            })
            .collect()
    }

    /// Cuts the caches back to the tours of `plan` when they outgrow it.
    fn trim(&mut self, plan: &Plan) {
        let live = plan.tours.len().max(1);
        if self.entries.len() > KEEP_PER_TOUR * live + 16 {
            let keep: HashSet<u64> = plan.tours.iter().map(|t| Self::key(t)).collect();
            self.entries.retain(|k, _| keep.contains(k));
        }
        if self.searched.len() > PAIRS_PER_TOUR * live + 256 {
            self.searched.clear();
        }
    }

    /// The best exchange between tours `a` and `b` of `plan` that fits both capacities and
    /// lowers the cost, if any (among every pair of their stops, or with `near > 0` among
    /// the pairs where one is among the other's `near` nearest neighbours). Pure apart from
    /// the caches: what it returns depends only on the plan.
    ///
    /// # Complexity
    /// O(|A| |B|) pairs (O(|A| near) with `near`), plus O(|A| + |B|) arcs per stop whose
    /// three positions in the other tour are not cached yet.
    pub fn evaluate(&mut self, env: &Env<'_>, plan: &Plan, a: usize, b: usize) -> Option<Exchange> {
        let (ta, tb) = (&*plan.tours[a], &*plan.tours[b]);
        if a == b || ta.stops.is_empty() || tb.stops.is_empty() {
            return None;
        }
        let points = planar_points(env)?;
        let (ka, kb) = (self.entry(points, ta), self.entry(points, tb));
        if ka == kb || self.searched.contains(&(ka, kb)) {
            return None;
        }
        self.into_a.clear();
        self.into_a.resize(tb.stops.len(), None);
        self.into_b.clear();
        self.into_b.resize(ta.stops.len(), None);
        let pair = Pair { a, b, ta, tb, ka, kb };
        let mut best: Option<Exchange> = None;
        for i in 0..ta.stops.len() {
            if self.near == 0 {
                for j in 0..tb.stops.len() {
                    self.consider(env, &pair, i, j, &mut best);
                }
            } else {
                let u = ta.stops[i] as usize;
                for &v in env.neighbours[u].iter().take(self.near) {
                    if let Some((t, j)) = plan.position(v)
                        && t == b
                    {
                        self.consider(env, &pair, i, j, &mut best);
                    }
                }
            }
        }
        if best.is_none() {
            self.searched.insert((ka, kb));
        }
        best
    }

    /// Prices exchanging `ta.stops[i]` with `tb.stops[j]` and keeps it in `best` when it
    /// improves on it (and on zero).
    fn consider(
        &mut self,
        env: &Env<'_>,
        p: &Pair<'_>,
        i: usize,
        j: usize,
        best: &mut Option<Exchange>,
    ) {
        let c = env.c;
        let (ta, tb) = (p.ta, p.tb);
        let (u, v) = (ta.stops[i], tb.stops[j]);
        let (kind_a, kind_b) = (&c.kinds[ta.kind as usize], &c.kinds[tb.kind as usize]);
        let (du, dv) = (c.demand(u), c.demand(v));
        let fits = (0..c.dims).all(|k| {
            ta.load[k] - du[k] + dv[k] <= kind_a.capacity[k]
                && tb.load[k] - dv[k] + du[k] <= kind_b.capacity[k]
        });
        if !fits {
            return;
        }
        let (xa, lu, ya) = (ta.locs[i], ta.locs[i + 1], ta.locs[i + 2]);
        let (xb, lv, yb) = (tb.locs[j], tb.locs[j + 1], tb.locs[j + 2]);
        let (shortcut_a, shortcut_b) = (c.d(xa, ya), c.d(xb, yb));
        if shortcut_a >= UNREACHABLE || shortcut_b >= UNREACHABLE {
            return;
        }
        let (Some(into_a), Some(into_b)) =
            (self.top(env, p.ka, ta, v, j, true), self.top(env, p.kb, tb, u, i, false))
        else {
            return;
        };
        self.evaluations += 1;
        let (v_slot, u_slot) = (into_a.away_from(i), into_b.away_from(j));
        let Some((ins_v, v_to)) = cheapest(c.d(xa, lv), c.d(lv, ya), shortcut_a, v_slot) else {
            return;
        };
        let Some((ins_u, u_to)) = cheapest(c.d(xb, lu), c.d(lu, yb), shortcut_b, u_slot) else {
            return;
        };
        let rem_u = i64::from(shortcut_a) - i64::from(ta.arc[i]) - i64::from(ta.arc[i + 1]);
        let rem_v = i64::from(shortcut_b) - i64::from(tb.arc[j]) - i64::from(tb.arc[j + 1]);
        let delta =
            kind_a.per_dist * (rem_u + ins_v) as f64 + kind_b.per_dist * (rem_v + ins_u) as f64;
        if delta < best.map_or(-EPS, |m| m.delta) {
            *best = Some(Exchange { a: p.a, b: p.b, u_at: i, v_at: j, v_to, u_to, delta });
        }
    }

    /// The three cheapest positions of stop `s` (index `at` in the other tour) in tour `t`
    /// (cache entry `key`): from this pair's buffer (`into_a` for A), else the tour's entry,
    /// else computed and cached.
    fn top(
        &mut self,
        env: &Env<'_>,
        key: u64,
        t: &Tour,
        s: u32,
        at: usize,
        a: bool,
    ) -> Option<Top3> {
        let buf = if a { &mut self.into_a } else { &mut self.into_b };
        if let Some(Some(top)) = buf.get(at) {
            return Some(*top);
        }
        let e = self.entries.get_mut(&key)?;
        let top = *e.top.entry(s).or_insert_with(|| top3(env, t, s));
        *buf.get_mut(at)? = Some(top);
        Some(top)
    }

    /// Performs an exchange [`SwapStar::evaluate`] returned for this plan.
    pub fn apply(&mut self, env: &Env<'_>, plan: &mut Plan, m: &Exchange) {
        let a = plan.tours[m.a].stops.clone();
        let b = plan.tours[m.b].stops.clone();
        let (u, v) = (a[m.u_at], b[m.v_at]);
        plan.set_stops(env.c, m.a, exchanged(a, m.u_at, v, m.v_to));
        plan.set_stops(env.c, m.b, exchanged(b, m.v_at, u, m.u_to));
        self.applied += 1;
    }
}

/// The points of planar arcs (`None` for matrices).
fn planar_points<'e>(env: &'e Env<'_>) -> Option<&'e [[f64; 2]]> {
    match &env.c.arcs {
        Arcs::Planar(p) => Some(&p.points),
        Arcs::Dense { .. } | Arcs::Road(_) => None,
    }
}

/// The three cheapest positions of stop `s` in tour `t`. Planar arcs are symmetric, so each
/// location's distance to `s` serves both arcs it ends. O(len).
fn top3(env: &Env<'_>, t: &Tour, s: u32) -> Top3 {
    let c = env.c;
    let ls = c.loc[s as usize];
    let mut top = Top3::EMPTY;
    let mut to_prev = c.d(t.locs[0], ls);
    for p in 0..t.locs.len() - 1 {
        let to_next = c.d(ls, t.locs[p + 1]);
        if to_prev < UNREACHABLE && to_next < UNREACHABLE {
            top.offer(i64::from(to_prev) + i64::from(to_next) - i64::from(t.arc[p]), p as u32);
        }
        to_prev = to_next;
    }
    top
}

/// The cheaper of putting a stop in the place of the one removed (arcs `in_d`, `out_d`
/// replacing the merged arc `shortcut`) and its best cached position elsewhere: the
/// distance added and the position (`None` for the removed stop's place).
fn cheapest(
    in_d: i32,
    out_d: i32,
    shortcut: i32,
    slot: Option<Slot>,
) -> Option<(i64, Option<usize>)> {
    let here = (in_d < UNREACHABLE && out_d < UNREACHABLE)
        .then(|| i64::from(in_d) + i64::from(out_d) - i64::from(shortcut));
    match (here, slot) {
        (Some(h), Some(s)) if s.cost < h => Some((s.cost, Some(s.pos as usize))),
        (Some(h), _) => Some((h, None)),
        (None, Some(s)) => Some((s.cost, Some(s.pos as usize))),
        (None, None) => None,
    }
}

/// `stops` with the stop at `at` taken out and `s` put at position `to` of the original
/// sequence (`None`: at `at`).
fn exchanged(mut stops: Vec<u32>, at: usize, s: u32, to: Option<usize>) -> Vec<u32> {
    match to {
        None => stops[at] = s,
        Some(p) => {
            stops.remove(at);
            stops.insert(if p > at { p - 1 } else { p }, s);
        }
    }
    stops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top3_keeps_the_three_cheapest_in_order() {
        let mut t = Top3::EMPTY;
        for (cost, pos) in [(5, 0), (3, 1), (9, 2), (1, 3), (3, 4), (2, 5)] {
            t.offer(cost, pos);
        }
        let got: Vec<(i64, u32)> = t.0.iter().map(|s| (s.cost, s.pos)).collect();
        assert_eq!(got, vec![(1, 3), (2, 5), (3, 1)]);
        // Positions 3 and 4 touch the stop at 3; 5 does not.
        assert_eq!(t.away_from(3), Some(Slot { cost: 2, pos: 5 }));
        assert_eq!(t.away_from(4), Some(Slot { cost: 1, pos: 3 }));
    }

    #[test]
    fn sectors_wrap_around_and_overlap_when_they_share_an_angle() {
        // Origin 0 at (0, 0); points at 350, 10, 80, 100, 190 degrees.
        let deg = |d: f64| [d.to_radians().cos(), d.to_radians().sin()];
        let points = vec![[0.0, 0.0], deg(350.0), deg(10.0), deg(80.0), deg(100.0), deg(190.0)];
        let mut buf = Vec::new();
        let east = Sector::of(&points, 0, &[1, 2], &mut buf);
        assert!((east.width - 20f64.to_radians()).abs() < 1e-9, "{east:?}");
        let north = Sector::of(&points, 0, &[3, 4], &mut buf);
        let wide = Sector::of(&points, 0, &[2, 5], &mut buf);
        assert!(!east.overlaps(&north) && !north.overlaps(&east));
        assert!(wide.overlaps(&north) && north.overlaps(&wide));
        assert!(wide.overlaps(&east) && east.overlaps(&wide));
        let other_depot = Sector { origin: 1, ..north };
        assert!(other_depot.overlaps(&east));
    }

    #[test]
    fn an_exchange_puts_the_stop_at_the_original_position() {
        let s = vec![10, 11, 12, 13];
        assert_eq!(exchanged(s.clone(), 1, 99, None), vec![10, 99, 12, 13]);
        // Position 3 = before 13; 11 leaves first.
        assert_eq!(exchanged(s.clone(), 1, 99, Some(3)), vec![10, 12, 99, 13]);
        assert_eq!(exchanged(s.clone(), 2, 99, Some(0)), vec![99, 10, 11, 13]);
        assert_eq!(exchanged(s, 0, 99, Some(4)), vec![11, 12, 13, 99]);
    }
}
