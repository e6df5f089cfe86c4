//! The versions of a plan under way (issue 16), in both backends.
//!
//! A version is written once, with the version it came from: `(plan, 1)` has none, and
//! `(plan, v)` needs `(plan, v - 1)` (a foreign key and a check in the schema, and the
//! same rules checked here first so both backends give the same [`StoreError`]). Two
//! re-optimisations of one version racing to write the next one: the first wins, the
//! second gets [`StoreError::PlanVersionTaken`] and can start again from the winner. The
//! documents are kept as JSON text: the store does not depend on the stage that reads them.

use super::backend::each;
use super::jobs::now_text;
use super::sqlite::SqliteStore;
use super::{PgStore, Store, StoreError};
use crate::ids::PlanId;
use rusqlite::{OptionalExtension, params};

/// One stored version.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlanState {
    /// The plan.
    pub plan_id: PlanId,
    /// The version.
    pub version: u64,
    /// The version it came from.
    pub parent_version: Option<u64>,
    /// When it was written (RFC 3339, UTC).
    pub created_at: String,
    /// The state document (JSON).
    pub state: String,
    /// The summary of the re-optimisation that made it (JSON), `None` for a first version.
    pub summary: Option<String>,
}

/// A version to write.
#[derive(Debug, Clone, Copy)]
pub struct NewPlanState<'a> {
    /// The plan.
    pub plan_id: &'a PlanId,
    /// The version (1, or the parent's + 1).
    pub version: u64,
    /// The state document (JSON).
    pub state: &'a str,
    /// The summary document (JSON), for versions after the first.
    pub summary: Option<&'a str>,
}

impl NewPlanState<'_> {
    fn parent(&self) -> Option<u64> {
        self.version.checked_sub(1).filter(|&p| p >= 1)
    }
}

