//! The forecast quantities placement reads: per SKU, zone and period, the mean, the
//! quantiles of demand in the period and those of demand summed since the run's first period
//! (the lead-time quantiles its safety stock is set from).
//!
//! Placement needs only these numbers, not how a forecast was stored: a run read back from
//! the store ([`crate::store::forecast_demand`]) and a forecast an experiment keeps in
//! memory both come in as a [`ForecastDemand`], so the LP never depends on store row types.

use crate::ids::{RunId, SkuId, ZoneId};
use chrono::NaiveDate;

/// Demand quantities of one SKU in one zone for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandQuantiles {
    /// The SKU.
    pub sku: SkuId,
    /// The zone.
    pub zone: ZoneId,
    /// First day of the period.
    pub period: NaiveDate,
    /// Mean demand in the period, in product units.
    pub mean_units: f64,
    /// Demand quantiles in the period, in product units, one per
    /// [`ForecastDemand::quantile_levels`] entry.
    pub quantile_units: Vec<f64>,
    /// Quantiles of demand summed from the run's first period through this one (lead-time
    /// demand), in product units, one per [`ForecastDemand::quantile_levels`] entry; empty
    /// when the run has none (runs stored before they were written).
    pub cum_quantile_units: Vec<f64>,
}

/// A forecast as placement reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastDemand {
    /// The forecast run the quantities come from: a stored run's id, or the label of a
    /// forecast kept in memory. Named in errors and recorded in the plan.
    pub run: RunId,
    /// The quantile levels (0-1) of [`DemandQuantiles::quantile_units`].
    pub quantile_levels: Vec<f64>,
    /// The quantities, any order.
    pub rows: Vec<DemandQuantiles>,
}
