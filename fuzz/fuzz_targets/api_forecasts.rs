//! The body of `POST /v1/forecasts`: the service's JSON decoder, the handler's checks, and
//! for inline history the job's first step (bucketing the rows into a history).
#![no_main]

use stockroute::api::extract;
use stockroute::api::handlers::forecasts::{self, ForecastRequest};
use stockroute::forecast::{Frequency, HistoryBuilder};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(request) = extract::parse::<ForecastRequest>(data) else { return };
    // As with a loaded scenario of horizon 14 when the body has no history.
    let scenario_horizon = request.history.is_none().then_some(14);
    if forecasts::check(&request, scenario_horizon).is_err() {
        return;
    }
    if let Some(rows) = &request.history {
        let mut b = HistoryBuilder::new();
        for r in rows {
            b.push(r.date, &r.sku, &r.zone, r.quantity);
        }
        if let Some(history) = b.finish(request.frequency.unwrap_or(Frequency::Daily)) {
            let _ = history.fingerprint();
        }
    }
});
