//! The forecast store on both backends, through `store::open` as the CLI and the service
//! open it: atomic runs, readers during a write, migrations, immutability, deletion. Each
//! test runs on a fresh SQLite file (`store::sqlite::*`) and on a fresh PostgreSQL schema
//! (`store::postgres::*`) when `STOCKROUTE_TEST_POSTGRES_URL` names a database
//! (scripts/pg_test_cluster.sh starts one); without it the PostgreSQL tests return at once
//! and the first one says so on stderr.

use chrono::NaiveDate;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Once};
use stockroute::forecast::Frequency;
use stockroute::ids::{RunId, SkuId, ZoneId};
use stockroute::store::{self, ForecastRow, ForecastStore, NewRun, Store, StoreError};

mod fleet;

const URL_VAR: &str = "STOCKROUTE_TEST_POSTGRES_URL";

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

/// A fresh store location of one backend, and raw SQL on it (past the store's API).
enum Backend {
    Sqlite { dir: tempfile::TempDir },
    Postgres { base: String, schema: String, url: String },
}

impl Backend {
    fn sqlite() -> Self {
        Backend::Sqlite { dir: tempfile::tempdir().unwrap() }
    }

    /// A new schema in the test database, or `None` (said once) without the variable.
    fn postgres() -> Option<Self> {
        let Ok(base) = std::env::var(URL_VAR) else {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                use std::io::Write;
                // Past the harness's capture, so a plain `cargo test` shows it.
                let _ = writeln!(
                    std::io::stderr(),
                    "store tests on PostgreSQL skipped: {URL_VAR} is not set \
                     (scripts/pg_test_cluster.sh starts a server)"
                );
            });
            return None;
        };
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!("it_{}_{n}_{nanos}", std::process::id());
        let mut client = ::postgres::Client::connect(&base, ::postgres::NoTls).unwrap();
        client.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        Some(Backend::Postgres { base, schema, url })
    }

    fn location(&self) -> PathBuf {
        match self {
            Backend::Sqlite { dir } => dir.path().join("store.sqlite"),
            Backend::Postgres { url, .. } => PathBuf::from(url),
        }
    }

    /// Opens the store as the CLI does.
    fn open(&self) -> Store {
        store::open(&self.location()).unwrap()
    }

    /// Runs one raw statement; the database's refusal as text.
    fn execute(&self, sql: &str) -> Result<u64, String> {
        match self {
            Backend::Sqlite { .. } => {
                let raw = rusqlite::Connection::open(self.location()).unwrap();
                raw.execute(sql, []).map(|n| n as u64).map_err(|e| e.to_string())
            }
            Backend::Postgres { url, .. } => {
                let mut raw = ::postgres::Client::connect(url, ::postgres::NoTls).unwrap();
                raw.execute(sql, &[]).map_err(|e| e.to_string())
            }
        }
    }

    /// The one integer a raw query returns.
    fn integer(&self, sql: &str) -> i64 {
        match self {
            Backend::Sqlite { .. } => {
                let raw = rusqlite::Connection::open(self.location()).unwrap();
                raw.query_row(sql, [], |r| r.get(0)).unwrap()
            }
            Backend::Postgres { url, .. } => {
                let mut raw = ::postgres::Client::connect(url, ::postgres::NoTls).unwrap();
                raw.query_one(sql, &[]).unwrap().get(0)
            }
        }
    }

    /// Sets the stored schema version behind the store's back.
    fn set_schema_version(&self, version: i64) {
        match self {
            Backend::Sqlite { .. } => {
                let raw = rusqlite::Connection::open(self.location()).unwrap();
                raw.pragma_update(None, "user_version", version).unwrap();
            }
            Backend::Postgres { .. } => {
                self.execute(&format!("UPDATE stockroute_schema SET version = {version}")).unwrap();
            }
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Backend::Postgres { base, schema, .. } = self
            && let Ok(mut client) = ::postgres::Client::connect(base, ::postgres::NoTls)
        {
            let _ = client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
        }
    }
}

/// For each `fn name(backend: &Backend)`: a test `sqlite::name` and a test `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(&super::Backend::sqlite()); } )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(backend) = super::Backend::postgres() {
                        super::$name(&backend);
                    }
                }
            )*
        }
    };
}

on_both_backends!(
    a_run_round_trips_whole_and_by_series,
    a_bad_row_midway_leaves_nothing,
    a_write_that_dies_midway_leaves_nothing,
    readers_are_not_blocked_by_an_open_write,
    runs_are_immutable_and_deleted_whole,
    old_runs_are_deleted_by_age,
    schema_is_versioned_and_a_newer_file_is_refused,
    the_store_is_usable_as_a_shared_trait_object,
    stores_opened_at_once_migrate_once,
    experiment_records_close_when_done_and_keep_their_rule,
);

