//! Forecast runs on PostgreSQL: rows by binary COPY, the run row last, one transaction.
//!
//! A run of the example scenario is about 170,000 rows and a national one far more, so the
//! rows go in with `COPY ... FROM STDIN BINARY` (one round trip stream, no per-row
//! statement); each row is checked before it is written, and an invalid row, an error or a
//! panic in the caller's iterator drops the COPY and the transaction, which rolls back.
//! Row columns are mapped in one place each way ([`COPY_COLUMNS`]/[`COPY_TYPES`] and
//! [`row_from`]), so a new column is one edit here.

use super::PgStore;
use crate::ids::{RunId, SkuId, ZoneId};
use crate::store::page::{RowFilter, RowsPage};
use crate::store::sqlite::{RUN_COLUMNS, check_row, parse_run};
use crate::store::{ForecastRow, ForecastStore, NewRun, RunInfo, RunSummary, StoreError};
use crate::store::{json_text, listing, new_run_id};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use postgres::GenericClient;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};

/// The columns COPY writes, in order, and their types.
const COPY_COLUMNS: &str = "run_id, sku, zone, period, mean, quantiles, cum_quantiles";
const COPY_TYPES: [Type; 7] = [
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::FLOAT8,
    Type::FLOAT8_ARRAY,
    Type::FLOAT8_ARRAY,
];

/// The columns [`row_from`] reads, in order.
const ROW_COLUMNS: &str = "sku, zone, period, mean, quantiles, cum_quantiles";

fn row_from(r: &postgres::Row, id: &RunId) -> Result<ForecastRow, StoreError> {
    let period: String = r.try_get(2)?;
    Ok(ForecastRow {
        sku: SkuId::new(r.try_get::<_, String>(0)?),
        zone: ZoneId::new(r.try_get::<_, String>(1)?),
        period: serde_json::from_value::<NaiveDate>(serde_json::Value::String(period)).map_err(
            |source| StoreError::CorruptField { run: id.to_string(), field: "period", source },
        )?,
        mean: r.try_get(3)?,
        quantiles: r.try_get(4)?,
        cum_quantiles: r.try_get(5)?,
    })
}

fn run_from(r: &postgres::Row) -> Result<RunInfo, StoreError> {
    parse_run([
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get::<_, i64>(3)?.to_string(),
        r.try_get(4)?,
        r.try_get(5)?,
        r.try_get(6)?,
        r.try_get(7)?,
        r.try_get(8)?,
        r.try_get::<_, i64>(9)?.to_string(),
    ])
}

/// Fails with [`StoreError::RunNotFound`] when run `id` does not exist.
fn require_run(conn: &mut impl GenericClient, id: &RunId) -> Result<(), StoreError> {
    match conn.query_opt("SELECT 1 FROM forecast_run WHERE id = $1", &[&id.as_str()])? {
        Some(_) => Ok(()),
        None => Err(StoreError::RunNotFound(id.clone())),
    }
}

