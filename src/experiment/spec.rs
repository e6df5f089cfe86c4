//! What an experiment is, written down before it runs: the stage, the two arms, the units,
//! the metric and the decision rule (minimum effect, confidence, number of units).
//!
//! A spec is plain TOML (or JSON for the service). Everything that decides the verdict sits
//! in the spec, and the spec's fingerprint is stored with the results: an experiment cannot
//! be re-judged with a looser rule after its results are known without becoming a new,
//! differently named experiment (see [`crate::experiment::ExperimentStore`]).
//!
//! One [`ArmConfig`] type serves every stage so that a spec reads flat; [`Spec::validate`]
//! refuses fields that do not belong to the spec's stage, naming them.

use super::error::ExperimentError;
use super::stats::Interval;
use crate::forecast::{ModelKind, Selection};
use crate::routing::SolverConfig;
use crate::warehouse::batching::BatchingPolicy;
use crate::warehouse::paths::Method;
use crate::warehouse::slotting::SlottingPolicy;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The accepted range of a spec's numbers. A spec can arrive over HTTP, so every count and
/// budget is bounded: the work an experiment does is about `units x (arm budgets) +
/// units x resamples`, and each factor is capped here so that no spec can ask for more
/// memory or time than a job may take (the job's deadline stops the rest).
pub mod limits {
    /// Most units an experiment evaluates.
    pub const MAX_UNITS: usize = 10_000;
    /// Most bootstrap resamples.
    pub const MAX_RESAMPLES: usize = 100_000;
    /// Most `units x resamples` (the bootstrap's work and its largest buffer is `resamples`).
    pub const MAX_BOOTSTRAP_WORK: u64 = 100_000_000;
    /// Most backtest origins.
    pub const MAX_ORIGINS: usize = 100;
    /// Longest forecast or placement horizon and origin step, in scenario periods.
    pub const MAX_PERIODS: usize = 3_660;
    /// Most routing instance files plus scenario folders.
    pub const MAX_SOURCES: usize = 1_000;
    /// Most routing seeds.
    pub const MAX_SEEDS: usize = 1_000;
    /// Longest routing time limit per solve, in seconds.
    pub const MAX_TIME_LIMIT_S: f64 = 3_600.0;
    /// Most placement centres per zone.
    pub const MAX_K_NEAREST: usize = 1_000;
    /// Longest name or label, in bytes.
    pub const MAX_NAME_BYTES: usize = 200;
    /// Longest description, in bytes.
    pub const MAX_DESCRIPTION_BYTES: usize = 10_000;
    /// Most replayed order days of a warehouse experiment.
    pub const MAX_DAYS: usize = 1_000;
    /// Most order lines of one replayed day.
    pub const MAX_DAY_LINES: u64 = 200_000;
    /// Most `days x lines` of a warehouse experiment (the picking work of both arms).
    pub const MAX_WAREHOUSE_LINES: u64 = 20_000_000;
}

/// The stage an experiment compares configurations of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Forecast models, judged on held-back realised demand.
    Forecast,
    /// Forecast + placement, judged by replaying the realised demand against the plan.
    Placement,
    /// Routing solver configurations on instances x seeds.
    Routing,
    /// Slotting, batching and pick-path policies inside a fulfilment centre, judged by
    /// replaying order days (slotted by the day before's velocity).
    Warehouse,
}

/// A measured quantity of one unit under one arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// Forecast: WAPE of the horizon totals of the unit's series (|F - A| summed over
    /// series / A summed), a share.
    Wape,
    /// Placement: realised cost of the cycle (holding, transport, late, lost sales), currency.
    RealisedCost,
    /// Placement: share of realised demand served.
    FillRate,
    /// Placement: (sku, zone, day) demands not served in full.
    Stockouts,
    /// Placement: zone-days served from more than one centre.
    SplitShipments,
    /// Placement: units shipped from beyond the promise distance.
    LongDistanceUnits,
    /// Routing: (route cost + penalties of unserved stops) / stops, problem cost units.
    CostPerOrder,
    /// Routing: distance driven, in the instance's distance unit (km on road matrices).
    Distance,
    /// Routing: vehicles used.
    Vehicles,
    /// Routing: stops left unserved.
    Unserved,
    /// Warehouse: total pick travel of the day, metres (checked path lengths).
    PickTravel,
    /// Warehouse: end of the day's last batch with narrow-aisle waiting replayed, seconds.
    PickMakespan,
    /// Warehouse: robot waiting at narrow aisles over the day, seconds.
    PickWait,
}

