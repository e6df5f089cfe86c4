//! Arc costs: how the search learns the distance and travel time between two locations.
//!
//! Two dense `i32` matrices cost `8 n^2` bytes: 290 MB at 6,000 locations, 3.2 GB at 20,000.
//! A delivery station's day (10,000-30,000 parcels) does not fit, so the search reads arcs
//! through [`Arcs`], which picks a form per problem:
//! - [`Arcs::Dense`]: the integer matrices, for explicit-matrix inputs (their distances
//!   cannot be recomputed) and for small coordinate problems (up to [`DENSE_UP_TO`]
//!   locations), where a matrix read is cheaper than a square root.
//! - [`Arcs::Planar`]: coordinates only, each arc computed on the fly with the same
//!   arithmetic as the matrix (so the two forms give the same integers), O(n) memory.
//! - [`Arcs::Road`]: locations on a road graph above the dense size, each arc asked of the
//!   road oracle ([`crate::routing::road`]): a neighbour-list or cache hit for most arcs
//!   the search reads, a contraction hierarchy query (microseconds) for the others. The
//!   same integers as a road matrix; O(n k) memory plus the bounded cache.
//!
//! Open routes end at one location past the problem's own, the *open end*, which every
//! location reaches at no distance and no time: the dense matrices carry a last row and
//! column of zeros for it (only when some route is open), planar and road arcs answer it
//! without storage. A tour then ends there as at a depot, and every move prices it alike.
//!
//! The matching neighbour lists (k nearest stops per stop, memory O(n k)) are built in
//! [`crate::routing::env`]: from the matrix when dense, with an R-tree when planar, from
//! the oracle's own lists on roads.
//!
//! # Units
//! Integer fixed-point units of the problem's distance and time: x1 when every distance is
//! an integer (CVRPLIB rounded edges), else x1000 (see [`crate::routing::compiled`]).

use crate::routing::model::Metric;
use crate::routing::road::RoadArcs;
use std::fmt;

/// Largest number of coordinate locations kept in dense matrices (2 x 4 bytes x 3,000^2 =
/// 72 MB); above it arcs are computed on the fly.
pub const DENSE_UP_TO: usize = 3000;

/// Marks an unreachable pair.
pub(crate) const UNREACHABLE: i32 = i32::MAX / 4;

/// The form the search reads arcs from, chosen by [`crate::routing::compiled::Compiled`].
#[derive(Clone)]
pub(crate) enum Arcs {
    /// Row-major `n x n` matrices.
    Dense { n: usize, dist: Vec<i32>, time: Vec<i32> },
    /// Points; arcs computed on the fly.
    Planar(Planar),
    /// Road locations; arcs asked of the road oracle (metres and seconds in fixed point).
    Road(Road),
}

/// Road arcs with the fixed-point scale of the problem.
#[derive(Debug, Clone)]
pub(crate) struct Road {
    pub arcs: RoadArcs,
    pub scale: f64,
}

impl Road {
    /// `(distance, time)` in fixed point; unreachable when off the graph, nothing to or
    /// from the open end (location `len`, where open routes end).
    #[inline]
    fn get(&self, a: u32, b: u32) -> (i32, i32) {
        let open = self.arcs.len();
        if a as usize == open || b as usize == open {
            return (0, 0);
        }
        match self.arcs.arc(a as usize, b as usize) {
            Some(arc) => (
                fixed(f64::from(arc.distance_m), self.scale, false),
                fixed(f64::from(arc.time_s), self.scale, true),
            ),
            None => (UNREACHABLE, UNREACHABLE),
        }
    }
}

impl fmt::Debug for Arcs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Dense { n, .. } => write!(f, "Dense({n})"),
            Self::Planar(p) => write!(f, "Planar({})", p.points.len()),
            Self::Road(r) => write!(f, "Road({})", r.arcs.len()),
        }
    }
}

/// Planar points with the metric and fixed-point scale of the problem.
#[derive(Debug, Clone)]
pub(crate) struct Planar {
    pub points: Vec<[f64; 2]>,
    pub metric: Metric,
    pub scale: f64,
}

impl Planar {
    /// The real distance, as [`Metric::distance`] computes it; 0 to or from the open end
    /// (location `points.len()`, where open routes end).
    #[inline]
    fn real(&self, a: u32, b: u32) -> f64 {
        let (a, b, n) = (a as usize, b as usize, self.points.len());
        debug_assert!(a <= n && b <= n);
        if a < n && b < n { self.metric.distance(self.points[a], self.points[b]) } else { 0.0 }
    }
}

/// Converts a real measure to fixed point: distances to the nearest unit, times up.
#[inline]
pub(crate) fn fixed(x: f64, scale: f64, up: bool) -> i32 {
    let v = x * scale;
    if !v.is_finite() || v >= f64::from(UNREACHABLE) {
        UNREACHABLE
    } else if v < 0.0 {
        if up { v.ceil() as i32 } else { v.round() as i32 }
    } else if up {
        ceil_non_negative(v)
    } else {
        round_non_negative(v)
    }
}

/// `v.round() as i32` for `0 <= v < UNREACHABLE`, exactly, without the libm call that
/// baseline x86-64 (no SSE4.1 `roundsd`) makes for `round`: on coordinate problems above
/// [`DENSE_UP_TO`] locations this runs for every arc the search reads. The truncation is
/// one instruction, and `v - t` is exact (`v` itself when `t = 0`, else Sterbenz's lemma:
/// `t <= v <= 2 t`), so the comparison with one half decides as `round` does (halves away
/// from zero).
#[inline]
fn round_non_negative(v: f64) -> i32 {
    let t = v as i32;
    if v - f64::from(t) >= 0.5 { t + 1 } else { t }
}

