//! The warehouse stage on the Monaco example's Ventimiglia building: the library entry point
//! with every method and batching policy (every path re-checked here), and the real binary's
//! `pick` and `slot` subcommands.

use std::path::{Path, PathBuf};
use std::process::Command;
use stockroute::SolveContext;
use stockroute::ids::CentreId;
use stockroute::warehouse::batching::{BatchingPolicy, placed_lines};
use stockroute::warehouse::check::check_path;
use stockroute::warehouse::from_scenario;
use stockroute::warehouse::paths::Method;
use stockroute::warehouse::slotting::{self, SlottingPolicy};
use stockroute::warehouse::{PickConfig, pick_day};

fn monaco() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/monaco")
}

const CENTRE: &str = "FC-VENTIMIGLIA";

#[test]
fn every_line_of_the_centre_is_picked_once_on_checked_paths() {
    let (scenario, _) = stockroute::scenario::load(monaco()).unwrap();
    let centre = CentreId::new(CENTRE);
    let layout = from_scenario::load_centre_layout(&monaco(), &scenario, &centre).unwrap();
    let day = from_scenario::order_day(&scenario, &centre);
    assert!(day.orders.len() > 10, "{} orders", day.orders.len());
    let velocity = from_scenario::velocity_from_history(&scenario, &centre);
    assert!(velocity.picks_per_day.iter().any(|&v| v > 0.0));
    let slots = slotting::slot(&layout, &day.skus, &velocity, SlottingPolicy::Velocity, 0).unwrap();
    let ctx = SolveContext::new(0);
    let mut travel = Vec::new();
    for batching in [BatchingPolicy::SingleOrder, BatchingPolicy::Savings] {
        for method in [Method::SShape, Method::LargestGap, Method::Improved] {
            let config = PickConfig { batching, method, wave_s: 3600 };
            let picked = pick_day(&layout, &day, &slots, &config, &ctx).unwrap();
            let mut seen = std::collections::HashSet::new();
            for b in &picked.batches {
                let mut lines = Vec::new();
                for &o in &b.batch.orders {
                    lines.extend(placed_lines(&day, &slots, o).unwrap());
                }
                assert_eq!(check_path(&layout, &lines, &b.path), Ok(b.length_cm));
                for l in lines {
                    assert!(seen.insert((l.order, l.line)), "line picked twice");
                }
            }
            assert_eq!(seen.len(), day.lines());
            assert!(picked.assignment.makespan_ms > 0);
            assert!(picked.congestion.makespan_ms >= picked.assignment.makespan_ms);
            travel.push(((batching, method), picked.travel_cm));
        }
    }
    let get = |b, m| travel.iter().find(|t| t.0 == (b, m)).unwrap().1;
    let single = get(BatchingPolicy::SingleOrder, Method::Improved);
    let batched = get(BatchingPolicy::Savings, Method::Improved);
    assert!(batched < single, "batching saves travel: {batched} vs {single}");
    assert!(batched <= get(BatchingPolicy::Savings, Method::SShape));
    // Two blocks: the exact single-block method refuses the layout with a typed error.
    let exact = PickConfig { method: Method::Exact, ..PickConfig::default() };
    assert!(matches!(
        pick_day(&layout, &day, &slots, &exact, &ctx),
        Err(stockroute::warehouse::WarehouseError::Unsupported { .. })
    ));
}

fn stockroute(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_stockroute")).args(args).output().unwrap()
}

#[test]
fn pick_and_slot_subcommands_run_on_the_example() {
    let folder = monaco();
    let folder = folder.to_str().unwrap();
    let out = stockroute(&["pick", folder, "--centre", CENTRE]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let kpis: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(kpis["checked"], true);
    assert_eq!(kpis["method"], "exact-two-block"); // Monaco's centre has two blocks
    assert!(kpis["lines"].as_u64().unwrap() > 100);
    assert!(kpis["batches"].as_u64().unwrap() < kpis["orders"].as_u64().unwrap());

    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("slots.csv");
    let out = stockroute(&["slot", folder, "--centre", CENTRE, "--out", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 1 + 175);
    // The velocity slotting as "current": nothing to move.
    let out = stockroute(&["slot", folder, "--centre", CENTRE, "--current", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1, "no swap proposed");
    // A random slotting as "current": at most --max-moves swaps.
    let random = dir.path().join("random.csv");
    let args = [
        "slot",
        folder,
        "--centre",
        CENTRE,
        "--policy",
        "random",
        "--out",
        random.to_str().unwrap(),
    ];
    assert!(stockroute(&args).status.success());
    let out = stockroute(&[
        "slot",
        folder,
        "--centre",
        CENTRE,
        "--current",
        random.to_str().unwrap(),
        "--max-moves",
        "5",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1 + 5);

    // A centre without a building, and a bad current file: input errors (exit 1), named.
    let out = stockroute(&["pick", folder, "--centre", "FC-CARROS"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E-WH-MISSING-FILE"));
    std::fs::write(&random, "sku,aisle,block,slot,side,level\nNOPE,0,0,0,left,0\n").unwrap();
    let out =
        stockroute(&["slot", folder, "--centre", CENTRE, "--current", random.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(":2: unknown SKU"));
}

#[test]
fn r15_an_urgent_order_is_inserted_by_the_pick_subcommand() {
    let folder = monaco();
    let folder = folder.to_str().unwrap();
    let skus = std::fs::read_to_string(monaco().join("skus.csv")).unwrap();
    let sku = skus.lines().nth(1).unwrap().split(',').next().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("urgent.json");
    let order = serde_json::json!({"id": "RUSH", "arrives_s": 120, "due_s": 900,
        "lines": [{"sku": sku, "quantity": 2}]});
    std::fs::write(&file, order.to_string()).unwrap();
    let out = stockroute(&["pick", folder, "--centre", CENTRE, "--urgent", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let kpis: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let u = &kpis["urgent"];
    assert_eq!(u["order"], "RUSH");
    assert!(u["started_batches"].as_u64().unwrap() >= 1, "{u}");
    let done = u["done_s"].as_f64().unwrap();
    assert!(done >= 120.0 && done < u["next_wave_done_s"].as_f64().unwrap(), "{u}");
    // A SKU the centre does not know: an input error naming it.
    std::fs::write(&file, order.to_string().replace(&sku, "NOPE")).unwrap();
    let out = stockroute(&["pick", folder, "--centre", CENTRE, "--urgent", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SKU NOPE"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
