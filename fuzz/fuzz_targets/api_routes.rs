//! The body of `POST /v1/routes`: the service's JSON decoder, the handler's checks under
//! the default limits, the conversion (which validates), then a tiny solve.
#![no_main]

use stockroute::api::extract;
use stockroute::api::handlers::routes::{self, RouteQuery};
use stockroute::routing::formats::json::{self, JsonProblem};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(raw) = extract::parse::<JsonProblem>(data) else { return };
    if routes::check(&raw, &RouteQuery::default(), stockroute_fuzz::service_config()).is_err() {
        return;
    }
    if let Ok(request) = json::convert(raw) {
        stockroute_fuzz::validate_and_solve(&request.problem);
    }
});
