//! The Ichoua-Gendreau-Potvin speed-step model: piecewise-constant speeds per arc category
//! and time zone, which make travel times piecewise-linear functions of the departure time
//! that keep FIFO (leaving later never arrives earlier).
//!
//! A vehicle leaving at `t` over distance `d` drives at the speed of its arc's category in
//! the zone that holds the current time until the distance is covered or the zone ends,
//! then goes on at the next zone's speed. The first zone's speed also holds before its
//! start and the last zone's after its end, so every departure time has an arrival.
//!
//! # Why stepping, not stored functions, in the solver
//! [`SpeedModel::arrival`] and [`SpeedModel::latest_departure`] walk the zones the trip
//! crosses (O(zones crossed), one to three on the Dabia instances): exact, and no memory per
//! arc. [`TravelFn`] is the same travel time as an explicit piecewise-linear function (its
//! breakpoints are where the departure or the arrival falls on a zone boundary), for callers
//! that keep few arcs and compose them; storing one per arc of a 1,000-stop problem would
//! take about 160 MB, for no gain in exactness.
//!
//! # Units
//! Distances and times in the instance's units; speeds in distance per time unit.

use crate::routing::td::error::TdError;

/// Most speed zones a model may have.
pub const MAX_ZONES: usize = 1000;
/// Most arc categories a model may have (a category is stored in a `u8`).
pub const MAX_CATEGORIES: usize = 256;

/// Piecewise-constant speeds: zone `z` spans `[starts[z], starts[z + 1])`, the first one
/// reaching back before its start and the last one on after it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedModel {
    starts: Vec<f64>,
    /// `speeds[category * zones + zone]`, all finite and > 0.
    speeds: Vec<f64>,
}

impl SpeedModel {
    /// A model from the zone starts (strictly increasing, finite) and one row of speeds per
    /// category (one finite speed > 0 per zone).
    ///
    /// # Errors
    /// [`TdError::Model`] naming what is wrong.
    pub fn new(starts: Vec<f64>, speeds: &[Vec<f64>]) -> Result<Self, TdError> {
        let zones = starts.len();
        if zones == 0 || zones > MAX_ZONES {
            return Err(model(format!("needs 1 to {MAX_ZONES} zones, got {zones}")));
        }
        if speeds.is_empty() || speeds.len() > MAX_CATEGORIES {
            return Err(model(format!(
                "needs 1 to {MAX_CATEGORIES} categories, got {}",
                speeds.len()
            )));
        }
        if starts.iter().any(|t| !t.is_finite()) || starts.windows(2).any(|w| w[0] >= w[1]) {
            return Err(model("zone starts must be finite and strictly increasing".into()));
        }
        let mut flat = Vec::with_capacity(zones * speeds.len());
        for (c, row) in speeds.iter().enumerate() {
            if row.len() != zones {
                return Err(model(format!(
                    "category {c} has {} speeds, there are {zones} zones",
                    row.len()
                )));
            }
            if let Some(z) = row.iter().position(|&v| !(v.is_finite() && v > 0.0 && v <= 1e9)) {
                return Err(model(format!("category {c}, zone {z}: speed must be in (0, 1e9]")));
            }
            flat.extend_from_slice(row);
        }
        Ok(Self { starts, speeds: flat })
    }

    /// One speed per category at every time (a static model).
    ///
    /// # Errors
    /// As [`SpeedModel::new`].
    pub fn constant(speeds: &[f64]) -> Result<Self, TdError> {
        let rows: Vec<Vec<f64>> = speeds.iter().map(|&v| vec![v]).collect();
        Self::new(vec![0.0], &rows)
    }

    /// Number of zones.
    pub fn zones(&self) -> usize {
        self.starts.len()
    }

    /// Number of arc categories.
    pub fn categories(&self) -> usize {
        self.speeds.len() / self.starts.len()
    }

    /// Where each zone starts.
    ///
    /// # Units
    /// The instance's time unit.
    pub fn starts(&self) -> &[f64] {
        &self.starts
    }

    /// The speed of `category` in `zone` (both in range).
    ///
    /// # Units
    /// Distance per time unit.
    pub fn speed(&self, category: u8, zone: usize) -> f64 {
        self.speeds[category as usize * self.starts.len() + zone]
    }

