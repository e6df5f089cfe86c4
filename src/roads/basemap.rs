//! The roads themselves as map lines: a vector base map drawn from the scenario's extract.
//!
//! No tile server is reachable from where stockroute runs in most deployments (and none
//! from this project's machines), yet a plan on a blank background is hard to read. The
//! road graph already holds every drivable street, so the planner's page draws it as its
//! base map. [`road_lines`] turns the directed graph into undirected polylines, one per
//! stretch of road between two junctions (or dead ends), so a city's map is a few
//! coordinates per street instead of two per edge and direction; a bounding box keeps only
//! the stretches that enter it, and a point budget bounds the answer.

use crate::roads::graph::RoadGraph;
use petgraph::graph::NodeIndex;
use std::collections::HashSet;

/// Why the base map could not be drawn.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BasemapError {
    /// The box is inverted or not finite.
    #[error(
        "bbox [{min_lon}, {min_lat}, {max_lon}, {max_lat}] is not a box: give \
         [min_lon, min_lat, max_lon, max_lat] in degrees, with min below max"
    )]
    BadBox {
        /// West edge (degrees).
        min_lon: f64,
        /// South edge (degrees).
        min_lat: f64,
        /// East edge (degrees).
        max_lon: f64,
        /// North edge (degrees).
        max_lat: f64,
    },
    /// The lines in the box have more points than allowed.
    #[error("the roads in this box need more than {limit} points: ask for a smaller box (bbox)")]
    TooManyPoints {
        /// The point budget.
        limit: usize,
    },
}

/// A box in degrees, `[min_lon, min_lat, max_lon, max_lat]` (GeoJSON's bbox order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatBox {
    min_lon: f64,
    min_lat: f64,
    max_lon: f64,
    max_lat: f64,
}

impl LonLatBox {
    /// A box from its four edges.
    ///
    /// # Errors
    /// [`BasemapError::BadBox`] when an edge is not finite or a minimum exceeds its maximum.
    pub fn new(
        min_lon: f64,
        min_lat: f64,
        max_lon: f64,
        max_lat: f64,
    ) -> Result<Self, BasemapError> {
        let finite = [min_lon, min_lat, max_lon, max_lat].iter().all(|v| v.is_finite());
        if !finite || min_lon > max_lon || min_lat > max_lat {
            return Err(BasemapError::BadBox { min_lon, min_lat, max_lon, max_lat });
        }
        Ok(Self { min_lon, min_lat, max_lon, max_lat })
    }

    fn contains(&self, lon: f64, lat: f64) -> bool {
        (self.min_lon..=self.max_lon).contains(&lon) && (self.min_lat..=self.max_lat).contains(&lat)
    }
}

/// The roads of `graph` as polylines of `[lon, lat]` (degrees, rounded to 1e-6, about
/// 0.1 m), one per stretch between junctions; with `within`, only the segments with an end
/// in the box, a stretch that leaves the box being cut where it does.
///
/// Each undirected road segment appears once, whatever its directions: a base map shows
/// streets, not lanes.
///
/// # Errors
/// [`BasemapError::TooManyPoints`] as soon as the lines would hold more than `max_points`
/// points (counted before they are kept, so the work stops there too).
///
/// # Complexity
/// O(V + E) time and O(V + E) memory for the walk, plus the points returned.
pub fn road_lines(
    graph: &RoadGraph,
    within: Option<LonLatBox>,
    max_points: usize,
) -> Result<Vec<Vec<[f64; 2]>>, BasemapError> {
    let g = graph.graph();
    let neighbours: Vec<Vec<NodeIndex<u32>>> = g
        .node_indices()
        .map(|n| {
            let mut next: Vec<NodeIndex<u32>> =
                g.neighbors_undirected(n).filter(|&m| m != n).collect();
            next.sort_unstable();
            next.dedup();
            next
        })
        .collect();
    let junction = |n: NodeIndex<u32>| neighbours[n.index()].len() != 2;
    let key =
        |a: NodeIndex<u32>, b: NodeIndex<u32>| (a.index().min(b.index()), a.index().max(b.index()));
    let mut done: HashSet<(usize, usize)> = HashSet::new();
    let mut out = Lines { within, max_points, points: 0, lines: Vec::new() };
    // Stretches that start at a junction first, then what is left: loops of bends only.
    let starts = g.node_indices().filter(|&n| junction(n)).chain(g.node_indices());
    for start in starts {
        for &first in &neighbours[start.index()] {
            if !done.insert(key(start, first)) {
                continue;
            }
            let mut stretch = vec![start, first];
            let (mut prev, mut at) = (start, first);
            while !junction(at) && at != start {
                let Some(&next) = neighbours[at.index()].iter().find(|&&m| m != prev) else {
                    break;
                };
                if !done.insert(key(at, next)) {
                    break;
                }
                stretch.push(next);
                (prev, at) = (at, next);
            }
            out.push(graph, &stretch)?;
        }
    }
    Ok(out.lines)
}

/// The lines being collected, cut to the box and counted against the budget.
struct Lines {
    within: Option<LonLatBox>,
    max_points: usize,
    points: usize,
    lines: Vec<Vec<[f64; 2]>>,
}

