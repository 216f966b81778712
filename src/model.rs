//! The document model shared by the render stage and the output writers.
//!
//! Writers see only these types and the rendered Markdown, never the profile,
//! so a writer cannot reach around the render stage's escaping.

use serde::Serialize;

/// Kinds of document in a pack (DESIGN §4).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    Policy,
    Plan,
    Playbook,
    Procedure,
    Form,
    Report,
}

impl DocKind {
    /// Singular label for document headers.
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Policy => "Policy",
            DocKind::Plan => "Plan",
            DocKind::Playbook => "Playbook",
            DocKind::Procedure => "Procedure",
            DocKind::Form => "Form",
            DocKind::Report => "Report",
        }
    }
    /// Plural label for index groups.
    pub fn plural(self) -> &'static str {
        match self {
            DocKind::Policy => "Policies",
            DocKind::Plan => "Plans",
            DocKind::Playbook => "Playbooks",
            DocKind::Procedure => "Procedures",
            DocKind::Form => "Forms and registers",
            DocKind::Report => "Reports",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Policy => "policy",
            DocKind::Plan => "plan",
            DocKind::Playbook => "playbook",
            DocKind::Procedure => "procedure",
            DocKind::Form => "form",
            DocKind::Report => "report",
        }
    }
    pub const ALL: [DocKind; 6] = [
        DocKind::Policy,
        DocKind::Plan,
        DocKind::Playbook,
        DocKind::Procedure,
        DocKind::Form,
        DocKind::Report,
    ];
}

/// What a writer needs to know about one document besides its Markdown.
#[derive(Debug, Clone, Serialize)]
pub struct DocMeta {
    pub id: String,
    pub title: String,
    pub kind: DocKind,
    pub audience: String,
    pub description: String,
    /// Sub-practice IDs of the organization's size that the document carries out.
    pub practices: Vec<String>,
    pub order: i64,
    /// Version printed in headers and footers.
    pub version: String,
    /// `DRAFT` or `Approved`.
    pub status_label: String,
    pub effective_date: String,
    pub next_review: String,
}

/// A document after the render stage: Markdown is the one intermediate form.
#[derive(Debug, Clone)]
pub struct RenderedDoc {
    pub meta: DocMeta,
    pub markdown: String,
}

/// Output formats of a pack (DESIGN §2, §5).
///
/// It lives with the document model rather than in the pack stage because the
/// writers need to know which formats a build produces: a page may link only
/// to files that exist ([`PackInfo::formats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Md,
    Html,
    Pdf,
    Docx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "md" | "markdown" => Some(Format::Md),
            "html" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }
    /// Every format; also the default set of `hicp build`.
    pub const ALL: [Format; 4] = [Format::Md, Format::Html, Format::Pdf, Format::Docx];
}

/// Paper size for paged output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaperSize {
    Letter,
    A4,
}

/// An image embedded in HTML (data URI) and PDF.
#[derive(Debug, Clone)]
pub struct Logo {
    /// `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// Shared, not copied, by every clone of the pack's facts; the PDF
    /// writer also recognises the logo it already prepared by this pointer.
    pub bytes: std::sync::Arc<[u8]>,
}

/// Facts about the whole pack that page furniture and the index need.
#[derive(Debug, Clone)]
pub struct PackInfo {
    pub organization: String,
    pub short_name: String,
    pub slug: String,
    /// The organization's address, phone and website on one line, as the
    /// profile gives them (empty when it gives none): the binder cover and
    /// the HTML index are what a reader meets first.
    pub contact_line: String,
    pub size: String,
    pub size_rule: String,
    pub version: String,
    pub effective_date: String,
    pub next_review: String,
    /// True when the profile records approval.
    pub approved: bool,
    /// e.g. `Approved by Dr. Maya Chen, Medical Director, on 2026-01-28`, or `DRAFT — not yet approved`.
    pub status_line: String,
    pub paper: PaperSize,
    /// `#rrggbb`, already checked for contrast by the render stage.
    pub accent_color: String,
    pub logo: Option<Logo>,
    /// Every document of the pack, in pack order.
    pub documents: Vec<DocMeta>,
    /// The formats this build writes. Pages link a document's PDF or Word
    /// file only when it is in this list, so no link points at a missing file.
    pub formats: Vec<Format>,
}

impl PackInfo {
    /// Whether this build writes `format`.
    pub fn builds(&self, format: Format) -> bool {
        self.formats.contains(&format)
    }
}
