//! Demand history as per-(sku, zone) series on a common period grid.
//!
//! A history enters through the scenario stage's one pipeline: a CSV file
//! (`date,sku,zone,quantity`, or any named zone column such as the shared file's `region`)
//! is read and checked by [`scenario::read_history`], the reader and rules of a scenario's
//! `demand.csv` (bad rows are coded issues with line and field, never dropped in silence);
//! a loaded scenario's rows come as they are ([`History::from_scenario`]). The ids are the
//! scenario's dense indices and the grid is the scenario's [`Calendar`]. Sales are kept sparse (`(period, units)` per series, a
//! (date, sku, zone) without a row had zero demand) so a large panel costs memory in
//! proportion to its non-zero cells; models get a dense slice per series only while that
//! series is being worked on ([`History::dense`]).
//!
//! Each series starts at its own first sale: leading zeros before a product was listed in a
//! zone are not demand and would drag every level estimate towards zero.

use super::error::ForecastError;
use crate::ids::{SkuId, ZoneId};
use crate::scenario::{
    self, Calendar, DemandRow, HistoryFormat, Interned, ScenarioError, SkuIdx, ZoneIdx,
};
use chrono::{Days, NaiveDate};
use std::path::Path;

/// The length of one period.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// One period per calendar day; weekly seasonality of 7 periods.
    Daily,
    /// Seven-day buckets that end on the last date of the history (the scenario's
    /// [`Calendar`]); no seasonality learnt.
    Weekly,
}

impl Frequency {
    /// Days per period.
    ///
    /// # Units
    /// Calendar days.
    pub fn days(self) -> u32 {
        match self {
            Frequency::Daily => 1,
            Frequency::Weekly => 7,
        }
    }

    /// The seasonal period in periods (7 for daily data, 1 = none for weekly).
    pub fn season(self) -> usize {
        match self {
            Frequency::Daily => 7,
            Frequency::Weekly => 1,
        }
    }

    /// Converts a number of days to whole periods (rounded down, at least 1).
    pub fn periods_in_days(self, days: u32) -> usize {
        (days / self.days()).max(1) as usize
    }
}

impl std::str::FromStr for Frequency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "daily" | "day" | "d" => Ok(Frequency::Daily),
            "weekly" | "week" | "w" => Ok(Frequency::Weekly),
            other => Err(format!("unknown frequency `{other}` (daily, weekly)")),
        }
    }
}

/// One series: its key and its non-zero sales.
#[derive(Debug, Clone)]
struct SeriesData {
    sku: u32,
    zone: u32,
    /// `(period, units)`, sorted by period, periods unique, units > 0.
    sales: Vec<(u32, f64)>,
}

/// Demand history: many series over one period grid.
#[derive(Debug, Clone)]
pub struct History {
    frequency: Frequency,
    first_period_start: NaiveDate,
    periods: usize,
    skus: Vec<SkuId>,
    zones: Vec<ZoneId>,
    series: Vec<SeriesData>,
}

/// Collects daily rows of ids given as text, then buckets them into a [`History`]; for
/// callers that have rows in memory (a request body, an experiment's slice). Ids are
/// interned by the scenario stage's interner and bucketed on its [`Calendar`], like a file.
#[derive(Default)]
pub struct HistoryBuilder {
    ids: Interned,
    rows: Vec<DemandRow>,
}

impl std::fmt::Debug for HistoryBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryBuilder").field("rows", &self.rows.len()).finish()
    }
}

impl HistoryBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one day's demand of a (sku, zone). Duplicated (date, sku, zone) rows add up
    /// (several order lines on one day); zero quantities only extend the date range.
    ///
    /// # Units
    /// `units`: product units, finite and non-negative (checked by the callers' readers).
    pub fn push(&mut self, date: NaiveDate, sku: &str, zone: &str, units: f64) {
        use crate::scenario::Resolve as _;
        // The interner only refuses a 2^32nd distinct id, which no memory holds.
        if let (Some(sku), Some(zone)) = (self.ids.sku(sku), self.ids.zone(zone)) {
            self.rows.push(DemandRow {
                date,
                sku: SkuIdx(sku),
                zone: ZoneIdx(zone),
                quantity: units,
            });
        }
    }

    /// Whether no row was pushed.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Buckets the rows into periods of `frequency` (see [`History::from_rows`]). Returns
    /// `None` when no row was pushed.
    pub fn finish(self, frequency: Frequency) -> Option<History> {
        let (skus, zones) = self.ids.into_ids();
        History::from_rows(frequency, &self.rows, skus, zones)
    }
}

/// How to read a history CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryOptions {
    /// The column that holds the zone (`zone`; the shared demand file calls it `region`).
    pub zone_column: String,
    /// The period length to bucket into.
    pub frequency: Frequency,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        Self { zone_column: "zone".to_owned(), frequency: Frequency::Daily }
    }
}

impl From<&HistoryOptions> for HistoryFormat {
    fn from(options: &HistoryOptions) -> Self {
        HistoryFormat::default()
            .with_zone_column(options.zone_column.clone())
            .with_period(options.frequency.into())
    }
}

