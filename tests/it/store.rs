//! The SQLite forecast store on real files: atomic runs, readers during a write, migrations,
//! immutability, deletion.

use chrono::NaiveDate;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use stockroute::forecast::Frequency;
use stockroute::ids::{RunId, SkuId, ZoneId};
use stockroute::store::{ForecastRow, ForecastStore, NewRun, SqliteStore, StoreError};

fn new_run() -> NewRun {
    NewRun {
        model_config: serde_json::json!({"model": "tsb"}),
        horizon: 3,
        frequency: Frequency::Daily,
        data_fingerprint: "fnv1a64:0000000000000001".into(),
        source: "test".into(),
        metrics: serde_json::json!({"total_wape": 0.5}),
        quantile_levels: vec![0.5, 0.9],
    }
}

fn rows(n_series: usize, horizon: usize) -> Vec<ForecastRow> {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    (0..n_series)
        .flat_map(|s| {
            (0..horizon).map(move |h| ForecastRow {
                sku: SkuId::new(format!("S{s:05}")),
                zone: ZoneId::new(if s % 2 == 0 { "north" } else { "south" }),
                period: start + chrono::Days::new(h as u64),
                mean: s as f64 + h as f64 / 10.0,
                quantiles: vec![s as f64, s as f64 * 2.0 + 1.0],
                cum_quantiles: vec![s as f64 * (h + 1) as f64, (s as f64 * 2.0 + 1.0) * 1.5],
            })
        })
        .collect()
}

fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("store.sqlite")).unwrap();
    (dir, store)
}

#[test]
fn a_run_round_trips_whole_and_by_series() {
    let (_dir, store) = open();
    let written = rows(10, 3);
    let id = store.write_run(&new_run(), &mut written.clone().into_iter()).unwrap();
    let info = store.run_info(&id).unwrap();
    assert_eq!(info.row_count, 30);
    assert_eq!(info.run, new_run());
    assert_eq!(store.read_run(&id).unwrap(), written);
    let one = store.read_series(&id, &SkuId::new("S00003"), &ZoneId::new("south")).unwrap();
    assert_eq!(one, written[9..12].to_vec());
    assert!(
        store.read_series(&id, &SkuId::new("S00003"), &ZoneId::new("north")).unwrap().is_empty()
    );
    assert_eq!(store.list_runs().unwrap().len(), 1);
    assert!(matches!(store.read_run(&RunId::new("nope")), Err(StoreError::RunNotFound(_))));
}

#[test]
fn a_bad_row_midway_leaves_nothing() {
    let (_dir, store) = open();
    let mut bad = rows(100, 3);
    bad[250].mean = f64::NAN;
    let err = store.write_run(&new_run(), &mut bad.into_iter()).unwrap_err();
    assert!(matches!(err, StoreError::InvalidRow { index: 250, .. }), "{err}");
    assert!(store.list_runs().unwrap().is_empty());
    // The store still works afterwards.
    store.write_run(&new_run(), &mut rows(2, 3).into_iter()).unwrap();
    assert_eq!(store.list_runs().unwrap().len(), 1);
}

#[test]
fn a_write_that_dies_midway_leaves_nothing() {
    let (dir, store) = open();
    let all = rows(100, 3);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut dying = all.iter().cloned().enumerate().map(|(i, r)| {
            assert!(i < 150, "simulated crash after 150 rows");
            r
        });
        store.write_run(&new_run(), &mut dying)
    }));
    assert!(outcome.is_err());
    assert!(store.list_runs().unwrap().is_empty());
    // A fresh process opening the file sees no partial rows either.
    drop(store);
    let reopened = SqliteStore::open(&dir.path().join("store.sqlite")).unwrap();
    assert!(reopened.list_runs().unwrap().is_empty());
    let raw = rusqlite::Connection::open(dir.path().join("store.sqlite")).unwrap();
    let left: i64 = raw.query_row("SELECT COUNT(*) FROM forecast_row", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
    let id = reopened.write_run(&new_run(), &mut all.into_iter()).unwrap();
    assert_eq!(reopened.read_run(&id).unwrap().len(), 300);
}

