//! Time-dependent routing (issue 14) on the Dabia et al. files of `data/routing/td`: the
//! checker reproduces the published optima, the solver's plans pass it, and `route --format
//! dabia` writes a `solutions.json`-shaped plan.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use stockroute::SolveContext;
use stockroute::routing::td::{self, TdConfig, TdSolution};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/routing/td").join(name)
}

#[test]
fn r14_the_checker_reproduces_the_published_optima() {
    let published = td::solution::read_published(&data("solutions.json")).unwrap();
    assert_eq!(published.len(), 2);
    for p in &published {
        let file = td::dabia::read(&data(&format!("{}.json", p.instance_name))).unwrap();
        let verdict = td::check(&file, &p.solution());
        assert!(verdict.is_ok(), "{}: {verdict:?}", p.instance_name);
        assert!((verdict.value - p.value).abs() < 1e-6 * p.value, "{verdict:?}");
        // The solver's own timing of each published route is at least as short.
        let inst = file.instance().unwrap();
        for r in &p.routes {
            let stops: Vec<u32> = r.path[1..r.path.len() - 1].iter().map(|&s| s as u32).collect();
            let t = td::schedule::best_timing(&inst, &stops, &mut Default::default()).unwrap();
            assert!(t.duration <= r.duration + 1e-6, "{}: {t:?} vs {r:?}", p.instance_name);
        }
    }
}

#[test]
fn r14_the_checker_catches_broken_plans() {
    let p = &td::solution::read_published(&data("solutions.json")).unwrap()[0];
    let file = td::dabia::read(&data("C101_25.json")).unwrap();
    let mut late = p.solution();
    late.routes[0].t0 += 3000.0;
    let v = td::check(&file, &late);
    assert!(v.late_arrivals > 0, "{v:?}");
    let mut twice = p.solution();
    let extra = twice.routes[0].path[1];
    twice.routes[1].path.insert(1, extra);
    let v = td::check(&file, &twice);
    assert!(v.violations.iter().any(|m| m.contains("served 2 times")), "{v:?}");
    let mut missing = p.solution();
    missing.routes.pop();
    missing.value = missing.routes.iter().map(|r| r.duration).sum();
    let v = td::check(&file, &missing);
    assert!(v.violations.iter().any(|m| m.contains("not served")), "{v:?}");
    let mut wrong = p.solution();
    wrong.value -= 1.0;
    assert!(!td::check(&file, &wrong).is_ok());
}

#[test]
fn r14_the_solver_finds_checked_plans_near_the_optimum() {
    let published = td::solution::read_published(&data("solutions.json")).unwrap();
    for p in &published {
        let file = td::dabia::read(&data(&format!("{}.json", p.instance_name))).unwrap();
        let inst = file.instance().unwrap();
        let config = TdConfig { max_iterations: Some(3000), ..TdConfig::default() };
        let (plan, stats) = td::solve(&inst, &config, &SolveContext::new(1));
        assert_eq!(stats.iterations, 3000);
        let verdict = td::check(&file, &plan);
        assert!(verdict.is_ok(), "{}: {verdict:?}", p.instance_name);
        assert!(plan.value <= 1.05 * p.value, "{}: {} vs {}", p.instance_name, plan.value, p.value);
        // Reproducible for a seed and an iteration budget.
        let (again, _) = td::solve(&inst, &config, &SolveContext::new(1));
        assert_eq!(again, plan);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    /// Whatever the seed, every plan passes the independent checker with 0 late arrivals.
    #[test]
    fn r14_every_plan_passes_the_checker(seed in 0u64..1000, iterations in 1u64..300) {
        let file = td::dabia::read(&data("RC201_25.json")).unwrap();
        let inst = file.instance().unwrap();
        let config = TdConfig { max_iterations: Some(iterations), ..TdConfig::default() };
        let (plan, _) = td::solve(&inst, &config, &SolveContext::new(seed));
        let verdict = td::check(&file, &plan);
        prop_assert!(verdict.is_ok(), "{:?}", verdict);
        prop_assert_eq!(verdict.late_arrivals, 0);
    }
}

#[test]
fn r14_route_format_dabia_writes_a_checked_plan() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let o = Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["route", data("C101_25.json").to_str().unwrap(), "--format", "dabia"])
        .args(["--time-limit-s", "5", "--max-iterations", "500", "--seed", "3"])
        .args(["--sol", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["late_arrivals"], 0);
    assert_eq!(summary["feasible"], true);
    let plan: TdSolution = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(plan.routes[0].path[0], 0);
    assert_eq!(*plan.routes[0].path.last().unwrap(), 26);
    let file = td::dabia::read(&data("C101_25.json")).unwrap();
    assert!(td::check(&file, &plan).is_ok());
    assert!((summary["value"].as_f64().unwrap() - plan.value).abs() < 1e-9);
}

#[test]
fn r14_a_bad_dabia_file_names_the_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let text = std::fs::read_to_string(data("C101_25.json")).unwrap();
    std::fs::write(&bad, text.replace("\"capacity\": 200", "\"capacity\": \"lots\"")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["route", bad.to_str().unwrap(), "--format", "dabia"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.json") && err.contains("capacity"), "{err}");
}