impl History {
    /// Builds the history from demand rows whose indices name `skus` and `zones`, on the
    /// [`Calendar`] of `frequency`: whole periods ending on the last date, days before the
    /// first whole period dropped. Each series keeps its non-zero sales; series are sorted
    /// by (sku, zone) id. Returns `None` when there are no rows.
    ///
    /// # Units
    /// Product units per day in, per period out.
    ///
    /// # Complexity
    /// O(rows log rows) (rows not sorted by (sku, zone, date) are sorted on a copy).
    pub fn from_rows(
        frequency: Frequency,
        rows: &[DemandRow],
        skus: Vec<SkuId>,
        zones: Vec<ZoneId>,
    ) -> Option<History> {
        let calendar = Calendar::of(frequency.into(), rows)?;
        let sorted;
        let rows = if rows.is_sorted_by_key(|r| (r.sku, r.zone, r.date)) {
            rows
        } else {
            let mut copy = rows.to_vec();
            // Stable: rows of one day keep their order, so their sum is the arrival-order sum.
            copy.sort_by_key(|r| (r.sku, r.zone, r.date));
            sorted = copy;
            &sorted
        };
        let mut series: Vec<SeriesData> = Vec::new();
        for r in rows.iter().filter(|r| r.quantity > 0.0) {
            let Some(p) = calendar.index(r.date).and_then(|p| u32::try_from(p).ok()) else {
                continue;
            };
            match series.last_mut() {
                Some(s) if (s.sku, s.zone) == (r.sku.0, r.zone.0) => match s.sales.last_mut() {
                    Some(last) if last.0 == p => last.1 += r.quantity,
                    _ => s.sales.push((p, r.quantity)),
                },
                _ => series.push(SeriesData {
                    sku: r.sku.0,
                    zone: r.zone.0,
                    sales: vec![(p, r.quantity)],
                }),
            }
        }
        let name = |s: &SeriesData| (skus.get(s.sku as usize), zones.get(s.zone as usize));
        // Rows with an index outside the id tables would have no name: none are built
        // that way, and such a series is left out rather than mislabelled.
        series.retain(|s| matches!(name(s), (Some(_), Some(_))));
        series.sort_by(|a, b| name(a).cmp(&name(b)));
        Some(History {
            frequency,
            first_period_start: calendar.start(0),
            periods: calendar.periods(),
            skus,
            zones,
            series,
        })
    }

    /// Reads `date,sku,<zone column>,quantity` rows from a CSV file through the scenario
    /// stage's history reader ([`scenario::read_history`]): the same checks and codes as a
    /// scenario's `demand.csv`; extra columns are ignored with a warning.
    ///
    /// # Errors
    /// [`ForecastError::InvalidHistory`] listing every issue (missing file or column, bad
    /// date, empty id, quantity not a finite number >= 0, ...), [`ForecastError::Io`] on a
    /// disk error.
    ///
    /// # Complexity
    /// O(rows log rows + series x periods log periods) for the checks; memory in
    /// proportion to the rows.
    pub fn read_csv(path: &Path, options: &HistoryOptions) -> Result<Self, ForecastError> {
        let (rows, _warnings) =
            scenario::read_history(path, &options.into()).map_err(|e| match e {
                ScenarioError::Invalid(report) => {
                    ForecastError::InvalidHistory { path: path.to_owned(), issues: report.issues }
                }
                ScenarioError::Io { path, source } => ForecastError::Io { path, source },
                other => ForecastError::Scenario(other),
            })?;
        History::from_rows(options.frequency, &rows.rows, rows.skus, rows.zones)
            .ok_or_else(|| ForecastError::EmptyHistory { path: path.to_owned() })
    }

    /// The period length.
    pub fn frequency(&self) -> Frequency {
        self.frequency
    }

    /// Number of periods on the grid (the same for every series).
    pub fn periods(&self) -> usize {
        self.periods
    }

    /// Number of series (with at least one sale).
    pub fn len(&self) -> usize {
        self.series.len()
    }

    /// Whether there is no series.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// The first date of period `period` (periods past the end continue the grid, so
    /// `period_start(periods())` is the first forecast period).
    pub fn period_start(&self, period: usize) -> NaiveDate {
        let days = period as u64 * u64::from(self.frequency.days());
        self.first_period_start.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
    }

    /// The key of series `index`.
    ///
    /// # Panics
    /// When `index >= len()` (indices come from `0..len()`).
    pub fn key(&self, index: usize) -> (&SkuId, &ZoneId) {
        let s = &self.series[index];
        (&self.skus[s.sku as usize], &self.zones[s.zone as usize])
    }

    /// The period of the first sale of series `index`.
    pub fn first_sale(&self, index: usize) -> usize {
        self.series[index].sales.first().map_or(0, |&(p, _)| p as usize)
    }

    /// Writes series `index` as dense units per period into `out`, from its first sale up to
    /// (excluding) period `end`, and returns the period of `out[0]`.
    ///
    /// # Units
    /// Product units per period.
    pub fn dense(&self, index: usize, end: usize, out: &mut Vec<f64>) -> usize {
        let start = self.first_sale(index);
        out.clear();
        out.resize(end.saturating_sub(start), 0.0);
        for &(p, q) in &self.series[index].sales {
            let p = p as usize;
            if p >= end {
                break;
            }
            out[p - start] = q;
        }
        start
    }

