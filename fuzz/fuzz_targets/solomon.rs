//! Solomon VRPTW text (`stockroute route C101.txt`), then validation and a tiny solve.
#![no_main]

use stockroute::routing::formats::solomon;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(problem) = solomon::parse(text) {
        stockroute_fuzz::validate_and_solve(&problem);
    }
});
