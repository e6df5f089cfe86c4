//! The one integration-test binary: one module per area.

mod experiment;
mod forecast;
mod pipeline;
mod placement;
mod properties;
mod roads;
mod routing;
mod scenario;
mod store;
