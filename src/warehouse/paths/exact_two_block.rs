//! The exact method for two blocks (one middle cross aisle): the dynamic programme of
//! Roodbergen and de Koster (2001), written as the single-block sweep of
//! [`super::Exact`] widened from two frontier vertices to three.
//!
//! A shortest pick tour is a connected multigraph on the aisle grid in which every vertex
//! has even degree, containing the depot and every stop; no edge is needed more than twice.
//! The programme sweeps the aisles left to right. After aisle `j` the state is what the
//! rest of the sweep needs to know of the partial graph at the aisle's ends on the front,
//! middle and back cross aisles: the degree class (zero, odd, even) of each, which of them
//! are connected (a partition of the active ones), and whether the tour has not started
//! yet or is already closed. Between aisles each cross-aisle stretch is used 0, 1 or 2
//! times (the old vertex's parity decides which: it leaves the frontier for good and must
//! end even), and each of the aisle's two sub-aisles is covered in one of the ways of the
//! single-block programme (left out, traversed once or twice, entered from one end up to
//! its farthest stop, or from both ends leaving out its largest gap). A component that
//! leaves the frontier must be the whole tour, with the depot in it.
//!
//! Nothing in the sweep depends on the number of cross aisles but the array width
//! ([`MAX_CROSS`]); with four cross aisles the states and moves grow tenfold each, so the
//! router accepts one and two blocks only (on one block it gives the same lengths as
//! [`super::Exact`], which the tests check).
//!
//! The chosen multigraph is walked by Hierholzer's algorithm from the depot. States are
//! kept in ordered maps, so ties break the same way on every run.
//!
//! # Complexity
//! O(aisles x states x 8 x 36) time with a few hundred states at most, plus O(stops log
//! stops) for the walk.

use super::{PickRouter, by_block};
use crate::context::SolveContext;
use crate::warehouse::error::WarehouseError;
use crate::warehouse::layout::{Layout, Point};
use crate::warehouse::orders::Stop;
use crate::warehouse::path::{PathBuilder, PickPath, euler_walk};

/// Cross aisles the state holds (two blocks).
const MAX_CROSS: usize = 3;
/// Blocks the router accepts.
const MAX_BLOCKS: u32 = (MAX_CROSS - 1) as u32;

/// The exact DP for single- and two-block layouts.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactTwoBlock;

impl PickRouter for ExactTwoBlock {
    fn name(&self) -> &'static str {
        "exact-two-block"
    }

    fn supports(&self, layout: &Layout) -> bool {
        (1..=MAX_BLOCKS).contains(&layout.blocks())
    }

    fn route(
        &self,
        layout: &Layout,
        stops: &[Stop],
        _: &SolveContext,
    ) -> Result<PickPath, WarehouseError> {
        if !self.supports(layout) {
            return Err(WarehouseError::Unsupported {
                method: "exact-two-block",
                blocks: layout.blocks(),
                max_blocks: MAX_BLOCKS,
            });
        }
        Ok(exact(layout, stops))
    }
}

/// Degree class of a frontier vertex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Deg {
    Zero,
    Odd,
    Even,
}