    /// The time-weighted mean speed of `category` over `[from, to]` (`from < to`), the speed
    /// of a static model "as if speeds were constant".
    ///
    /// # Units
    /// Distance per time unit.
    pub fn mean_speed(&self, category: u8, from: f64, to: f64) -> f64 {
        let Some(span) = (to > from).then_some(to - from) else {
            return self.speed(category, self.zone_at(from));
        };
        let mut covered = 0.0;
        for z in 0..self.zones() {
            let lo = if z == 0 { f64::NEG_INFINITY } else { self.starts[z] };
            let hi = self.starts.get(z + 1).copied().unwrap_or(f64::INFINITY);
            let overlap = hi.min(to) - lo.max(from);
            if overlap > 0.0 {
                covered += overlap * self.speed(category, z);
            }
        }
        covered / span
    }

    /// The zone that holds time `t` (zone 0 before the first start).
    #[inline]
    fn zone_at(&self, t: f64) -> usize {
        self.starts.partition_point(|&s| s <= t).saturating_sub(1)
    }

    /// When a vehicle leaving at `depart` over `distance_m` on an arc of `category` arrives.
    /// Non-decreasing in `depart` (FIFO) and continuous.
    ///
    /// # Units
    /// The instance's time unit (`distance_m` in its distance unit).
    ///
    /// # Complexity
    /// O(log zones + zones crossed).
    #[inline]
    pub fn arrival(&self, distance_m: f64, category: u8, depart: f64) -> f64 {
        let zones = self.starts.len();
        let row = &self.speeds[category as usize * zones..(category as usize + 1) * zones];
        let (mut t, mut left) = (depart, distance_m);
        let mut z = self.zone_at(t);
        loop {
            let v = row[z];
            match self.starts.get(z + 1) {
                Some(&end) if v * (end - t) < left => {
                    left -= v * (end - t);
                    t = end;
                    z += 1;
                }
                _ => return t + left / v,
            }
        }
    }

    /// The latest departure over `distance_m` on an arc of `category` that arrives by
    /// `arrive_by`: the inverse of [`SpeedModel::arrival`] (speeds are > 0, so arrival is
    /// strictly increasing).
    ///
    /// # Units
    /// The instance's time unit.
    ///
    /// # Complexity
    /// O(log zones + zones crossed).
    #[inline]
    pub fn latest_departure(&self, distance_m: f64, category: u8, arrive_by: f64) -> f64 {
        let zones = self.starts.len();
        let row = &self.speeds[category as usize * zones..(category as usize + 1) * zones];
        let (mut t, mut left) = (arrive_by, distance_m);
        // The zone just before `t` (a trip arriving on a boundary drove in the zone before).
        let mut z = self.starts.partition_point(|&s| s < t).saturating_sub(1);
        loop {
            let v = row[z];
            let start = self.starts[z];
            if z > 0 && v * (t - start) < left {
                left -= v * (t - start);
                t = start;
                z -= 1;
            } else {
                return t - left / v;
            }
        }
    }

    /// The travel time over `distance_m` on an arc of `category` as an explicit
    /// piecewise-linear function of the departure time.
    ///
    /// # Complexity
    /// O(zones^2) to build (one inverse per boundary).
    pub fn travel_fn(&self, distance_m: f64, category: u8) -> TravelFn {
        let mut departs: Vec<f64> = self.starts[1..].to_vec();
        departs.extend(
            self.starts[1..].iter().map(|&z| self.latest_departure(distance_m, category, z)),
        );
        departs.sort_by(f64::total_cmp);
        departs.dedup();
        let points = departs
            .into_iter()
            .map(|t| (t, self.arrival(distance_m, category, t) - t))
            .collect::<Vec<_>>();
        let fallback = distance_m / self.speed(category, 0);
        TravelFn { points, fallback }
    }
}

fn model(message: String) -> TdError {
    TdError::Model { message }
}

/// A travel time as a piecewise-linear function of the departure time: linear between
/// breakpoints, constant before the first and after the last.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelFn {
    /// `(departure, travel time)`, departures strictly increasing.
    points: Vec<(f64, f64)>,
    /// The travel time when there is no breakpoint (one zone).
    fallback: f64,
}

