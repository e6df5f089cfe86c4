//! Reading one CSV file of a scenario: header checks, then records one at a time.
//!
//! Records are streamed into one reused `StringRecord`, so a large `demand.csv` is never
//! held in memory as text. Malformed records (wrong field count, invalid UTF-8) become
//! issues naming their line and reading goes on; only a disk error stops it.

use super::error::ScenarioError;
use super::report::{At, Code, Report};
use std::fs::File;
use std::path::Path;

/// An open CSV file whose header has every required column.
pub(crate) struct Table {
    label: String,
    reader: csv::Reader<File>,
    record: csv::StringRecord,
    /// For each wanted column (required, then optional): its position in the record.
    positions: Vec<Option<usize>>,
    names: Vec<String>,
    line: u64,
    rows: u64,
}

impl Table {
    /// Opens `path` and checks its header. `Ok(None)` when the file is absent (the caller
    /// decides whether that is an error) or unusable (issues already pushed).
    ///
    /// # Errors
    /// [`ScenarioError::Io`] on a disk error.
    pub fn open(
        path: &Path,
        label: &str,
        required: &[&str],
        optional: &[&str],
        report: &mut Report,
    ) -> Result<Option<Table>, ScenarioError> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ScenarioError::io(path, e)),
        };
        let mut reader =
            csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(file);
        let at = At::file(label).line(Some(1));
        let header = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => match e.into_kind() {
                csv::ErrorKind::Io(source) => return Err(ScenarioError::io(path, source)),
                _ => {
                    let action = "save the file as UTF-8 text";
                    report.push(at.issue(Code::NotUtf8, None, "the header is not UTF-8", action));
                    return Ok(None);
                }
            },
        };
        if header.iter().all(str::is_empty) {
            let cause = "the file is empty (no header line)";
            let action = format!("start the file with the header {}", required.join(","));
            report.push(at.issue(Code::EmptyFile, None, cause, action));
            return Ok(None);
        }
        let mut ok = true;
        for (i, name) in header.iter().enumerate() {
            if header.iter().take(i).any(|h| h == name) {
                let action = "remove or rename one of the two columns";
                let cause = "the column appears twice in the header";
                report.push(at.field(name).issue(Code::DuplicateColumn, None, cause, action));
                ok = false;
            } else if !required.contains(&name) && !optional.contains(&name) {
                let cause = "the format has no such column; it is ignored";
                let known = required.iter().chain(optional).copied().collect::<Vec<_>>().join(",");
                let action = format!("remove it or fix its name; known columns: {known}");
                report.push(at.field(name).issue(Code::UnknownColumn, None, cause, action));
            }
        }
        for name in required {
            if !header.iter().any(|h| h == *name) {
                let cause = "a required column is missing from the header";
                let action = format!("add the column `{name}` to the header");
                report.push(at.field(name).issue(Code::MissingColumn, None, cause, action));
                ok = false;
            }
        }
        if !ok {
            return Ok(None);
        }
        let names: Vec<String> = required.iter().chain(optional).map(|n| n.to_string()).collect();
        let positions = names.iter().map(|n| header.iter().position(|h| h == n)).collect();
        Ok(Some(Table {
            label: label.to_owned(),
            reader,
            record: csv::StringRecord::new(),
            positions,
            names,
            line: 1,
            rows: 0,
        }))
    }

    /// Advances to the next well-formed record; malformed ones are reported and skipped.
    /// `Ok(false)` at the end of the file.
    ///
    /// # Errors
    /// [`ScenarioError::Io`] on a disk error.
    pub fn next(&mut self, report: &mut Report) -> Result<bool, ScenarioError> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return Ok(false),
                Ok(true) => {
                    self.line = self.record.position().map_or(self.line + 1, |p| p.line());
                    self.rows += 1;
                    return Ok(true);
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    let at = At::file(&self.label).line(line);
                    match e.into_kind() {
                        csv::ErrorKind::Io(source) => {
                            return Err(ScenarioError::io(&self.label, source));
                        }
                        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                            let cause =
                                format!("{len} field(s) where the header has {expected_len}");
                            let action = "give the record one field per header column \
                                          (quote fields that contain commas)";
                            report.push(at.issue(Code::FieldCount, None, cause, action));
                        }
                        other => {
                            let cause = match other {
                                csv::ErrorKind::Utf8 { .. } => "the record is not UTF-8 text",
                                _ => "the record cannot be read as CSV",
                            };
                            let action = "save the file as UTF-8 CSV";
                            report.push(at.issue(Code::NotUtf8, None, cause, action));
                        }
                    }
                }
            }
        }
    }

    /// The value of wanted column `col` (index into required ++ optional) in the current
    /// record, trimmed; `""` for an absent optional column.
    pub fn get(&self, col: usize) -> &str {
        self.positions.get(col).copied().flatten().and_then(|p| self.record.get(p)).unwrap_or("")
    }

    /// The place of wanted column `col` in the current record, for issues.
    pub fn at(&self, col: usize) -> At<'_> {
        let at = At::file(&self.label).line(Some(self.line));
        match self.names.get(col) {
            Some(name) => at.field(name),
            None => at,
        }
    }

    /// The 1-based line of the current record.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Pushes `E-EMPTY-FILE` if no well-formed record was read.
    pub fn finish_nonempty(&self, report: &mut Report) {
        if self.rows == 0 {
            let at = At::file(&self.label);
            let action = "add at least one data row below the header";
            report.push(at.issue(Code::EmptyFile, None, "the file has no data rows", action));
        }
    }
}

/// Pushes `E-MISSING-FILE` for a required file that is absent.
pub(crate) fn e_missing_file(report: &mut Report, label: &str, header: &str) {
    let cause = "the scenario folder has no such file";
    let action = format!("add {label} (header: {header})");
    report.push(At::file(label).issue(Code::MissingFile, None, cause, action));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_physical_lines_even_inside_quoted_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b\n1,\"two\nlines\"\n3\n4,x,y\n5,6\n").unwrap();
        let mut report = Report::default();
        let mut t = Table::open(&path, "t.csv", &["a", "b"], &[], &mut report).unwrap().unwrap();
        let mut seen = Vec::new();
        while t.next(&mut report).unwrap() {
            seen.push((t.line(), t.get(0).to_owned(), t.get(1).to_owned()));
        }
        assert_eq!(seen, [(2, "1".into(), "two\nlines".into()), (6, "5".into(), "6".into())]);
        let bad: Vec<_> = report.issues.iter().map(|i| (i.code.as_str(), i.line())).collect();
        assert_eq!(
            bad,
            [(Code::FieldCount.as_str(), Some(4)), (Code::FieldCount.as_str(), Some(5))]
        );
    }
}
