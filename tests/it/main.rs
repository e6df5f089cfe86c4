//! The one integration-test binary: one module per area.

mod placement;
mod properties;
mod roads;
mod routing;
mod scenario;
