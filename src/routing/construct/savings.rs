//! Clarke and Wright's parallel savings heuristic, for plain capacitated problems.
//!
//! Start with one tour per stop; merge tours end to end in decreasing order of the saving
//! `d(depot, i) + d(depot, j) - d(i, j)` while capacity allows. Only neighbour pairs are
//! considered (the neighbour lists), which keeps it O(n k log(n k)). It starts large CVRP
//! instances a few per cent from the best known, where cheapest insertion starts 20 % away,
//! so the annealing spends its budget on the last per cent. It needs one vehicle type, one
//! depot, symmetric distances and no binding windows; otherwise it declines.

use crate::routing::compiled::UNREACHABLE;
use crate::routing::env::Env;
use crate::routing::plan::{Plan, Tour};
use std::sync::Arc;

/// A savings plan, or `None` when the problem is outside its scope.
///
/// # Complexity
/// O(n k log(n k)) for n stops and k neighbours per stop.
pub(crate) fn savings(env: &Env<'_>) -> Option<Plan> {
    let c = env.c;
    if c.kinds.len() != 1 || env.time_windows || c.n < 2 {
        return None;
    }
    let k = &c.kinds[0];
    let depot = k.start_loc;
    if k.end_loc != depot {
        return None;
    }
    let symmetric = (0..c.n).all(|i| {
        env.neighbours[i]
            .iter()
            .all(|&j| c.d(c.loc[i], c.loc[j as usize]) == c.d(c.loc[j as usize], c.loc[i]))
    });
    if !symmetric || c.loc.iter().any(|&l| c.d(depot, l) >= UNREACHABLE) {
        return None;
    }
    let mut pairs: Vec<(i64, u32, u32)> = Vec::new();
    for i in 0..c.n as u32 {
        for &j in &env.neighbours[i as usize] {
            if i < j {
                let (li, lj) = (c.loc[i as usize], c.loc[j as usize]);
                let s =
                    i64::from(c.d(depot, li)) + i64::from(c.d(depot, lj)) - i64::from(c.d(li, lj));
                if s > 0 {
                    pairs.push((s, i, j));
                }
            }
        }
    }
    pairs.sort_unstable_by(|a, b| b.cmp(a));
    let mut routes: Vec<Vec<u32>> = (0..c.n as u32).map(|s| vec![s]).collect();
    let mut loads: Vec<Vec<i64>> = (0..c.n as u32).map(|s| c.demand(s).to_vec()).collect();
    let mut route_of: Vec<usize> = (0..c.n).collect();
    for (_, i, j) in pairs {
        let (ri, rj) = (route_of[i as usize], route_of[j as usize]);
        if ri == rj {
            continue;
        }
        let ends = |r: &Vec<u32>, s: u32| r.first() == Some(&s) || r.last() == Some(&s);
        if !ends(&routes[ri], i) || !ends(&routes[rj], j) {
            continue;
        }
        if loads[ri].iter().zip(&loads[rj]).zip(&k.capacity).any(|((a, b), cap)| a + b > *cap) {
            continue;
        }
        // Orient so that `i` ends route ri and `j` starts route rj, then append.
        let mut a = std::mem::take(&mut routes[ri]);
        let mut b = std::mem::take(&mut routes[rj]);
        if a.last() != Some(&i) {
            a.reverse();
        }
        if b.first() != Some(&j) {
            b.reverse();
        }
        for &s in &b {
            route_of[s as usize] = ri;
        }
        a.extend(b);
        routes[ri] = a;
        let add = std::mem::take(&mut loads[rj]);
        loads[ri].iter_mut().zip(add).for_each(|(x, y)| *x += y);
    }
    let routes: Vec<Vec<u32>> = routes.into_iter().filter(|r| !r.is_empty()).collect();
    if routes.len() > k.count {
        return None;
    }
    let mut plan = Plan::empty(c);
    plan.unassigned.clear();
    plan.used[0] = routes.len() as u32;
    for (t, r) in routes.into_iter().enumerate() {
        plan.tours.push(Arc::new(Tour::new(0, r, c)));
        plan.reindex(t);
    }
    plan.tours.iter().all(|t| t.is_feasible(c)).then_some(plan)
}
