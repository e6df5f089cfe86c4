//! A pick path: the walk a robot makes from the depot through its stops and back.
//!
//! A path is a list of corner points, each consecutive pair one straight run along an aisle
//! or a cross aisle, and the lines picked at given points of it. Every method writes one, so
//! the independent checker ([`super::check`]) can re-walk it on the aisle grid and recompute
//! its length without trusting the method's own arithmetic.

use super::layout::{Layout, Point};
use super::orders::{LineRef, Stop};
use serde::Serialize;
use std::collections::HashMap;

/// Lines picked at one point of a path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickAt {
    /// Index into [`PickPath::points`].
    pub point: u32,
    /// The lines picked there.
    pub lines: Vec<LineRef>,
}

/// A closed walk from the depot and back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickPath {
    /// Corner points, starting and ending at the depot.
    pub points: Vec<Point>,
    /// Where lines are picked.
    pub picks: Vec<PickAt>,
    /// Length as the method computed it, cm.
    pub length_cm: i64,
}

impl PickPath {
    /// Stops in the order the path picks them (their first picking point).
    pub fn visit_order(&self) -> Vec<Point> {
        self.picks.iter().filter_map(|p| self.points.get(p.point as usize).copied()).collect()
    }
}

/// Writes a path leg by leg: each move takes a shortest trip on the grid, so a method only
/// names its waypoints (an aisle end, a stop) and the route between them is exact.
pub struct PathBuilder<'a> {
    layout: &'a Layout,
    points: Vec<Point>,
    picks: Vec<PickAt>,
    length_cm: i64,
}

impl<'a> PathBuilder<'a> {
    /// A path that starts at the depot.
    pub fn new(layout: &'a Layout) -> Self {
        Self { layout, points: vec![layout.depot], picks: Vec::new(), length_cm: 0 }
    }

    /// Where the walker is.
    pub fn at(&self) -> Point {
        *self.points.last().expect("a path starts at the depot")
    }

    /// Moves to `to` by a shortest trip.
    pub fn go(&mut self, to: Point) {
        let from = self.at();
        self.length_cm += self.layout.distance_cm(from, to);
        self.layout.leg(from, to, &mut self.points);
    }

    /// Moves straight to `to` (the caller knows the run is straight: one aisle or one
    /// cross aisle); used by walks that follow edges, such as the exact method's tour.
    pub fn straight(&mut self, to: Point) {
        let from = self.at();
        if from != to {
            self.length_cm += (from.x_cm - to.x_cm).abs() + (from.y_cm - to.y_cm).abs();
            self.points.push(to);
        }
    }

    /// Moves to the stop and picks its lines.
    pub fn pick(&mut self, stop: &Stop) {
        self.go(stop.point);
        self.mark(stop);
    }

    /// Picks the stop's lines here (the walker must be at the stop's point).
    pub fn mark(&mut self, stop: &Stop) {
        let point = (self.points.len() - 1) as u32;
        self.picks.push(PickAt { point, lines: stop.lines.clone() });
    }

    /// Returns to the depot and ends the path.
    pub fn finish(mut self) -> PickPath {
        self.go(self.layout.depot);
        PickPath { points: self.points, picks: self.picks, length_cm: self.length_cm }
    }
}

/// The length of visiting `order` (indices into `stops`) from the depot and back, by
/// shortest trips.
///
/// # Units
/// Centimetres.
pub fn tour_length_cm(layout: &Layout, stops: &[Stop], order: &[usize]) -> i64 {
    let mut at = layout.depot;
    let mut total = 0;
    for &i in order {
        let p = stops[i].point;
        total += layout.distance_cm(at, p);
        at = p;
    }
    total + layout.distance_cm(at, layout.depot)
}

/// The path that visits `order` (indices into `stops`) by shortest trips.
pub fn path_of_order(layout: &Layout, stops: &[Stop], order: &[usize]) -> PickPath {
    let mut b = PathBuilder::new(layout);
    for &i in order {
        b.pick(&stops[i]);
    }
    b.finish()
}

/// Walks an Eulerian multigraph of straight runs from the depot (Hierholzer) and picks
/// every stop at its first visit.
pub(crate) fn euler_walk(layout: &Layout, stops: &[Stop], edges: &[(Point, Point)]) -> PickPath {
    let mut ids: HashMap<Point, usize> = HashMap::new();
    let mut points: Vec<Point> = Vec::new();
    let mut id = |p: Point, points: &mut Vec<Point>| {
        *ids.entry(p).or_insert_with(|| {
            points.push(p);
            points.len() - 1
        })
    };
    let depot = id(layout.depot, &mut points);
    let ends: Vec<(usize, usize)> =
        edges.iter().map(|&(p, q)| (id(p, &mut points), id(q, &mut points))).collect();
    let mut adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); points.len()];
    for (e, &(p, q)) in ends.iter().enumerate() {
        adj[p].push((q, e));
        adj[q].push((p, e));
    }
    let mut used = vec![false; ends.len()];
    let mut stack = vec![depot];
    let mut circuit = Vec::with_capacity(ends.len() + 1);
    while let Some(&v) = stack.last() {
        while adj[v].last().is_some_and(|&(_, e)| used[e]) {
            adj[v].pop();
        }
        match adj[v].pop() {
            Some((w, e)) => {
                used[e] = true;
                stack.push(w);
            }
            None => {
                circuit.push(v);
                stack.pop();
            }
        }
    }
    let stop_at: HashMap<Point, usize> =
        stops.iter().enumerate().map(|(i, s)| (s.point, i)).collect();
    let mut picked = vec![false; stops.len()];
    let mut b = PathBuilder::new(layout);
    for &v in circuit.iter().rev() {
        let p = points[v];
        b.straight(p);
        if let Some(&i) = stop_at.get(&p)
            && !picked[i]
        {
            picked[i] = true;
            b.mark(&stops[i]);
        }
    }
    b.finish()
}
