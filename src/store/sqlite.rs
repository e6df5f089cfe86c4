//! The embedded default backend: one SQLite file in WAL mode.
//!
//! One writer connection behind a mutex (SQLite allows one writer at a time anyway) and a
//! small pool of reader connections: in WAL mode readers keep reading the last committed
//! state while a write transaction is open, so a long run being written never blocks the
//! service's reads. The schema version lives in `PRAGMA user_version`; migrations are SQL
//! files applied in order, the pending ones in one write transaction.

use super::{ForecastRow, ForecastStore, NewRun, RunInfo, StoreError};
use crate::forecast::Frequency;
use crate::ids::{RunId, SkuId, ZoneId};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Schema migrations; `user_version` = how many have been applied.
/// Each area that keeps records in the store (forecast runs, service jobs, experiments)
/// adds its own file here, in order: one counter orders them all, so the schema of every
/// area lives here even where the queries do not (experiment records are written by
/// `experiment::records`, which sits above the store).
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_jobs.sql"),
    include_str!("migrations/0003_experiments.sql"),
    include_str!("migrations/0004_lists_and_reports.sql"),
    include_str!("migrations/0005_lead_time_quantiles.sql"),
    include_str!("migrations/0006_plan_states.sql"),
    include_str!("migrations/0007_job_leases.sql"),
];

/// Reader connections kept open for reuse.
const READER_POOL: usize = 4;

/// A [`ForecastStore`] in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    pub(super) writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// Held for the store's lifetime by the process that owns the file's jobs (see
    /// [`SqliteStore::open_owned`]); dropping the store releases it.
    _owner: Option<std::fs::File>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a half-written run (the transaction rolls
    // back when dropped), so a poisoned lock is safe to take over.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How long a connection waits for another's lock (and an opening retries a busy file).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// The writer connection: WAL, then every pending migration.
fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = connect(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    migrate(&mut conn)?;
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`, switches it to WAL and applies any
    /// pending migrations.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::SchemaTooNew`] for a file from a newer build.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        // Processes opening a new file at once: SQLite answers some lock waits with
        // SQLITE_BUSY at once, without its busy handler (switching the file to WAL, a read
        // that would have to become a write), so the whole opening is tried again, for as
        // long as the busy timeout, before the error is the caller's.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        let conn = loop {
            match open_writer(path) {
                Err(StoreError::Database(rusqlite::Error::SqliteFailure(e, _)))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => break other?,
            }
        };
        Ok(Self {
            path: path.to_owned(),
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            _owner: None,
        })
    }

    /// Opens the store as its one owning process: the service, which runs the file's jobs
    /// and marks the ones a previous owner left unfinished as interrupted. An exclusive
    /// advisory lock (`flock`) on the database file is taken first and held until the store
    /// is dropped, so a second owner is refused instead of failing the first one's jobs.
    /// Plain [`SqliteStore::open`] (the CLI's forecast and place runs) does not take it:
    /// SQLite itself serialises their writes.
    ///
    /// The lock is the kernel's, so it goes with the process: a crashed owner leaves no
    /// stale lock behind.
    ///
    /// # Errors
    /// [`StoreError::Locked`] when another process owns the file; those of
    /// [`SqliteStore::open`].
    pub fn open_owned(path: &Path) -> Result<Self, StoreError> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|source| StoreError::Io { path: path.to_owned(), source })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked { path: path.to_owned() });
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(StoreError::Io { path: path.to_owned(), source });
            }
        }
        let mut store = Self::open(path)?;
        store._owner = Some(file);
        Ok(store)
    }

    /// The schema version of the open file.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(lock(&self.writer).query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The writer connection, held until the guard drops (SQLite has one writer at a time
    /// anyway).
    pub(crate) fn lock_writer(&self) -> MutexGuard<'_, Connection> {
        lock(&self.writer)
    }

    /// Runs `f` on a reader connection (pooled, or a new one).
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = lock(&self.readers).pop();
        let conn = match pooled {
            Some(c) => c,
            None => connect(&self.path)?,
        };
        let out = f(&conn);
        let mut pool = lock(&self.readers);
        if pool.len() < READER_POOL {
            pool.push(conn);
        }
        out
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let supported = MIGRATIONS.len() as i64;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > supported {
        return Err(StoreError::SchemaTooNew { found: version, supported });
    }
    if version == supported {
        // Up to date: no write lock taken (a long write elsewhere does not delay an open).
        return Ok(());
    }
    // Two processes opening a new file at once: the write lock is taken before the version
    // is read again, so the second waits and then finds the migrations applied (a deferred
    // transaction let both read version 0 and the second fail on `CREATE TABLE`).
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > supported {
        return Err(StoreError::SchemaTooNew { found: version, supported });
    }
    for sql in MIGRATIONS.iter().skip(usize::try_from(version).unwrap_or(0)) {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", supported)?;
    tx.commit()?;
    Ok(())
}

