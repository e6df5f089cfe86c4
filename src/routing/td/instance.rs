//! The time-dependent VRPTW as the solver reads it: vertex 0 is the start depot, `1..=n`
//! the customers, `n + 1` the end depot; a dense matrix of distances (infinite for an arc
//! that may not be driven) and arc categories, and one [`SpeedModel`].
//!
//! Times stay `f64` here, unlike the static solver's fixed point: a travel time is a
//! piecewise-linear function whose breakpoints fall at fractional times, so rounding each
//! arc up (what keeps the static solver's schedules feasible) would add up to one unit per
//! zone crossed and make the durations the published optima are stated in unreachable. The
//! schedule compares with a tolerance of [`TIME_EPS`] instead, and the independent checker
//! re-simulates every route in its own code.

use crate::routing::td::speed::SpeedModel;

/// Slack on every time comparison (time units): the forward and backward passes agree to
/// about 1e-9 on the Dabia horizons (1e3-1e4 units); the checker allows ten times this.
pub const TIME_EPS: f64 = 1e-7;

/// One time-dependent VRPTW.
#[derive(Debug, Clone, PartialEq)]
pub struct TdInstance {
    /// A name for reports.
    pub name: String,
    /// Customers + 2.
    pub vertices: usize,
    /// `dist[i * vertices + j]`, infinite when the arc may not be driven.
    pub dist: Vec<f64>,
    /// `category[i * vertices + j]`, a row of [`TdInstance::model`].
    pub category: Vec<u8>,
    /// The speeds.
    pub model: SpeedModel,
    /// Earliest service start per vertex (for the start depot: the earliest departure).
    pub ready: Vec<f64>,
    /// Latest service start per vertex (for the end depot: the latest return).
    pub due: Vec<f64>,
    /// Service time per vertex.
    pub service: Vec<f64>,
    /// Demand per vertex.
    pub demand: Vec<i64>,
    /// Vehicle capacity.
    pub capacity: i64,
    /// Most routes.
    pub max_routes: usize,
}

impl TdInstance {
    /// Number of customers.
    pub fn customers(&self) -> usize {
        self.vertices - 2
    }

    /// The end depot's vertex.
    pub fn end(&self) -> u32 {
        (self.vertices - 1) as u32
    }

    /// Distance of arc `i -> j` (infinite when closed).
    ///
    /// # Units
    /// The instance's distance unit.
    #[inline]
    pub fn distance(&self, i: u32, j: u32) -> f64 {
        self.dist[i as usize * self.vertices + j as usize]
    }

    /// Arrival at `j` when leaving `i` at `depart` (infinite when the arc is closed).
    ///
    /// # Units
    /// The instance's time unit.
    #[inline]
    pub fn arrival(&self, i: u32, j: u32, depart: f64) -> f64 {
        let k = i as usize * self.vertices + j as usize;
        let d = self.dist[k];
        if d.is_finite() { self.model.arrival(d, self.category[k], depart) } else { f64::INFINITY }
    }

    /// The latest departure from `i` that reaches `j` by `arrive_by` (minus infinity when
    /// the arc is closed).
    ///
    /// # Units
    /// The instance's time unit.
    #[inline]
    pub fn latest_departure(&self, i: u32, j: u32, arrive_by: f64) -> f64 {
        let k = i as usize * self.vertices + j as usize;
        let d = self.dist[k];
        if d.is_finite() {
            self.model.latest_departure(d, self.category[k], arrive_by)
        } else {
            f64::NEG_INFINITY
        }
    }

    /// The same instance with every category driving at its time-weighted mean speed over
    /// the day (`ready` of the start depot to `due` of the end depot) at all times: the
    /// static plan's view, "as if speeds were constant".
    pub fn with_mean_speeds(&self) -> Self {
        let (from, to) = (self.ready[0], self.due[self.vertices - 1]);
        let speeds: Vec<f64> = (0..self.model.categories())
            .map(|c| self.model.mean_speed(c as u8, from, to))
            .collect();
        let model = SpeedModel::constant(&speeds).expect("mean speeds of valid speeds are valid");
        Self { model, ..self.clone() }
    }
}