/// Versions are kept as SQL integers; one beyond their range is `i64::MAX`, which no
/// stored version reaches (the stage bounds versions far below), so it is never found.
fn sql_version(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

const COLUMNS: &str = "plan_id, version, parent_version, created_at, state, summary";

impl SqliteStore {
    /// Writes a version of a plan's state.
    ///
    /// # Errors
    /// [`StoreError::PlanVersionTaken`] when that version exists,
    /// [`StoreError::PlanStateNotFound`] when its parent does not, [`StoreError::Database`].
    pub fn put_plan_state(&self, new: &NewPlanState<'_>) -> Result<(), StoreError> {
        let version = sql_version(new.version);
        let mut conn = self.lock_writer();
        let tx = conn.transaction()?;
        let exists = |v: i64| -> Result<bool, StoreError> {
            Ok(tx
                .query_row(
                    "SELECT 1 FROM plan_state WHERE plan_id = ?1 AND version = ?2",
                    params![new.plan_id.as_str(), v],
                    |r| r.get::<_, i64>(0),
                )
                .optional()?
                .is_some())
        };
        if exists(version)? {
            return Err(taken(new));
        }
        let parent = new.parent().map(sql_version);
        if let Some(p) = parent
            && !exists(p)?
        {
            return Err(not_found(new.plan_id, new.parent()));
        }
        tx.execute(
            &format!("INSERT INTO plan_state ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
            params![new.plan_id.as_str(), version, parent, now_text(), new.state, new.summary],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A version of a plan's state, the latest when `version` is `None`.
    ///
    /// # Errors
    /// [`StoreError::PlanStateNotFound`], [`StoreError::Database`].
    pub fn plan_state(
        &self,
        plan: &PlanId,
        version: Option<u64>,
    ) -> Result<StoredPlanState, StoreError> {
        let wanted = version.map(sql_version);
        let raw = self.read(|conn| {
            Ok(conn
                .query_row(
                    &format!(
                        "SELECT {COLUMNS} FROM plan_state WHERE plan_id = ?1 \
                         AND (?2 IS NULL OR version = ?2) ORDER BY version DESC LIMIT 1"
                    ),
                    params![plan.as_str(), wanted],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, Option<i64>>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, Option<String>>(5)?,
                        ))
                    },
                )
                .optional()?)
        })?;
        raw.map(stored).ok_or_else(|| not_found(plan, version))
    }
}

impl PgStore {
    /// As [`SqliteStore::put_plan_state`].
    ///
    /// # Errors
    /// As [`SqliteStore::put_plan_state`], with [`StoreError::Postgres`].
    pub fn put_plan_state(&self, new: &NewPlanState<'_>) -> Result<(), StoreError> {
        let version = sql_version(new.version);
        let parent = new.parent().map(sql_version);
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        // Writers of one plan queue here, so the checks below see every committed version.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 16))",
            &[&new.plan_id.as_str()],
        )?;
        let exists = |tx: &mut postgres::Transaction<'_>, v: i64| -> Result<bool, StoreError> {
            let sql = "SELECT 1 FROM plan_state WHERE plan_id = $1 AND version = $2";
            Ok(tx.query_opt(sql, &[&new.plan_id.as_str(), &v])?.is_some())
        };
        if exists(&mut tx, version)? {
            return Err(taken(new));
        }
        if let Some(p) = parent
            && !exists(&mut tx, p)?
        {
            return Err(not_found(new.plan_id, new.parent()));
        }
        tx.execute(
            &format!("INSERT INTO plan_state ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"),
            &[&new.plan_id.as_str(), &version, &parent, &now_text(), &new.state, &new.summary],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// As [`SqliteStore::plan_state`].
    ///
    /// # Errors
    /// As [`SqliteStore::plan_state`], with [`StoreError::Postgres`].
    pub fn plan_state(
        &self,
        plan: &PlanId,
        version: Option<u64>,
    ) -> Result<StoredPlanState, StoreError> {
        let wanted = version.map(sql_version);
        let sql = format!(
            "SELECT {COLUMNS} FROM plan_state WHERE plan_id = $1 \
             AND ($2::BIGINT IS NULL OR version = $2) ORDER BY version DESC LIMIT 1"
        );
        let row = self.conn()?.query_opt(&sql, &[&plan.as_str(), &wanted])?;
        let Some(r) = row else { return Err(not_found(plan, version)) };
        Ok(stored((
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
        )))
    }
}

impl Store {
    /// See [`SqliteStore::put_plan_state`].
    ///
    /// # Errors
    /// As [`SqliteStore::put_plan_state`].
    pub fn put_plan_state(&self, new: &NewPlanState<'_>) -> Result<(), StoreError> {
        each!(self, s => s.put_plan_state(new))
    }

    /// See [`SqliteStore::plan_state`].
    ///
    /// # Errors
    /// As [`SqliteStore::plan_state`].
    pub fn plan_state(
        &self,
        plan: &PlanId,
        version: Option<u64>,
    ) -> Result<StoredPlanState, StoreError> {
        each!(self, s => s.plan_state(plan, version))
    }
}

type Raw = (String, i64, Option<i64>, String, String, Option<String>);

fn stored((plan_id, version, parent, created_at, state, summary): Raw) -> StoredPlanState {
    StoredPlanState {
        plan_id: PlanId(plan_id),
        // The schema keeps versions >= 1 (a CHECK), so these casts are exact.
        version: version.max(1) as u64,
        parent_version: parent.map(|p| p.max(1) as u64),
        created_at,
        state,
        summary,
    }
}

fn taken(new: &NewPlanState<'_>) -> StoreError {
    StoreError::PlanVersionTaken { plan: new.plan_id.clone(), version: new.version }
}

fn not_found(plan: &PlanId, version: Option<u64>) -> StoreError {
    StoreError::PlanStateNotFound { plan: plan.clone(), version }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_backends::on_both_backends;

    on_both_backends!(versions_chain_and_are_written_once);

    fn versions_chain_and_are_written_once(store: &Store) {
        let plan = PlanId::new("p1");
        let new = |version, state| NewPlanState { plan_id: &plan, version, state, summary: None };
        let missing = store.plan_state(&plan, None);
        assert!(matches!(missing, Err(StoreError::PlanStateNotFound { version: None, .. })));
        // A second version needs the first.
        let orphan = store.put_plan_state(&new(2, "{}"));
        assert!(matches!(orphan, Err(StoreError::PlanStateNotFound { version: Some(1), .. })));
        store.put_plan_state(&new(1, "{\"v\":1}")).unwrap();
        let twice = store.put_plan_state(&new(1, "{}"));
        assert!(matches!(twice, Err(StoreError::PlanVersionTaken { version: 1, .. })));
        let second = NewPlanState { summary: Some("{\"churn\":2}"), ..new(2, "{\"v\":2}") };
        store.put_plan_state(&second).unwrap();
        let latest = store.plan_state(&plan, None).unwrap();
        assert_eq!((latest.version, latest.parent_version), (2, Some(1)));
        assert_eq!(latest.state, "{\"v\":2}");
        assert_eq!(latest.summary.as_deref(), Some("{\"churn\":2}"));
        let first = store.plan_state(&plan, Some(1)).unwrap();
        assert_eq!((first.version, first.parent_version, first.summary), (1, None, None));
        let other = store.plan_state(&PlanId::new("p2"), Some(1));
        assert!(matches!(other, Err(StoreError::PlanStateNotFound { .. })));
    }
}
