//! The layouts of an explicit `EDGE_WEIGHT_SECTION` (`EDGE_WEIGHT_FORMAT`).
//!
//! TSPLIB, which VRPLIB extends, defines nine layouts of an explicit matrix: the full
//! matrix (the only one that can be asymmetric, as the ORTEC instances are) and eight
//! triangles of a symmetric one, by rows or by columns, with or without the diagonal. They
//! differ only in the order the entries come in, so one function ([`Layout::for_each`])
//! states that order and both the reader and the writer walk it: what one writes the other
//! reads back by construction, and a proptest checks it on random matrices.
//!
//! A triangle without its diagonal leaves the diagonal 0. `FUNCTION` (weights computed by a
//! named function) is not an explicit layout and is refused like any unknown name.

use crate::routing::error::RoutingError;
use std::fmt::Write as _;

/// An `EDGE_WEIGHT_FORMAT` of an explicit matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `FULL_MATRIX`: every row in full, `[from][to]`; may be asymmetric.
    FullMatrix,
    /// `UPPER_ROW`: row by row, the entries right of the diagonal.
    UpperRow,
    /// `LOWER_ROW`: row by row, the entries left of the diagonal.
    LowerRow,
    /// `UPPER_DIAG_ROW`: row by row, the diagonal and the entries right of it.
    UpperDiagRow,
    /// `LOWER_DIAG_ROW`: row by row, the entries left of the diagonal and the diagonal.
    LowerDiagRow,
    /// `UPPER_COL`: column by column, the entries above the diagonal.
    UpperCol,
    /// `LOWER_COL`: column by column, the entries below the diagonal.
    LowerCol,
    /// `UPPER_DIAG_COL`: column by column, the entries above the diagonal and the diagonal.
    UpperDiagCol,
    /// `LOWER_DIAG_COL`: column by column, the diagonal and the entries below it.
    LowerDiagCol,
}

impl Layout {
    /// Every layout, in the order TSPLIB lists them.
    pub const ALL: [Self; 9] = [
        Self::FullMatrix,
        Self::UpperRow,
        Self::LowerRow,
        Self::UpperDiagRow,
        Self::LowerDiagRow,
        Self::UpperCol,
        Self::LowerCol,
        Self::UpperDiagCol,
        Self::LowerDiagCol,
    ];

    /// The layout of an `EDGE_WEIGHT_FORMAT` value.
    ///
    /// # Errors
    /// [`RoutingError::Unsupported`] naming the value when it is no explicit layout
    /// (`FUNCTION` included).
    pub fn from_name(name: &str) -> Result<Self, RoutingError> {
        Self::ALL.into_iter().find(|l| l.name() == name).ok_or_else(|| RoutingError::Unsupported {
            format: super::FMT,
            key: "EDGE_WEIGHT_FORMAT".into(),
            value: name.to_owned(),
        })
    }

