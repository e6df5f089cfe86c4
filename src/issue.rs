//! The one validation-issue type every stage reports with.
//!
//! A scenario file, a forecast history, a routing problem and a placement input are all
//! checked at the boundary, all problems at once, and each problem is an [`Issue`]: a
//! stable code (each stage keeps its own family: `E-UNKNOWN-SKU` for scenario and history
//! files, `E1002` for routing models, `E2004` for placement inputs), where it is (a
//! file/line/field, or a JSON path in a request), the offending value, a cause and an
//! action that says how to fix it (the `FormatError{code, cause, action}` shape of
//! reinterpretcat/vrp). One type means one rendering: the CLI prints them the same way
//! and the API sends any list of them as `error.details`.

use serde::{Serialize, Serializer};
use std::fmt;

/// How bad an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is refused.
    Error,
    /// The data is kept; a person should look.
    Warning,
}

/// A stable issue code, as written in reports (`E-BAD-DATE`, `E1002`).
///
/// Stages define their codes as constants or enums that convert into this; comparing an
/// `IssueCode` with a stage's own code type works where the stage provides `PartialEq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IssueCode(pub &'static str);

impl IssueCode {
    /// The code as written, e.g. `E-UNKNOWN-SKU`.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for IssueCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl PartialEq<&str> for IssueCode {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Where an issue is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Location {
    /// A place in a file: CSV or TOML input.
    File {
        /// The file, relative to the scenario folder (or as given for a plain file).
        file: String,
        /// 1-based line, a CSV header being line 1; `None` for whole-file issues.
        line: Option<u64>,
        /// The column or key, if the issue is about one.
        field: Option<String>,
    },
    /// A JSON path in a request or an in-memory model (`stops[3].demand`).
    Path {
        /// The path.
        path: String,
    },
}

impl fmt::Display for Location {
    /// `file:line field` or the JSON path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File { file, line, field } => {
                f.write_str(file)?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                if let Some(field) = field {
                    write!(f, " {field}")?;
                }
                Ok(())
            }
            Location::Path { path } => f.write_str(path),
        }
    }
}

/// One problem found in an input, with what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    /// The stable code.
    pub code: IssueCode,
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is (serialised flat: `file`, `line`, `field`, or `path`).
    #[serde(flatten)]
    pub location: Location,
    /// The offending value as written (or a short description of it).
    pub value: Option<String>,
    /// What is wrong.
    pub cause: String,
    /// How to fix it.
    pub action: String,
}

impl Issue {
    /// An error at a JSON path, without a quoted value.
    pub fn at_path(
        code: &'static str,
        path: impl Into<String>,
        cause: impl Into<String>,
        action: impl Into<String>,
    ) -> Self {
        Self {
            code: IssueCode(code),
            severity: Severity::Error,
            location: Location::Path { path: path.into() },
            value: None,
            cause: cause.into(),
            action: action.into(),
        }
    }

    /// The file of a file location (`None` for a JSON path).
    pub fn file(&self) -> Option<&str> {
        match &self.location {
            Location::File { file, .. } => Some(file),
            Location::Path { .. } => None,
        }
    }

    /// The line of a file location.
    pub fn line(&self) -> Option<u64> {
        match &self.location {
            Location::File { line, .. } => *line,
            Location::Path { .. } => None,
        }
    }

    /// The field: the column or key of a file location, or the JSON path.
    pub fn field(&self) -> Option<&str> {
        match &self.location {
            Location::File { field, .. } => field.as_deref(),
            Location::Path { path } => Some(path),
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Issue {
    /// `location [CODE] cause (value: "..") -- action`, the line the CLI prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}] {}", self.location, self.code, self.cause)?;
        if let Some(value) = &self.value {
            write!(f, " (value: {value:?})")?;
        }
        write!(f, " -- {}", self.action)
    }
}

/// `n` issues joined by `; `, the first `shown` of them, for one-line error messages.
pub fn summarize(issues: &[Issue], shown: usize) -> String {
    let mut text: Vec<String> = issues.iter().take(shown).map(ToString::to_string).collect();
    if issues.len() > shown {
        text.push(format!("... and {} more", issues.len() - shown));
    }
    text.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_path_locations_render_and_serialise_flat() {
        let mut file = Issue::at_path("E-BAD-DATE", "x", "not a date", "write YYYY-MM-DD");
        file.location =
            Location::File { file: "demand.csv".into(), line: Some(7), field: Some("date".into()) };
        file.value = Some("2024-13-01".into());
        assert_eq!(
            file.to_string(),
            "demand.csv:7 date [E-BAD-DATE] not a date (value: \"2024-13-01\") -- write YYYY-MM-DD"
        );
        assert_eq!(
            (file.file(), file.line(), file.field()),
            (Some("demand.csv"), Some(7), Some("date"))
        );
        let json = serde_json::to_value(&file).unwrap();
        assert_eq!(json["file"], "demand.csv");
        assert_eq!(json["line"], 7);
        assert_eq!(json["code"], "E-BAD-DATE");
        assert_eq!(json["severity"], "error");

        let path = Issue::at_path("E1002", "stops[3].demand", "2 dimensions", "give 1");
        assert_eq!(path.to_string(), "stops[3].demand [E1002] 2 dimensions -- give 1");
        assert_eq!((path.file(), path.line(), path.field()), (None, None, Some("stops[3].demand")));
        assert_eq!(serde_json::to_value(&path).unwrap()["path"], "stops[3].demand");
        assert!(path.code == "E1002" && path.is_error());
        let two = [path.clone(), path];
        assert!(summarize(&two, 1).ends_with("; ... and 1 more"));
    }
}
