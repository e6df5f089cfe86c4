//! `skus.csv` of a scenario folder, loaded with `scenario::load` as the CLI and the service do.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    stockroute_fuzz::load_scenario(stockroute_fuzz::scenario_with("skus.csv", data));
});