impl Deg {
    fn add(self, m: u8) -> Deg {
        let odd = (self == Deg::Odd) ^ (m % 2 == 1);
        match (self, m, odd) {
            (Deg::Zero, 0, _) => Deg::Zero,
            (_, _, true) => Deg::Odd,
            _ => Deg::Even,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Phase {
    NotStarted,
    Open,
    Closed,
}

/// The frontier after an aisle: vertex `c` is the aisle's end on cross aisle `c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct State {
    deg: [Deg; MAX_CROSS],
    /// Component of each active vertex, numbered in order of first appearance (0 when
    /// inactive), so one partition has one spelling.
    comp: [u8; MAX_CROSS],
    phase: Phase,
}

/// Distinct state codes ([`State::code`]): degrees, labels, phase.
const CODES: usize = 27 * 27 * 3;

impl State {
    /// A dense code, for the sweep's scratch table (and its order: ties break by it).
    fn code(&self) -> usize {
        let mut c = 0;
        for v in 0..MAX_CROSS {
            c = c * 3 + self.deg[v] as usize;
        }
        for v in 0..MAX_CROSS {
            c = c * 3 + usize::from(self.comp[v]);
        }
        c * 3 + self.phase as usize
    }

    const EMPTY: State =
        State { deg: [Deg::Zero; MAX_CROSS], comp: [0; MAX_CROSS], phase: Phase::NotStarted };
    const CLOSED: State = State { phase: Phase::Closed, ..State::EMPTY };
}

/// How a sub-aisle (one aisle within one block) is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cover {
    None,
    Once,
    Twice,
    /// From the block's front end up to the farthest stop and back.
    FromFront,
    /// From the block's back end down to the nearest stop and back.
    FromBack,
    /// Both ends, leaving out the gap after stop `k` (0-based, among its stops).
    Gap(usize),
}

/// A cover with its effect: cost, degree added at the front and back ends, and whether it
/// joins them.
#[derive(Debug, Clone, Copy)]
struct Move {
    cover: Cover,
    cost_cm: i64,
    front: u8,
    back: u8,
    joins: bool,
}

/// The stops of one sub-aisle.
#[derive(Debug, Clone, Default)]
struct SubAisle {
    /// Stop indices by y.
    stops: Vec<usize>,
    /// Their distance from the block's front cross aisle, cm.
    ys: Vec<i64>,
}

impl SubAisle {
    /// Every cover worth considering (the single-block programme's list).
    fn moves(&self, len: i64) -> Vec<Move> {
        let m = |cover, cost_cm, front, back, joins| Move { cover, cost_cm, front, back, joins };
        let mut v = vec![m(Cover::Once, len, 1, 1, true), m(Cover::Twice, 2 * len, 2, 2, true)];
        match (self.ys.first(), self.ys.last()) {
            (Some(&lo), Some(&hi)) => {
                v.push(m(Cover::FromFront, 2 * hi, 2, 0, false));
                v.push(m(Cover::FromBack, 2 * (len - lo), 0, 2, false));
                // Every inner gap has the same effect on the state: only the largest counts.
                let best = (0..self.ys.len().saturating_sub(1))
                    .max_by_key(|&k| (self.ys[k + 1] - self.ys[k], std::cmp::Reverse(k)));
                if let Some(k) = best {
                    let cost = 2 * self.ys[k] + 2 * (len - self.ys[k + 1]);
                    v.push(m(Cover::Gap(k), cost, 2, 2, false));
                }
            }
            _ => v.push(m(Cover::None, 0, 0, 0, false)),
        }
        v
    }

    /// Times each segment between consecutive points (front end, stops, back end) is used.
    fn segment_times(&self, cover: Cover) -> impl Iterator<Item = u8> + '_ {
        let k = self.ys.len();
        (0..=k).map(move |seg| match cover {
            Cover::None => 0,
            Cover::Once => 1,
            Cover::Twice => 2,
            Cover::FromFront => 2 * u8::from(seg < k),
            Cover::FromBack => 2 * u8::from(seg >= 1),
            Cover::Gap(g) => 2 * u8::from(seg != g + 1),
        })
    }
}

/// Union-find over the old and the new frontier (at most six vertices).
struct Uf([usize; 2 * MAX_CROSS]);

impl Uf {
    fn new() -> Self {
        Self(std::array::from_fn(|i| i))
    }
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        self.0[x] = r;
        r
    }
    fn union(&mut self, x: usize, y: usize) {
        let (rx, ry) = (self.find(x), self.find(y));
        self.0[rx] = ry;
    }
}

/// Where the depot sits relative to the aisle leaving the frontier.
#[derive(Debug, Clone, Copy)]
struct DepotAt {
    /// The leaving aisle is the depot's (its front vertex must have edges).
    leaving: bool,
    /// The depot's aisle has already left or is leaving now.
    passed: bool,
}