impl TravelFn {
    /// The breakpoints `(departure, travel time)`.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// The travel time when leaving at `depart`.
    ///
    /// # Units
    /// The instance's time unit.
    ///
    /// # Complexity
    /// O(log breakpoints).
    pub fn eval(&self, depart: f64) -> f64 {
        let p = &self.points;
        let i = p.partition_point(|&(t, _)| t <= depart);
        match (i.checked_sub(1).map(|k| p[k]), p.get(i)) {
            (None, None) => self.fallback,
            (None, Some(&(_, y))) | (Some((_, y)), None) => y,
            (Some((t0, y0)), Some(&(t1, y1))) => y0 + (y1 - y0) * (depart - t0) / (t1 - t0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The Dabia et al. speeds of C101_25 (three categories, five zones of a 12,360 horizon).
    fn dabia() -> SpeedModel {
        SpeedModel::new(
            vec![0.0, 2472.0, 3708.0, 8652.0, 9888.0],
            &[
                vec![1.0, 0.333333, 0.666667, 0.5, 0.833333],
                vec![1.16667, 0.666667, 1.33333, 0.833333, 1.0],
                vec![1.5, 1.0, 1.66667, 1.16667, 1.33333],
            ],
        )
        .unwrap()
    }

    #[test]
    fn a_trip_inside_one_zone_drives_at_its_speed() {
        let m = dabia();
        assert!((m.arrival(100.0, 0, 0.0) - 100.0).abs() < 1e-9);
        assert!((m.arrival(150.0, 2, 4000.0) - (4000.0 + 150.0 / 1.66667)).abs() < 1e-9);
        // After the last zone its speed continues.
        assert!((m.arrival(10.0, 1, 20_000.0) - 20_010.0).abs() < 1e-9);
    }

    #[test]
    fn a_trip_across_a_boundary_slows_down_there() {
        let m = dabia();
        // 72 units at speed 1 up to 2472, the remaining 28 at 1/3: 84 more.
        let a = m.arrival(100.0, 0, 2400.0);
        assert!((a - (2472.0 + 28.0 / 0.333333)).abs() < 1e-6, "{a}");
        assert!((m.latest_departure(100.0, 0, a) - 2400.0).abs() < 1e-6);
    }

    #[test]
    fn bad_models_are_refused() {
        assert!(SpeedModel::new(vec![], &[vec![]]).is_err());
        assert!(SpeedModel::new(vec![0.0, 0.0], &[vec![1.0, 1.0]]).is_err());
        assert!(SpeedModel::new(vec![0.0], &[vec![0.0]]).is_err());
        assert!(SpeedModel::new(vec![0.0], &[vec![1.0, 2.0]]).is_err());
        assert!(SpeedModel::new(vec![0.0, 1.0], &[vec![1.0, f64::NAN]]).is_err());
    }

    #[test]
    fn the_mean_speed_weights_zones_by_their_length() {
        let m = SpeedModel::new(vec![0.0, 10.0], &[vec![1.0, 3.0]]).unwrap();
        assert!((m.mean_speed(0, 0.0, 20.0) - 2.0).abs() < 1e-12);
        assert!((m.mean_speed(0, 0.0, 40.0) - 2.5).abs() < 1e-12);
    }

    fn arbitrary_model() -> impl Strategy<Value = SpeedModel> {
        (1usize..6, 1usize..4).prop_flat_map(|(zones, cats)| {
            (
                prop::collection::vec(1.0..500.0f64, zones),
                prop::collection::vec(prop::collection::vec(0.05..5.0f64, zones), cats),
            )
                .prop_map(|(lengths, speeds)| {
                    let mut starts = vec![0.0];
                    for l in &lengths[1..] {
                        starts.push(starts[starts.len() - 1] + l);
                    }
                    SpeedModel::new(starts, &speeds).unwrap()
                })
        })
    }

    proptest! {
        /// FIFO: leaving later never arrives earlier; and the inverse undoes the arrival.
        #[test]
        fn leaving_later_never_arrives_earlier(
            m in arbitrary_model(),
            d in 0.0..2000.0f64,
            c in 0u8..3,
            t in -100.0..3000.0f64,
            later in 0.0..500.0f64,
        ) {
            let c = c % m.categories() as u8;
            let (a, b) = (m.arrival(d, c, t), m.arrival(d, c, t + later));
            prop_assert!(b >= a - 1e-9 * a.abs().max(1.0), "{} then {}", a, b);
            prop_assert!(a >= t);
            let back = m.latest_departure(d, c, a);
            prop_assert!((back - t).abs() <= 1e-7 * t.abs().max(d).max(1.0), "{} vs {}", back, t);
        }

        /// The piecewise-linear function gives the stepped travel time at every departure.
        #[test]
        fn the_travel_function_matches_stepping(
            m in arbitrary_model(),
            d in 0.0..2000.0f64,
            c in 0u8..3,
            t in -100.0..3000.0f64,
        ) {
            let c = c % m.categories() as u8;
            let f = m.travel_fn(d, c);
            let stepped = m.arrival(d, c, t) - t;
            prop_assert!((f.eval(t) - stepped).abs() <= 1e-6 * stepped.max(1.0),
                "{} vs {}", f.eval(t), stepped);
            prop_assert!(f.points().windows(2).all(|w| w[0].0 < w[1].0));
        }
    }
}
