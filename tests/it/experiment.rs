//! Experiments (issue 7): A/A false-positive rates, the Monaco forecast experiment, the
//! placement replay, store records, shadow mode and the CLI.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use std::path::{Path, PathBuf};
use std::process::Command;
use stockroute::SolveContext;
use stockroute::experiment::{
    self, Decision, ExperimentStatus, ExperimentStore, Measures, MetricKind, Spec, UnitResult,
    shadow, summarise,
};
use stockroute::store::{SqliteStore, StoreError};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Smallest k with P(Binomial(n, p) > k) < tail: the most declarations a correct test at
/// false-positive rate p gives in n repetitions, but for a 1-in-1/tail fluke.
fn binomial_bound(n: u64, p: f64, tail: f64) -> u64 {
    let pmf = |k: u64| {
        let ln_choose: f64 = (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum();
        (ln_choose + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp()
    };
    let mut cdf = 0.0;
    for k in 0..=n {
        cdf += pmf(k);
        if 1.0 - cdf < tail {
            return k;
        }
    }
    n
}

#[test]
fn binomial_bound_by_hand() {
    // Binomial(20, 0.05): P(X > 3) = 0.0159, P(X > 4) = 0.0026, P(X > 5) = 0.0003.
    assert_eq!(binomial_bound(20, 0.05, 0.02), 3);
    assert_eq!(binomial_bound(20, 0.05, 0.01), 4);
    assert_eq!(binomial_bound(20, 0.05, 0.001), 5);
}

fn routing_spec(instances: &[&str], seeds: &[u64], min_effect: f64, units: usize) -> Spec {
    let list: Vec<String> =
        instances.iter().map(|i| format!("{:?}", repo(i).display().to_string())).collect();
    let text = format!(
        r#"
        name = "aa"
        stage = "routing"
        metric = "cost_per_order"
        [decision]
        min_effect = {min_effect}
        confidence = 0.95
        units = {units}
        resamples = 2000
        [units]
        instances = [{}]
        seeds = {seeds:?}
        [champion]
        label = "A"
        max_iterations = 300
        [challenger]
        label = "A again"
        max_iterations = 300
        seed_offset = 1000
        "#,
        list.join(", ")
    );
    Spec::from_toml(&text).unwrap()
}

/// A/A through the same summary and decision code as real runs: 100 repetitions of 30
/// paired units whose arms differ by noise alone. At 95 % confidence and no minimum effect
/// a correct procedure declares a win or loss in ~5 % of repetitions.
#[test]
fn aa_synthetic_false_positive_rate_is_within_the_stated_level() {
    let mut spec = routing_spec(&["data/routing/A-n32-k5.vrp"], &[1, 2], 0.0, 30);
    let mut rng = Pcg64Mcg::seed_from_u64(2026);
    let false_positives = declared(&mut spec, &mut rng, 0.0);
    let bound = binomial_bound(100, 0.05, 0.001);
    eprintln!("synthetic A/A: {false_positives} of 100 declared (bound {bound})");
    assert!(false_positives <= bound, "{false_positives} of 100 A/A runs declared, bound {bound}");
    // The same procedure does see a real difference (0.73 sd of the paired noise).
    let detected = declared(&mut spec, &mut rng, 0.6);
    eprintln!("synthetic shift: {detected} of 100 declared");
    assert!(detected >= 90, "a real shift was declared in only {detected} of 100 runs");
}

/// In how many of 100 synthetic experiments of 30 units the challenger is declared a win or
/// a loss when its values are the champion's shifted down by `shift` plus independent noise.
fn declared(spec: &mut Spec, rng: &mut Pcg64Mcg, shift: f64) -> u64 {
    let mut declared = 0;
    for rep in 0..100u64 {
        spec.seed = rep;
        let units: Vec<UnitResult> = (0..30)
            .map(|i| {
                // Unit effects (skewed, as costs are) shared by both arms, noise per arm.
                let base = 10.0 + (rng.random::<f64>() * 3.0).exp();
                let noise = |rng: &mut Pcg64Mcg| (0..4).map(|_| rng.random::<f64>()).sum::<f64>();
                let m = |v: f64| Measures::from([(MetricKind::CostPerOrder, v)]);
                UnitResult {
                    unit: format!("u{i}"),
                    seed: i,
                    champion: m(base + noise(rng)),
                    challenger: m(base + noise(rng) - shift),
                }
            })
            .collect();
        if summarise(spec, &units).decision() != Decision::Inconclusive {
            declared += 1;
        }
    }
    declared
}
/// Real A/A runs through the runner and the solver: the same configuration on both arms,
/// independent seeds (seed_offset), 20 repetitions on fresh seeds.
#[test]
fn aa_routing_runs_through_the_runner_stay_within_the_stated_level() {
    let mut declared = 0;
    for rep in 0..20u64 {
        let seeds: Vec<u64> = (0..5).map(|k| rep * 100 + k).collect();
        let mut spec =
            routing_spec(&["data/routing/A-n32-k5.vrp", "data/routing/C101.txt"], &seeds, 0.0, 10);
        spec.seed = rep;
        let outcome = experiment::run(&spec, None, &SolveContext::new(0)).unwrap();
        assert_eq!(outcome.units.len(), 10);
        // Independent seeds really do differ somewhere: the test is not comparing copies.
        if rep == 0 {
            assert!(outcome.units.iter().any(|u| u.champion != u.challenger));
        }
        if outcome.decision() != Decision::Inconclusive {
            declared += 1;
        }
    }
    let bound = binomial_bound(20, 0.05, 0.001);
    eprintln!("routing A/A: {declared} of 20 declared (bound {bound})");
    assert!(declared <= bound, "{declared} of 20 A/A runs declared, bound {bound}");
}

#[test]
fn monaco_forecast_experiment_finds_the_difference() {
    // The example spec, on its latest origin only (test time).
    let mut spec = Spec::from_file(&repo("examples/experiments/monaco_forecast.toml")).unwrap();
    spec.units.origins = Some(1);
    spec.decision.units = 25;
    let ctx = SolveContext::new(0).with_threads(2);
    let outcome = experiment::run(&spec, None, &ctx).unwrap();
    let p = &outcome.verdict.primary;
    assert_eq!(p.analysis.n, 25);
    assert!(p.analysis.ci_low > 0.0, "{p:?}");
    assert!(
        p.analysis.ci_low <= p.analysis.improvement && p.analysis.improvement <= p.analysis.ci_high
    );
    assert_eq!(outcome.decision(), Decision::Win, "{p:?}");
}

#[test]
fn routing_units_include_the_station_days_of_a_scenario() {
    let mut spec = routing_spec(&["data/routing/A-n32-k5.vrp"], &[4], 0.0, 3);
    spec.units.scenarios = vec![repo("data/scenarios/monaco")];
    let outcome = experiment::run(&spec, None, &SolveContext::new(0)).unwrap();
    let mut keys: Vec<&str> = outcome.units.iter().map(|u| u.unit.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["A-n32-k5.vrp#4", "monaco/DS-FONTVIEILLE#4", "monaco/DS-ROQUEBRUNE#4"]);
    for u in &outcome.units {
        assert!(u.champion[&MetricKind::CostPerOrder] > 0.0, "{u:?}");
    }
}

#[test]
fn placement_replay_measures_realised_outcomes() {
    let text = format!(
        r#"
        name = "replay"
        stage = "placement"
        metric = "realised_cost"
        [decision]
        min_effect = 0.0
        units = 3
        resamples = 500
        [units]
        scenario = {:?}
        origins = 3
        horizon = 7
        [champion]
        candidates = ["seasonal_naive"]
        fallback = "seasonal_naive"
        k_nearest = 1
        [challenger]
        candidates = ["seasonal_naive"]
        fallback = "seasonal_naive"
        k_nearest = 3
        "#,
        repo("data/scenarios/monaco").display().to_string()
    );
    let spec = Spec::from_toml(&text).unwrap();
    let outcome = experiment::run(&spec, None, &SolveContext::new(0)).unwrap();
    // Three units: the fewest the studentized interval can use (issue 19).
    assert_eq!(outcome.units.len(), 3);
    for u in &outcome.units {
        for m in [&u.champion, &u.challenger] {
            assert!(m[&MetricKind::RealisedCost] > 0.0);
            let fill = m[&MetricKind::FillRate];
            assert!((0.0..=1.0).contains(&fill), "{fill}");
            assert!(m[&MetricKind::Stockouts] >= 0.0 && m[&MetricKind::LongDistanceUnits] >= 0.0);
        }
    }
    let names: Vec<MetricKind> = outcome.verdict.secondary.iter().map(|s| s.metric).collect();
    assert!(names.contains(&MetricKind::FillRate) && names.contains(&MetricKind::SplitShipments));
}

#[test]
fn experiment_records_round_trip_and_the_rule_cannot_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let spec = routing_spec(&["data/routing/A-n32-k5.vrp"], &[1, 2, 3], 0.0, 3);
    let outcome = experiment::run(&spec, Some(&store), &SolveContext::new(0)).unwrap();
    let id = outcome.experiment.clone().unwrap();
    let rec = store.experiment(&id).unwrap();
    assert_eq!(rec.status, ExperimentStatus::Done);
    assert_eq!((rec.planned_units, rec.units_recorded), (3, 3));
    assert_eq!(rec.spec, spec);
    assert_eq!(rec.verdict.as_ref(), Some(&outcome.verdict));
    assert_eq!(store.experiment_units(&id).unwrap(), outcome.units);
    assert_eq!(store.list_experiments().unwrap().len(), 1);
    // Finished: no more units, no second verdict.
    let extra = outcome.units[0].clone();
    assert!(matches!(store.add_unit(&id, &extra), Err(StoreError::ExperimentClosed(_))));
    assert!(matches!(store.finish_experiment(&id, None), Err(StoreError::ExperimentClosed(_))));
    // The same name with a looser rule is refused; the same spec may run again.
    let mut looser = spec.clone();
    looser.decision.confidence = 0.8;
    assert!(matches!(store.create_experiment(&looser), Err(StoreError::SpecChanged { .. })));
    assert!(store.create_experiment(&spec).is_ok());
}

#[test]
fn shadow_mode_records_pairs_and_decides_at_the_fixed_horizon() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let mut spec = routing_spec(&["data/routing/A-n32-k5.vrp"], &[1], 0.0, 3);
    spec.name = "shadow".into();
    spec.units = Default::default();
    let id = shadow::start(&store, &spec).unwrap();
    let request = stockroute::routing::formats::read(
        &repo("data/routing/A-n32-k5.vrp"),
        stockroute::routing::formats::Format::Vrplib,
    )
    .unwrap();
    let problem = request.problem;
    let cancel = stockroute::CancelToken::new();
    let config = stockroute::routing::SolverConfig::default().with_max_iterations(300);
    for seed in 0..4u64 {
        let champion =
            stockroute::routing::solve(&problem, &config, &SolveContext::new(seed)).unwrap();
        let key = format!("request-{seed}");
        let challenger = shadow::solve_challenger(&spec, &problem, seed, &key, &cancel).unwrap();
        let pair = shadow::routing_pair(key, seed, &problem, &champion, &challenger);
        let status = shadow::record(&store, &id, &spec, &pair).unwrap();
        match seed {
            0 | 1 => assert!(status.accepted && status.verdict.is_none()),
            2 => assert!(status.accepted && status.verdict.is_some() && status.recorded == 3),
            _ => assert!(!status.accepted && status.verdict.is_some() && status.recorded == 3),
        }
    }
    assert_eq!(store.experiment(&id).unwrap().status, ExperimentStatus::Done);
}

