//! Markdown → block model → PDF layout must never panic, and must always
//! produce a PDF.
#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(md) = std::str::from_utf8(data) {
        let _ = hicp::blocks::parse(md);
        let (doc, pack) = common::doc(md);
        if let Ok(out) = hicp::writers::pdf::render_document(&doc, &pack) {
            assert!(out.bytes.starts_with(b"%PDF-"));
        }
    }
});
