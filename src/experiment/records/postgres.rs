//! Experiment records on PostgreSQL, and on either backend through [`Store`].
//!
//! The same statements as the SQLite implementation above (the triggers of
//! `store/migrations/postgres/0001_init.sql` keep finished experiments and recorded units
//! unchanged), parsed by the same [`parse`]. Two differences: adding a unit locks the
//! experiment's row (`FOR UPDATE`), since other processes may add units at the same time
//! and SQLite's single writer is not there to serialise the count; and
//! [`ExperimentStore::abort_unfinished`] aborts only experiments whose owner is gone (see
//! `store/postgres/mod.rs`), not the ones other live processes are running.

use super::{COLUMNS, ExperimentRecord, ExperimentStore, Raw, corrupt, parse};
use crate::experiment::outcome::{UnitResult, Verdict};
use crate::experiment::spec::Spec;
use crate::ids::ExperimentId;
use crate::store::{After, OWNER_IS_DEAD, PgStore, Store, StoreError, each, json_text, new_run_id};
use chrono::{DateTime, SecondsFormat, Utc};
use postgres::types::ToSql;

fn raw(r: &postgres::Row) -> Result<Raw, postgres::Error> {
    Ok((
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
        r.try_get(5)?,
        r.try_get(6)?,
        r.try_get(7)?,
        r.try_get(8)?,
    ))
}

impl ExperimentStore for PgStore {
    fn create_experiment(&self, spec: &Spec) -> Result<ExperimentId, StoreError> {
        let now = DateTime::<Utc>::from(std::time::SystemTime::now());
        let fingerprint = spec.fingerprint();
        let id = ExperimentId::new(new_run_id(now, &fingerprint).0);
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        // Two processes creating the same name at once: the second waits for the first.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('stockroute.experiment.' || $1, 0))",
            &[&spec.name],
        )?;
        let recorded = tx.query_opt(
            "SELECT spec_fingerprint FROM experiment WHERE name = $1 AND spec_fingerprint <> $2 \
             LIMIT 1",
            &[&spec.name, &fingerprint],
        )?;
        if let Some(row) = recorded {
            return Err(StoreError::SpecChanged {
                name: spec.name.clone(),
                recorded: row.try_get(0)?,
                offered: fingerprint,
            });
        }
        tx.execute(
            "INSERT INTO experiment (id, name, created_at, stage, spec, spec_fingerprint, \
             planned_units, status, owner) VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8)",
            &[
                &id.as_str(),
                &spec.name,
                &now.to_rfc3339_opts(SecondsFormat::Millis, true),
                &json_text(&spec.stage).trim_matches('"'),
                &json_text(spec),
                &fingerprint,
                &i64::try_from(spec.decision.units).unwrap_or(i64::MAX),
                &self.owner(),
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn add_unit(&self, id: &ExperimentId, unit: &UnitResult) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let state = tx.query_opt(
            "SELECT status, planned_units FROM experiment WHERE id = $1 FOR UPDATE",
            &[&id.as_str()],
        )?;
        let Some(state) = state else {
            return Err(StoreError::ExperimentNotFound(id.clone()));
        };
        let (status, planned): (String, i64) = (state.try_get(0)?, state.try_get(1)?);
        let count: i64 = tx
            .query_one(
                "SELECT COUNT(*) FROM experiment_unit WHERE experiment_id = $1",
                &[&id.as_str()],
            )?
            .try_get(0)?;
        if status != "running" || count >= planned {
            return Err(StoreError::ExperimentClosed(id.clone()));
        }
        tx.execute(
            "INSERT INTO experiment_unit (experiment_id, position, unit, seed, champion, \
             challenger) VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id.as_str(),
                &count,
                &unit.unit,
                &(unit.seed as i64),
                &json_text(&unit.champion),
                &json_text(&unit.challenger),
            ],
        )?;
        tx.commit()?;
        Ok(usize::try_from(count).unwrap_or(0) + 1)
    }

    fn finish_experiment(
        &self,
        id: &ExperimentId,
        verdict: Option<&Verdict>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let status = if verdict.is_some() { "done" } else { "aborted" };
        let n = conn.execute(
            "UPDATE experiment SET status = $2, verdict = $3 WHERE id = $1 AND status = 'running'",
            &[&id.as_str(), &status, &verdict.map(json_text)],
        )?;
        if n == 1 {
            return Ok(());
        }
        let exists = conn.query_opt("SELECT 1 FROM experiment WHERE id = $1", &[&id.as_str()])?;
        Err(match exists {
            Some(_) => StoreError::ExperimentClosed(id.clone()),
            None => StoreError::ExperimentNotFound(id.clone()),
        })
    }

