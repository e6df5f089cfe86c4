//! The one integration-test binary: one module per area.

mod api;
mod experiment;
mod forecast;
mod pipeline;
mod placement;
mod plan;
mod properties;
mod roads;
mod routing;
mod scenario;
mod store;
