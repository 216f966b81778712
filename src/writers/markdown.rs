//! Markdown writer. The rendered Markdown is already the document (values
//! escaped by the render stage); the writer only fixes its byte form: UTF-8,
//! `\n` line ends, one trailing newline.

use crate::model::RenderedDoc;

pub fn render_document(doc: &RenderedDoc) -> Vec<u8> {
    let mut s = doc.markdown.replace("\r\n", "\n");
    while s.ends_with("\n\n") {
        s.pop();
    }
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s.into_bytes()
}
