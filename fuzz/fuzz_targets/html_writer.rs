//! The HTML writer must never panic, and must never emit a script element
//! or a script URL in a tag for content that did not come from the page shell.
#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(md) = std::str::from_utf8(data) {
        let (doc, pack) = common::doc(md);
        let html = hicp::writers::html::render_document(&doc, &pack);
        let urls = common::script_urls_in_tags(&html);
        assert!(urls.is_empty(), "script URL emitted: {urls:?}");
        let own = common::script_tags(&hicp::writers::html::render_document(
            &common::doc("").0,
            &pack,
        ));
        assert_eq!(
            common::script_tags(&html),
            own,
            "a script element came from document content"
        );
    }
});
