//! The largest value each number of a scenario may take (`E-OUT-OF-RANGE` above it).
//!
//! Why: `validate` must catch what the later stages would fail on. Without these bounds a
//! scenario that validates can still stop the run in the middle (measured on mutated copies
//! of the Monaco scenario): a SKU volume or a cost of `1e300` makes the placement LP fail
//! with a numerical error, a weight of `1e300` kg or a horizon of 10,000 days is refused by
//! the routing or forecast stage only after the forecast has run, and a demand of `1e200`
//! per row makes the LP infeasible. Each bound is far above any real network (a 40 t truck,
//! the largest warehouses, prices of luxury goods) and low enough that every stage handles
//! the value: routing counts grams and cubic centimetres in integers up to 2^40
//! (`routing::model::MAX_QUANTITY`; the
//! routing stage's tests check that these bounds fit), so an order's weight and volume are bounded as
//! a whole too ([`ORDER_KG`], [`ORDER_M3`]).

/// An upper bound on one field, with the unit it is written in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// The largest accepted value.
    pub max: f64,
    /// What the value counts, for the message (`"m3"`, `"units"`, `"money per unit"`).
    pub unit: &'static str,
}

const fn limit(max: f64, unit: &'static str) -> Limit {
    Limit { max, unit }
}

/// The longest forecast horizon, in periods: the scenario's `horizon_periods`, and the
/// bound the forecast stage and the API apply to any horizon asked for.
pub const MAX_HORIZON_PERIODS: usize = 3660;
/// Planning horizon, in periods.
pub const HORIZON_PERIODS: Limit = limit(MAX_HORIZON_PERIODS as f64, "periods");
/// A money amount per unit (lost sale, late delivery, holding per period, SKU value).
pub const MONEY_PER_UNIT: Limit = limit(1e6, "money per unit");
/// Transport cost per unit and kilometre.
pub const MONEY_PER_UNIT_KM: Limit = limit(1e3, "money per unit and km");
/// The promise distance: half the Earth's circumference.
pub const DISTANCE_KM: Limit = limit(20_000.0, "km");
/// A centre's storage.
pub const STORAGE_M3: Limit = limit(1e7, "m3");
/// A centre's outbound capacity per period.
pub const UNITS_PER_PERIOD: Limit = limit(1e8, "units per period");
/// The volume of one unit of a SKU (a 40-foot container holds 67 m3).
pub const SKU_M3: Limit = limit(100.0, "m3");
/// The weight of one unit of a SKU.
pub const SKU_KG: Limit = limit(50_000.0, "kg");
/// One demand row's quantity.
pub const DEMAND_UNITS: Limit = limit(1e8, "units");
/// One order line's quantity.
pub const ORDER_UNITS: Limit = limit(1e6, "units");
/// One order's total weight (1,000 t: 1e9 g, within routing's integer grams).
pub const ORDER_KG: Limit = limit(1e6, "kg");
/// One order's total volume (1e11 cm3, within routing's integer cubic centimetres).
pub const ORDER_M3: Limit = limit(1e5, "m3");
/// Vehicles of one type at one station.
pub const VEHICLES: Limit = limit(10_000.0, "vehicles");
/// A vehicle's weight capacity.
pub const VEHICLE_KG: Limit = limit(1e6, "kg");
/// A vehicle's volume capacity.
pub const VEHICLE_M3: Limit = limit(1e5, "m3");
/// A vehicle's cost per km.
pub const COST_PER_KM: Limit = limit(1e4, "money per km");
/// A vehicle's cost per hour.
pub const COST_PER_HOUR: Limit = limit(1e5, "money per hour");
/// A driver break's length.
pub const BREAK_MINUTES: Limit = limit(720.0, "minutes");
/// Driver breaks of one vehicle type (the routing model's most: a test in
/// `routing::from_scenario` keeps the two equal).
pub const BREAKS: usize = 8;
/// A vehicle's fixed cost per day.
pub const FIXED_COST: Limit = limit(1e7, "money");

/// Longest scenario name: it names the default output folder (`out/<name>`).
pub const NAME_CHARS: usize = 64;
