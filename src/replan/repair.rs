//! Churn-aware improvement of a residual plan: relocate moves under
//! `cost + churn_penalty * churn`.
//!
//! The solver minimises cost alone and knows nothing of yesterday's plan; adding a churn
//! term to its objective would touch its hot loop, shared by every static solve. Instead
//! the re-optimisation starts two plans (the solver's, and the old plan kept with the new
//! stops inserted), improves each by relocating single stops (within a route or to another
//! vehicle) while the penalised objective falls, and answers the better one. With a small
//! penalty the solver's plan wins with the few moves that buy little repaired; with a large
//! one the kept plan wins, changed only where a move saves more than it churns.
//!
//! Routes are simulated from the raw residual problem (floating point, as the checker
//! does), so every accepted move is feasible by construction.
//!
//! # Complexity
//! One pass tries every stop at every position of every route: O(n * n * k) for n stops
//! and routes of k stops; passes stop when nothing improves or at the deadline.

use crate::context::SolveContext;
use crate::replan::churn::{Before, route_churn};
use crate::routing::model::Problem;

/// Most improvement passes (each is a full sweep; in practice 2-4 suffice).
const MAX_PASSES: usize = 8;
/// Smallest gain that counts as one (floating-point noise below it).
const EPS: f64 = 1e-9;

/// A residual plan by slot: slot `i` is vehicle `slot_vehicle[i]` of residual type
/// `slot_type[i]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    /// Residual stop indices per slot, in visiting order.
    pub routes: Vec<Vec<usize>>,
    /// Residual stops on no route.
    pub out: Vec<usize>,
}

/// A plan's penalised value, compared lexicographically: required stops left out first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Score {
    /// Required stops on no route.
    pub required_out: usize,
    /// Route costs, prizes of optional stops left out, and the churn penalty.
    pub value: f64,
}

impl Score {
    /// Whether `self` is better than `other`.
    pub fn beats(&self, other: &Score) -> bool {
        (self.required_out, self.value) < (other.required_out, other.value - EPS)
    }
}

/// Cost, distance and duration of one route.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Figures {
    /// Fixed, distance and time costs.
    pub cost: f64,
    /// Distance driven.
    pub distance: f64,
    /// Return time minus shift start.
    pub duration: f64,
}

/// Simulates `stops` on vehicle type `t` of `p`; `None` when a rule breaks.
pub(crate) fn figures(p: &Problem, t: usize, stops: &[usize]) -> Option<Figures> {
    let vt = &p.vehicle_types[t];
    let travel = p.travel_of(t);
    if stops.is_empty() {
        return Some(Figures { cost: 0.0, distance: 0.0, duration: 0.0 });
    }
    if vt.max_stops.is_some_and(|m| stops.len() > m) {
        return None;
    }
    let dims = vt.capacity.len();
    let mut at = p.depots[vt.start_depot].location;
    let (mut now, mut distance) = (vt.shift.start, 0.0);
    for d in 0..dims {
        let load: i64 = stops.iter().map(|&s| p.stops[s].demand[d]).sum();
        if load > vt.capacity[d] {
            return None;
        }
    }
    for &s in stops {
        let stop = &p.stops[s];
        distance += travel.distance(at, stop.location);
        now = stop.service_start(now + travel.duration(at, stop.location))?;
        now += stop.service_time;
        at = stop.location;
    }
    let (last_d, last_t) = travel.leg_to(at, p.end_location(vt));
    distance += last_d;
    now += last_t;
    let latest = vt.latest_end();
    if !(now.is_finite() && distance.is_finite())
        || now > latest
        || vt.max_distance.is_some_and(|m| distance > m)
    {
        return None;
    }
    let duration = now - vt.shift.start;
    let cost = vt.fixed_cost + vt.cost_per_distance * distance + vt.cost_per_time * duration;
    Some(Figures { cost, distance, duration })
}

/// The improver over one residual problem.
pub(crate) struct Repair<'a> {
    p: &'a Problem,
    /// Residual type of each slot.
    pub slot_type: Vec<usize>,
    before: &'a Before,
    penalty: f64,
    ranks: Vec<usize>,
    buffer: Vec<usize>,
}

impl<'a> Repair<'a> {
    /// An improver; `before[s]` is the slot and rank residual stop `s` was planned at.
    pub fn new(p: &'a Problem, slot_type: Vec<usize>, before: &'a Before, penalty: f64) -> Self {
        Repair { p, slot_type, before, penalty, ranks: Vec::new(), buffer: Vec::new() }
    }

    /// Whether `stops` may be served by `slot` (skills and every rule of its vehicle).
    pub fn feasible(&self, slot: usize, stops: &[usize]) -> bool {
        let t = self.slot_type[slot];
        stops.iter().all(|&s| self.skilled(t, s)) && figures(self.p, t, stops).is_some()
    }

    /// Whether type `t` has every skill stop `s` needs (most stops need none).
    fn skilled(&self, t: usize, s: usize) -> bool {
        let have = &self.p.vehicle_types[t].skills;
        self.p.stops[s].skills.iter().all(|k| have.contains(k))
    }

