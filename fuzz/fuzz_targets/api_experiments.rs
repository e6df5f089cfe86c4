//! The body of `POST /v1/experiments`: the service's JSON decoder, then the handler's
//! checks (a JSON `spec` or TOML `spec_toml`, validation, the solver-time budget under
//! the default job deadline, data paths).
#![no_main]

use stockroute::api::extract;
use stockroute::api::handlers::experiments::{self, ExperimentRequest};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(request) = extract::parse::<ExperimentRequest>(data) else { return };
    let deadline_s = stockroute_fuzz::service_config().job_deadline_s;
    if let Ok(spec) = experiments::check(request, deadline_s) {
        let _ = spec.fingerprint();
    }
});
