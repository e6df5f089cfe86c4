//! The one integration-test binary: one module per area.

mod api;
mod forecast;
mod pipeline;
mod placement;
mod properties;
mod roads;
mod routing;
mod scenario;
mod store;
