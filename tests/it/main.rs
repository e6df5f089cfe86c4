//! The one integration-test binary: each stage adds its own module.

mod forecast;
mod store;
