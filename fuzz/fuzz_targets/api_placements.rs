//! The body of `POST /v1/placements`: the service's JSON decoder and the handler's checks
//! (against a scenario horizon of 14 and a stored run of horizon 28).
#![no_main]

use stockroute::api::extract;
use stockroute::api::handlers::placements::{self, PlacementRequest};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(request) = extract::parse::<PlacementRequest>(data) else { return };
    if placements::check(&request).is_ok() {
        let _ = placements::cycle_periods(&request, 14, 28);
    }
});