#[test]
fn readers_are_not_blocked_by_an_open_write() {
    let (dir, store) = open();
    let store = Arc::new(store);
    let first = store.write_run(&new_run(), &mut rows(5, 3).into_iter()).unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let resume = Arc::new(Barrier::new(2));
    let writer = {
        let store = Arc::clone(&store);
        let resume = Arc::clone(&resume);
        std::thread::spawn(move || {
            let mut held = rows(50, 3).into_iter().enumerate().map(|(i, r)| {
                if i == 20 {
                    // The write transaction is open with 20 rows inserted: let the reader in.
                    started_tx.send(()).unwrap();
                    resume.wait();
                }
                r
            });
            store.write_run(&new_run(), &mut held).unwrap()
        })
    };
    started_rx.recv().unwrap();
    // Through the store's reader pool ...
    let runs = store.list_runs().unwrap();
    assert_eq!(runs.len(), 1, "the uncommitted run must not be visible");
    assert_eq!(store.read_run(&first).unwrap().len(), 15);
    // ... and through a second, independent store on the same file.
    let other = SqliteStore::open(&dir.path().join("store.sqlite")).unwrap();
    assert_eq!(other.read_run(&first).unwrap().len(), 15);
    resume.wait();
    let second = writer.join().unwrap();
    assert_eq!(store.list_runs().unwrap().len(), 2);
    assert_eq!(other.read_run(&second).unwrap().len(), 150);
}

#[test]
fn runs_are_immutable_and_deleted_whole() {
    let (dir, store) = open();
    let id = store.write_run(&new_run(), &mut rows(3, 3).into_iter()).unwrap();
    let raw = rusqlite::Connection::open(dir.path().join("store.sqlite")).unwrap();
    let update = raw.execute("UPDATE forecast_row SET mean = 0 WHERE run_id = ?1", [id.as_str()]);
    assert!(update.is_err(), "rows must refuse UPDATE");
    let update = raw.execute("UPDATE forecast_run SET horizon = 9 WHERE id = ?1", [id.as_str()]);
    assert!(update.is_err(), "runs must refuse UPDATE");
    store.delete_run(&id).unwrap();
    let left: i64 = raw.query_row("SELECT COUNT(*) FROM forecast_row", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0, "rows go with their run");
    assert!(matches!(store.delete_run(&id), Err(StoreError::RunNotFound(_))));
}

#[test]
fn old_runs_are_deleted_by_age() {
    let (_dir, store) = open();
    let old = store.write_run(&new_run(), &mut rows(1, 3).into_iter()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let cutoff = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let new = store.write_run(&new_run(), &mut rows(1, 3).into_iter()).unwrap();
    assert_eq!(store.delete_runs_before(cutoff).unwrap(), 1);
    let left: Vec<RunId> = store.list_runs().unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(left, vec![new]);
    assert!(matches!(store.run_info(&old), Err(StoreError::RunNotFound(_))));
}

#[test]
fn schema_is_versioned_and_a_newer_file_is_refused() {
    let (dir, store) = open();
    // One version per migration file (forecast runs, service jobs, ...).
    let version = store.schema_version().unwrap();
    assert!(version >= 2, "{version}");
    drop(store);
    let path = dir.path().join("store.sqlite");
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.pragma_update(None, "user_version", 99).unwrap();
    drop(raw);
    assert!(matches!(
        SqliteStore::open(&path),
        Err(StoreError::SchemaTooNew { found: 99, supported }) if supported == version
    ));
}

#[test]
fn the_store_is_usable_as_a_shared_trait_object() {
    let (_dir, store) = open();
    let shared: Arc<dyn ForecastStore> = Arc::new(store);
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let s = Arc::clone(&shared);
            std::thread::spawn(move || {
                s.write_run(&new_run(), &mut rows(4, 2).into_iter()).unwrap()
            })
        })
        .collect();
    let mut ids: Vec<RunId> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "run ids are unique");
    assert_eq!(shared.list_runs().unwrap().len(), 3);
}
