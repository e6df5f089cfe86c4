//! Stored forecast rows as the quantities placement reads.
//!
//! Placement takes its own [`ForecastDemand`] type so that it does not depend on how runs
//! are stored; this is the one conversion from a stored run (and from a forecast kept in
//! memory, through the same rows the store would hold).

use super::{ForecastRow, RunInfo, forecast_quantile_levels, rows_of};
use crate::forecast::ForecastSet;
use crate::ids::RunId;
use crate::placement::{DemandQuantiles, ForecastDemand};

impl From<ForecastRow> for DemandQuantiles {
    fn from(r: ForecastRow) -> Self {
        Self {
            sku: r.sku,
            zone: r.zone,
            period: r.period,
            mean_units: r.mean,
            quantile_units: r.quantiles,
            cum_quantile_units: r.cum_quantiles,
        }
    }
}

/// The demand of stored run `info`, from its `rows` (as
/// [`ForecastStore::read_run`](super::ForecastStore::read_run) returns them).
pub fn forecast_demand(info: &RunInfo, rows: &[ForecastRow]) -> ForecastDemand {
    ForecastDemand {
        run: info.id.clone(),
        quantile_levels: info.run.quantile_levels.clone(),
        rows: rows.iter().cloned().map(DemandQuantiles::from).collect(),
    }
}

/// The demand of a forecast kept in memory, labelled `label`, with the quantiles a stored
/// run of it would have.
pub fn set_demand(label: RunId, set: &ForecastSet) -> ForecastDemand {
    ForecastDemand {
        run: label,
        quantile_levels: forecast_quantile_levels(),
        rows: rows_of(set).map(DemandQuantiles::from).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::Frequency;
    use crate::ids::{SkuId, ZoneId};
    use crate::store::NewRun;
    use chrono::NaiveDate;

    #[test]
    fn a_stored_run_keeps_its_id_levels_and_numbers() {
        let info = RunInfo {
            id: RunId::new("r7"),
            created_at: chrono::DateTime::UNIX_EPOCH,
            run: NewRun {
                model_config: serde_json::Value::Null,
                horizon: 1,
                frequency: Frequency::Daily,
                data_fingerprint: String::new(),
                source: String::new(),
                metrics: serde_json::Value::Null,
                quantile_levels: vec![0.5, 0.9],
            },
            row_count: 1,
        };
        let row = ForecastRow {
            sku: SkuId::new("s"),
            zone: ZoneId::new("z"),
            period: NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
            mean: 2.5,
            quantiles: vec![2.0, 4.0],
            cum_quantiles: vec![3.0, 5.0],
        };
        let demand = forecast_demand(&info, std::slice::from_ref(&row));
        assert_eq!(demand.run, RunId::new("r7"));
        assert_eq!(demand.quantile_levels, vec![0.5, 0.9]);
        assert_eq!(demand.rows.len(), 1);
        let d = &demand.rows[0];
        assert_eq!((d.sku.as_str(), d.zone.as_str(), d.period), ("s", "z", row.period));
        assert_eq!((d.mean_units, d.quantile_units.clone()), (2.5, vec![2.0, 4.0]));
        assert_eq!(d.cum_quantile_units, vec![3.0, 5.0]);
    }
}
