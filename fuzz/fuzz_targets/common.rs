//! Shared by the fuzz targets and by `tests/hardening.rs` (which includes this
//! file with `#[path]`), so a reproducer is replayed through exactly the calls
//! and the checks the fuzzer made.
#![allow(dead_code)]

use hicp::model::{DocKind, DocMeta, PackInfo, PaperSize, RenderedDoc};

/// A fixed pack and document shell around fuzzed Markdown.
pub fn doc(markdown: &str) -> (RenderedDoc, PackInfo) {
    let meta = DocMeta {
        id: "fuzz".into(),
        title: "Fuzz Document".into(),
        kind: DocKind::Policy,
        audience: "All".into(),
        description: "Fuzzed".into(),
        practices: vec!["3.S.A".into()],
        order: 1,
        version: "1.0".into(),
        status_label: "DRAFT".into(),
        effective_date: "2026-01-01".into(),
        next_review: "2027-01-01".into(),
    };
    let pack = PackInfo {
        organization: "Fuzz Clinic".into(),
        short_name: "Fuzz".into(),
        slug: "fuzz".into(),
        contact_line: "1 Fuzz Way, Testville · +1 555 0100".into(),
        size: "small".into(),
        size_rule: "Size small is set in the profile.".into(),
        version: "1.0".into(),
        effective_date: "2026-01-01".into(),
        next_review: "2027-01-01".into(),
        approved: false,
        status_line: "DRAFT: not yet approved".into(),
        paper: PaperSize::Letter,
        accent_color: "#0b5394".into(),
        logo: None,
        formats: hicp::model::Format::ALL.to_vec(),
        documents: vec![meta.clone()],
    };
    (
        RenderedDoc {
            meta,
            markdown: markdown.to_string(),
        },
        pack,
    )
}

/// The attribute values of real tags in `html` that point at a script
/// scheme. Text content cannot hold a raw `<` (the writer escapes it), so an
/// attribute is inside a tag exactly when the nearest `<` before it comes
/// after the nearest `>`; `href="javascript:` inside escaped text is harmless
/// and not reported.
pub fn script_urls_in_tags(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for attr in ["href=", "src=", "action=", "formaction=", "xlink:href="] {
        let mut from = 0;
        while let Some(rel) = lower[from..].find(attr) {
            let at = from + rel;
            from = at + attr.len();
            let before = &lower[..at];
            let in_tag = match (before.rfind('<'), before.rfind('>')) {
                (Some(open), Some(close)) => open > close,
                (Some(_), None) => true,
                _ => false,
            };
            if !in_tag {
                continue;
            }
            let value = lower[from..].trim_start_matches(['"', '\'', ' ']);
            // Browsers ignore ASCII whitespace and controls inside a scheme.
            let scheme: String = value
                .chars()
                .take(40)
                .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                .collect();
            if ["javascript:", "vbscript:", "data:text/html"]
                .iter()
                .any(|s| scheme.starts_with(s))
            {
                found.push(value.chars().take(60).collect());
            }
        }
    }
    found
}

/// How many `<script` tags a page holds (text cannot hold a raw `<`).
pub fn script_tags(html: &str) -> usize {
    html.to_ascii_lowercase().matches("<script").count()
}
