//! The bridge from a loaded [`Scenario`] to a forecast [`History`], so the CLI and the
//! service forecast exactly the rows the scenario loader validated (no second CSV reader).
//!
//! The scenario's period becomes the frequency: `day` -> [`Frequency::Daily`], `week` ->
//! [`Frequency::Weekly`]. Both stages bucket on the one [`Calendar`](crate::scenario::Calendar)
//! (weeks end on the last date of the history), so the forecast starts the day after the
//! data ends and its periods are the periods the scenario's checks judged.

use super::series::{Frequency, History};
use crate::scenario::{Period, Scenario};

impl From<Period> for Frequency {
    fn from(period: Period) -> Self {
        match period {
            Period::Day => Frequency::Daily,
            Period::Week => Frequency::Weekly,
        }
    }
}

impl From<Frequency> for Period {
    fn from(frequency: Frequency) -> Self {
        match frequency {
            Frequency::Daily => Period::Day,
            Frequency::Weekly => Period::Week,
        }
    }
}

impl History {
    /// The demand history of a validated scenario, bucketed by the scenario's period.
    /// Returns `None` when the scenario has no demand rows.
    ///
    /// # Units
    /// Product units per period, as in `demand.csv`.
    ///
    /// # Complexity
    /// One pass over the demand rows (sorted by the loader) plus the sort of the series.
    pub fn from_scenario(scenario: &Scenario) -> Option<History> {
        let skus = scenario.skus.iter().map(|s| s.id.clone()).collect();
        let zones = scenario.zones.iter().map(|z| z.id.clone()).collect();
        History::from_rows(scenario.period.into(), &scenario.demand, skus, zones)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_every_unit_and_the_scenario_period() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/valid");
        let (mut scn, _) = crate::scenario::load(dir).unwrap();
        let units: f64 = scn.demand.iter().map(|r| r.quantity).sum();
        let history = History::from_scenario(&scn).unwrap();
        assert_eq!(history.frequency(), Frequency::Daily);
        assert!((history.total_units() - units).abs() < 1e-9);
        let first = scn.demand.iter().map(|r| r.date).min().unwrap();
        assert_eq!(history.period_start(0), first);
        scn.demand.clear();
        assert!(History::from_scenario(&scn).is_none());
    }
}