impl MetricKind {
    /// Whether a smaller value is better.
    pub fn lower_is_better(self) -> bool {
        !matches!(self, MetricKind::FillRate)
    }

    /// The stage that measures this metric.
    pub fn stage(self) -> Stage {
        use MetricKind::*;
        match self {
            Wape => Stage::Forecast,
            RealisedCost | FillRate | Stockouts | SplitShipments | LongDistanceUnits => {
                Stage::Placement
            }
            CostPerOrder | Distance | Vehicles | Unserved => Stage::Routing,
            PickTravel | PickMakespan | PickWait => Stage::Warehouse,
        }
    }

    /// The snake_case name used in specs and reports.
    pub fn name(self) -> &'static str {
        use MetricKind::*;
        match self {
            Wape => "wape",
            RealisedCost => "realised_cost",
            FillRate => "fill_rate",
            Stockouts => "stockouts",
            SplitShipments => "split_shipments",
            LongDistanceUnits => "long_distance_units",
            CostPerOrder => "cost_per_order",
            Distance => "distance",
            Vehicles => "vehicles",
            Unserved => "unserved",
            PickTravel => "pick_travel",
            PickMakespan => "pick_makespan",
            PickWait => "pick_wait",
        }
    }
}

/// The verdict rule, fixed before the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRule {
    /// Smallest improvement worth adopting, in the metric's unit (>= 0).
    pub min_effect: f64,
    /// Confidence level of the interval, in (0, 1).
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    /// The fixed horizon: exactly this many units are evaluated, drawn from the eligible
    /// units by a permutation seeded with the spec's seed. No early stop, no extension.
    /// At least [`Interval::min_units`] of the spec's interval method (3), at most
    /// [`limits::MAX_UNITS`].
    pub units: usize,
    /// Bootstrap resamples of the paired differences.
    #[serde(default = "default_resamples")]
    pub resamples: usize,
    /// How the interval is formed (default: studentized bootstrap).
    #[serde(default)]
    pub interval: Interval,
}

fn default_confidence() -> f64 {
    0.95
}

fn default_resamples() -> usize {
    10_000
}

/// How forecast errors are grouped into units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    /// One unit per (origin, zone): the zone's WAPE over its SKUs.
    #[default]
    Zone,
    /// One unit per (origin, sku, zone) series with demand in the window: |F - A| / A.
    Series,
}

/// Where the units come from. Forecast and placement use `scenario`, `origins`,
/// `origin_step`, `horizon` (and `by` for forecasts); routing uses (`instances` + the
/// station-days of `scenarios`) x `seeds`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UnitsSpec {
    /// Scenario folder (forecast, placement).
    pub scenario: Option<PathBuf>,
    /// Cut dates: the latest leaves exactly `horizon` periods of realised demand after it,
    /// each earlier one `origin_step` periods before the next.
    pub origins: Option<usize>,
    /// Periods between origins (default: `horizon`).
    pub origin_step: Option<usize>,
    /// Periods forecast (forecast) or covered by the plan (placement), in scenario periods.
    pub horizon: Option<usize>,
    /// Forecast unit grain.
    pub by: Option<Grain>,
    /// Routing instance files (VRPLIB, Solomon or JSON, by extension).
    pub instances: Vec<PathBuf>,
    /// Routing: scenario folders whose delivery day becomes one unit per station
    /// (station-days, via [`crate::routing::from_scenario`]); they need a road extract.
    pub scenarios: Vec<PathBuf>,
    /// Routing seeds: each instance is solved once per seed, by both arms with that seed.
    pub seeds: Vec<u64>,
    /// Warehouse: the building and the replayed order days.
    pub warehouse: Option<WarehouseUnits>,
}

