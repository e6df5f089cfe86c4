//! Experiment records: the spec, every unit's measures under both arms, and the verdict.
//!
//! The records enforce the fixed horizon and the rule fixed in advance, not just keep
//! them: an experiment accepts at most its planned number of units, nothing after it is
//! finished (SQL triggers), and a name keeps one spec for good - re-running a name with a
//! changed spec (a looser minimum effect once the results are known, say) is refused, so a
//! changed rule is visibly a new experiment.
//!
//! # Why here and not in `store/`
//! A record is made of the experiment's own types ([`Spec`], [`UnitResult`], [`Verdict`]),
//! and those sit above the store: a spec holds forecast and routing configurations. So the
//! trait and its SQLite implementation live with the experiment and use the store from
//! above (its connections, id scheme and JSON encoding), and the store never imports
//! `experiment`. A store-level trait over untyped JSON would have kept the SQL in `store/`
//! but handed every caller (runner, shadow mode, the service, the CLI) untyped records to
//! decode. The tables and triggers stay in the store's migrations
//! (`store/migrations/0003_experiments.sql`): one `user_version` orders the schema of every
//! area of the file. The PostgreSQL implementation, and the one for either backend
//! ([`crate::store::Store`]), are in `records/postgres.rs`.

mod postgres;

use super::outcome::{UnitResult, Verdict};
use super::spec::Spec;
use crate::ids::ExperimentId;
use crate::store::{SqliteStore, StoreError, json_text, new_run_id};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// Where an experiment is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExperimentStatus {
    /// Collecting units.
    Running,
    /// All planned units recorded and the verdict written.
    Done,
    /// Stopped before the verdict (error, cancel); its units stay for inspection.
    Aborted,
}

