//! Robots: which robot runs which batch, and what narrow aisles cost in waiting.
//!
//! Batches of one wave go to robots by the longest-processing-time rule (Graham 1969: the
//! longest batch first, to the robot free soonest), whose makespan is within 4/3 of the
//! optimum; a wave starts when it is released and the robots are back from the previous one.
//! The plan is then replayed second by second of simulated time with a simple congestion
//! model: a narrow aisle stretch (one aisle within one block) holds one robot at a time, a
//! robot that finds it taken waits at its end until it is free, and every wait is counted.
//! Cross aisles are wide and never block. Times are integer milliseconds so the replay is
//! deterministic.

use super::layout::Layout;
use super::path::PickPath;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// Which robot runs a batch, and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// Robot per batch.
    pub robot_of: Vec<u32>,
    /// Planned start per batch, ms after the day's start.
    pub start_ms: Vec<u64>,
    /// Planned end of the last batch, ms (no congestion).
    pub makespan_ms: u64,
}

/// Duration of one batch: travel at the robots' speed plus the pick time of its lines.
///
/// # Units
/// Milliseconds.
pub fn batch_ms(layout: &Layout, path: &PickPath) -> u64 {
    let lines: usize = path.picks.iter().map(|p| p.lines.len()).sum();
    let s =
        layout.travel_s(path.length_cm) + lines as f64 * layout.spec.robots.pick_time_s_per_line;
    (s * 1000.0).round() as u64
}

/// LPT per wave. `waves[k]` is the release (ms) of batch k's wave; batches of one wave start
/// no earlier than its release and after every batch of the waves before.
///
/// # Complexity
/// O(B log B + B log R) for B batches and R robots.
pub fn assign(durations_ms: &[u64], wave_release_ms: &[u64], robots: u32) -> Assignment {
    let n = durations_ms.len();
    let robots = robots.max(1);
    let mut robot_of = vec![0; n];
    let mut start_ms = vec![0; n];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&k| (wave_release_ms[k], Reverse(durations_ms[k]), k));
    let mut wave_floor = 0u64;
    let mut makespan = 0u64;
    let mut i = 0;
    while i < n {
        let release = wave_release_ms[order[i]];
        let end = i + order[i..].partition_point(|&k| wave_release_ms[k] == release);
        let begin = release.max(wave_floor);
        let mut free: BinaryHeap<Reverse<(u64, u32)>> =
            (0..robots).map(|r| Reverse((begin, r))).collect();
        for &k in &order[i..end] {
            let Reverse((t, r)) = free.pop().expect("robots >= 1");
            robot_of[k] = r;
            start_ms[k] = t;
            let done = t + durations_ms[k];
            makespan = makespan.max(done);
            free.push(Reverse((done, r)));
        }
        wave_floor = makespan;
        i = end;
    }
    Assignment { robot_of, start_ms, makespan_ms: makespan }
}

/// What the congestion replay found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Congestion {
    /// End of the last batch with waiting, ms.
    pub makespan_ms: u64,
    /// Times a robot found its next aisle stretch taken.
    pub waits: u64,
    /// Total waiting, ms.
    pub wait_ms: u64,
}

/// A piece of a batch's timeline: time inside one aisle stretch (or on cross aisles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    stretch: Option<(u32, u32)>,
    ms: u64,
}

fn pieces(layout: &Layout, path: &PickPath) -> Vec<Piece> {
    let speed = layout.spec.robots.speed_m_per_s;
    let pick_ms = layout.spec.robots.pick_time_s_per_line * 1000.0;
    let ms = |cm: i64| (cm as f64 / 100.0 / speed * 1000.0).round() as u64;
    let mut out: Vec<Piece> = Vec::new();
    let mut push = |stretch: Option<(u32, u32)>, t: u64| match out.last_mut() {
        Some(last) if last.stretch == stretch => last.ms += t,
        _ => out.push(Piece { stretch, ms: t }),
    };
    let mut picks_at: HashMap<u32, usize> = HashMap::new();
    for p in &path.picks {
        *picks_at.entry(p.point).or_default() += p.lines.len();
    }
    for (k, w) in path.points.windows(2).enumerate() {
        if let Some(&lines) = picks_at.get(&(k as u32)) {
            let y = w[0].y_cm;
            let stretch = layout.aisle_at(w[0].x_cm).zip(layout.block_of(y));
            push(stretch, (lines as f64 * pick_ms).round() as u64);
        }
        let (p, q) = (w[0], w[1]);
        if p.x_cm != q.x_cm {
            push(None, ms((p.x_cm - q.x_cm).abs()));
            continue;
        }
        let aisle = layout.aisle_at(p.x_cm);
        let (lo, hi) = (p.y_cm.min(q.y_cm), p.y_cm.max(q.y_cm));
        // Split the run at the cross aisles it passes.
        let mut cuts: Vec<i64> =
            layout.cross_y_cm.iter().copied().filter(|&y| y > lo && y < hi).collect();
        cuts.insert(0, lo);
        cuts.push(hi);
        if q.y_cm < p.y_cm {
            cuts.reverse();
        }
        for c in cuts.windows(2) {
            let mid = (c[0] + c[1]) / 2;
            push(aisle.zip(layout.block_of(mid)), ms((c[0] - c[1]).abs()));
        }
    }
    out
}