    /// The name the format gives the layout.
    pub fn name(self) -> &'static str {
        match self {
            Self::FullMatrix => "FULL_MATRIX",
            Self::UpperRow => "UPPER_ROW",
            Self::LowerRow => "LOWER_ROW",
            Self::UpperDiagRow => "UPPER_DIAG_ROW",
            Self::LowerDiagRow => "LOWER_DIAG_ROW",
            Self::UpperCol => "UPPER_COL",
            Self::LowerCol => "LOWER_COL",
            Self::UpperDiagCol => "UPPER_DIAG_COL",
            Self::LowerDiagCol => "LOWER_DIAG_COL",
        }
    }

    /// Whether the layout stores a symmetric matrix (every layout but the full one).
    pub fn symmetric(self) -> bool {
        self != Self::FullMatrix
    }

    /// Whether the entries come row by row (else column by column).
    fn by_rows(self) -> bool {
        !matches!(self, Self::UpperCol | Self::LowerCol | Self::UpperDiagCol | Self::LowerDiagCol)
    }

    /// Whether the layout lists the diagonal (else it is 0).
    pub fn has_diagonal(self) -> bool {
        !matches!(self, Self::UpperRow | Self::LowerRow | Self::UpperCol | Self::LowerCol)
    }

    /// How many entries a matrix of `n` nodes has in this layout, `None` when the count
    /// overflows.
    pub fn entries(self, n: usize) -> Option<usize> {
        let full = n.checked_mul(n)?;
        Some(match self {
            Self::FullMatrix => full,
            Self::UpperRow | Self::LowerRow | Self::UpperCol | Self::LowerCol => (full - n) / 2,
            _ => (full - n) / 2 + n,
        })
    }

    /// Calls `f(from, to)` for every entry of an `n`-node matrix in the order the layout
    /// lists them.
    ///
    /// # Complexity
    /// O(n^2) calls.
    pub fn for_each(self, n: usize, mut f: impl FnMut(usize, usize)) {
        let row = |i: usize| match self {
            Self::FullMatrix => 0..n,
            Self::UpperRow => i + 1..n,
            Self::LowerRow => 0..i,
            Self::UpperDiagRow => i..n,
            Self::LowerDiagRow => 0..i + 1,
            // Column `i` of the column layouts: the rows above or below its diagonal.
            Self::UpperCol => 0..i,
            Self::LowerCol => i + 1..n,
            Self::UpperDiagCol => 0..i + 1,
            Self::LowerDiagCol => i..n,
        };
        let by_rows = self.by_rows();
        for outer in 0..n {
            for inner in row(outer) {
                if by_rows { f(outer, inner) } else { f(inner, outer) }
            }
        }
    }

    /// The `n` x `n` matrix of `values` listed in this layout (mirrored for the symmetric
    /// layouts). The caller checked `values.len() == self.entries(n)` and the memory.
    pub(crate) fn fill(self, n: usize, values: &[f64]) -> Vec<Vec<f64>> {
        let mut m = vec![vec![0.0; n]; n];
        let mut next = values.iter().copied();
        self.for_each(n, |i, j| {
            let x = next.next().unwrap_or(0.0);
            m[i][j] = x;
            if self.symmetric() {
                m[j][i] = x;
            }
        });
        m
    }

    /// The `EDGE_WEIGHT_SECTION` lines of `matrix` in this layout (without the header),
    /// one row or column per line. A symmetric layout writes the entries it lists and
    /// drops the mirror ones.
    pub fn write(self, matrix: &[Vec<f64>]) -> String {
        let n = matrix.len();
        let mut out = String::new();
        let mut line_of = None;
        let by_rows = self.by_rows();
        self.for_each(n, |i, j| {
            let outer = if by_rows { i } else { j };
            match line_of {
                Some(o) if o == outer => out.push(' '),
                Some(_) => out.push('\n'),
                None => {}
            }
            line_of = Some(outer);
            let x = matrix[i].get(j).copied().unwrap_or(0.0);
            let _ = write!(out, "{x}");
        });
        if line_of.is_some() {
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A symmetric 4-node matrix, written by hand in every layout.
    const SYMMETRIC: [[f64; 4]; 4] =
        [[0.0, 1.0, 2.0, 3.0], [1.0, 0.0, 4.0, 5.0], [2.0, 4.0, 0.0, 6.0], [3.0, 5.0, 6.0, 0.0]];

    fn by_hand(layout: Layout) -> &'static str {
        match layout {
            Layout::FullMatrix => "0 1 2 3\n1 0 4 5\n2 4 0 6\n3 5 6 0",
            Layout::UpperRow => "1 2 3\n4 5\n6",
            Layout::LowerRow => "1\n2 4\n3 5 6",
            Layout::UpperDiagRow => "0 1 2 3\n0 4 5\n0 6\n0",
            Layout::LowerDiagRow => "0\n1 0\n2 4 0\n3 5 6 0",
            Layout::UpperCol => "1\n2 4\n3 5 6",
            Layout::LowerCol => "1 2 3\n4 5\n6",
            Layout::UpperDiagCol => "0\n1 0\n2 4 0\n3 5 6 0",
            Layout::LowerDiagCol => "0 1 2 3\n0 4 5\n0 6\n0",
        }
    }

    fn numbers(text: &str) -> Vec<f64> {
        text.split_whitespace().map(|x| x.parse().unwrap()).collect()
    }

    #[test]
    fn the_same_matrix_in_every_layout_reads_the_same() {
        let want: Vec<Vec<f64>> = SYMMETRIC.iter().map(|r| r.to_vec()).collect();
        for layout in Layout::ALL {
            let values = numbers(by_hand(layout));
            assert_eq!(Some(values.len()), layout.entries(4), "{}", layout.name());
            assert_eq!(layout.fill(4, &values), want, "{}", layout.name());
            assert_eq!(Layout::from_name(layout.name()).unwrap(), layout);
        }
    }

    #[test]
    fn unknown_layouts_are_refused_by_name() {
        for name in ["FUNCTION", "UPPER_TRIANGLE", "full_matrix", ""] {
            let err = Layout::from_name(name).unwrap_err();
            assert!(matches!(&err, RoutingError::Unsupported { value, .. } if value == name));
            assert!(err.to_string().contains("EDGE_WEIGHT_FORMAT"), "{err}");
        }
    }

    #[test]
    fn counts_of_small_and_huge_matrices() {
        assert_eq!(Layout::FullMatrix.entries(0), Some(0));
        assert_eq!(Layout::LowerRow.entries(1), Some(0));
        assert_eq!(Layout::LowerDiagRow.entries(1), Some(1));
        assert_eq!(Layout::UpperCol.entries(5), Some(10));
        assert_eq!(Layout::FullMatrix.entries(usize::MAX), None);
    }
}
