//! PDF writer (being written).
use crate::model::{PackInfo, RenderedDoc};
pub struct PdfOutput { pub bytes: Vec<u8>, pub warnings: Vec<String> }
#[derive(Debug, thiserror::Error)]
pub enum PdfError { #[error("pdf: {0}")] Other(String) }
pub fn render_document(_doc: &RenderedDoc, _pack: &PackInfo) -> Result<PdfOutput, PdfError> { Ok(PdfOutput { bytes: Vec::new(), warnings: Vec::new() }) }
pub fn render_binder(_docs: &[RenderedDoc], _pack: &PackInfo) -> Result<PdfOutput, PdfError> { Ok(PdfOutput { bytes: Vec::new(), warnings: Vec::new() }) }