impl ExperimentStatus {
    fn as_str(self) -> &'static str {
        match self {
            ExperimentStatus::Running => "running",
            ExperimentStatus::Done => "done",
            ExperimentStatus::Aborted => "aborted",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [ExperimentStatus::Running, ExperimentStatus::Done, ExperimentStatus::Aborted]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A stored experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentRecord {
    /// Its id.
    pub id: ExperimentId,
    /// The spec's name.
    pub name: String,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// The spec as run.
    pub spec: Spec,
    /// [`Spec::fingerprint`] of it.
    pub spec_fingerprint: String,
    /// The fixed number of units.
    pub planned_units: usize,
    /// Its status.
    pub status: ExperimentStatus,
    /// Units recorded so far.
    pub units_recorded: usize,
    /// The verdict, once done.
    pub verdict: Option<Verdict>,
}

/// Storage of experiments. Object-safe, `Send + Sync` like
/// [`ForecastStore`](crate::store::ForecastStore).
pub trait ExperimentStore: Send + Sync {
    /// Records a new, running experiment of `spec`.
    ///
    /// # Errors
    /// [`StoreError::SpecChanged`] when an experiment of the same name was recorded with
    /// another spec; [`StoreError::Database`].
    fn create_experiment(&self, spec: &Spec) -> Result<ExperimentId, StoreError>;

    /// Appends one unit; returns how many units the experiment now has.
    ///
    /// # Errors
    /// [`StoreError::ExperimentNotFound`], [`StoreError::ExperimentClosed`] when it is
    /// finished or already has its planned units, [`StoreError::Database`] (also for a
    /// unit key recorded twice).
    fn add_unit(&self, id: &ExperimentId, unit: &UnitResult) -> Result<usize, StoreError>;

    /// Finishes a running experiment: with its verdict (done) or without (aborted).
    ///
    /// # Errors
    /// [`StoreError::ExperimentNotFound`], [`StoreError::ExperimentClosed`],
    /// [`StoreError::Database`].
    fn finish_experiment(
        &self,
        id: &ExperimentId,
        verdict: Option<&Verdict>,
    ) -> Result<(), StoreError>;

    /// One experiment.
    ///
    /// # Errors
    /// [`StoreError::ExperimentNotFound`], [`StoreError::Database`],
    /// [`StoreError::CorruptField`].
    fn experiment(&self, id: &ExperimentId) -> Result<ExperimentRecord, StoreError>;

    /// Its units in recording order.
    ///
    /// # Errors
    /// As [`ExperimentStore::experiment`].
    fn experiment_units(&self, id: &ExperimentId) -> Result<Vec<UnitResult>, StoreError>;

    /// Every experiment, newest first.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::CorruptField`].
    fn list_experiments(&self) -> Result<Vec<ExperimentRecord>, StoreError>;

    /// Marks every experiment still `running` as `aborted` (no verdict) and returns how
    /// many. The service calls it at start-up, when the store file is its own: a running
    /// experiment then belongs to a process that died (crash, kill) and will never finish.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    fn abort_unfinished(&self) -> Result<usize, StoreError>;
}

const COLUMNS: &str = "e.id, e.name, e.created_at, e.spec, e.spec_fingerprint, e.planned_units, \
     e.status, e.verdict, (SELECT COUNT(*) FROM experiment_unit u WHERE u.experiment_id = e.id)";

type Raw = (String, String, String, String, String, i64, String, Option<String>, i64);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn corrupt(id: &str, field: &'static str, source: serde_json::Error) -> StoreError {
    StoreError::CorruptField { run: id.to_owned(), field, source }
}

fn parse(r: Raw) -> Result<ExperimentRecord, StoreError> {
    let (id, name, created, spec, fingerprint, planned, status, verdict, units) = r;
    let created_at = serde_json::from_value(serde_json::Value::String(created))
        .map_err(|e| corrupt(&id, "created_at", e))?;
    let spec = serde_json::from_str(&spec).map_err(|e| corrupt(&id, "spec", e))?;
    let verdict = match verdict {
        Some(v) => Some(serde_json::from_str(&v).map_err(|e| corrupt(&id, "verdict", e))?),
        None => None,
    };
    let status = ExperimentStatus::parse(&status).ok_or_else(|| {
        let source = serde_json::Error::io(std::io::Error::other(format!("status `{status}`")));
        corrupt(&id, "status", source)
    })?;
    Ok(ExperimentRecord {
        id: ExperimentId::new(id),
        name,
        created_at,
        spec,
        spec_fingerprint: fingerprint,
        planned_units: planned.max(0) as usize,
        status,
        units_recorded: units.max(0) as usize,
        verdict,
    })
}

impl ExperimentStore for SqliteStore {
    fn create_experiment(&self, spec: &Spec) -> Result<ExperimentId, StoreError> {
        let now = DateTime::<Utc>::from(std::time::SystemTime::now());
        let fingerprint = spec.fingerprint();
        let id = ExperimentId::new(new_run_id(now, &fingerprint).0);
        let mut conn = self.lock_writer();
        let tx = conn.transaction()?;
        let recorded: Option<String> = tx
            .query_row(
                "SELECT spec_fingerprint FROM experiment WHERE name = ?1 AND spec_fingerprint <> ?2",
                params![spec.name, fingerprint],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(recorded) = recorded {
            return Err(StoreError::SpecChanged {
                name: spec.name.clone(),
                recorded,
                offered: fingerprint,
            });
        }
        tx.execute(
            "INSERT INTO experiment (id, name, created_at, stage, spec, spec_fingerprint, \
             planned_units, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'running')",
            params![
                id.as_str(),
                spec.name,
                now.to_rfc3339_opts(SecondsFormat::Millis, true),
                json_text(&spec.stage).trim_matches('"'),
                json_text(spec),
                fingerprint,
                spec.decision.units as i64,
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn add_unit(&self, id: &ExperimentId, unit: &UnitResult) -> Result<usize, StoreError> {
        let mut conn = self.lock_writer();
        let tx = conn.transaction()?;
        let state: Option<(String, i64, i64)> = tx
            .query_row(
                "SELECT status, planned_units, \
                 (SELECT COUNT(*) FROM experiment_unit WHERE experiment_id = ?1) \
                 FROM experiment WHERE id = ?1",
                [id.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((status, planned, count)) = state else {
            return Err(StoreError::ExperimentNotFound(id.clone()));
        };
        if status != "running" || count >= planned {
            return Err(StoreError::ExperimentClosed(id.clone()));
        }
        tx.execute(
            "INSERT INTO experiment_unit (experiment_id, position, unit, seed, champion, \
             challenger) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id.as_str(),
                count,
                unit.unit,
                unit.seed as i64,
                json_text(&unit.champion),
                json_text(&unit.challenger),
            ],
        )?;
        tx.commit()?;
        Ok(count as usize + 1)
    }

    fn finish_experiment(
        &self,
        id: &ExperimentId,
        verdict: Option<&Verdict>,
    ) -> Result<(), StoreError> {
        let conn = self.lock_writer();
        let status = if verdict.is_some() { "done" } else { "aborted" };
        let n = conn.execute(
            "UPDATE experiment SET status = ?2, verdict = ?3 WHERE id = ?1 AND status = 'running'",
            params![id.as_str(), status, verdict.map(json_text)],
        )?;
        if n == 1 {
            return Ok(());
        }
        let exists: Option<i64> = conn
            .query_row("SELECT 1 FROM experiment WHERE id = ?1", [id.as_str()], |r| r.get(0))
            .optional()?;
        Err(match exists {
            Some(_) => StoreError::ExperimentClosed(id.clone()),
            None => StoreError::ExperimentNotFound(id.clone()),
        })
    }

    fn experiment(&self, id: &ExperimentId) -> Result<ExperimentRecord, StoreError> {
        self.read(|conn| {
            let r = conn
                .query_row(
                    &format!("SELECT {COLUMNS} FROM experiment e WHERE e.id = ?1"),
                    [id.as_str()],
                    raw,
                )
                .optional()?;
            r.map(parse).unwrap_or_else(|| Err(StoreError::ExperimentNotFound(id.clone())))
        })
    }

    fn experiment_units(&self, id: &ExperimentId) -> Result<Vec<UnitResult>, StoreError> {
        self.experiment(id)?;
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT unit, seed, champion, challenger FROM experiment_unit \
                 WHERE experiment_id = ?1 ORDER BY position",
            )?;
            let rows: Vec<(String, i64, String, String)> = stmt
                .query_map([id.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(unit, seed, a, b)| {
                    Ok(UnitResult {
                        unit,
                        seed: seed as u64,
                        champion: serde_json::from_str(&a)
                            .map_err(|e| corrupt(id.as_str(), "champion", e))?,
                        challenger: serde_json::from_str(&b)
                            .map_err(|e| corrupt(id.as_str(), "challenger", e))?,
                    })
                })
                .collect()
        })
    }

    fn abort_unfinished(&self) -> Result<usize, StoreError> {
        let conn = self.lock_writer();
        Ok(conn.execute("UPDATE experiment SET status = 'aborted' WHERE status = 'running'", [])?)
    }

    fn list_experiments(&self) -> Result<Vec<ExperimentRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM experiment e ORDER BY e.created_at DESC, e.id DESC"
            ))?;
            let rows: Vec<Raw> = stmt.query_map([], raw)?.collect::<Result<_, _>>()?;
            rows.into_iter().map(parse).collect()
        })
    }
}

impl SqliteStore {
    /// At most `limit` experiments, newest first, starting after `after` (a keyset page,
    /// as [`SqliteStore::jobs_page`]).
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::CorruptField`].
    ///
    /// # Complexity
    /// A range scan of `limit` rows of the `(created_at, id)` index, and a count of each
    /// one's units.
    pub fn experiments_page(
        &self,
        after: Option<&crate::store::After>,
        limit: usize,
    ) -> Result<Vec<ExperimentRecord>, StoreError> {
        let (filter_sql, values) = match after {
            Some(after) => {
                let (condition, params) = after.condition("e.created_at", "e.id");
                (format!("WHERE {condition}"), params.to_vec())
            }
            None => (String::new(), Vec::new()),
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM experiment e {filter_sql} \
                 ORDER BY e.created_at DESC, e.id DESC LIMIT {limit}"
            ))?;
            let rows: Vec<Raw> = stmt
                .query_map(rusqlite::params_from_iter(values.iter()), raw)?
                .collect::<Result<_, _>>()?;
            rows.into_iter().map(parse).collect()
        })
    }
}