/// The next state after cross stretches `cross[c]` (used 0-2 times) from the frontier to
/// the next aisle and `moves[b]` on the next aisle's sub-aisles, or `None` when the result
/// cannot be part of a tour. `k` is the number of cross aisles.
fn step(s: &State, k: usize, cross: &[u8], moves: &[Move], depot: DepotAt) -> Option<State> {
    let idle = cross.iter().all(|&m| m == 0) && moves.iter().all(|m| m.front + m.back == 0);
    if s.phase == Phase::Closed {
        return idle.then_some(*s);
    }
    // The old frontier leaves for good: its degrees must be even now.
    let mut old_act = [false; MAX_CROSS];
    for c in 0..k {
        let d = s.deg[c].add(cross[c]);
        if d == Deg::Odd || (depot.leaving && c == 0 && d == Deg::Zero) {
            return None;
        }
        old_act[c] = d != Deg::Zero;
    }
    let mut new_deg = [Deg::Zero; MAX_CROSS];
    for (c, d) in new_deg.iter_mut().enumerate().take(k) {
        let below = if c > 0 { moves[c - 1].back } else { 0 };
        let above = if c + 1 < k { moves[c].front } else { 0 };
        *d = Deg::Zero.add(cross[c] + below + above);
    }
    // Old vertex c is c, new vertex c is k + c.
    let mut uf = Uf::new();
    for (c, &m) in cross.iter().enumerate().take(k) {
        for c2 in 0..c {
            if s.deg[c] != Deg::Zero && s.deg[c2] != Deg::Zero && s.comp[c] == s.comp[c2] {
                uf.union(c, c2);
            }
        }
        if m > 0 {
            uf.union(c, k + c);
        }
    }
    for (b, m) in moves.iter().enumerate() {
        if m.joins {
            uf.union(k + b, k + b + 1);
        }
    }
    let new_act: [bool; MAX_CROSS] = std::array::from_fn(|c| new_deg[c] != Deg::Zero);
    let any_new = new_act.iter().any(|&a| a);
    let mut closes = false;
    for c in (0..k).filter(|&c| old_act[c]) {
        let r = uf.find(c);
        closes |= !(0..k).any(|c2| new_act[c2] && uf.find(k + c2) == r);
    }
    if closes {
        // A component that no longer touches the frontier is finished: only allowed when it
        // is the whole tour (nothing else started, nothing starts now, the depot is in it).
        let mut roots = (0..k).filter(|&c| old_act[c]).map(|c| uf.find(c));
        let first = roots.next();
        let one = roots.all(|r| Some(r) == first);
        return (one && !any_new && depot.passed).then_some(State::CLOSED);
    }
    if !any_new {
        // Nothing on either side: a tour cannot be open here without touching the frontier.
        return (s.phase == Phase::NotStarted && !old_act.iter().any(|&a| a)).then_some(*s);
    }
    if s.phase == Phase::NotStarted && depot.passed && !depot.leaving {
        return None; // the depot's aisle went by untouched
    }
    let mut next = State { phase: Phase::Open, ..State::EMPTY };
    let (mut labels, mut used) = ([usize::MAX; MAX_CROSS], 0);
    for c in (0..k).filter(|&c| new_act[c]) {
        let r = uf.find(k + c);
        let label = match labels[..used].iter().position(|&l| l == r) {
            Some(i) => i,
            None => {
                labels[used] = r;
                used += 1;
                used - 1
            }
        };
        next.deg[c] = new_deg[c];
        next.comp[c] = label as u8;
    }
    Some(next)
}

/// Whether a state after the last aisle is a whole tour (with the depot in it when the last
/// aisle is the depot's).
fn is_final(s: &State, k: usize, last_is_depot: bool) -> bool {
    match s.phase {
        Phase::Closed => true,
        Phase::NotStarted => false,
        Phase::Open => {
            let act: Vec<usize> = (0..k).filter(|&c| s.deg[c] != Deg::Zero).collect();
            !act.is_empty()
                && act.iter().all(|&c| s.deg[c] == Deg::Even && s.comp[c] == s.comp[act[0]])
                && (!last_is_depot || s.deg[0] != Deg::Zero)
        }
    }
}

/// How the sweep reached a state: the state before, the cross stretches' use and the
/// sub-aisles' moves (indices into their lists).
type Back = (State, [u8; MAX_CROSS], [usize; MAX_CROSS - 1]);

/// Every combination of one move per sub-aisle of an aisle.
fn combos(lists: &[Vec<Move>]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for list in lists {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                (0..list.len()).map(move |i| {
                    let mut p = prefix.clone();
                    p.push(i);
                    p
                })
            })
            .collect();
    }
    out
}

/// Every use of the cross stretches that leaves the old frontier even.
fn cross_uses(s: &State, k: usize) -> Vec<[u8; MAX_CROSS]> {
    let mut out = vec![[0u8; MAX_CROSS]];
    for c in 0..k {
        let options: &[u8] = if s.deg[c] == Deg::Odd { &[1] } else { &[0, 2] };
        out = out
            .into_iter()
            .flat_map(|u| {
                options.iter().map(move |&m| {
                    let mut v = u;
                    v[c] = m;
                    v
                })
            })
            .collect();
    }
    out
}

