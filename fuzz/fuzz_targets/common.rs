//! A fixed pack and document shell around fuzzed Markdown.
use hicp::model::{DocKind, DocMeta, PackInfo, PaperSize, RenderedDoc};

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
        documents: vec![meta.clone()],
    };
    (RenderedDoc { meta, markdown: markdown.to_string() }, pack)
}