impl ForecastStore for PgStore {
    fn write_run(
        &self,
        run: &NewRun,
        rows: &mut dyn Iterator<Item = ForecastRow>,
    ) -> Result<RunId, StoreError> {
        let now = DateTime::<Utc>::from(std::time::SystemTime::now());
        let id = new_run_id(now, &run.data_fingerprint);
        let mut conn = self.conn()?;
        // Dropping `tx` without commit (error, panic) rolls everything back.
        let mut tx = conn.transaction()?;
        let mut count = 0u64;
        {
            let sink =
                tx.copy_in(&format!("COPY forecast_row ({COPY_COLUMNS}) FROM STDIN BINARY"))?;
            let mut writer = BinaryCopyInWriter::new(sink, &COPY_TYPES);
            for row in rows {
                check_row(count, &row, run.quantile_levels.len())?;
                let period = row.period.to_string();
                let values: [&(dyn ToSql + Sync); 7] = [
                    &id.as_str(),
                    &row.sku.as_str(),
                    &row.zone.as_str(),
                    &period,
                    &row.mean,
                    &row.quantiles,
                    &row.cum_quantiles,
                ];
                writer.write(&values)?;
                count += 1;
            }
            writer.finish()?;
        }
        tx.execute(
            &format!(
                "INSERT INTO forecast_run ({RUN_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)"
            ),
            &[
                &id.as_str(),
                &now.to_rfc3339_opts(SecondsFormat::Millis, true),
                &json_text(&run.frequency).trim_matches('"'),
                &i64::try_from(run.horizon).unwrap_or(i64::MAX),
                &json_text(&run.model_config),
                &run.data_fingerprint,
                &run.source,
                &json_text(&run.metrics),
                &json_text(&run.quantile_levels),
                &i64::try_from(count).unwrap_or(i64::MAX),
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn list_runs(&self) -> Result<Vec<RunInfo>, StoreError> {
        let rows = self.conn()?.query(
            &format!("SELECT {RUN_COLUMNS} FROM forecast_run ORDER BY created_at DESC, id DESC"),
            &[],
        )?;
        rows.iter().map(run_from).collect()
    }

    fn run_info(&self, id: &RunId) -> Result<RunInfo, StoreError> {
        let row = self.conn()?.query_opt(
            &format!("SELECT {RUN_COLUMNS} FROM forecast_run WHERE id = $1"),
            &[&id.as_str()],
        )?;
        row.map(|r| run_from(&r)).unwrap_or_else(|| Err(StoreError::RunNotFound(id.clone())))
    }

    fn read_run(&self, id: &RunId) -> Result<Vec<ForecastRow>, StoreError> {
        let mut conn = self.conn()?;
        // One snapshot for the existence check and the rows.
        let mut tx = conn.build_transaction().read_only(true).start()?;
        require_run(&mut tx, id)?;
        let rows = tx.query(
            &format!(
                "SELECT {ROW_COLUMNS} FROM forecast_row WHERE run_id = $1 \
                 ORDER BY sku, zone, period"
            ),
            &[&id.as_str()],
        )?;
        rows.iter().map(|r| row_from(r, id)).collect()
    }

    fn read_series(
        &self,
        id: &RunId,
        sku: &SkuId,
        zone: &ZoneId,
    ) -> Result<Vec<ForecastRow>, StoreError> {
        let mut conn = self.conn()?;
        require_run(&mut *conn, id)?;
        let rows = conn.query(
            &format!(
                "SELECT {ROW_COLUMNS} FROM forecast_row \
                 WHERE run_id = $1 AND sku = $2 AND zone = $3 ORDER BY period"
            ),
            &[&id.as_str(), &sku.as_str(), &zone.as_str()],
        )?;
        rows.iter().map(|r| row_from(r, id)).collect()
    }

    fn delete_run(&self, id: &RunId) -> Result<(), StoreError> {
        let n = self.conn()?.execute("DELETE FROM forecast_run WHERE id = $1", &[&id.as_str()])?;
        if n == 0 {
            return Err(StoreError::RunNotFound(id.clone()));
        }
        Ok(())
    }

    fn delete_runs_before(&self, cutoff: DateTime<Utc>) -> Result<usize, StoreError> {
        let cutoff = cutoff.to_rfc3339_opts(SecondsFormat::Millis, true);
        let n =
            self.conn()?.execute("DELETE FROM forecast_run WHERE created_at < $1", &[&cutoff])?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}

impl PgStore {
    /// As [`SqliteStore::rows_page`](crate::store::SqliteStore::rows_page).
    ///
    /// # Errors
    /// [`StoreError::RunNotFound`], [`StoreError::Postgres`], [`StoreError::CorruptField`].
    ///
    /// # Complexity
    /// An index range scan for the count and one for the page.
    pub fn rows_page(
        &self,
        id: &RunId,
        filter: &RowFilter,
        offset: u64,
        limit: u64,
    ) -> Result<RowsPage, StoreError> {
        let mut conn = self.conn()?;
        let mut tx = conn.build_transaction().read_only(true).start()?;
        require_run(&mut tx, id)?;
        let filter_sql = "run_id = $1 AND ($2::text IS NULL OR sku = $2) \
                          AND ($3::text IS NULL OR zone = $3)";
        let sku = filter.sku.as_ref().map(SkuId::as_str);
        let zone = filter.zone.as_ref().map(ZoneId::as_str);
        let total: i64 = tx
            .query_one(
                &format!("SELECT COUNT(*) FROM forecast_row WHERE {filter_sql}"),
                &[&id.as_str(), &sku, &zone],
            )?
            .try_get(0)?;
        let rows = tx.query(
            &format!(
                "SELECT {ROW_COLUMNS} FROM forecast_row WHERE {filter_sql} \
                 ORDER BY sku, zone, period LIMIT $4 OFFSET $5"
            ),
            &[
                &id.as_str(),
                &sku,
                &zone,
                &i64::try_from(limit).unwrap_or(i64::MAX),
                &i64::try_from(offset).unwrap_or(i64::MAX),
            ],
        )?;
        let rows = rows.iter().map(|r| row_from(r, id)).collect::<Result<_, _>>()?;
        Ok(RowsPage { total: u64::try_from(total).unwrap_or(0), rows })
    }

    /// As [`SqliteStore::runs_page`](crate::store::SqliteStore::runs_page).
    ///
    /// # Errors
    /// [`StoreError::Postgres`], [`StoreError::CorruptField`].
    ///
    /// # Complexity
    /// A range scan of `limit` rows of the `(created_at, id)` index.
    pub fn runs_page(
        &self,
        after: Option<&listing::After>,
        limit: usize,
    ) -> Result<Vec<RunSummary>, StoreError> {
        let (filter_sql, values) = match after {
            Some(after) => {
                let (condition, params) = after.condition_numbered("created_at", "id", 1);
                (format!("WHERE {condition}"), params.to_vec())
            }
            None => (String::new(), Vec::new()),
        };
        let params: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let rows = self.conn()?.query(
            &format!(
                "SELECT {} FROM forecast_run {filter_sql} ORDER BY created_at DESC, id DESC {}",
                listing::RUN_SUMMARY_COLUMNS,
                listing::limit_sql(limit)
            ),
            &params,
        )?;
        rows.iter()
            .map(|r| {
                listing::parse_run_summary((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                    r.try_get(6)?,
                ))
            })
            .collect()
    }
}