/// The building and the order days of a warehouse experiment: a generated layout and
/// `days + 1` seeded order days of the same shape; unit `i` is day `i + 1`, slotted by the
/// velocity day `i` showed (yesterday's picks decide today's slots, as a forecast would) and
/// picked by the arm's policies. Days are generated when measured, so memory holds two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarehouseUnits {
    /// Blocks (1-20).
    pub blocks: u32,
    /// Aisles (1-100).
    pub aisles: u32,
    /// Slots along each side of an aisle per block (1-100).
    pub slots_per_side: u32,
    /// Robots (1-200).
    pub robots: u32,
    /// SKUs in the catalogue (at most the layout's locations).
    pub skus: u32,
    /// Order lines per day (about).
    pub lines: u64,
    /// Days replayed (the eligible units).
    pub days: usize,
}

/// One arm (champion or challenger). Only the fields of the spec's stage may be set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArmConfig {
    /// A name for tables and charts.
    pub label: String,
    /// Added to every unit's seed for this arm. 0 (the default) keeps common random numbers;
    /// A/A experiments set it on one arm to compare two independent draws.
    pub seed_offset: u64,
    /// Forecast/placement: the candidate models (default: all).
    pub candidates: Option<Vec<ModelKind>>,
    /// Forecast/placement: the selection policy (default: per class).
    pub selection: Option<Selection>,
    /// Forecast/placement: the model of series that cannot be backtested.
    pub fallback: Option<ModelKind>,
    /// Placement: centres that may serve a zone (default 3).
    pub k_nearest: Option<usize>,
    /// Placement: forbid planned lost sales.
    pub require_full_service: Option<bool>,
    /// Routing: time limit per solve, seconds.
    pub time_limit_s: Option<f64>,
    /// Routing: iteration budget per solve (reproducible whatever the load).
    pub max_iterations: Option<u64>,
    /// Routing: solver tuning (default: the solver's defaults).
    pub solver: Option<SolverConfig>,
    /// Warehouse: how SKUs are slotted (default velocity).
    pub slotting: Option<SlottingPolicy>,
    /// Warehouse: how orders are batched (default savings).
    pub batching: Option<BatchingPolicy>,
    /// Warehouse: the pick-path method (default auto).
    pub pick_method: Option<Method>,
    /// Warehouse: wave length, seconds (60-86400, default 3600).
    pub wave_s: Option<u32>,
}

impl ArmConfig {
    /// The fields set that belong to another stage than `stage`.
    fn foreign_fields(&self, stage: Stage) -> Vec<&'static str> {
        let forecast = [
            ("candidates", self.candidates.is_some()),
            ("selection", self.selection.is_some()),
            ("fallback", self.fallback.is_some()),
        ];
        let placement = [
            ("k_nearest", self.k_nearest.is_some()),
            ("require_full_service", self.require_full_service.is_some()),
        ];
        let routing = [
            ("time_limit_s", self.time_limit_s.is_some()),
            ("max_iterations", self.max_iterations.is_some()),
            ("solver", self.solver.is_some()),
        ];
        let warehouse = [
            ("slotting", self.slotting.is_some()),
            ("batching", self.batching.is_some()),
            ("pick_method", self.pick_method.is_some()),
            ("wave_s", self.wave_s.is_some()),
        ];
        let foreign: Vec<(&'static str, bool)> = match stage {
            Stage::Forecast => [&placement[..], &routing[..], &warehouse[..]].concat(),
            Stage::Placement => [&routing[..], &warehouse[..]].concat(),
            Stage::Routing => [&forecast[..], &placement[..], &warehouse[..]].concat(),
            Stage::Warehouse => [&forecast[..], &placement[..], &routing[..]].concat(),
        };
        foreign.into_iter().filter(|(_, set)| *set).map(|(name, _)| name).collect()
    }
}

