//! Warehouse experiments: slotting, batching and pick-path policies replayed on order days.
//!
//! A unit is one generated order day of the spec's building ([`WarehouseUnits`]): day
//! `i + 1` is slotted by the velocity day `i` showed (the picks of yesterday decide
//! today's slots, as a forecast of the centre would; a policy is never slotted by the day it
//! is judged on) and picked under the arm's slotting, batching, pick-path method and wave
//! length. The days are the same for both arms (their seeds come from the spec and the day,
//! not from the arm); random slotting draws with the unit's seed plus the arm's
//! `seed_offset`. Every pick path goes through the independent checker inside
//! [`crate::warehouse::pick_day`], which refuses the day if one fails; the measures are the
//! checked travel, the makespan with narrow-aisle waiting replayed, and the waiting.

use super::batch::Batch;
use crate::context::SolveContext;
use crate::experiment::error::ExperimentError;
use crate::experiment::outcome::Measures;
use crate::experiment::spec::{ArmConfig, MetricKind, Spec, WarehouseUnits};
use crate::warehouse::generate::{self, DayOptions};
use crate::warehouse::layout::Layout;
use crate::warehouse::slotting;
use crate::warehouse::{PickConfig, pick_day};
use std::collections::BTreeMap;

/// The building and how to make each day.
pub(in crate::experiment) struct Data {
    layout: Layout,
    options: DayOptions,
    seed: u64,
}

pub(super) fn prepare(spec: &Spec) -> Result<(Data, Vec<Batch>), ExperimentError> {
    let Some(w) = spec.units.warehouse.as_ref() else {
        return Err(ExperimentError::InvalidSpec(vec!["units.warehouse is required".into()]));
    };
    let WarehouseUnits { blocks, aisles, slots_per_side, robots, skus, lines, days } = *w;
    let layout = generate::layout(blocks, aisles, slots_per_side, robots)?;
    let options = DayOptions { skus, lines, ..DayOptions::default() };
    let batches = (0..days)
        .map(|i| {
            let key = format!("day-{:04}", i + 1);
            Batch {
                key: key.clone(),
                seed: super::batch::unit_seed(spec.seed, i),
                units: vec![key],
            }
        })
        .collect();
    Ok((Data { layout, options, seed: spec.seed }, batches))
}

/// The seed of generated day `day` (0 = the history of the first unit).
fn day_seed(seed: u64, day: usize) -> u64 {
    seed.wrapping_mul(0x0100_0000_01b3).wrapping_add(day as u64)
}

pub(super) fn evaluate(
    d: &Data,
    batch: &Batch,
    index: usize,
    arm: &ArmConfig,
    seed: u64,
    ctx: &SolveContext,
) -> Result<BTreeMap<String, Measures>, ExperimentError> {
    ctx.check()?;
    let history = generate::order_day(&d.options, day_seed(d.seed, index))?;
    let day = generate::order_day(&d.options, day_seed(d.seed, index + 1))?;
    let velocity = slotting::velocity_from_day(&history);
    let policy = arm.slotting.unwrap_or_default();
    let slots = slotting::slot(&d.layout, &day.skus, &velocity, policy, seed)?;
    let config = PickConfig {
        batching: arm.batching.unwrap_or_default(),
        method: arm.pick_method.unwrap_or_default(),
        wave_s: arm.wave_s.unwrap_or(PickConfig::default().wave_s),
    };
    let picked = pick_day(&d.layout, &day, &slots, &config, ctx)?;
    let measures = Measures::from([
        (MetricKind::PickTravel, picked.travel_cm as f64 / 100.0),
        (MetricKind::PickMakespan, picked.congestion.makespan_ms as f64 / 1000.0),
        (MetricKind::PickWait, picked.congestion.wait_ms as f64 / 1000.0),
    ]);
    Ok(BTreeMap::from([(batch.key.clone(), measures)]))
}
