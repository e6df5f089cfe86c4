//! The scenario's issue codes and the report that carries its issues.
//!
//! The bottom layer of the scenario stage: rule functions, readers and loaders all push
//! into a [`Report`], and nothing here imports them.
//!
//! Every problem found in a scenario becomes one [`Issue`] (the crate's one issue type,
//! [`crate::issue`]) with a stable [`Code`] (what
//! tests, the API and scripts match on), the place (file, 1-based line with the header on
//! line 1, field), the offending value, a cause and an action that says how to fix it
//! (the `FormatError{code, cause, action}` shape of reinterpretcat/vrp). Loading collects
//! all of them before deciding, so a user fixes a file in one pass instead of one error
//! per run.

use super::summary::Summary;
use crate::issue::{Issue, IssueCode, Location, Severity};
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::fmt::Write as _;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, )*) => {
        /// A stable issue code. `E-` codes are errors, `W-` codes warnings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in reports, e.g. `E-UNKNOWN-SKU`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    /// A required file is not in the folder (or a named one, such as `roads`).
    MissingFile = "E-MISSING-FILE",
    /// A file has no header or no data rows.
    EmptyFile = "E-EMPTY-FILE",
    /// A file is not valid UTF-8 text.
    NotUtf8 = "E-NOT-UTF8",
    /// `scenario.toml` is not valid TOML or a value has the wrong type.
    Toml = "E-TOML",
    /// A key in `scenario.toml` that the format does not know.
    UnknownKey = "E-UNKNOWN-KEY",
    /// A required key of `scenario.toml` is absent.
    MissingKey = "E-MISSING-KEY",
    /// A required CSV column is absent from the header.
    MissingColumn = "E-MISSING-COLUMN",
    /// A CSV header names a column twice.
    DuplicateColumn = "E-DUPLICATE-COLUMN",
    /// A CSV record has more or fewer fields than the header.
    FieldCount = "E-FIELD-COUNT",
    /// A required value is empty.
    MissingValue = "E-MISSING-VALUE",
    /// A value that must be a finite number is not.
    NotANumber = "E-NOT-A-NUMBER",
    /// A date is not `YYYY-MM-DD`.
    BadDate = "E-BAD-DATE",
    /// A time of day is not `HH:MM`.
    BadTime = "E-BAD-TIME",
    /// A polygon is not WKT `POLYGON((lon lat, ...))`.
    BadWkt = "E-BAD-WKT",
    /// A latitude outside [-90, 90].
    LatRange = "E-LAT-RANGE",
    /// A longitude outside [-180, 180].
    LonRange = "E-LON-RANGE",
    /// A value that must be > 0 is not.
    NonPositive = "E-NON-POSITIVE",
    /// A cost or value that must be >= 0 is negative.
    Negative = "E-NEGATIVE",
    /// A demand quantity is negative.
    NegativeQuantity = "E-NEGATIVE-QUANTITY",
    /// An id appears twice among its kind.
    DuplicateId = "E-DUPLICATE-ID",
    /// A SKU that `skus.csv` does not list.
    UnknownSku = "E-UNKNOWN-SKU",
    /// A zone that `zones.csv` does not list.
    UnknownZone = "E-UNKNOWN-ZONE",
    /// A station's centre that `scenario.toml` does not list.
    UnknownCentre = "E-UNKNOWN-CENTRE",
    /// The scenario has no centre.
    NoCentre = "E-NO-CENTRE",
    /// A station has no vehicle type.
    NoVehicleType = "E-NO-VEHICLE-TYPE",
    /// A shift or time window that ends before it starts, or has only one end.
    TimeWindow = "E-TIME-WINDOW",
    /// An order line without a zone and without both lat and lon.
    MissingLocation = "E-MISSING-LOCATION",
    /// Lines of one order disagree on location or time window.
    OrderMismatch = "E-ORDER-MISMATCH",
    /// A number above the largest value its field may take (`scenario::limits`).
    OutOfRange = "E-OUT-OF-RANGE",
    /// Rows dated beyond a long silence of the whole history (a mistyped year).
    StrayDate = "E-STRAY-DATE",
    /// The history has rows but sells nothing: every quantity is zero.
    NoDemand = "E-NO-DEMAND",
    /// A scenario name that cannot name the output folder (`out/<name>`).
    BadName = "E-BAD-NAME",
    /// The road extract named by `roads` cannot be read as a road network.
    BadRoads = "E-BAD-ROADS",
    /// A CSV column the format does not know (ignored).
    UnknownColumn = "W-UNKNOWN-COLUMN",
    /// The same (date, sku, zone) or (order, sku) twice: quantities are summed.
    DuplicateRow = "W-DUPLICATE-ROW",
    /// A series is silent for a long stretch.
    HistoryGap = "W-HISTORY-GAP",
    /// A value far above the rest of its series.
    Outlier = "W-OUTLIER",
    /// A zone with no demand in the history.
    ZoneNoDemand = "W-ZONE-NO-DEMAND",
    /// A SKU with no demand in the history.
    SkuNoDemand = "W-SKU-NO-DEMAND",
}

impl Code {
    /// Errors refuse the scenario; warnings keep the data.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with("E-") { Severity::Error } else { Severity::Warning }
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Code> for IssueCode {
    fn from(code: Code) -> Self {
        IssueCode(code.as_str())
    }
}

impl PartialEq<Code> for IssueCode {
    fn eq(&self, other: &Code) -> bool {
        self.0 == other.as_str()
    }
}

/// Where a value sits: the context rule functions need to build an [`Issue`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    pub file: &'a str,
    pub line: Option<u64>,
    pub field: Option<&'a str>,
}

