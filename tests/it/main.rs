//! The one integration-test binary: one module per area.

mod scenario;
mod properties;
mod routing;