    /// Penalised value of `stops` on `slot` (`None`: infeasible).
    fn value(&mut self, slot: usize, stops: &[usize]) -> Option<f64> {
        let t = self.slot_type[slot];
        if !stops.iter().all(|&s| self.skilled(t, s)) {
            return None;
        }
        let f = figures(self.p, t, stops)?;
        let churn = if self.penalty > 0.0 {
            route_churn(self.before, slot, stops, &mut self.ranks)
        } else {
            0
        };
        Some(f.cost + self.penalty * churn as f64)
    }

    /// What leaving `s` out costs: its prize (required: `None`) plus the churn penalty if it
    /// was planned.
    fn out_value(&self, s: usize) -> Option<f64> {
        let stop = &self.p.stops[s];
        let prize = stop.unserved_penalty.or(self.p.objective.unserved_penalty)?;
        Some(prize + if self.before[s].is_some() { self.penalty } else { 0.0 })
    }

    /// The plan's score.
    pub fn score(&mut self, plan: &Plan) -> Score {
        let mut score = Score { required_out: 0, value: 0.0 };
        for (slot, r) in plan.routes.iter().enumerate() {
            score.value += self.value(slot, r).unwrap_or(f64::INFINITY);
        }
        for &s in &plan.out {
            match self.out_value(s) {
                Some(x) => score.value += x,
                None => {
                    score.required_out += 1;
                    score.value += if self.before[s].is_some() { self.penalty } else { 0.0 };
                }
            }
        }
        score
    }

    /// Slots worth trying for a stop: every used one, and the first empty one of each type
    /// (the empty vehicles of one pooled type are interchangeable).
    fn candidates(&self, plan: &Plan) -> Vec<usize> {
        let mut seen_empty = vec![false; self.p.vehicle_types.len()];
        let mut out = Vec::with_capacity(plan.routes.len());
        for (slot, r) in plan.routes.iter().enumerate() {
            let t = self.slot_type[slot];
            if !r.is_empty() || !std::mem::replace(&mut seen_empty[t], true) {
                out.push(slot);
            }
        }
        out
    }

    /// The best place for `s` among `slots`: (slot, position, value change of that route).
    fn best_insertion(
        &mut self,
        plan: &Plan,
        slots: &[usize],
        s: usize,
    ) -> Option<(usize, usize, f64)> {
        let mut best: Option<(usize, usize, f64)> = None;
        let mut buffer = std::mem::take(&mut self.buffer);
        for &slot in slots {
            let route = &plan.routes[slot];
            let Some(old) = self.value(slot, route) else { continue };
            for pos in 0..=route.len() {
                buffer.clear();
                buffer.extend_from_slice(&route[..pos]);
                buffer.push(s);
                buffer.extend_from_slice(&route[pos..]);
                if let Some(new) = self.value(slot, &buffer)
                    && best.is_none_or(|b| new - old < b.2)
                {
                    best = Some((slot, pos, new - old));
                }
            }
        }
        self.buffer = buffer;
        best
    }

    /// Inserts stops left out where that lowers the score (required ones wherever they fit).
    pub fn insert_out(&mut self, plan: &mut Plan) -> bool {
        let mut changed = false;
        let out = std::mem::take(&mut plan.out);
        for s in out {
            let slots = self.candidates(plan);
            let gain = self.out_value(s);
            match self.best_insertion(plan, &slots, s) {
                Some((slot, pos, delta)) if gain.is_none_or(|g| delta < g - EPS) => {
                    plan.routes[slot].insert(pos, s);
                    changed = true;
                }
                _ => plan.out.push(s),
            }
        }
        changed
    }

    /// Relocates stops while the score falls, until no move helps, `MAX_PASSES` sweeps or
    /// the deadline.
    pub fn improve(&mut self, plan: &mut Plan, ctx: &SolveContext) {
        for _ in 0..MAX_PASSES {
            let mut changed = self.insert_out(plan);
            let served: Vec<(usize, usize)> = plan
                .routes
                .iter()
                .enumerate()
                .flat_map(|(slot, r)| r.iter().map(move |&s| (slot, s)))
                .collect();
            for (_, s) in served {
                if ctx.should_stop() {
                    return;
                }
                changed |= self.relocate(plan, s);
            }
            if !changed {
                return;
            }
        }
    }

    /// Moves `s` to its best place if that lowers the score.
    fn relocate(&mut self, plan: &mut Plan, s: usize) -> bool {
        let Some(from) = plan.routes.iter().position(|r| r.contains(&s)) else { return false };
        let Some(old) = self.value(from, &plan.routes[from]) else { return false };
        let pos = plan.routes[from].iter().position(|&x| x == s).unwrap_or(0);
        plan.routes[from].remove(pos);
        let removed = self.value(from, &plan.routes[from]);
        let slots = self.candidates(plan);
        let best = self.best_insertion(plan, &slots, s);
        match (removed, best) {
            (Some(without), Some((slot, at, delta))) if without - old + delta < -EPS => {
                plan.routes[slot].insert(at, s);
                true
            }
            _ => {
                plan.routes[from].insert(pos, s);
                false
            }
        }
    }
}
