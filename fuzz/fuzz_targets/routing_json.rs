//! The JSON routing problem as a file (`stockroute route x.json`): parse (which validates),
//! then a tiny solve.
#![no_main]

use stockroute::routing::formats::json;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(request) = json::parse(text) {
        stockroute_fuzz::validate_and_solve(&request.problem);
    }
});
