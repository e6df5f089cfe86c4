//! The body of `POST /v1/plans`: the service's JSON decoder and the handler's checks
//! against the stations of the small valid test scenario.
#![no_main]

use std::sync::OnceLock;
use stockroute::api::extract;
use stockroute::api::handlers::plans::{self, PlanBody};
use stockroute::scenario::Station;

fn stations() -> &'static [Station] {
    static STATIONS: OnceLock<Vec<Station>> = OnceLock::new();
    STATIONS.get_or_init(|| {
        let folder =
            stockroute_fuzz::scenario_with("demand.csv", stockroute_fuzz::base("demand.csv"));
        stockroute::scenario::load(folder).map(|(s, _)| s.stations).unwrap_or_default()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(body) = extract::parse::<PlanBody>(data) else { return };
    let _ = plans::check(&body, stations());
});
