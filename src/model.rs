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
    pub bytes: Vec<u8>,
}

/// Facts about the whole pack that page furniture and the index need.
#[derive(Debug, Clone)]
pub struct PackInfo {
    pub organization: String,
    pub short_name: String,
    pub slug: String,
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
}
