//! The validation rules, one function per issue code (named after it).
//!
//! Value rules parse or check one field and push an issue when it fails, returning what
//! the caller needs to go on (`Option<value>` or `bool`). They never stop at the first
//! problem: the loaders call every rule on every field so that the report is complete.
//!
//! Series rules look at the clean series and only ever warn (the data is kept): long
//! silences (`W-HISTORY-GAP`) and values far above the rest of their series (`W-OUTLIER`,
//! judged against the median and the MAD of the series' non-zero periods, which a single
//! bulk order cannot drag along the way it drags a mean and a standard deviation).

use super::calendar::Calendar;
use super::limits::{Limit, NAME_CHARS};
use super::model::{DemandRow, Period, SkuIdx, TimeOfDay, ZoneIdx};
use super::report::{At, Code, Report};
use super::summary::{SPARSE_BELOW, SeriesSummary, SummaryAcc};
use chrono::NaiveDate;

/// A series must be silent for at least this many days before it is called a gap.
pub const GAP_MIN_DAYS: i64 = 56;
/// ... and for more than this many times its mean interval between non-zero periods.
pub const GAP_INTERVALS: f64 = 8.0;
/// Series with fewer non-zero periods are too thin to judge gaps or outliers.
pub const MIN_NONZERO_TO_JUDGE: usize = 5;
/// A value is an outlier above `median + OUTLIER_SCALES * max(median, 1.4826 * MAD)`.
pub const OUTLIER_SCALES: f64 = 10.0;

fn value(raw: &str) -> Option<String> {
    Some(raw.to_owned())
}

/// `E-MISSING-VALUE`: the field must not be empty.
pub(crate) fn e_missing_value<'v>(report: &mut Report, at: At, raw: &'v str) -> Option<&'v str> {
    if raw.is_empty() {
        report.push(at.issue(Code::MissingValue, None, "the value is empty", "fill in the value"));
        return None;
    }
    Some(raw)
}

/// `E-NOT-A-NUMBER`: a required finite number (empty gives `E-MISSING-VALUE`).
pub(crate) fn e_not_a_number(report: &mut Report, at: At, raw: &str) -> Option<f64> {
    let raw = e_missing_value(report, at, raw)?;
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            let action = "write a plain decimal number with a dot, e.g. 12 or 0.5";
            report.push(at.issue(Code::NotANumber, value(raw), "not a finite number", action));
            None
        }
    }
}

/// `E-NON-POSITIVE`: capacities, sizes and counts must be > 0.
pub(crate) fn e_non_positive(report: &mut Report, at: At, v: f64) -> bool {
    if v > 0.0 {
        return true;
    }
    let action = "use a value greater than zero";
    report.push(at.issue(Code::NonPositive, Some(v.to_string()), "must be > 0", action));
    false
}

/// `E-NEGATIVE`: costs and values must be >= 0.
pub(crate) fn e_negative(report: &mut Report, at: At, v: f64) -> bool {
    if v >= 0.0 {
        return true;
    }
    let action = "use zero or a positive amount";
    report.push(at.issue(Code::Negative, Some(v.to_string()), "must be >= 0", action));
    false
}

/// `E-NEGATIVE-QUANTITY`: demand is never negative (returns belong elsewhere).
pub(crate) fn e_negative_quantity(report: &mut Report, at: At, v: f64) -> bool {
    if v >= 0.0 {
        return true;
    }
    let action = "demand counts units ordered: drop returns/cancellations or write 0";
    report.push(at.issue(Code::NegativeQuantity, Some(v.to_string()), "quantity < 0", action));
    false
}

/// `E-LAT-RANGE`: latitude in [-90, 90].
pub(crate) fn e_lat_range(report: &mut Report, at: At, lat: f64) -> bool {
    if (-90.0..=90.0).contains(&lat) {
        return true;
    }
    let action = "latitude is degrees north in [-90, 90]; check lat/lon are not swapped";
    report.push(at.issue(Code::LatRange, Some(lat.to_string()), "latitude out of range", action));
    false
}

/// `E-LON-RANGE`: longitude in [-180, 180].
pub(crate) fn e_lon_range(report: &mut Report, at: At, lon: f64) -> bool {
    if (-180.0..=180.0).contains(&lon) {
        return true;
    }
    let action = "longitude is degrees east in [-180, 180]";
    report.push(at.issue(Code::LonRange, Some(lon.to_string()), "longitude out of range", action));
    false
}