/// `v.ceil() as i32` for `0 <= v < UNREACHABLE`, exactly, without a libm call.
#[inline]
fn ceil_non_negative(v: f64) -> i32 {
    let t = v as i32;
    if f64::from(t) < v { t + 1 } else { t }
}

impl Arcs {
    /// Distance in fixed point.
    #[inline]
    pub fn dist(&self, a: u32, b: u32) -> i32 {
        match self {
            Self::Dense { n, dist, .. } => dist[a as usize * n + b as usize],
            Self::Planar(p) => fixed(p.real(a, b), p.scale, false),
            Self::Road(r) => r.get(a, b).0,
        }
    }

    /// Travel time in fixed point (travel time = distance for coordinates).
    #[inline]
    pub fn time(&self, a: u32, b: u32) -> i32 {
        match self {
            Self::Dense { n, time, .. } => time[a as usize * n + b as usize],
            Self::Planar(p) => fixed(p.real(a, b), p.scale, true),
            Self::Road(r) => r.get(a, b).1,
        }
    }

    /// Whether each arc costs a query (road arcs), so that callers should ask only for
    /// arcs near the neighbour lists (construction tries positions beside neighbours).
    pub fn queried(&self) -> bool {
        matches!(self, Self::Road(_))
    }

    /// Distance and travel time together (one square root for planar arcs, one oracle
    /// lookup for road arcs).
    #[inline]
    pub fn dist_time(&self, a: u32, b: u32) -> (i32, i32) {
        match self {
            Self::Dense { n, dist, time } => {
                let i = a as usize * n + b as usize;
                (dist[i], time[i])
            }
            Self::Planar(p) => {
                let r = p.real(a, b);
                (fixed(r, p.scale, false), fixed(r, p.scale, true))
            }
            Self::Road(r) => r.get(a, b),
        }
    }

    /// Bytes of arc data per form, to check memory before allocating.
    pub fn dense_bytes(n: usize) -> u64 {
        8 * (n as u64) * (n as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The libm-free rounding gives exactly what `round` and `ceil` give.
        #[test]
        fn fixed_point_rounding_matches_libm(v in 0.0..f64::from(UNREACHABLE)) {
            prop_assert_eq!(round_non_negative(v), v.round() as i32);
            prop_assert_eq!(ceil_non_negative(v), v.ceil() as i32);
        }

        /// On integer coordinates (CVRPLIB, Solomon) the square root of the sum of squares
        /// is within a few units in the last place of `hypot` (glibc's `hypot` is not
        /// always correctly rounded; the square root of the exact sum is), and the rounded
        /// metric gives the same integers: no square root of an integer is within 1e-7 of a
        /// half at these magnitudes.
        #[test]
        fn planar_distance_matches_hypot_on_integer_coordinates(
            a in (-1_000_000i32..1_000_000, -1_000_000i32..1_000_000),
            b in (-1_000_000i32..1_000_000, -1_000_000i32..1_000_000),
        ) {
            let (a, b) = ([f64::from(a.0), f64::from(a.1)], [f64::from(b.0), f64::from(b.1)]);
            let h = (a[0] - b[0]).hypot(a[1] - b[1]);
            let d = Metric::Euclidean.distance(a, b);
            prop_assert!((d - h).abs() <= 4.0 * f64::EPSILON * h, "{} vs {}", d, h);
            prop_assert_eq!(Metric::EuclideanRounded.distance(a, b), (h + 0.5).floor());
        }
    }

    #[test]
    fn fixed_point_rounding_at_the_edges() {
        for v in [0.0, 0.5, 0.499_999_999_999_999_94, 1.5, 2.5, 1e9 + 0.5, 7.000_000_000_000_001] {
            assert_eq!(round_non_negative(v), v.round() as i32, "{v}");
            assert_eq!(ceil_non_negative(v), v.ceil() as i32, "{v}");
        }
        assert_eq!(fixed(-1.5, 1.0, false), -2);
        assert_eq!(fixed(-1.5, 1.0, true), -1);
        assert_eq!(fixed(f64::INFINITY, 1.0, true), UNREACHABLE);
    }

    #[test]
    fn planar_distance_survives_huge_coordinates() {
        let d = Metric::Euclidean.distance([1e200, 0.0], [-1e200, 1e200]);
        assert!(d.is_finite() && d > 2e200, "{d}");
    }

    #[test]
    fn planar_arcs_round_like_the_matrix() {
        let p = Planar {
            points: vec![[0.0, 0.0], [1.0, 1.0], [3.0, 4.0]],
            metric: Metric::Euclidean,
            scale: 1000.0,
        };
        let a = Arcs::Planar(p);
        assert_eq!(a.dist(0, 1), 1414);
        assert_eq!(a.time(0, 1), 1415);
        assert_eq!(a.dist(0, 2), 5000);
        assert_eq!(a.time(2, 0), 5000);
        let r = Arcs::Planar(Planar {
            points: vec![[0.0, 0.0], [1.0, 1.0]],
            metric: Metric::EuclideanRounded,
            scale: 1.0,
        });
        assert_eq!((r.dist(0, 1), r.time(1, 0)), (1, 1));
    }
}
