//! One page of a forecast run's rows, filtered in SQL.
//!
//! A run of the example scenario holds about 170,000 rows; the service shows them a page at
//! a time, optionally for one SKU or one zone. Filtering, counting and paging happen in the
//! database (the primary key `(run_id, sku, zone, period)` serves the SKU filter and the
//! order), so a page costs its own rows, not the run's.

use super::sqlite::{ROW_COLUMNS, SqliteStore, forecast_row};
use super::{ForecastRow, StoreError};
use crate::ids::{RunId, SkuId, ZoneId};
use rusqlite::{OptionalExtension, params};

/// Which rows of a run to return.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// Only this SKU.
    pub sku: Option<SkuId>,
    /// Only this zone.
    pub zone: Option<ZoneId>,
}

/// A page of rows and the number of rows that match the filter in all.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsPage {
    /// Rows matching the filter, in all pages.
    pub total: u64,
    /// This page's rows, ordered by (sku, zone, period).
    pub rows: Vec<ForecastRow>,
}

impl SqliteStore {
    /// Rows `offset .. offset + limit` of run `id` that match `filter`, ordered by (sku,
    /// zone, period).
    ///
    /// # Errors
    /// [`StoreError::RunNotFound`], [`StoreError::Database`], [`StoreError::CorruptField`].
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
        self.read(|conn| {
            let exists: Option<i64> = conn
                .query_row("SELECT 1 FROM forecast_run WHERE id = ?1", [id.as_str()], |r| r.get(0))
                .optional()?;
            if exists.is_none() {
                return Err(StoreError::RunNotFound(id.clone()));
            }
            // `?2 IS NULL OR sku = ?2`: one statement for every filter combination.
            let filter_sql =
                "run_id = ?1 AND (?2 IS NULL OR sku = ?2) AND (?3 IS NULL OR zone = ?3)";
            let sku = filter.sku.as_ref().map(SkuId::as_str);
            let zone = filter.zone.as_ref().map(ZoneId::as_str);
            let total: i64 = conn.query_row(
                &format!("SELECT COUNT(*) FROM forecast_row WHERE {filter_sql}"),
                params![id.as_str(), sku, zone],
                |r| r.get(0),
            )?;
            let mut stmt = conn.prepare(&format!(
                "SELECT {ROW_COLUMNS} FROM forecast_row WHERE {filter_sql} \
                 ORDER BY sku, zone, period LIMIT ?4 OFFSET ?5"
            ))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let offset = i64::try_from(offset).unwrap_or(i64::MAX);
            let mut q = stmt.query(params![id.as_str(), sku, zone, limit, offset])?;
            let mut rows = Vec::new();
            while let Some(r) = q.next()? {
                rows.push(forecast_row(r, id)?);
            }
            Ok(RowsPage { total: u64::try_from(total).unwrap_or(0), rows })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::Frequency;
    use crate::store::test_backends::on_both_backends;
    use crate::store::{ForecastStore, NewRun, Store};
    use chrono::NaiveDate;

    on_both_backends!(pages_filter_and_count_in_sql);

    fn pages_filter_and_count_in_sql(store: &Store) {
        let run = NewRun {
            model_config: serde_json::json!({}),
            horizon: 2,
            frequency: Frequency::Daily,
            data_fingerprint: "f".into(),
            source: "t".into(),
            metrics: serde_json::Value::Null,
            quantile_levels: vec![0.5, 0.9],
        };
        let day = |d| NaiveDate::from_ymd_opt(2024, 1, d).unwrap();
        let mut rows = Vec::new();
        for sku in ["A", "B"] {
            for zone in ["n", "s"] {
                for d in [1, 2] {
                    rows.push(ForecastRow {
                        sku: sku.into(),
                        zone: zone.into(),
                        period: day(d),
                        mean: 1.0,
                        quantiles: vec![1.0, 2.0],
                        cum_quantiles: vec![2.0, 3.5],
                    });
                }
            }
        }
        let id = store.write_run(&run, &mut rows.clone().into_iter()).unwrap();
        let all = store.rows_page(&id, &RowFilter::default(), 0, 100).unwrap();
        assert_eq!((all.total, all.rows.clone()), (8, rows.clone()));
        let page = store.rows_page(&id, &RowFilter::default(), 3, 2).unwrap();
        assert_eq!(page.rows, rows[3..5].to_vec());
        let b_s = RowFilter { sku: Some("B".into()), zone: Some("s".into()) };
        let page = store.rows_page(&id, &b_s, 0, 10).unwrap();
        assert_eq!((page.total, page.rows), (2, rows[6..8].to_vec()));
        let zone_n = RowFilter { sku: None, zone: Some("n".into()) };
        assert_eq!(store.rows_page(&id, &zone_n, 0, 1).unwrap().total, 4);
        let missing = store.rows_page(&RunId::new("x"), &RowFilter::default(), 0, 1);
        assert!(matches!(missing, Err(StoreError::RunNotFound(_))));
    }
}
