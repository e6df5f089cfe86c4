//! Inside the fulfilment centre: slotting, pick batches, pick paths and robots.
//!
//! placeholder
pub mod check;
pub mod error;
pub mod generate;
pub mod layout;
pub mod orders;
pub mod path;
pub mod paths;

pub use error::WarehouseError;
