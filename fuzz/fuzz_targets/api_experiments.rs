//! The body of `POST /v1/experiments`: the service's JSON decoder, then the handler's
//! checks (a JSON `spec` or TOML `spec_toml`, validation, data paths).
#![no_main]

use stockroute::api::extract;
use stockroute::api::handlers::experiments::{self, ExperimentRequest};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(request) = extract::parse::<ExperimentRequest>(data) else { return };
    if let Ok(spec) = experiments::check(request) {
        let _ = spec.fingerprint();
    }
});
