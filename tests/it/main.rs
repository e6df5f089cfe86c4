//! The one integration-test binary: one module per area.

mod properties;
mod roads;
mod routing;
mod scenario;