/// `E-OUT-OF-RANGE`: a number above its field's [`Limit`] (checked after the sign rules,
/// so only on values that passed them).
pub(crate) fn e_out_of_range(report: &mut Report, at: At, v: f64, limit: Limit) -> bool {
    if v <= limit.max {
        return true;
    }
    let cause = format!("above the largest accepted value, {} {}", limit.max, limit.unit);
    let action = "check the unit and the digits; the bounds are far above any real network";
    report.push(at.issue(Code::OutOfRange, Some(v.to_string()), cause, action));
    false
}

/// `E-BAD-NAME`: the scenario name names the default output folder `out/<name>`, so it is
/// one plain path component: letters, digits, `.`, `_`, `-`, not starting with `.`, at
/// most [`NAME_CHARS`] characters (`../x` or `/etc` would write outside `out/`).
pub(crate) fn e_bad_name(report: &mut Report, at: At, name: &str) -> bool {
    let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if plain && !name.starts_with('.') && name.chars().count() <= NAME_CHARS {
        return true;
    }
    let shown: String = name.chars().take(60).collect();
    let cause = format!(
        "the name must be one folder name: letters, digits, '.', '_' or '-', not starting \
         with '.', at most {NAME_CHARS} characters"
    );
    let action = "rename the scenario, e.g. name = \"lyon-2024\"";
    report.push(at.issue(Code::BadName, Some(shown), cause, action));
    false
}

/// `E-BAD-ROADS` on `scenario.toml`'s `roads` key: the extract exists but does not make a
/// road network (not a PBF file, truncated, no drivable way). The loader only checks that
/// the file is there; the caller that builds the graph (`plan::validate`) reports this.
pub(crate) fn e_bad_roads(report: &mut Report, path: &std::path::Path, cause: String) {
    let at = At::file("scenario.toml").field("roads");
    let action = "use an OpenStreetMap .osm.pbf extract that covers the zones' streets, or \
                  remove the `roads` key (routing then uses straight lines)";
    let shown = path.file_name().map(|f| f.to_string_lossy().into_owned());
    report.push(at.issue(Code::BadRoads, shown, cause, action));
}

/// `E-BAD-DATE`: dates are `YYYY-MM-DD`.
pub(crate) fn e_bad_date(report: &mut Report, at: At, raw: &str) -> Option<NaiveDate> {
    let raw = e_missing_value(report, at, raw)?;
    // `FromStr` reads exactly `YYYY-MM-DD` (faster than a format string on big files).
    let parsed = raw.parse::<NaiveDate>().ok();
    if parsed.is_none() {
        let action = "write the date as YYYY-MM-DD, e.g. 2024-03-01";
        report.push(at.issue(Code::BadDate, value(raw), "not a valid calendar date", action));
    }
    parsed
}

/// `E-BAD-TIME`: times of day are `HH:MM`.
pub(crate) fn e_bad_time(report: &mut Report, at: At, raw: &str) -> Option<TimeOfDay> {
    let parsed = TimeOfDay::parse(raw).ok();
    if parsed.is_none() {
        let action = "write the time as HH:MM between 00:00 and 24:00, e.g. 08:30";
        report.push(at.issue(Code::BadTime, value(raw), "not a time of day", action));
    }
    parsed
}

/// `E-TIME-WINDOW`: a window must end after it starts.
pub(crate) fn e_time_window(report: &mut Report, at: At, start: TimeOfDay, end: TimeOfDay) -> bool {
    if end > start {
        return true;
    }
    let shown = Some(format!("{start}-{end}"));
    let action = "make the end later than the start (windows cannot cross midnight)";
    report.push(at.issue(Code::TimeWindow, shown, "the window ends before it starts", action));
    false
}

/// `E-BAD-WKT`: a zone outline must be a WKT polygon.
pub(crate) fn e_bad_wkt(report: &mut Report, at: At, raw: &str) -> bool {
    use wkt::TryFromWkt;
    match geo::Polygon::<f64>::try_from_wkt_str(raw) {
        Ok(_) => true,
        Err(err) => {
            let cause = format!("not a WKT polygon: {err}");
            let action =
                "write POLYGON((lon lat, lon lat, ...)) with a closed ring, or leave empty";
            let shown: String = raw.chars().take(60).collect();
            report.push(at.issue(Code::BadWkt, Some(shown), cause, action));
            false
        }
    }
}