/// A complete experiment specification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Experiment name (records of one name must share one spec).
    pub name: String,
    /// Free text: the hypothesis.
    #[serde(default)]
    pub description: String,
    /// The stage compared.
    pub stage: Stage,
    /// The primary metric the decision is made on.
    pub metric: MetricKind,
    /// The decision rule.
    pub decision: DecisionRule,
    /// Seed of the unit sample, the unit seeds and the bootstrap.
    #[serde(default)]
    pub seed: u64,
    /// The units.
    pub units: UnitsSpec,
    /// The current configuration.
    pub champion: ArmConfig,
    /// The candidate configuration.
    pub challenger: ArmConfig,
}

impl Spec {
    /// Parses TOML text; relative paths stay as written.
    ///
    /// # Errors
    /// [`ExperimentError::SpecSyntax`].
    pub fn from_toml(text: &str) -> Result<Spec, ExperimentError> {
        toml::from_str(text).map_err(|e| ExperimentError::SpecSyntax(e.to_string()))
    }

    /// Reads a TOML spec file; relative data paths are resolved against the file's folder,
    /// so a spec runs the same from any working directory.
    ///
    /// # Errors
    /// [`ExperimentError::Io`], [`ExperimentError::SpecSyntax`].
    pub fn from_file(path: &Path) -> Result<Spec, ExperimentError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ExperimentError::Io { path: path.to_owned(), source })?;
        let mut spec = Self::from_toml(&text)?;
        let base = path.parent().unwrap_or(Path::new("."));
        let resolve = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(s) = spec.units.scenario.as_mut() {
            resolve(s);
        }
        spec.units.instances.iter_mut().for_each(resolve);
        spec.units.scenarios.iter_mut().for_each(resolve);
        Ok(spec)
    }

    /// Checks the spec as a whole and reports every problem at once.
    ///
    /// # Errors
    /// [`ExperimentError::InvalidSpec`] listing each problem.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        let mut problems = self.rule_problems();
        problems.extend(self.unit_problems());
        if problems.is_empty() { Ok(()) } else { Err(ExperimentError::InvalidSpec(problems)) }
    }

    /// Checks everything but the units (shadow experiments take their units from live
    /// requests).
    ///
    /// # Errors
    /// [`ExperimentError::InvalidSpec`] listing each problem.
    pub fn validate_rule(&self) -> Result<(), ExperimentError> {
        let problems = self.rule_problems();
        if problems.is_empty() { Ok(()) } else { Err(ExperimentError::InvalidSpec(problems)) }
    }

    fn rule_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let d = &self.decision;
        if self.name.trim().is_empty() {
            problems.push("name is empty".to_owned());
        }
        if self.metric.stage() != self.stage {
            problems.push(format!(
                "metric `{}` is not measured by stage {:?}",
                self.metric.name(),
                self.stage
            ));
        }
        if !(d.min_effect.is_finite() && d.min_effect >= 0.0) {
            problems.push("decision.min_effect must be finite and >= 0".to_owned());
        }
        if !(d.confidence > 0.5 && d.confidence < 1.0) {
            problems.push("decision.confidence must lie in (0.5, 1)".to_owned());
        }
        let min_units = d.interval.min_units();
        if !(min_units..=limits::MAX_UNITS).contains(&d.units) {
            problems.push(format!(
                "decision.units must lie in [{min_units}, {}] (the {} interval needs at least \
                 {min_units} units)",
                limits::MAX_UNITS,
                d.interval.name()
            ));
        }
        if !(100..=limits::MAX_RESAMPLES).contains(&d.resamples) {
            problems
                .push(format!("decision.resamples must lie in [100, {}]", limits::MAX_RESAMPLES));
        } else if (d.units as u64).saturating_mul(d.resamples as u64) > limits::MAX_BOOTSTRAP_WORK {
            problems.push(format!(
                "decision.units x decision.resamples must be at most {}",
                limits::MAX_BOOTSTRAP_WORK
            ));
        }
        if self.name.len() > limits::MAX_NAME_BYTES {
            problems.push(format!("name is longer than {} bytes", limits::MAX_NAME_BYTES));
        }
        if self.description.len() > limits::MAX_DESCRIPTION_BYTES {
            problems.push(format!(
                "description is longer than {} bytes",
                limits::MAX_DESCRIPTION_BYTES
            ));
        }
        for (arm, cfg) in [("champion", &self.champion), ("challenger", &self.challenger)] {
            for field in cfg.foreign_fields(self.stage) {
                problems.push(format!("{arm}.{field} does not apply to stage {:?}", self.stage));
            }
            if self.stage == Stage::Routing {
                if cfg.time_limit_s.is_none() && cfg.max_iterations.is_none() {
                    problems.push(format!("{arm} needs time_limit_s or max_iterations"));
                }
                if cfg.time_limit_s.is_some_and(|t| !(t > 0.0 && t <= limits::MAX_TIME_LIMIT_S)) {
                    problems.push(format!(
                        "{arm}.time_limit_s must lie in (0, {}]",
                        limits::MAX_TIME_LIMIT_S
                    ));
                }
                if cfg.max_iterations.is_some_and(|n| n > crate::routing::bounds::MAX_ITERATIONS) {
                    problems.push(format!(
                        "{arm}.max_iterations must be at most {}",
                        crate::routing::bounds::MAX_ITERATIONS
                    ));
                }
                if let Some(solver) = &cfg.solver {
                    problems.extend(solver.problems(&format!("{arm}.solver")));
                }
            }
            if cfg.label.len() > limits::MAX_NAME_BYTES {
                problems
                    .push(format!("{arm}.label is longer than {} bytes", limits::MAX_NAME_BYTES));
            }
            if cfg.k_nearest.is_some_and(|k| !(1..=limits::MAX_K_NEAREST).contains(&k)) {
                problems
                    .push(format!("{arm}.k_nearest must lie in [1, {}]", limits::MAX_K_NEAREST));
            }
            if cfg.wave_s.is_some_and(|w| !(60..=86_400).contains(&w)) {
                problems.push(format!("{arm}.wave_s must lie in [60, 86400]"));
            }
            if cfg.candidates.as_ref().is_some_and(Vec::is_empty) {
                problems.push(format!("{arm}.candidates is empty"));
            }
        }
        problems
    }

    fn unit_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let u = &self.units;
        match self.stage {
            Stage::Forecast | Stage::Placement => {
                if u.scenario.is_none() {
                    problems.push("units.scenario is required".to_owned());
                }
                if u.origins.is_none_or(|o| o == 0) {
                    problems.push("units.origins must be at least 1".to_owned());
                }
                if u.origins.is_some_and(|o| o > limits::MAX_ORIGINS) {
                    problems.push(format!("units.origins must be at most {}", limits::MAX_ORIGINS));
                }
                if u.horizon.is_none_or(|h| h == 0) {
                    problems.push("units.horizon must be at least 1".to_owned());
                }
                for (name, v) in [("horizon", u.horizon), ("origin_step", u.origin_step)] {
                    if v.is_some_and(|v| v > limits::MAX_PERIODS) {
                        problems
                            .push(format!("units.{name} must be at most {}", limits::MAX_PERIODS));
                    }
                }
                if !u.instances.is_empty() || !u.scenarios.is_empty() || !u.seeds.is_empty() {
                    problems.push("units.instances/scenarios/seeds apply to routing only".into());
                }
                if u.warehouse.is_some() {
                    problems.push("units.warehouse applies to warehouse only".into());
                }
                if self.stage == Stage::Placement && u.by.is_some() {
                    problems.push("units.by applies to forecast only".to_owned());
                }
            }
            Stage::Routing => {
                if (u.instances.is_empty() && u.scenarios.is_empty()) || u.seeds.is_empty() {
                    problems.push(
                        "routing needs units.instances or units.scenarios, and units.seeds".into(),
                    );
                }
                if u.instances.len() + u.scenarios.len() > limits::MAX_SOURCES {
                    problems.push(format!(
                        "units.instances and units.scenarios hold at most {} paths together",
                        limits::MAX_SOURCES
                    ));
                }
                if u.seeds.len() > limits::MAX_SEEDS {
                    problems.push(format!("units.seeds holds at most {}", limits::MAX_SEEDS));
                }
                if u.scenario.is_some() || u.origins.is_some() || u.horizon.is_some() {
                    problems.push("units.scenario/origins/horizon do not apply to routing".into());
                }
                if u.warehouse.is_some() {
                    problems.push("units.warehouse applies to warehouse only".into());
                }
            }
            Stage::Warehouse => problems.extend(warehouse_problems(u)),
        }
        problems
    }

    /// A digest of everything in the spec (FNV-1a 64 of its JSON), stored with its records.
    pub fn fingerprint(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}