fn a_run_round_trips_whole_and_by_series(backend: &Backend) {
    let store = backend.open();
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

fn a_bad_row_midway_leaves_nothing(backend: &Backend) {
    let store = backend.open();
    let mut bad = rows(100, 3);
    bad[250].mean = f64::NAN;
    let err = store.write_run(&new_run(), &mut bad.into_iter()).unwrap_err();
    assert!(matches!(err, StoreError::InvalidRow { index: 250, .. }), "{err}");
    assert!(store.list_runs().unwrap().is_empty());
    // The store still works afterwards.
    store.write_run(&new_run(), &mut rows(2, 3).into_iter()).unwrap();
    assert_eq!(store.list_runs().unwrap().len(), 1);
}

fn a_write_that_dies_midway_leaves_nothing(backend: &Backend) {
    let store = backend.open();
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
    // A fresh process opening the store sees no partial rows either.
    drop(store);
    let reopened = backend.open();
    assert!(reopened.list_runs().unwrap().is_empty());
    assert_eq!(backend.integer("SELECT COUNT(*) FROM forecast_row"), 0);
    let id = reopened.write_run(&new_run(), &mut all.into_iter()).unwrap();
    assert_eq!(reopened.read_run(&id).unwrap().len(), 300);
}

fn readers_are_not_blocked_by_an_open_write(backend: &Backend) {
    let store = Arc::new(backend.open());
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
    // Through the store's own connections ...
    let runs = store.list_runs().unwrap();
    assert_eq!(runs.len(), 1, "the uncommitted run must not be visible");
    assert_eq!(store.read_run(&first).unwrap().len(), 15);
    // ... and through a second, independent store on the same file or database.
    let other = backend.open();
    assert_eq!(other.read_run(&first).unwrap().len(), 15);
    resume.wait();
    let second = writer.join().unwrap();
    assert_eq!(store.list_runs().unwrap().len(), 2);
    assert_eq!(other.read_run(&second).unwrap().len(), 150);
}

fn runs_are_immutable_and_deleted_whole(backend: &Backend) {
    let store = backend.open();
    let id = store.write_run(&new_run(), &mut rows(3, 3).into_iter()).unwrap();
    let update =
        backend.execute(&format!("UPDATE forecast_row SET mean = 0 WHERE run_id = '{id}'"));
    assert!(update.is_err(), "rows must refuse UPDATE");
    let update = backend.execute(&format!("UPDATE forecast_run SET horizon = 9 WHERE id = '{id}'"));
    assert!(update.is_err(), "runs must refuse UPDATE");
    store.delete_run(&id).unwrap();
    assert_eq!(backend.integer("SELECT COUNT(*) FROM forecast_row"), 0, "rows go with their run");
    assert!(matches!(store.delete_run(&id), Err(StoreError::RunNotFound(_))));
}

fn old_runs_are_deleted_by_age(backend: &Backend) {
    let store = backend.open();
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

fn schema_is_versioned_and_a_newer_file_is_refused(backend: &Backend) {
    let store = backend.open();
    // One version per migration file (forecast runs, service jobs, ...).
    let version = store.schema_version().unwrap();
    assert!(version >= 2, "{version}");
    drop(store);
    backend.set_schema_version(99);
    assert!(matches!(
        store::open(&backend.location()),
        Err(StoreError::SchemaTooNew { found: 99, supported }) if supported == version
    ));
}

fn the_store_is_usable_as_a_shared_trait_object(backend: &Backend) {
    let shared: Arc<dyn ForecastStore> = Arc::new(backend.open());
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

/// Processes starting together on a new store (several `serve` instances on one database)
/// apply the migrations once: each open sees the full schema and no open fails.
fn stores_opened_at_once_migrate_once(backend: &Backend) {
    let location = backend.location();
    let start = Arc::new(Barrier::new(4));
    let opened: Vec<_> = (0..4)
        .map(|_| {
            let (location, start) = (location.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                let store = store::open(&location).unwrap();
                store.schema_version().unwrap()
            })
        })
        .collect();
    let versions: Vec<i64> = opened.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(versions.iter().all(|v| *v == versions[0] && *v >= 2), "{versions:?}");
    let store = backend.open();
    store.write_run(&new_run(), &mut rows(2, 2).into_iter()).unwrap();
    assert_eq!(store.list_runs().unwrap().len(), 1);
}

/// Experiment records on either backend: units up to the planned number, nothing after
/// the verdict, one spec per name, and the keyset page.
fn experiment_records_close_when_done_and_keep_their_rule(backend: &Backend) {
    use stockroute::experiment::{ExperimentStatus, ExperimentStore, MetricKind, Spec, UnitResult};
    let store = backend.open();
    let mut spec =
        Spec::from_toml(include_str!("../../examples/experiments/routing_time_limits.toml"))
            .unwrap();
    spec.decision.units = 2;
    let id = store.create_experiment(&spec).unwrap();
    let unit = |i: u64| UnitResult {
        unit: format!("u{i}"),
        seed: u64::MAX - i,
        champion: [(MetricKind::CostPerOrder, 1.5)].into_iter().collect(),
        challenger: [(MetricKind::CostPerOrder, 1.25)].into_iter().collect(),
    };
    assert_eq!(store.add_unit(&id, &unit(0)).unwrap(), 1);
    assert_eq!(store.add_unit(&id, &unit(1)).unwrap(), 2);
    assert!(matches!(store.add_unit(&id, &unit(2)), Err(StoreError::ExperimentClosed(_))));
    assert_eq!(store.experiment_units(&id).unwrap(), vec![unit(0), unit(1)]);
    store.finish_experiment(&id, None).unwrap();
    assert!(matches!(store.finish_experiment(&id, None), Err(StoreError::ExperimentClosed(_))));
    let record = store.experiment(&id).unwrap();
    assert_eq!(
        (record.status, record.units_recorded, record.spec),
        (ExperimentStatus::Aborted, 2, spec.clone())
    );
    let mut looser = spec.clone();
    looser.decision.confidence = 0.8;
    assert!(matches!(store.create_experiment(&looser), Err(StoreError::SpecChanged { .. })));
    let again = store.create_experiment(&spec).unwrap();
    assert_eq!(store.abort_unfinished().unwrap(), 1, "a plain open owns no live experiment");
    let listed: Vec<_> = store.list_experiments().unwrap().into_iter().map(|e| e.id).collect();
    let paged: Vec<_> =
        store.experiments_page(None, 10).unwrap().into_iter().map(|e| e.id).collect();
    assert_eq!(listed, paged);
    assert!(listed.contains(&again) && listed.contains(&id));
    let missing = stockroute::ids::ExperimentId::new("nope");
    assert!(matches!(store.experiment(&missing), Err(StoreError::ExperimentNotFound(_))));
}

/// Unleased running jobs of a live owner survive another process's start-up; a dead
/// owner's do not; queued jobs stay queued for any worker.
#[test]
fn postgres_start_up_fails_only_the_jobs_of_owners_that_are_gone() {
    use stockroute::store::jobs::{Created, JobState, JobStore, NewJob};
    let Some(backend) = Backend::postgres() else { return };
    let url = backend.location();
    let job = NewJob {
        kind: "forecast".into(),
        idempotency_key: None,
        request_digest: "d".into(),
        request: serde_json::json!({}),
    };
    let live = store::open_owned(&url).unwrap();
    let Created::New(a) = live.create_job(&job).unwrap() else { panic!() };
    assert!(live.start_job(&a.id).unwrap());
    let gone = store::open_owned(&url).unwrap();
    let Created::New(b) = gone.create_job(&job).unwrap() else { panic!() };
    assert!(gone.start_job(&b.id).unwrap());
    // A queued job is nobody's in particular: any worker on the store runs it.
    let Created::New(queued) = gone.create_job(&job).unwrap() else { panic!() };
    drop(gone);
    // The server ends a closed session's locks at once; give it a moment on a loaded machine.
    let restarted = store::open_owned(&url).unwrap();
    let mut failed = 0;
    for _ in 0..50 {
        failed += restarted.fail_unfinished("interrupted by restart").unwrap();
        if failed > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(failed, 1);
    assert_eq!(restarted.job(&b.id).unwrap().state, JobState::Failed);
    assert_eq!(restarted.job(&a.id).unwrap().state, JobState::Running, "a live owner's job");
    assert_eq!(restarted.job(&queued.id).unwrap().state, JobState::Queued, "left for workers");
    drop(live);
    let mut failed = 0;
    for _ in 0..50 {
        failed += restarted.fail_unfinished("interrupted by restart").unwrap();
        if failed > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(failed, 1);
    assert_eq!(restarted.job(&a.id).unwrap().state, JobState::Failed);
}

/// Write and read throughput of a 100,000-row run on each backend (a measurement, not a
/// check: `cargo test --test it store::throughput -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement; run on purpose"]
fn throughput_of_a_100k_row_run() {
    let mut backends = vec![("sqlite", Backend::sqlite())];
    backends.extend(Backend::postgres().map(|b| ("postgres", b)));
    let written = rows(25_000, 4);
    for (name, backend) in &backends {
        let store = backend.open();
        let start = std::time::Instant::now();
        let id = store.write_run(&new_run(), &mut written.clone().into_iter()).unwrap();
        let write_s = start.elapsed().as_secs_f64();
        let start = std::time::Instant::now();
        let back = store.read_run(&id).unwrap();
        let read_s = start.elapsed().as_secs_f64();
        assert_eq!(back.len(), written.len());
        let n = written.len() as f64;
        println!(
            "{name}: {} rows written in {write_s:.3} s ({:.0} rows/s), read in {read_s:.3} s \
             ({:.0} rows/s)",
            written.len(),
            n / write_s,
            n / read_s
        );
    }
}
