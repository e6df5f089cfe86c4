//! Errors of the warehouse stage.
//!
//! A bad layout file is not one variant per problem: every problem is an
//! [`Issue`](crate::issue::Issue) with a stable `E-WH-*` code, collected into
//! [`WarehouseError::Invalid`] so a user fixes the file in one pass. The other variants are
//! trouble around the data (a disk error, a method asked of a layout it does not support,
//! an order that cannot fit a robot, a path the independent checker refused).

use crate::issue::Issue;
use std::path::PathBuf;

/// Why a warehouse layout could not be loaded, or a pick day not planned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarehouseError {
    /// The layout file has errors: every issue found is listed.
    #[error("invalid warehouse layout {file}: {}", crate::issue::summarize(.issues, 3))]
    Invalid {
        /// The file, as given.
        file: String,
        /// Every issue found.
        issues: Vec<Issue>,
    },
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A pick-path method that only handles some layouts was asked for another one.
    #[error(
        "pick-path method {method} handles layouts of at most {max_blocks} block(s), this one has {blocks}"
    )]
    Unsupported {
        /// The method.
        method: &'static str,
        /// Blocks of the layout.
        blocks: u32,
        /// The most blocks the method handles.
        max_blocks: u32,
    },
    /// An order needs more totes than a robot carries.
    #[error("order {order} needs {totes} tote(s); a robot carries {capacity}")]
    OrderTooLarge {
        /// The order id.
        order: String,
        /// Totes the order needs.
        totes: u32,
        /// Totes per robot.
        capacity: u32,
    },
    /// A SKU of an order line has no location in the slotting.
    #[error("SKU {sku} of order {order} has no storage location (slotting covers {slotted} SKUs)")]
    Unslotted {
        /// The SKU.
        sku: String,
        /// The order.
        order: String,
        /// SKUs with a location.
        slotted: usize,
    },
    /// An order line names a SKU the day does not list.
    #[error("line {line} names SKU {sku}, which the centre does not list")]
    UnknownSku {
        /// The SKU id given.
        sku: String,
        /// The line's index in its order.
        line: usize,
    },
    /// More SKUs than the layout has locations.
    #[error("{skus} SKUs do not fit {locations} storage locations")]
    TooManySkus {
        /// SKUs to slot.
        skus: usize,
        /// Locations of the layout.
        locations: usize,
    },
    /// A size or option out of its bounds.
    #[error("{option} = {value} is out of range: {expected}")]
    BadOption {
        /// The option.
        option: &'static str,
        /// The value given.
        value: u64,
        /// The allowed range, in words.
        expected: &'static str,
    },
    /// The work was cancelled or ran out of time.
    #[error(transparent)]
    Interrupted(#[from] crate::context::Interrupted),
    /// The independent checker refused a pick path (a bug: methods must produce valid paths).
    #[error("pick path of batch {batch} failed the check: {reason}")]
    CheckFailed {
        /// The batch index.
        batch: usize,
        /// The first violation.
        reason: String,
    },
}