fn stockroute(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_stockroute")).args(args).output().unwrap()
}

#[test]
fn cli_runs_a_spec_records_it_and_writes_the_reports() {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("spec.toml");
    let spec = routing_spec(&["data/routing/A-n32-k5.vrp"], &[1, 2, 3, 4], 0.0, 4);
    std::fs::write(&spec_path, toml::to_string(&spec).unwrap()).unwrap();
    let store = dir.path().join("s.sqlite");
    let out = dir.path().join("out");
    let run = stockroute(&[
        "experiment",
        spec_path.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("cost_per_order") && stdout.contains("decision: "), "{stdout}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("<table"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("outcome.json")).unwrap()).unwrap();
    assert_eq!(json["units"].as_array().unwrap().len(), 4);
    let stored = SqliteStore::open(&store).unwrap().list_experiments().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].verdict.as_ref().unwrap().primary.analysis.n, 4);

    // An invalid spec exits 1 and names the problem.
    std::fs::write(&spec_path, "name = \"x\"\nstage = \"routing\"\n").unwrap();
    let bad = stockroute(&["experiment", spec_path.to_str().unwrap(), "--no-store"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("metric"));
}

#[test]
fn r19_cli_refuses_two_units_naming_the_field_and_the_minimum() {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("spec.toml");
    let spec = routing_spec(&["data/routing/A-n32-k5.vrp"], &[1, 2], 0.0, 2);
    std::fs::write(&spec_path, toml::to_string(&spec).unwrap()).unwrap();
    let bad = stockroute(&["experiment", spec_path.to_str().unwrap(), "--no-store"]);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("decision.units") && stderr.contains("at least 3"), "{stderr}");
}

