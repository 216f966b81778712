//! HTML writer (being written).
use crate::model::{PackInfo, RenderedDoc};
pub fn render_document(doc: &RenderedDoc, _pack: &PackInfo) -> String {
    let mut out = String::new();
    pulldown_cmark::html::push_html(
        &mut out,
        pulldown_cmark::Parser::new_ext(&doc.markdown, super::markdown_options()),
    );
    out
}
pub fn render_index(_pack: &PackInfo) -> String {
    String::new()
}