impl<'a> At<'a> {
    pub fn file(file: &'a str) -> Self {
        Self { file, line: None, field: None }
    }

    pub fn line(self, line: Option<u64>) -> Self {
        Self { line, ..self }
    }

    pub fn field(self, field: &'a str) -> Self {
        Self { field: Some(field), ..self }
    }

    /// An issue at this place.
    pub fn issue(
        self,
        code: Code,
        value: Option<String>,
        cause: impl Into<String>,
        action: impl Into<String>,
    ) -> Issue {
        Issue {
            code: code.into(),
            severity: code.severity(),
            location: Location::File {
                file: self.file.to_owned(),
                line: self.line,
                field: self.field.map(str::to_owned),
            },
            value,
            cause: cause.into(),
            action: action.into(),
        }
    }
}

/// Everything validation found, plus a summary of the data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Issues in the order they were found (by file, then line).
    pub issues: Vec<Issue>,
    /// What was read. Boxed to keep `Result<_, ScenarioError>` small.
    pub summary: Box<Summary>,
}

impl Report {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.issues.iter().filter(|i| i.severity == Severity::Error).count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.issues.len() - self.errors()
    }

    /// True when there is no error (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.errors() == 0
    }

    /// The issues with one code.
    pub fn with_code(&self, code: Code) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(move |i| i.code == code)
    }

    pub(crate) fn push(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    /// The report for people: a header line with counts, then one line per issue,
    /// `file:line field [CODE] cause -- action`.
    ///
    /// Every error is listed. Warnings are listed up to `warnings_per_code` per code (`None`
    /// lists all), followed by a count of the rest: real history easily yields thousands of
    /// gap and outlier warnings, and a wall of them would hide the errors. `--json` always
    /// carries every issue.
    pub fn to_text(&self, title: &str, warnings_per_code: Option<usize>) -> String {
        let mut out = String::new();
        let s = &self.summary;
        let verdict = if self.is_ok() { "ok" } else { "INVALID" };
        let _ = write!(
            out,
            "{title}: {verdict}, {} error(s), {} warning(s); {} centre(s), {} station(s), \
             {} vehicle(s), {} zone(s), {} SKU(s), {} demand row(s), {} order(s)",
            self.errors(),
            self.warnings(),
            s.centres,
            s.stations,
            s.vehicles,
            s.zones,
            s.skus,
            s.demand_rows,
            s.orders
        );
        if let Some(series) = &s.series {
            let _ = write!(out, "; {series}");
        }
        out.push('\n');
        let mut shown: HashMap<IssueCode, usize> = HashMap::new();
        for issue in &self.issues {
            if issue.severity == Severity::Warning {
                let count = shown.entry(issue.code).or_default();
                *count += 1;
                if warnings_per_code.is_some_and(|limit| *count > limit) {
                    continue;
                }
            }
            let _ = writeln!(out, "{issue}");
        }
        if let Some(limit) = warnings_per_code {
            let mut hidden: Vec<(IssueCode, usize)> = shown
                .into_iter()
                .filter(|&(_, n)| n > limit)
                .map(|(code, n)| (code, n - limit))
                .collect();
            hidden.sort_by_key(|&(code, _)| code.as_str());
            for (code, n) in hidden {
                let _ = writeln!(
                    out,
                    "... {n} more [{code}] warning(s) not shown (--all-warnings or --json lists them)"
                );
            }
        }
        out
    }

    /// The report for machines:
    /// `{ "ok": bool, "errors": n, "warnings": n, "issues": [...], "summary": {...} }`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            ok: bool,
            errors: usize,
            warnings: usize,
            issues: &'a [Issue],
            summary: &'a Summary,
        }
        let json = Json {
            ok: self.is_ok(),
            errors: self.errors(),
            warnings: self.warnings(),
            issues: &self.issues,
            summary: &self.summary,
        };
        // Plain strings, numbers and options: serialising them cannot fail.
        serde_json::to_string_pretty(&json).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prefixed_by_severity() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            let prefix = if code.severity() == Severity::Error { "E-" } else { "W-" };
            assert!(code.as_str().starts_with(prefix));
        }
    }

    #[test]
    fn text_and_json_name_file_line_field_and_code() {
        let mut report = Report::default();
        let at = At::file("demand.csv").line(Some(7)).field("sku");
        report.push(at.issue(Code::UnknownSku, Some("X1".into()), "unknown", "add it"));
        report.push(At::file("zones.csv").issue(Code::ZoneNoDemand, None, "quiet", "check"));
        assert_eq!((report.errors(), report.warnings(), report.is_ok()), (1, 1, false));
        let text = report.to_text("t", None);
        assert!(text.starts_with("t: INVALID, 1 error(s), 1 warning(s)"));
        assert!(
            text.contains("demand.csv:7 sku [E-UNKNOWN-SKU] unknown (value: \"X1\") -- add it")
        );
        assert!(text.contains("zones.csv [W-ZONE-NO-DEMAND] quiet -- check"));
        report.push(At::file("zones.csv").issue(Code::ZoneNoDemand, None, "quiet 2", "check"));
        let capped = report.to_text("t", Some(1));
        assert!(capped.contains("demand.csv:7 sku [E-UNKNOWN-SKU]"), "errors are never capped");
        assert!(!capped.contains("quiet 2"));
        assert!(capped.contains("... 1 more [W-ZONE-NO-DEMAND] warning(s) not shown"));
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["ok"], false);
        assert_eq!(json["issues"][0]["code"], "E-UNKNOWN-SKU");
        assert_eq!(json["issues"][0]["line"], 7);
        assert_eq!(json["issues"][1]["severity"], "warning");
    }
}
