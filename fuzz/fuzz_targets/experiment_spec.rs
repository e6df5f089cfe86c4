//! An experiment spec file (`stockroute experiment spec.toml`): TOML parse, then the
//! spec's validation.
#![no_main]

use stockroute::experiment::Spec;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(spec) = Spec::from_toml(text) {
        let _ = spec.validate();
        let _ = spec.fingerprint();
    }
});