    /// The non-zero sales of series `index` as `(period, units)`, sorted by period.
    pub(crate) fn sales(&self, index: usize) -> &[(u32, f64)] {
        &self.series[index].sales
    }

    /// Units summed over all series and periods.
    ///
    /// # Units
    /// Product units.
    pub fn total_units(&self) -> f64 {
        self.series.iter().flat_map(|s| s.sales.iter().map(|&(_, q)| q)).sum()
    }

    /// A stable 64-bit FNV-1a digest of the bucketed data (keys, grid and every sale), so a
    /// forecast run can say which data it was made from.
    pub fn fingerprint(&self) -> String {
        let mut h = Fnv64::new();
        h.write(self.first_period_start.to_string().as_bytes());
        h.write(&(self.periods as u64).to_le_bytes());
        h.write(&u64::from(self.frequency.days()).to_le_bytes());
        for i in 0..self.len() {
            let (sku, zone) = self.key(i);
            h.write(sku.as_str().as_bytes());
            h.write(&[0]);
            h.write(zone.as_str().as_bytes());
            h.write(&[0]);
            for &(p, q) in &self.series[i].sales {
                h.write(&p.to_le_bytes());
                h.write(&q.to_bits().to_le_bytes());
            }
        }
        format!("fnv1a64:{:016x}", h.0)
    }
}

/// FNV-1a, 64 bit: tiny, stable across Rust releases (unlike `DefaultHasher`).
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_with(text: &str, options: &HistoryOptions) -> Result<History, ForecastError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        History::read_csv(&path, options)
    }

    fn read(text: &str, frequency: Frequency) -> Result<History, ForecastError> {
        read_with(text, &HistoryOptions { frequency, ..HistoryOptions::default() })
    }

    #[test]
    fn daily_series_start_at_first_sale_and_fill_zeros() {
        let h = read(
            "date,sku,zone,quantity\n2024-01-01,A,z1,0\n2024-01-03,A,z1,2\n2024-01-05,A,z1,3\n2024-01-05,A,z1,1\n",
            Frequency::Daily,
        )
        .unwrap();
        assert_eq!(h.periods(), 5);
        assert_eq!(h.len(), 1);
        let mut v = Vec::new();
        assert_eq!(h.dense(0, h.periods(), &mut v), 2);
        assert_eq!(v, vec![2.0, 0.0, 4.0]);
        assert_eq!(h.period_start(5), NaiveDate::from_ymd_opt(2024, 1, 6).unwrap());
    }

    #[test]
    fn weekly_buckets_end_on_the_last_date() {
        let mut text = String::from("date,sku,region,quantity\n");
        for d in 1..=16 {
            text.push_str(&format!("2024-01-{d:02},A,UK,1\n"));
        }
        let options = HistoryOptions { zone_column: "region".into(), frequency: Frequency::Weekly };
        let h = read_with(&text, &options).unwrap();
        assert_eq!(h.periods(), 2);
        assert_eq!(h.period_start(0), NaiveDate::from_ymd_opt(2024, 1, 3).unwrap());
        let mut v = Vec::new();
        h.dense(0, 2, &mut v);
        assert_eq!(v, vec![7.0, 7.0]);
    }

    #[test]
    fn every_bad_row_is_reported_with_line_and_field() {
        let err = read(
            "date,sku,zone,quantity\n2024-01-01,A,z,1\n2024-13-01,A,z,1\n2024-01-02,,z,1\n2024-01-02,A,z,-1\n2024-01-02,A,z,abc\n",
            Frequency::Daily,
        )
        .unwrap_err();
        let ForecastError::InvalidHistory { issues, .. } = err else { panic!("{err}") };
        assert_eq!(issues.iter().filter(|i| i.is_error()).count(), 4);
        let got: Vec<(u64, &str)> =
            issues.iter().map(|e| (e.line().unwrap(), e.field().unwrap())).collect();
        assert_eq!(got, vec![(3, "date"), (4, "sku"), (5, "quantity"), (6, "quantity")]);
        let codes: Vec<&str> = issues.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            ["E-BAD-DATE", "E-MISSING-VALUE", "E-NEGATIVE-QUANTITY", "E-NOT-A-NUMBER"]
        );
    }

    #[test]
    fn missing_zone_column_is_named() {
        let err = read("date,sku,region,quantity\n", Frequency::Daily).unwrap_err();
        let ForecastError::InvalidHistory { issues, .. } = err else { panic!("{err}") };
        let missing: Vec<_> = issues.iter().filter(|i| i.code == "E-MISSING-COLUMN").collect();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].field(), Some("zone"));
    }

    #[test]
    fn fingerprint_changes_with_data() {
        let a = read("date,sku,zone,quantity\n2024-01-01,A,z,1\n", Frequency::Daily).unwrap();
        let b = read("date,sku,zone,quantity\n2024-01-01,A,z,2\n", Frequency::Daily).unwrap();
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
    }
}