/// A new run id: UTC time to the millisecond plus 32 bits that separate runs made in the
/// same millisecond (by this process: a counter; by others: the process id and the clock's
/// nanoseconds).
pub(crate) fn new_run_id(now: DateTime<Utc>, fingerprint: &str) -> RunId {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let salt = [
        COUNTER.fetch_add(1, Ordering::Relaxed),
        u64::from(std::process::id()),
        u64::from(now.timestamp_subsec_nanos()),
    ];
    for b in fingerprint.bytes().chain(salt.iter().flat_map(|v| v.to_le_bytes())) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    RunId::new(format!("{}-{:08x}", now.format("%Y%m%dT%H%M%S%3fZ"), h as u32))
}

pub(super) fn check_row(index: u64, row: &ForecastRow, levels: usize) -> Result<(), StoreError> {
    let reason = if !row.mean.is_finite() || row.mean < 0.0 {
        Some("mean must be finite and >= 0")
    } else if row.quantiles.len() != levels {
        Some("one quantile per quantile level is required")
    } else if row.quantiles.iter().any(|q| !q.is_finite() || *q < 0.0) {
        Some("quantiles must be finite and >= 0")
    } else if !row.cum_quantiles.is_empty() && row.cum_quantiles.len() != levels {
        Some("cumulative quantiles: none, or one per quantile level")
    } else if row.cum_quantiles.iter().any(|q| !q.is_finite() || *q < 0.0) {
        Some("cumulative quantiles must be finite and >= 0")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(StoreError::InvalidRow {
            index,
            sku: row.sku.to_string(),
            zone: row.zone.to_string(),
            period: row.period.to_string(),
            reason,
        }),
    }
}

pub(crate) fn json_text(v: &impl serde::Serialize) -> String {
    // Serialising plain values (numbers, strings, serde_json::Value) cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

pub(super) const RUN_COLUMNS: &str = "id, created_at, frequency, horizon, model_config, data_fingerprint, \
                           source, metrics, quantile_levels, row_count";

fn run_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<[String; 10]> {
    Ok([
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get::<_, i64>(3)?.to_string(),
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get::<_, i64>(9)?.to_string(),
    ])
}

pub(super) fn parse_run(cols: [String; 10]) -> Result<RunInfo, StoreError> {
    let [id, created, frequency, horizon, config, fingerprint, source, metrics, levels, rows] =
        cols;
    let corrupt = |field, source| StoreError::CorruptField { run: id.clone(), field, source };
    let json = |field: &'static str, text: &str| {
        serde_json::from_str::<serde_json::Value>(text).map_err(|e| corrupt(field, e))
    };
    let created_at = serde_json::from_value::<DateTime<Utc>>(serde_json::Value::String(created))
        .map_err(|e| corrupt("created_at", e))?;
    let frequency = serde_json::from_value::<Frequency>(serde_json::Value::String(frequency))
        .map_err(|e| corrupt("frequency", e))?;
    Ok(RunInfo {
        created_at,
        run: NewRun {
            model_config: json("model_config", &config)?,
            horizon: horizon.parse().unwrap_or(0),
            frequency,
            data_fingerprint: fingerprint,
            source,
            metrics: json("metrics", &metrics)?,
            quantile_levels: serde_json::from_str(&levels)
                .map_err(|e| corrupt("quantile_levels", e))?,
        },
        row_count: rows.parse().unwrap_or(0),
        id: RunId::new(id),
    })
}

fn query_rows(
    conn: &Connection,
    id: &RunId,
    series: Option<(&SkuId, &ZoneId)>,
) -> Result<Vec<ForecastRow>, StoreError> {
    let exists: Option<i64> = conn
        .query_row("SELECT 1 FROM forecast_run WHERE id = ?1", [id.as_str()], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        return Err(StoreError::RunNotFound(id.clone()));
    }
    let base = format!("SELECT {ROW_COLUMNS} FROM forecast_row WHERE run_id = ?1");
    let mut stmt;
    let mut rows = match series {
        Some((sku, zone)) => {
            stmt = conn.prepare(&format!("{base} AND sku = ?2 AND zone = ?3 ORDER BY period"))?;
            stmt.query(params![id.as_str(), sku.as_str(), zone.as_str()])?
        }
        None => {
            stmt = conn.prepare(&format!("{base} ORDER BY sku, zone, period"))?;
            stmt.query(params![id.as_str()])?
        }
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(forecast_row(r, id)?);
    }
    Ok(out)
}

/// The columns of a forecast row as [`forecast_row`] reads them (after `SELECT`).
pub(super) const ROW_COLUMNS: &str = "sku, zone, period, mean, quantiles, cum_quantiles";

