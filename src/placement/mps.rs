//! Writes the LP in free MPS, so a solver alone (HiGHS via `scripts/highs_mps.py`, `clp`)
//! can solve exactly the model the library solves and the two times can be compared.
//!
//! Names are positional (`R<i>`, `C<j>`): short, unique and independent of ids that may
//! hold spaces. All columns have MPS's default bounds `[0, inf)`, as in the model.

use super::error::PlacementError;
use super::lp::{LpModel, Sense};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `lp` to `path`.
///
/// # Errors
/// [`PlacementError::Io`] when the file cannot be created or written.
///
/// # Complexity
/// O(nnz), streamed through a buffer.
pub(crate) fn write(lp: &LpModel, path: &Path) -> Result<(), PlacementError> {
    let io = |source| PlacementError::Io { path: path.to_path_buf(), source };
    let file = std::fs::File::create(path).map_err(io)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    write_to(lp, &mut out).map_err(io)?;
    out.flush().map_err(io)
}

fn write_to(lp: &LpModel, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "NAME placement")?;
    writeln!(out, "ROWS")?;
    writeln!(out, " N COST")?;
    for (i, row) in lp.rows.iter().enumerate() {
        let sense = match row.sense {
            Sense::Le => 'L',
            Sense::Ge => 'G',
            Sense::Eq => 'E',
        };
        writeln!(out, " {sense} R{i}")?;
    }
    writeln!(out, "COLUMNS")?;
    for j in 0..lp.n_cols() {
        if lp.cost[j] != 0.0 {
            writeln!(out, " C{j} COST {:e}", lp.cost[j])?;
        }
        for (r, v) in lp.column(j) {
            writeln!(out, " C{j} R{r} {v:e}")?;
        }
    }
    writeln!(out, "RHS")?;
    for (i, row) in lp.rows.iter().enumerate() {
        if row.rhs != 0.0 {
            writeln!(out, " RHS R{i} {:e}", row.rhs)?;
        }
    }
    writeln!(out, "ENDATA")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::{PlacementModel, synth};

    #[test]
    fn mps_lists_every_row_column_and_nonzero() {
        let input = synth::network(&synth::SynthSpec::new(3, 2, 2, 1));
        let model = PlacementModel::new(&input).unwrap();
        let mut text = Vec::new();
        write_to(&model.lp, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        let rows = text.lines().filter(|l| l.starts_with(" L ") || l.starts_with(" G ")).count()
            + text.lines().filter(|l| l.starts_with(" E ")).count();
        assert_eq!(rows, model.constraints());
        let entries = text.lines().filter(|l| l.starts_with(" C") && !l.contains(" COST ")).count();
        assert_eq!(entries, model.lp.val.len());
        assert!(text.ends_with("ENDATA\n"));
    }
}
