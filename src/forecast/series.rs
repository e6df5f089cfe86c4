//! Demand history as per-(sku, zone) series on a common period grid.
//!
//! Rows are streamed from CSV (`date,sku,zone,quantity`, or any named zone column such as the
//! shared file's `region`) and validated one by one: a bad row is reported with its line and
//! field, never dropped in silence. Sales are kept sparse (`(period, units)` per series, a
//! (date, sku, zone) without a row had zero demand) so a large panel costs memory in
//! proportion to its non-zero cells; models get a dense slice per series only while that
//! series is being worked on ([`History::dense`]).
//!
//! Each series starts at its own first sale: leading zeros before a product was listed in a
//! zone are not demand and would drag every level estimate towards zero.

use super::error::{ForecastError, MAX_REPORTED_ROW_ERRORS, RowError};
use crate::ids::{SkuId, ZoneId};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::HashMap;
use std::path::Path;

/// The length of one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// One period per calendar day; weekly seasonality of 7 periods.
    Daily,
    /// Seven-day buckets that end on the last date of the history; no seasonality learnt.
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

/// Collects daily rows, then buckets them into a [`History`]. The CSV reader uses it; the
/// scenario loader can feed its own rows the same way.
#[derive(Debug, Default)]
pub struct HistoryBuilder {
    sku_index: HashMap<SkuId, u32>,
    zone_index: HashMap<ZoneId, u32>,
    skus: Vec<SkuId>,
    zones: Vec<ZoneId>,
    series_index: HashMap<(u32, u32), usize>,
    /// Per series: `(day number, units)` in arrival order.
    rows: Vec<Vec<(i32, f64)>>,
    keys: Vec<(u32, u32)>,
    min_day: Option<i32>,
    max_day: Option<i32>,
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
    /// `units`: product units, finite and non-negative (checked by the CSV reader).
    pub fn push(&mut self, date: NaiveDate, sku: &str, zone: &str, units: f64) {
        let day = date.num_days_from_ce();
        self.min_day = Some(self.min_day.map_or(day, |d| d.min(day)));
        self.max_day = Some(self.max_day.map_or(day, |d| d.max(day)));
        if units <= 0.0 {
            return;
        }
        let sku = intern(&mut self.sku_index, &mut self.skus, sku);
        let zone = intern(&mut self.zone_index, &mut self.zones, zone);
        let next = self.rows.len();
        let slot = *self.series_index.entry((sku, zone)).or_insert(next);
        if slot == next {
            self.rows.push(Vec::new());
            self.keys.push((sku, zone));
        }
        self.rows[slot].push((day, units));
    }

    /// Whether no row was pushed.
    pub fn is_empty(&self) -> bool {
        self.min_day.is_none()
    }

    /// Buckets the rows into periods of `frequency`. Weekly buckets end on the last date, so
    /// the first forecast period starts the day after it; days before the first full week are
    /// dropped. Returns `None` when no row was pushed.
    pub fn finish(self, frequency: Frequency) -> Option<History> {
        let (min_day, max_day) = (self.min_day?, self.max_day?);
        let step = i64::from(frequency.days());
        let span = i64::from(max_day) - i64::from(min_day) + 1;
        let periods = (span / step).max(1);
        let first_day = i64::from(max_day) + 1 - periods * step;
        let first_period_start = NaiveDate::from_num_days_from_ce_opt(first_day as i32)?;
        let mut series: Vec<SeriesData> = self
            .rows
            .into_iter()
            .zip(self.keys)
            .filter_map(|(rows, (sku, zone))| {
                let mut sales: Vec<(u32, f64)> = rows
                    .into_iter()
                    .filter(|&(day, _)| i64::from(day) >= first_day)
                    .map(|(day, q)| (((i64::from(day) - first_day) / step) as u32, q))
                    .collect();
                sales.sort_by_key(|&(p, _)| p);
                sales.dedup_by(|b, a| {
                    let same = a.0 == b.0;
                    if same {
                        a.1 += b.1;
                    }
                    same
                });
                (!sales.is_empty()).then_some(SeriesData { sku, zone, sales })
            })
            .collect();
        let (skus, zones) = (self.skus, self.zones);
        series.sort_by(|a, b| {
            (&skus[a.sku as usize], &zones[a.zone as usize])
                .cmp(&(&skus[b.sku as usize], &zones[b.zone as usize]))
        });
        Some(History {
            frequency,
            first_period_start,
            periods: periods as usize,
            skus,
            zones,
            series,
        })
    }
}

