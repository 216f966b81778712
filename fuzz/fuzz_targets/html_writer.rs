//! The HTML writer must never panic, and must never emit a script element
//! or a javascript: URL for content that did not come from a template.
#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(md) = std::str::from_utf8(data) {
        let (doc, pack) = common::doc(md);
        let html = hicp::writers::html::render_document(&doc, &pack);
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("href=\"javascript:"), "javascript link emitted");
        let scripts = lower.matches("<script").count();
        let own = hicp::writers::html::render_document(&common::doc("").0, &pack).to_ascii_lowercase().matches("<script").count();
        assert_eq!(scripts, own, "a script element came from document content");
    }
});
