//! VRPLIB `.vrp` text (`stockroute route x.vrp`), then validation and a tiny solve; the
//! same bytes also go through the `.sol` reader.
#![no_main]

use stockroute::routing::formats::vrplib;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = vrplib::parse_sol(text);
    if let Ok(problem) = vrplib::parse(text) {
        stockroute_fuzz::validate_and_solve(&problem);
    }
});