impl Lines {
    fn push(&mut self, graph: &RoadGraph, stretch: &[NodeIndex<u32>]) -> Result<(), BasemapError> {
        let at = |n: NodeIndex<u32>| {
            let d = graph.node(n);
            [round6(d.lon), round6(d.lat)]
        };
        let inside = |p: [f64; 2]| self.within.is_none_or(|b| b.contains(p[0], p[1]));
        let mut line: Vec<[f64; 2]> = Vec::new();
        let mut cut: Vec<Vec<[f64; 2]>> = Vec::new();
        for pair in stretch.windows(2) {
            let (a, b) = (at(pair[0]), at(pair[1]));
            if inside(a) || inside(b) {
                if line.is_empty() {
                    line.push(a);
                }
                line.push(b);
            } else if !line.is_empty() {
                cut.push(std::mem::take(&mut line));
            }
        }
        if !line.is_empty() {
            cut.push(line);
        }
        for line in cut {
            self.points += line.len();
            if self.points > self.max_points {
                return Err(BasemapError::TooManyPoints { limit: self.max_points });
            }
            self.lines.push(line);
        }
        Ok(())
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::graph::tests::{grid_node, line_graph};
    use crate::roads::graph::{EdgeData, RoadGraph, RoadOptions};

    /// Segments of the lines, each as an ordered pair of points, sorted.
    fn segments(lines: &[Vec<[f64; 2]>]) -> Vec<([i64; 2], [i64; 2])> {
        let q = |p: [f64; 2]| [(p[0] * 1e6).round() as i64, (p[1] * 1e6).round() as i64];
        let mut s: Vec<_> = lines
            .iter()
            .flat_map(|l| l.windows(2).map(|w| (q(w[0]).min(q(w[1])), q(w[0]).max(q(w[1])))))
            .collect();
        s.sort_unstable();
        s
    }

    /// A 3 x 3 grid, two-way streets: 12 undirected segments, junctions everywhere but the
    /// corners (degree 2) and a one-way pair along the top row.
    fn grid() -> RoadGraph {
        let nodes: Vec<_> = (0..3).flat_map(|r| (0..3).map(move |c| grid_node(r, c))).collect();
        let e = EdgeData::from_length(100.0, 30.0);
        let mut edges = Vec::new();
        for r in 0..3u32 {
            for c in 0..3u32 {
                let i = r * 3 + c;
                if c < 2 {
                    edges.push((i, i + 1, e));
                    edges.push((i + 1, i, e));
                }
                if r < 2 {
                    edges.push((i, i + 3, e));
                    edges.push((i + 3, i, e));
                }
            }
        }
        RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap()
    }

    #[test]
    fn every_undirected_segment_appears_exactly_once() {
        let lines = road_lines(&grid(), None, 1_000).unwrap();
        let s = segments(&lines);
        assert_eq!(s.len(), 12, "{lines:?}");
        let mut unique = s.clone();
        unique.dedup();
        assert_eq!(unique, s, "a segment drawn twice");
    }

    #[test]
    fn bends_merge_into_one_line_between_junctions() {
        // Three nodes in a line: both ends are dead ends, the middle one a bend.
        let lines = road_lines(&line_graph(), None, 1_000).unwrap();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].len(), 3);
    }

    #[test]
    fn a_loop_of_bends_only_is_drawn_closed() {
        let nodes = vec![grid_node(0, 0), grid_node(0, 1), grid_node(1, 1), grid_node(1, 0)];
        let e = EdgeData::from_length(100.0, 30.0);
        let edges: Vec<_> = (0..4u32).map(|i| (i, (i + 1) % 4, e)).collect();
        let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
        let lines = road_lines(&g, None, 1_000).unwrap();
        assert_eq!(segments(&lines).len(), 4, "{lines:?}");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].first(), lines[0].last(), "the loop closes");
    }

    #[test]
    fn the_box_keeps_only_segments_that_touch_it() {
        let g = grid();
        let bottom_row = grid_node(0, 0);
        // Only the bottom-left node is in the box: its two segments are kept.
        let b = LonLatBox::new(
            bottom_row.lon - 1e-4,
            bottom_row.lat - 1e-4,
            bottom_row.lon + 1e-4,
            bottom_row.lat + 1e-4,
        )
        .unwrap();
        let lines = road_lines(&g, Some(b), 1_000).unwrap();
        assert_eq!(segments(&lines).len(), 2, "{lines:?}");
        let far = LonLatBox::new(0.0, 0.0, 1.0, 1.0).unwrap();
        assert!(road_lines(&g, Some(far), 1_000).unwrap().is_empty());
    }

    #[test]
    fn the_point_budget_is_an_error_not_a_cut_map() {
        let err = road_lines(&grid(), None, 5).unwrap_err();
        assert_eq!(err, BasemapError::TooManyPoints { limit: 5 });
    }

    #[test]
    fn inverted_or_infinite_boxes_are_refused() {
        assert!(LonLatBox::new(1.0, 0.0, 0.0, 1.0).is_err());
        assert!(LonLatBox::new(0.0, 1.0, 1.0, 0.0).is_err());
        assert!(LonLatBox::new(f64::NAN, 0.0, 1.0, 1.0).is_err());
        assert!(LonLatBox::new(0.0, 0.0, f64::INFINITY, 1.0).is_err());
    }
}