/// One stored forecast row of run `id`, selected as [`ROW_COLUMNS`]: the one place that
/// maps SQLite's row columns to a [`ForecastRow`] (with the `INSERT` in `write_run`).
pub(super) fn forecast_row(r: &rusqlite::Row<'_>, id: &RunId) -> Result<ForecastRow, StoreError> {
    let period: String = r.get(2)?;
    let quantiles: String = r.get(4)?;
    let cum_quantiles: String = r.get(5)?;
    let corrupt = |field, source| StoreError::CorruptField { run: id.to_string(), field, source };
    Ok(ForecastRow {
        sku: SkuId::new(r.get::<_, String>(0)?),
        zone: ZoneId::new(r.get::<_, String>(1)?),
        period: serde_json::from_value::<NaiveDate>(serde_json::Value::String(period))
            .map_err(|e| corrupt("period", e))?,
        mean: r.get(3)?,
        quantiles: serde_json::from_str(&quantiles).map_err(|e| corrupt("quantiles", e))?,
        cum_quantiles: serde_json::from_str(&cum_quantiles)
            .map_err(|e| corrupt("cum_quantiles", e))?,
    })
}

impl ForecastStore for SqliteStore {
    fn write_run(
        &self,
        run: &NewRun,
        rows: &mut dyn Iterator<Item = ForecastRow>,
    ) -> Result<RunId, StoreError> {
        let now = DateTime::<Utc>::from(std::time::SystemTime::now());
        let id = new_run_id(now, &run.data_fingerprint);
        let mut conn = lock(&self.writer);
        // Dropping `tx` without commit (error, panic) rolls everything back.
        let tx = conn.transaction()?;
        let mut count = 0u64;
        {
            let mut insert = tx.prepare(
                "INSERT INTO forecast_row (run_id, sku, zone, period, mean, quantiles, \
                 cum_quantiles) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for row in rows {
                check_row(count, &row, run.quantile_levels.len())?;
                insert.execute(params![
                    id.as_str(),
                    row.sku.as_str(),
                    row.zone.as_str(),
                    row.period.to_string(),
                    row.mean,
                    json_text(&row.quantiles),
                    json_text(&row.cum_quantiles),
                ])?;
                count += 1;
            }
        }
        // The run row goes in last, with its row count; the rows' foreign key is deferred to
        // the commit, so the run is never updated after its insert.
        tx.execute(
            &format!(
                "INSERT INTO forecast_run ({RUN_COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
            ),
            params![
                id.as_str(),
                now.to_rfc3339_opts(SecondsFormat::Millis, true),
                json_text(&run.frequency).trim_matches('"'),
                run.horizon as i64,
                json_text(&run.model_config),
                run.data_fingerprint,
                run.source,
                json_text(&run.metrics),
                json_text(&run.quantile_levels),
                count as i64,
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn list_runs(&self) -> Result<Vec<RunInfo>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {RUN_COLUMNS} FROM forecast_run ORDER BY created_at DESC, id DESC"
            ))?;
            let raw: Vec<[String; 10]> =
                stmt.query_map([], run_from_row)?.collect::<Result<_, _>>()?;
            raw.into_iter().map(parse_run).collect()
        })
    }

    fn run_info(&self, id: &RunId) -> Result<RunInfo, StoreError> {
        self.read(|conn| {
            let raw = conn
                .query_row(
                    &format!("SELECT {RUN_COLUMNS} FROM forecast_run WHERE id = ?1"),
                    [id.as_str()],
                    run_from_row,
                )
                .optional()?;
            raw.map(parse_run).unwrap_or_else(|| Err(StoreError::RunNotFound(id.clone())))
        })
    }

    fn read_run(&self, id: &RunId) -> Result<Vec<ForecastRow>, StoreError> {
        self.read(|conn| query_rows(conn, id, None))
    }

    fn read_series(
        &self,
        id: &RunId,
        sku: &SkuId,
        zone: &ZoneId,
    ) -> Result<Vec<ForecastRow>, StoreError> {
        self.read(|conn| query_rows(conn, id, Some((sku, zone))))
    }

    fn delete_run(&self, id: &RunId) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        let n = conn.execute("DELETE FROM forecast_run WHERE id = ?1", [id.as_str()])?;
        if n == 0 {
            return Err(StoreError::RunNotFound(id.clone()));
        }
        Ok(())
    }

    fn delete_runs_before(&self, cutoff: DateTime<Utc>) -> Result<usize, StoreError> {
        let conn = lock(&self.writer);
        let cutoff = cutoff.to_rfc3339_opts(SecondsFormat::Millis, true);
        Ok(conn.execute("DELETE FROM forecast_run WHERE created_at < ?1", [cutoff])?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owned_store_refuses_a_second_owner_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("owned.sqlite");
        let first = SqliteStore::open_owned(&path).unwrap();
        let err = SqliteStore::open_owned(&path).unwrap_err();
        assert!(matches!(err, StoreError::Locked { .. }), "{err}");
        // Processes that do not own the jobs (the CLI's runs) still open it.
        assert!(SqliteStore::open(&path).is_ok());
        drop(first);
        assert!(SqliteStore::open_owned(&path).is_ok());
    }
}
