//! Inside the fulfilment centre: slotting, pick batches, pick paths and robots.
//!
//! The stage below is the forecast store (how fast each SKU will move at a centre); this
//! one decides where each SKU sits in the building and how robots walk to pick a day of
//! orders. In data-flow order:
//!
//! - [`layout`]: the building ([`Layout`]: blocks of parallel aisles, cross aisles,
//!   locations on both sides and several levels, the depot, the robots), read from an
//!   optional TOML file per centre, `warehouses/<CENTRE>.toml` in a scenario folder
//!   ([`load_layout`], every problem reported with an `E-WH-*` code, file, line and key);
//!   [`generate`] makes seeded layouts and order days for benchmarks.
//! - [`slotting`]: a location per SKU by forecast velocity (exact for the expected-travel
//!   objective by the rearrangement inequality), ABC classes, cube-per-order, random;
//!   re-slotting proposals limited to a number of moves.
//! - [`batching`]: waves and robot trips within tote capacity (single order, FCFS, seed,
//!   savings).
//! - [`paths`]: one method per file behind [`paths::PickRouter`]: the classic heuristics,
//!   the exact DPs for one block and for two blocks, and local search on the aisle grid
//!   for any layout;
//!   [`check`] re-walks every path independently.
//! - [`robots`]: LPT assignment of batches to robots per wave and a narrow-aisle
//!   congestion replay that counts waiting.
//! - [`urgent`]: an urgent order inserted into the plan under way (a new batch or one not
//!   started), started batches untouched.
//! - [`pick_day`] ([`pick`]) runs all of it for one day and is what the CLI calls.
//!
//! Distances are integer centimetres throughout, so the exact method, the heuristics and
//! the checker agree exactly.
//!
//! ```
//! use stockroute::SolveContext;
//! use stockroute::warehouse::{self, generate, slotting};
//!
//! let layout = generate::layout(1, 10, 20, 4)?;
//! let day = generate::order_day(&generate::DayOptions { skus: 300, lines: 500, ..Default::default() }, 1)?;
//! let velocity = slotting::velocity_from_day(&day);
//! let slots = slotting::slot(&layout, &day.skus, &velocity, slotting::SlottingPolicy::Velocity, 1)?;
//! let picked = warehouse::pick_day(&layout, &day, &slots, &Default::default(), &SolveContext::new(1))?;
//! assert_eq!(picked.lines, day.lines());
//! assert_eq!(picked.method, "exact");
//! Ok::<(), stockroute::Error>(())
//! ```

pub mod batching;
pub mod check;
pub mod error;
pub mod from_scenario;
pub mod generate;
pub mod layout;
pub mod orders;
pub mod path;
pub mod paths;
pub mod pick;
pub mod robots;
pub mod slotting;
pub mod urgent;
pub mod view;

pub use error::WarehouseError;
pub use layout::{Layout, LayoutSpec, load_layout, parse_layout};
pub use pick::{PickConfig, PickDay, pick_day};