/// The units of a warehouse spec: the building and days present and bounded, and nothing
/// of the other stages.
fn warehouse_problems(u: &UnitsSpec) -> Vec<String> {
    let mut problems = Vec::new();
    if u.scenario.is_some() || u.origins.is_some() || u.horizon.is_some() || u.by.is_some() {
        problems.push("units.scenario/origins/horizon/by do not apply to warehouse".into());
    }
    if !u.instances.is_empty() || !u.scenarios.is_empty() || !u.seeds.is_empty() {
        problems.push("units.instances/scenarios/seeds apply to routing only".into());
    }
    let Some(w) = &u.warehouse else {
        problems.push("units.warehouse is required".into());
        return problems;
    };
    let bounds = [
        ("blocks", u64::from(w.blocks), 1, 20),
        ("aisles", u64::from(w.aisles), 1, 100),
        ("slots_per_side", u64::from(w.slots_per_side), 1, 100),
        ("robots", u64::from(w.robots), 1, 200),
        ("skus", u64::from(w.skus), 1, 1_000_000),
        ("lines", w.lines, 1, limits::MAX_DAY_LINES),
        ("days", w.days as u64, 1, limits::MAX_DAYS as u64),
    ];
    for (name, v, lo, hi) in bounds {
        if !(lo..=hi).contains(&v) {
            problems.push(format!("units.warehouse.{name} must lie in [{lo}, {hi}]"));
        }
    }
    // The generated building has two levels.
    let locations = u64::from(w.blocks) * u64::from(w.aisles) * u64::from(w.slots_per_side) * 2 * 2;
    if u64::from(w.skus) > locations {
        problems.push(format!(
            "units.warehouse.skus must be at most the building's {locations} storage locations"
        ));
    }
    if (w.days as u64).saturating_mul(w.lines) > limits::MAX_WAREHOUSE_LINES {
        problems.push(format!(
            "units.warehouse.days x units.warehouse.lines must be at most {}",
            limits::MAX_WAREHOUSE_LINES
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTING: &str = r#"
        name = "t"
        stage = "routing"
        metric = "cost_per_order"
        [decision]
        min_effect = 0.0
        units = 4
        [units]
        instances = ["a.vrp"]
        seeds = [1, 2, 3, 4]
        [champion]
        max_iterations = 100
        [challenger]
        time_limit_s = 1.0
    "#;

    #[test]
    fn routing_spec_parses_with_defaults_and_validates() {
        let spec = Spec::from_toml(ROUTING).unwrap();
        assert_eq!(spec.decision.confidence, 0.95);
        assert_eq!(spec.decision.resamples, 10_000);
        spec.validate().unwrap();
        assert_eq!(spec.fingerprint(), Spec::from_toml(ROUTING).unwrap().fingerprint());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = ROUTING
            .replace("metric = \"cost_per_order\"", "metric = \"wape\"")
            .replace("max_iterations = 100", "k_nearest = 2")
            .replace("units = 4", "units = 1");
        let err = Spec::from_toml(&text).unwrap().validate().unwrap_err();
        let ExperimentError::InvalidSpec(problems) = err else { panic!("{err}") };
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("champion.k_nearest")));
    }

    #[test]
    fn r19_fewer_units_than_the_interval_needs_are_refused_by_name() {
        for interval in ["studentized", "percentile"] {
            let text =
                ROUTING.replace("units = 4", &format!("units = 2\ninterval = \"{interval}\""));
            let err = Spec::from_toml(&text).unwrap().validate().unwrap_err();
            let ExperimentError::InvalidSpec(problems) = err else { panic!("{err}") };
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(problems[0].contains("decision.units") && problems[0].contains("at least 3"));
            assert!(problems[0].contains(interval), "{problems:?}");
            let three =
                ROUTING.replace("units = 4", &format!("units = 3\ninterval = \"{interval}\""));
            Spec::from_toml(&three).unwrap().validate().unwrap();
        }
    }

    #[test]
    fn r12_every_number_of_a_spec_is_bounded() {
        let text = ROUTING
            .replace("units = 4", "units = 4\nresamples = 1000000000000")
            .replace("max_iterations = 100", "max_iterations = 100\nlabel = \"a\"")
            .replace("time_limit_s = 1.0", "time_limit_s = 1e9\nsolver = { avg_removed = 1e18 }");
        let err = Spec::from_toml(&text).unwrap().validate().unwrap_err();
        let ExperimentError::InvalidSpec(problems) = err else { panic!("{err}") };
        for field in
            ["decision.resamples", "challenger.time_limit_s", "challenger.solver.avg_removed"]
        {
            assert!(problems.iter().any(|p| p.starts_with(field)), "{field}: {problems:?}");
        }
        assert_eq!(problems.len(), 3, "{problems:?}");
        // units x resamples is bounded as a product too.
        let text = ROUTING.replace("units = 4", "units = 10000\nresamples = 100000");
        let err = Spec::from_toml(&text).unwrap().validate().unwrap_err();
        assert!(err.to_string().contains("decision.units x decision.resamples"), "{err}");
    }

    const WAREHOUSE: &str = r#"
        name = "w"
        stage = "warehouse"
        metric = "pick_travel"
        [decision]
        min_effect = 0.0
        units = 4
        [units.warehouse]
        blocks = 2
        aisles = 10
        slots_per_side = 10
        robots = 4
        skus = 300
        lines = 500
        days = 5
        [champion]
        batching = "fcfs"
        [challenger]
        batching = "savings"
    "#;

    #[test]
    fn a_warehouse_spec_validates_and_its_bounds_are_named() {
        Spec::from_toml(WAREHOUSE).unwrap().validate().unwrap();
        let text = WAREHOUSE
            .replace("days = 5", "days = 5000")
            .replace("skus = 300", "skus = 100000")
            .replace("batching = \"fcfs\"", "batching = \"fcfs\"\nmax_iterations = 3\nwave_s = 1");
        let err = Spec::from_toml(&text).unwrap().validate().unwrap_err();
        let ExperimentError::InvalidSpec(problems) = err else { panic!("{err}") };
        for p in [
            "units.warehouse.days",
            "units.warehouse.skus",
            "champion.max_iterations",
            "champion.wave_s",
        ] {
            assert!(problems.iter().any(|x| x.starts_with(p)), "{p}: {problems:?}");
        }
        let routing_arm =
            ROUTING.replace("max_iterations = 100", "max_iterations = 100\nbatching = \"seed\"");
        let err = Spec::from_toml(&routing_arm).unwrap().validate().unwrap_err();
        assert!(err.to_string().contains("champion.batching does not apply"), "{err}");
        let missing = WAREHOUSE.replace("[units.warehouse]", "[units.other]");
        assert!(Spec::from_toml(&missing).is_err());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let text = ROUTING.replace("[champion]", "[champion]\nmax_iteration = 3");
        assert!(matches!(Spec::from_toml(&text), Err(ExperimentError::SpecSyntax(_))));
    }
}