fn exact(layout: &Layout, stops: &[Stop]) -> PickPath {
    if stops.is_empty() {
        return PathBuilder::new(layout).finish();
    }
    let blocks = layout.blocks() as usize;
    let k = blocks + 1;
    let n = layout.aisle_x_cm.len();
    let lens: Vec<i64> = layout.cross_y_cm.windows(2).map(|w| w[1] - w[0]).collect();
    let mut sub: Vec<Vec<SubAisle>> = vec![vec![SubAisle::default(); blocks]; n];
    for (b, row) in by_block(layout, stops).into_iter().enumerate() {
        for a in row {
            let s = &mut sub[a.aisle as usize][b];
            s.ys = a.stops.iter().map(|&i| stops[i].point.y_cm - layout.cross_y_cm[b]).collect();
            s.stops = a.stops;
        }
    }
    let depot = layout.spec.depot_aisle as usize;
    // best[j]: the states after aisle j, by code, with their cost and how they were reached.
    let mut best: Vec<Vec<(State, i64, Back)>> = Vec::with_capacity(n);
    let mut table: Vec<Option<(State, i64, Back)>> = vec![None; CODES];
    let start = (State::EMPTY, 0, (State::EMPTY, [0; MAX_CROSS], [0; MAX_CROSS - 1]));
    let mut frontier: Vec<(State, i64, Back)> = vec![start];
    for (j, column) in sub.iter().enumerate() {
        let lists: Vec<Vec<Move>> = column.iter().zip(&lens).map(|(a, &l)| a.moves(l)).collect();
        // Each combination of sub-aisle moves once: (moves, their cost, their indices).
        let all: Vec<([Move; MAX_CROSS - 1], i64, [usize; MAX_CROSS - 1])> = combos(&lists)
            .into_iter()
            .map(|combo| {
                let mut moves = [lists[0][0]; MAX_CROSS - 1];
                let mut idx = [0usize; MAX_CROSS - 1];
                for (b, &i) in combo.iter().enumerate() {
                    moves[b] = lists[b][i];
                    idx[b] = i;
                }
                (moves, combo.iter().zip(&lists).map(|(&i, l)| l[i].cost_cm).sum(), idx)
            })
            .collect();
        // The frontier before aisle 0 is empty: no stretch leads to it.
        let dx = if j == 0 { 0 } else { layout.aisle_x_cm[j] - layout.aisle_x_cm[j - 1] };
        let depot_at = DepotAt { leaving: j >= 1 && j - 1 == depot, passed: j >= 1 && j > depot };
        for &(s, cost, _) in &frontier {
            let uses = if j == 0 { vec![[0; MAX_CROSS]] } else { cross_uses(&s, k) };
            for cross in &uses {
                let cross_cost = i64::from(cross.iter().sum::<u8>()) * dx;
                for (moves, moves_cost, idx) in &all {
                    let Some(t) = step(&s, k, &cross[..k], &moves[..blocks], depot_at) else {
                        continue;
                    };
                    let total = cost + cross_cost + moves_cost;
                    let slot = &mut table[t.code()];
                    if slot.is_none_or(|(_, c, _)| total < c) {
                        *slot = Some((t, total, (s, *cross, *idx)));
                    }
                }
            }
        }
        frontier = table.iter_mut().filter_map(Option::take).collect();
        best.push(frontier.clone());
    }
    let last = n - 1;
    let end = best[last]
        .iter()
        .filter(|(s, _, _)| is_final(s, k, depot == last))
        .min_by_key(|(_, c, _)| *c)
        .map(|(s, _, _)| *s)
        .expect("traversing every aisle twice is always a tour");
    // Walk the back pointers: each aisle's covers and the stretches before it.
    let mut chosen = vec![([0u8; MAX_CROSS], [Cover::None; MAX_CROSS - 1]); n];
    let mut s = end;
    for j in (0..n).rev() {
        let Some(&(_, _, (prev, cross, idx))) = best[j].iter().find(|(t, _, _)| *t == s) else {
            break;
        };
        let mut covers = [Cover::None; MAX_CROSS - 1];
        for b in 0..blocks {
            covers[b] = sub[j][b].moves(lens[b])[idx[b]].cover;
        }
        chosen[j] = (cross, covers);
        s = prev;
    }
    let mut edges: Vec<(Point, Point)> = Vec::new();
    for (j, (cross, covers)) in chosen.iter().enumerate() {
        let x_cm = layout.aisle_x_cm[j];
        for b in 0..blocks {
            let a = &sub[j][b];
            let y0 = layout.cross_y_cm[b];
            let ys: Vec<i64> = std::iter::once(y0)
                .chain(a.ys.iter().map(|y| y0 + y))
                .chain(std::iter::once(layout.cross_y_cm[b + 1]))
                .collect();
            for (seg, times) in a.segment_times(covers[b]).enumerate() {
                let p = Point { x_cm, y_cm: ys[seg] };
                let q = Point { x_cm, y_cm: ys[seg + 1] };
                edges.extend(std::iter::repeat_n((p, q), usize::from(times)));
            }
        }
        if j > 0 {
            let prev = layout.aisle_x_cm[j - 1];
            for (c, &y_cm) in layout.cross_y_cm.iter().enumerate() {
                let e = (Point { x_cm: prev, y_cm }, Point { x_cm, y_cm });
                edges.extend(std::iter::repeat_n(e, usize::from(cross[c])));
            }
        }
    }
    euler_walk(layout, stops, &edges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::check::check_path;
    use crate::warehouse::generate::tests::{random_stops, small_layout};
    use crate::warehouse::layout::LocIdx;
    use crate::warehouse::orders::{LineRef, stops_of};
    use crate::warehouse::paths::tests::brute_force_cm;
    use crate::warehouse::paths::{Exact, Method};
    use proptest::prelude::*;

    #[test]
    fn three_blocks_are_refused() {
        let layout = small_layout(3, 3, 0);
        let (stops, _) = random_stops(&layout, 4, 1);
        assert!(!ExactTwoBlock.supports(&layout));
        assert!(matches!(
            ExactTwoBlock.route(&layout, &stops, &SolveContext::new(0)),
            Err(WarehouseError::Unsupported { max_blocks: 2, .. })
        ));
    }

    #[test]
    fn a_stop_in_each_block_of_one_aisle_is_one_trip_up_and_back() {
        // Depot at aisle 0's front; one stop low in block 0 and one high in block 1 of aisle
        // 0: the tour runs straight up to the higher stop and back.
        let layout = small_layout(2, 3, 0);
        let at = |block: u32, slot: u32| {
            let i = layout
                .locations
                .iter()
                .position(|l| l.aisle == 0 && l.block == block && l.slot == slot);
            LocIdx(i.unwrap() as u32)
        };
        let lines: Vec<LineRef> = [at(0, 0), at(1, 3)]
            .into_iter()
            .zip(0..)
            .map(|(location, line)| LineRef { order: 0, line, location })
            .collect();
        let stops = stops_of(&layout, &lines);
        let path = ExactTwoBlock.route(&layout, &stops, &SolveContext::new(0)).unwrap();
        let top = stops.iter().map(|s| s.point.y_cm).max().unwrap();
        assert_eq!(path.length_cm, 2 * top);
        assert_eq!(check_path(&layout, &lines, &path), Ok(path.length_cm));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn two_blocks_equal_brute_force_on_tiny_instances(
            aisles in 1u32..6, depot in 0u32..6, n in 0usize..7, seed in 0u64..10_000,
        ) {
            let layout = small_layout(2, aisles, depot % aisles);
            let (stops, lines) = random_stops(&layout, n, seed);
            let path = ExactTwoBlock.route(&layout, &stops, &SolveContext::new(0)).unwrap();
            prop_assert_eq!(check_path(&layout, &lines, &path), Ok(path.length_cm));
            prop_assert_eq!(path.length_cm, brute_force_cm(&layout, &stops));
        }

        #[test]
        fn one_block_equals_the_single_block_programme(
            aisles in 1u32..15, depot in 0u32..15, n in 0usize..30, seed in 0u64..10_000,
        ) {
            let layout = small_layout(1, aisles, depot % aisles);
            let (stops, lines) = random_stops(&layout, n, seed);
            let ctx = SolveContext::new(0);
            let path = ExactTwoBlock.route(&layout, &stops, &ctx).unwrap();
            prop_assert_eq!(check_path(&layout, &lines, &path), Ok(path.length_cm));
            prop_assert_eq!(path.length_cm, Exact.route(&layout, &stops, &ctx).unwrap().length_cm);
        }

        #[test]
        fn no_method_is_shorter_on_two_blocks(
            aisles in 1u32..12, depot in 0u32..12, n in 0usize..40, seed in 0u64..10_000,
        ) {
            let layout = small_layout(2, aisles, depot % aisles);
            let (stops, lines) = random_stops(&layout, n, seed);
            let ctx = SolveContext::new(seed);
            let exact = ExactTwoBlock.route(&layout, &stops, &ctx).unwrap();
            prop_assert_eq!(check_path(&layout, &lines, &exact), Ok(exact.length_cm));
            for m in [Method::SShape, Method::Return, Method::Midpoint, Method::LargestGap, Method::Improved] {
                let l = m.router(&layout).route(&layout, &stops, &ctx).unwrap().length_cm;
                prop_assert!(exact.length_cm <= l, "exact {} > {m:?} {l}", exact.length_cm);
            }
        }
    }
}