#[test]
fn r15_warehouse_policies_are_judged_on_replayed_order_days() {
    let text = r#"
        name = "slotting"
        stage = "warehouse"
        metric = "pick_travel"
        seed = 3
        [decision]
        min_effect = 0.0
        units = 6
        resamples = 500
        [units.warehouse]
        blocks = 1
        aisles = 8
        slots_per_side = 10
        robots = 3
        skus = 300
        lines = 400
        days = 8
        [champion]
        slotting = "random"
        [challenger]
        slotting = "velocity"
    "#;
    let spec = Spec::from_toml(text).unwrap();
    let outcome = experiment::run(&spec, None, &SolveContext::new(0)).unwrap();
    assert_eq!(outcome.units.len(), 6);
    for u in &outcome.units {
        assert!(u.unit.starts_with("day-"), "{}", u.unit);
        for m in [&u.champion, &u.challenger] {
            assert!(m[&MetricKind::PickTravel] > 0.0 && m[&MetricKind::PickMakespan] > 0.0);
            assert!(m[&MetricKind::PickWait] >= 0.0);
        }
        // Velocity slotting (from the day before) beats random storage on every day.
        assert!(u.challenger[&MetricKind::PickTravel] < u.champion[&MetricKind::PickTravel]);
    }
    assert_eq!(outcome.decision(), Decision::Win, "{:?}", outcome.verdict);
    // Same spec, same units and figures.
    let again = experiment::run(&spec, None, &SolveContext::new(0)).unwrap();
    assert_eq!(again.units, outcome.units);
    // The example spec parses and validates.
    Spec::from_file(&repo("examples/experiments/warehouse_batching.toml"))
        .unwrap()
        .validate()
        .unwrap();
}