fn intern<K: std::hash::Hash + Eq + Clone + From<String>>(
    index: &mut HashMap<K, u32>,
    table: &mut Vec<K>,
    text: &str,
) -> u32 {
    let key = K::from(text.to_owned());
    if let Some(&i) = index.get(&key) {
        return i;
    }
    let i = table.len() as u32;
    table.push(key.clone());
    index.insert(key, i);
    i
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

impl History {
    /// Reads `date,sku,<zone column>,quantity` rows from a CSV file (extra columns are ignored).
    ///
    /// # Errors
    /// [`ForecastError::Io`] / [`ForecastError::Csv`] when the file cannot be read,
    /// [`ForecastError::MissingColumn`], [`ForecastError::InvalidHistory`] listing every bad
    /// row (bad date, empty id, quantity not a finite number >= 0), and
    /// [`ForecastError::EmptyHistory`].
    ///
    /// # Complexity
    /// One pass over the rows; memory in proportion to the non-zero rows.
    pub fn read_csv(path: &Path, options: &HistoryOptions) -> Result<Self, ForecastError> {
        let file = std::fs::File::open(path)
            .map_err(|source| ForecastError::Io { path: path.to_owned(), source })?;
        Self::from_reader(std::io::BufReader::new(file), path, options)
    }

    /// Like [`read_csv`](Self::read_csv) from any reader; `path` only labels errors.
    ///
    /// # Errors
    /// As [`read_csv`](Self::read_csv).
    pub fn from_reader(
        reader: impl std::io::Read,
        path: &Path,
        options: &HistoryOptions,
    ) -> Result<Self, ForecastError> {
        let csv_err =
            |line: u64, source| ForecastError::Csv { path: path.to_owned(), line, source };
        let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(reader);
        let header = rdr.byte_headers().map_err(|e| csv_err(1, e))?.clone();
        let column = |name: &str| {
            header.iter().position(|h| h == name.as_bytes()).ok_or_else(|| {
                ForecastError::MissingColumn {
                    path: path.to_owned(),
                    column: name.to_owned(),
                    header: String::from_utf8_lossy(header.as_slice()).into_owned(),
                }
            })
        };
        let cols =
            [column("date")?, column("sku")?, column(&options.zone_column)?, column("quantity")?];
        let names = ["date", "sku", options.zone_column.as_str(), "quantity"];
        let mut builder = HistoryBuilder::new();
        let mut errors = Vec::new();
        let mut total_bad = 0u64;
        let mut record = csv::ByteRecord::new();
        loop {
            let line = rdr.position().line();
            match rdr.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_err(line, e)),
            }
            let field = |i: usize| std::str::from_utf8(record.get(cols[i]).unwrap_or_default());
            let mut bad = |i: usize, reason: &'static str| {
                total_bad += 1;
                if errors.len() < MAX_REPORTED_ROW_ERRORS {
                    let value = String::from_utf8_lossy(record.get(cols[i]).unwrap_or_default());
                    errors.push(RowError {
                        line,
                        field: names[i].to_owned(),
                        value: value.into_owned(),
                        reason,
                    });
                }
            };
            let date =
                match field(0).ok().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()) {
                    Some(d) => d,
                    None => {
                        bad(0, "not a date YYYY-MM-DD");
                        continue;
                    }
                };
            let (Ok(sku), Ok(zone)) = (field(1), field(2)) else {
                bad(1, "not UTF-8");
                continue;
            };
            if sku.is_empty() {
                bad(1, "empty sku");
                continue;
            }
            if zone.is_empty() {
                bad(2, "empty zone");
                continue;
            }
            let units = match field(3).ok().and_then(|s| s.parse::<f64>().ok()) {
                Some(q) if q.is_finite() && q >= 0.0 => q,
                Some(_) => {
                    bad(3, "quantity must be a finite number >= 0");
                    continue;
                }
                None => {
                    bad(3, "not a number");
                    continue;
                }
            };
            builder.push(date, sku, zone, units);
        }
        if total_bad > 0 {
            return Err(ForecastError::InvalidHistory {
                path: path.to_owned(),
                errors,
                total: total_bad,
            });
        }
        builder
            .finish(options.frequency)
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

    fn read(text: &str, frequency: Frequency) -> Result<History, ForecastError> {
        let options = HistoryOptions { frequency, ..HistoryOptions::default() };
        History::from_reader(text.as_bytes(), Path::new("t.csv"), &options)
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
        let h = History::from_reader(text.as_bytes(), Path::new("t"), &options).unwrap();
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
        let ForecastError::InvalidHistory { errors, total, .. } = err else { panic!("{err}") };
        assert_eq!(total, 4);
        let got: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(got, vec![(3, "date"), (4, "sku"), (5, "quantity"), (6, "quantity")]);
    }

    #[test]
    fn missing_zone_column_is_named() {
        let err = read("date,sku,region,quantity\n", Frequency::Daily).unwrap_err();
        assert!(matches!(err, ForecastError::MissingColumn { ref column, .. } if column == "zone"));
    }

    #[test]
    fn fingerprint_changes_with_data() {
        let a = read("date,sku,zone,quantity\n2024-01-01,A,z,1\n", Frequency::Daily).unwrap();
        let b = read("date,sku,zone,quantity\n2024-01-01,A,z,2\n", Frequency::Daily).unwrap();
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
    }
}
