//! The profile loader must never panic, whatever bytes a profile holds.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = hicp::profile::load_str("fuzz.yaml", text);
    }
});