/// `E-DUPLICATE-ID`: ids are unique within their kind.
pub(crate) fn e_duplicate_id(report: &mut Report, at: At, id: &str, first: Option<u64>) {
    let cause = match first {
        Some(line) => format!("the id is already used on line {line}"),
        None => "the id is already used".to_owned(),
    };
    let action = "give every entry its own id, or merge the two entries";
    report.push(at.issue(Code::DuplicateId, value(id), cause, action));
}

/// One series as the series rules see it (one dense series of the loader's
/// one-series-at-a-time pass, which never holds the whole dense matrix).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeriesView<'a> {
    pub period: Period,
    pub starts: &'a [NaiveDate],
    pub sku: &'a str,
    pub zone: &'a str,
    pub values: &'a [f64],
}

/// Runs every series rule on every series of `rows` (sorted by sku, zone, date), one
/// series at a time on the one [`Calendar`], and returns the shape of the series; `None`
/// when there is no row. `sku` and `zone` name the dense indices in messages.
///
/// Used for a scenario's `demand.csv` and for a plain history file alike, so both get the
/// same warnings.
///
/// # Complexity
/// O(rows + series x periods log periods) time (the outlier rule sorts each series),
/// O(periods) memory beyond the rows.
pub(crate) fn series_rules<'n>(
    report: &mut Report,
    file: &str,
    period: Period,
    rows: &[DemandRow],
    sku: impl Fn(SkuIdx) -> &'n str,
    zone: impl Fn(ZoneIdx) -> &'n str,
) -> Option<SeriesSummary> {
    let calendar = Calendar::of(period, rows)?;
    let starts = calendar.starts();
    let mut summary = SummaryAcc::new(SPARSE_BELOW);
    calendar.each_series(rows, |s, z, values| {
        let view = SeriesView { period, starts: &starts, sku: sku(s), zone: zone(z), values };
        w_history_gap(report, file, view);
        w_outlier(report, file, view);
        summary.add(values);
    });
    Some(summary.finish(period, &starts))
}

/// `W-HISTORY-GAP`: a series that used to sell regularly falls silent for a long stretch
/// (between two sales, or until the end of the history): longer than [`GAP_MIN_DAYS`] and
/// than [`GAP_INTERVALS`] times its mean interval between sales. For sales at random with
/// a steady rate, a silence of 8 mean intervals has a chance of about e^-8 (0.03%) per
/// interval, so what is flagged is rarely noise.
///
/// # Complexity
/// O(periods).
pub(crate) fn w_history_gap(report: &mut Report, file: &str, s: SeriesView) {
    let min_periods = (GAP_MIN_DAYS + s.period.days() - 1) / s.period.days();
    let n = s.values.len().min(s.starts.len());
    let nonzero: Vec<usize> = (0..n).filter(|&i| s.values[i] > 0.0).collect();
    let (Some(&first), Some(&last)) = (nonzero.first(), nonzero.last()) else { return };
    if nonzero.len() < MIN_NONZERO_TO_JUDGE {
        return;
    }
    let mean_interval = (last - first) as f64 / (nonzero.len() - 1) as f64;
    let limit = (min_periods as f64).max((GAP_INTERVALS * mean_interval).ceil()) as usize;
    let ends = nonzero.windows(2).map(|w| (w[0], w[1])).chain(std::iter::once((last, n)));
    for (prev, next) in ends {
        let silent = next - prev - 1;
        if silent <= limit {
            continue;
        }
        let from = s.starts[prev + 1];
        let to = if next < n { s.starts[next - 1].to_string() } else { "the end".into() };
        let cause = format!(
            "sku {} zone {} is silent for {silent} periods from {from} to {to}, \
             while it sold about every {mean_interval:.1} periods",
            s.sku, s.zone
        );
        let action = "check for missing data (feed outage, stock-out, delisting); \
                      keep the rows if the silence is real";
        let at = At::file(file).field("date");
        report.push(at.issue(Code::HistoryGap, Some(format!("{from}..{to}")), cause, action));
    }
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 }
}

/// The outlier threshold of a series from its non-zero values: `median + 10 * scale` with
/// `scale = max(median, 1.4826 * MAD)`; `None` when there are too few values to judge.
pub(crate) fn outlier_threshold(nonzero: &mut [f64]) -> Option<f64> {
    if nonzero.len() < MIN_NONZERO_TO_JUDGE {
        return None;
    }
    nonzero.sort_by(f64::total_cmp);
    let m = median(nonzero);
    let mut dev: Vec<f64> = nonzero.iter().map(|v| (v - m).abs()).collect();
    dev.sort_by(f64::total_cmp);
    let scale = m.max(1.4826 * median(&dev));
    Some(m + OUTLIER_SCALES * scale)
}