    fn experiment(&self, id: &ExperimentId) -> Result<ExperimentRecord, StoreError> {
        let row = self.conn()?.query_opt(
            &format!("SELECT {COLUMNS} FROM experiment e WHERE e.id = $1"),
            &[&id.as_str()],
        )?;
        match row {
            Some(r) => parse(raw(&r)?),
            None => Err(StoreError::ExperimentNotFound(id.clone())),
        }
    }

    fn experiment_units(&self, id: &ExperimentId) -> Result<Vec<UnitResult>, StoreError> {
        self.experiment(id)?;
        let rows = self.conn()?.query(
            "SELECT unit, seed, champion, challenger FROM experiment_unit \
             WHERE experiment_id = $1 ORDER BY position",
            &[&id.as_str()],
        )?;
        rows.iter()
            .map(|r| {
                let (unit, seed, a, b): (String, i64, String, String) =
                    (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
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
    }

    /// Aborts the running experiments whose owner holds no live session (this store's own
    /// included unless it was opened with [`PgStore::open_owned`]).
    fn abort_unfinished(&self) -> Result<usize, StoreError> {
        let n = self.conn()?.execute(
            &format!("UPDATE experiment SET status = 'aborted' WHERE status = 'running' AND {OWNER_IS_DEAD}"),
            &[],
        )?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn list_experiments(&self) -> Result<Vec<ExperimentRecord>, StoreError> {
        let rows = self.conn()?.query(
            &format!("SELECT {COLUMNS} FROM experiment e ORDER BY e.created_at DESC, e.id DESC"),
            &[],
        )?;
        rows.iter().map(|r| parse(raw(r)?)).collect()
    }
}

impl PgStore {
    /// As [`SqliteStore::experiments_page`](crate::store::SqliteStore::experiments_page).
    ///
    /// # Errors
    /// [`StoreError::Postgres`], [`StoreError::CorruptField`].
    ///
    /// # Complexity
    /// A range scan of `limit` rows of the `(created_at, id)` index, and a count of each
    /// one's units.
    pub fn experiments_page(
        &self,
        after: Option<&After>,
        limit: usize,
    ) -> Result<Vec<ExperimentRecord>, StoreError> {
        let (filter_sql, values) = match after {
            Some(after) => {
                let (condition, params) = after.condition_numbered("e.created_at", "e.id", 1);
                (format!("WHERE {condition}"), params.to_vec())
            }
            None => (String::new(), Vec::new()),
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let params: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let rows = self.conn()?.query(
            &format!(
                "SELECT {COLUMNS} FROM experiment e {filter_sql} \
                 ORDER BY e.created_at DESC, e.id DESC LIMIT {limit}"
            ),
            &params,
        )?;
        rows.iter().map(|r| parse(raw(r)?)).collect()
    }
}

impl Store {
    /// See [`SqliteStore::experiments_page`](crate::store::SqliteStore::experiments_page).
    ///
    /// # Errors
    /// As [`SqliteStore::experiments_page`](crate::store::SqliteStore::experiments_page).
    pub fn experiments_page(
        &self,
        after: Option<&After>,
        limit: usize,
    ) -> Result<Vec<ExperimentRecord>, StoreError> {
        each!(self, s => s.experiments_page(after, limit))
    }
}

impl ExperimentStore for Store {
    fn create_experiment(&self, spec: &Spec) -> Result<ExperimentId, StoreError> {
        each!(self, s => s.create_experiment(spec))
    }

    fn add_unit(&self, id: &ExperimentId, unit: &UnitResult) -> Result<usize, StoreError> {
        each!(self, s => s.add_unit(id, unit))
    }

    fn finish_experiment(
        &self,
        id: &ExperimentId,
        verdict: Option<&Verdict>,
    ) -> Result<(), StoreError> {
        each!(self, s => s.finish_experiment(id, verdict))
    }

    fn experiment(&self, id: &ExperimentId) -> Result<ExperimentRecord, StoreError> {
        each!(self, s => s.experiment(id))
    }

    fn experiment_units(&self, id: &ExperimentId) -> Result<Vec<UnitResult>, StoreError> {
        each!(self, s => s.experiment_units(id))
    }

    fn list_experiments(&self) -> Result<Vec<ExperimentRecord>, StoreError> {
        each!(self, s => s.list_experiments())
    }

    fn abort_unfinished(&self) -> Result<usize, StoreError> {
        each!(self, s => s.abort_unfinished())
    }
}