/// Replays the plan with narrow aisles holding one robot each (wide aisles never block).
///
/// # Complexity
/// O(P log R) for P timeline pieces and R robots.
pub fn simulate(layout: &Layout, paths: &[PickPath], plan: &Assignment) -> Congestion {
    let robots = plan.robot_of.iter().max().map_or(0, |&r| r as usize + 1);
    let mut queue: Vec<Vec<usize>> = vec![Vec::new(); robots];
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by_key(|&k| (plan.start_ms[k], k));
    for k in order {
        queue[plan.robot_of[k] as usize].push(k);
    }
    let timelines: Vec<Vec<Piece>> = paths.iter().map(|p| pieces(layout, p)).collect();
    // Event: (time, robot, position in its queue, piece index).
    let mut events: BinaryHeap<Reverse<(u64, usize, usize, usize)>> = BinaryHeap::new();
    for (r, q) in queue.iter().enumerate() {
        if let Some(&k) = q.first() {
            events.push(Reverse((plan.start_ms[k], r, 0, 0)));
        }
    }
    let mut free_at: HashMap<(u32, u32), u64> = HashMap::new();
    let mut c = Congestion::default();
    while let Some(Reverse((mut t, r, qi, pi))) = events.pop() {
        let k = queue[r][qi];
        let Some(piece) = timelines[k].get(pi) else {
            // Batch done: the next one starts at its planned time or now, whichever is later.
            c.makespan_ms = c.makespan_ms.max(t);
            if let Some(&next) = queue[r].get(qi + 1) {
                events.push(Reverse((t.max(plan.start_ms[next]), r, qi + 1, 0)));
            }
            continue;
        };
        if let (Some(s), true) = (piece.stretch, layout.narrow) {
            let free = free_at.get(&s).copied().unwrap_or(0);
            if free > t {
                c.waits += 1;
                c.wait_ms += free - t;
                t = free;
            }
            free_at.insert(s, t + piece.ms);
        }
        events.push(Reverse((t + piece.ms, r, qi, pi + 1)));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::generate::tests::small_layout;
    use crate::warehouse::layout::Point;
    use crate::warehouse::orders::Stop;
    use crate::warehouse::path::path_of_order;

    #[test]
    fn lpt_balances_a_wave_and_the_next_wave_waits_for_it() {
        // 5 -> r0, 4 -> r1, 3 -> r1 (7), 3 -> r0 (8), 3 -> r1 (10): LPT's 10 (the optimum is 9).
        let plan = assign(&[5, 4, 3, 3, 3], &[0; 5], 2);
        assert_eq!(plan.makespan_ms, 10);
        let two = assign(&[5, 5, 2], &[0, 0, 1], 2);
        assert_eq!(two.start_ms[2], 5, "the second wave starts when the first is done");
        assert_eq!(two.makespan_ms, 7);
    }

    #[test]
    fn two_robots_in_one_narrow_aisle_wait_and_wide_aisles_do_not() {
        let mut layout = small_layout(1, 1, 0);
        let stop = |y_cm| Stop { point: Point { x_cm: 0, y_cm }, lines: Vec::new() };
        let stops = [stop(500), stop(900)];
        let paths =
            vec![path_of_order(&layout, &stops, &[0, 1]), path_of_order(&layout, &stops, &[0])];
        let durations: Vec<u64> = paths.iter().map(|p| batch_ms(&layout, p)).collect();
        let plan = assign(&durations, &[0, 0], 2);
        assert!(layout.narrow);
        let jam = simulate(&layout, &paths, &plan);
        assert_eq!(jam.waits, 1);
        assert!(jam.wait_ms > 0 && jam.makespan_ms > plan.makespan_ms);
        layout.narrow = false;
        let free = simulate(&layout, &paths, &plan);
        assert_eq!((free.waits, free.makespan_ms), (0, plan.makespan_ms));
    }
}