/// `W-OUTLIER`: a period far above the rest of its series (bulk orders, typos, unit errors).
///
/// # Complexity
/// O(periods log periods).
pub(crate) fn w_outlier(report: &mut Report, file: &str, s: SeriesView) {
    let mut nonzero: Vec<f64> = s.values.iter().copied().filter(|v| *v > 0.0).collect();
    let Some(limit) = outlier_threshold(&mut nonzero) else { return };
    for (v, start) in s.values.iter().zip(s.starts).filter(|(v, _)| **v > limit) {
        let cause = format!(
            "sku {} zone {}: {v} units in the period from {start}, above {limit:.1} \
             (median + {OUTLIER_SCALES} robust scales of the series)",
            s.sku, s.zone
        );
        let action = "check for a bulk order, a typo or a unit mix-up; the value is kept";
        let at = At::file(file).field("quantity");
        report.push(at.issue(Code::Outlier, Some(format!("{start}: {v}")), cause, action));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the series rules on one daily series from 2024-01-01.
    fn series_rules(r: &mut Report, file: &str, values: &[f64]) {
        let d0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let starts: Vec<NaiveDate> =
            (0..values.len() as u64).map(|i| d0 + chrono::Days::new(i)).collect();
        let view = SeriesView { period: Period::Day, starts: &starts, sku: "A", zone: "Z", values };
        w_history_gap(r, file, view);
        w_outlier(r, file, view);
    }

    #[test]
    fn numbers_dates_and_ranges_push_their_codes() {
        let mut r = Report::default();
        let at = At::file("f.csv").line(Some(3)).field("x");
        assert_eq!(e_not_a_number(&mut r, at, "1.5"), Some(1.5));
        assert_eq!(e_not_a_number(&mut r, at, "NaN"), None);
        assert_eq!(e_not_a_number(&mut r, at, ""), None);
        assert!(!e_lat_range(&mut r, at, 91.0) && !e_lon_range(&mut r, at, -181.0));
        assert!(e_bad_date(&mut r, at, "2024-02-30").is_none());
        assert!(!e_bad_wkt(&mut r, at, "POLYGON((1 2, 3"));
        assert!(e_bad_wkt(&mut r, at, "POLYGON((7.41 43.72, 7.42 43.72, 7.42 43.73, 7.41 43.72))"));
        let codes: Vec<_> = r.issues.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "E-NOT-A-NUMBER",
                "E-MISSING-VALUE",
                "E-LAT-RANGE",
                "E-LON-RANGE",
                "E-BAD-DATE",
                "E-BAD-WKT"
            ]
        );
        assert!(r.issues.iter().all(|i| i.line() == Some(3) && i.field() == Some("x")));
    }

    #[test]
    fn a_bulk_order_is_an_outlier_and_regular_values_are_not() {
        let mut values = vec![0.0; 40];
        for (i, v) in [3.0, 5.0, 4.0, 6.0, 2.0, 5.0, 4.0].into_iter().enumerate() {
            values[i * 5] = v;
        }
        let mut r = Report::default();
        series_rules(&mut r, "demand.csv", &values);
        assert!(r.issues.is_empty());
        values[37] = 400.0;
        series_rules(&mut r, "demand.csv", &values);
        assert_eq!(r.issues.len(), 1);
        assert_eq!(r.issues[0].code, Code::Outlier);
        assert_eq!(r.issues[0].value.as_deref(), Some("2024-02-07: 400"));
    }

    #[test]
    fn a_long_silence_after_regular_sales_is_a_gap() {
        // Sells every other day for 20 days, then nothing for 70 days, then again.
        let mut values = vec![0.0; 100];
        for i in (0..20).step_by(2).chain([90, 92, 94]) {
            values[i] = 1.0;
        }
        let mut r = Report::default();
        series_rules(&mut r, "demand.csv", &values);
        assert_eq!(r.issues.len(), 1, "{:?}", r.issues);
        assert_eq!(r.issues[0].value.as_deref(), Some("2024-01-20..2024-03-30"));
        // The trailing 5 days are not a gap; a short history is never judged.
        let mut thin = vec![0.0; 100];
        thin[0] = 1.0;
        series_rules(&mut r, "demand.csv", &thin);
        assert_eq!(r.issues.len(), 1);
    }
}
