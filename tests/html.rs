//! The HTML writer as a reader meets it: the structure of a document page and
//! of the index built from a pack whose profile values try to smuggle in
//! markup, plus the self-containment rule (no request leaves the file).
//!
//! Set `HICP_HTML_SAMPLE_DIR=DIR` to also write the pages to `DIR/sample/`
//! in the pack layout, so `.ci/html-check/run.sh DIR/sample/` can validate
//! them without a full build.

use hicp::model::{DocKind, DocMeta, Logo, PackInfo, PaperSize, RenderedDoc};
use hicp::writers::html::{render_document, render_index};

const EVIL: &str = "<script>alert(1)</script> \"quoted\" & 'single' {{ 7*7 }}";

fn meta(id: &str, title: &str, kind: DocKind, practices: &[&str]) -> DocMeta {
    DocMeta {
        id: id.into(),
        title: title.into(),
        kind,
        audience: "All workforce members".into(),
        description: format!("One line about {title}."),
        practices: practices.iter().map(|s| s.to_string()).collect(),
        order: 10,
        version: "1.0".into(),
        status_label: "DRAFT".into(),
        effective_date: "2026-02-01".into(),
        next_review: "2027-02-01".into(),
    }
}

/// A 1×1 PNG, so the logo path is exercised with real image bytes.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0xf8,
    0x0f, 0x00, 0x01, 0x04, 0x01, 0x00, 0x5f, 0xe5, 0xc3, 0x4b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn pack() -> PackInfo {
    let mut evil_doc = meta("register-vendors", EVIL, DocKind::Form, &[]);
    evil_doc.description = EVIL.into();
    PackInfo {
        organization: format!("Riverbend {EVIL}"),
        short_name: "Riverbend".into(),
        slug: "riverbend".into(),
        contact_line: "120 Mill Road, Riverbend, OR 97000 · +1 541 555 0100 · riverbend.example"
            .into(),
        size: "small".into(),
        size_rule: "Size small was derived from metrics: 6 providers (≤ 10).".into(),
        version: "1.0".into(),
        effective_date: "2026-02-01".into(),
        next_review: "2027-02-01".into(),
        approved: false,
        status_line: "DRAFT — not yet approved".into(),
        paper: PaperSize::Letter,
        accent_color: "#0b5394".into(),
        logo: Some(Logo {
            mime: "image/png",
            bytes: PNG_1X1.into(),
        }),
        formats: hicp::model::Format::ALL.to_vec(),
        documents: vec![
            meta(
                "access-control",
                "Access Control and Identity Policy",
                DocKind::Policy,
                &["3.S.A"],
            ),
            meta(
                "incident-response-plan",
                "Incident Response Plan",
                DocKind::Plan,
                &["8.S.A", "8.S.B"],
            ),
            meta(
                "self-assessment",
                "HICP Self-Assessment",
                DocKind::Report,
                &[],
            ),
            meta("crosswalk", "HICP Crosswalk", DocKind::Report, &[]),
            evil_doc,
        ],
    }
}

const MARKDOWN: &str = r#"# Access Control and Identity Policy

| Document control | Detail |
|---|---|
| Organization | Riverbend &lt;script&gt;alert(1)&lt;/script&gt; |
| Document ID | access-control |

## Purpose {#purpose}

Report incidents under the [Incident Response Plan](incident-response-plan.md#severity).
See also [our site](https://riverbend.example/policies) and [mail us](mailto:sec@riverbend.example).
A [bad link](javascript:alert(1)) and a [sneaky one](JaVaScRiPt:alert(2)) and a [missing doc](not-in-pack.md).

<script>alert(1)</script>

Inline <img src=x onerror=alert(1)> html.

## Scope {#scope}

Everything.

## Roles and responsibilities {#roles}

| Role | Person |
|---|---|
| Security Officer | Dana Ortiz |

## Policy statements {#policy-statements}

### Identity {#identity}

**AC-1.** One person, one account.

![remote tracker](https://tracker.example/pixel.png)

## Related documents {#related-documents}

- [Incident Response Plan](incident-response-plan.md)
"#;

fn doc() -> RenderedDoc {
    RenderedDoc {
        meta: meta(
            "access-control",
            "Access Control and Identity Policy",
            DocKind::Policy,
            &["3.S.A"],
        ),
        markdown: MARKDOWN.into(),
    }
}

/// The `attr="…"` values of every `<tag …>` in the page, for tags that make
/// the browser fetch something or navigate.
fn attr_values<'a>(html: &'a str, tag: &str, attr: &str) -> Vec<&'a str> {
    let open = format!("<{tag} ");
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    for (pos, _) in html.match_indices(&open) {
        let rest = &html[pos..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag_text = &rest[..end];
        if let Some(a) = tag_text.find(&needle) {
            let v = &tag_text[a + needle.len()..];
            out.push(&v[..v.find('"').unwrap_or(v.len())]);
        }
    }
    out
}

#[test]
fn document_page_structure() {
    let html = render_document(&doc(), &pack());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<meta name=\"viewport\""));
    assert!(html.contains("<title>Access Control and Identity Policy — Riverbend</title>"));
    assert_eq!(html.matches("<h1").count(), 1, "exactly one h1");
    assert!(html.contains("<a class=\"skip\" href=\"#hicp-main\">"));
    assert!(html.contains("<main id=\"hicp-main\""));
    assert!(
        html.contains("href=\"../index.html\""),
        "link back to the index"
    );
    assert!(
        html.contains("href=\"../pdf/access-control.pdf\""),
        "link to the PDF"
    );
    // Table of contents: four `##` sections.
    let toc = html.find("<nav class=\"toc\"").expect("toc present");
    assert!(html[toc..].contains("<a href=\"#purpose\">Purpose</a>"));
    assert!(html[toc..].contains("<a href=\"#related-documents\">Related documents</a>"));
    // Document control follows the h1, before the toc.
    let h1 = html.find("<h1").unwrap_or(usize::MAX);
    let control = html
        .find("class=\"doc-control\"")
        .expect("doc-control table");
    assert!(h1 < control && control < toc);
    // Section links after headings.
    assert!(html.contains("<h2 id=\"scope\">Scope</h2><a class=\"anchor\" href=\"#scope\">§"));
    assert!(html.contains("<h3 id=\"identity\">"));
}

#[test]
fn document_links_are_rewritten_and_unsafe_ones_dropped() {
    let html = render_document(&doc(), &pack());
    assert!(
        html.contains(
            "<a href=\"incident-response-plan.html#severity\">Incident Response Plan</a>"
        )
    );
    assert!(html.contains("<a href=\"incident-response-plan.html\">Incident Response Plan</a>"));
    assert!(
        html.contains("<a href=\"https://riverbend.example/policies\" class=\"ext\">our site</a>")
    );
    assert!(html.contains("<a href=\"mailto:sec@riverbend.example\">mail us</a>"));
    assert!(
        !html.to_lowercase().contains("javascript:"),
        "no javascript: link"
    );
    assert!(html.contains("A bad link and a sneaky one and a missing doc."));
    assert!(!html.contains("not-in-pack"));
    assert!(!html.contains(".md\""), "no link left pointing at Markdown");
}

#[test]
fn document_escapes_values_and_raw_html() {
    let html = render_document(&doc(), &pack());
    assert!(
        !html.contains("<script>alert"),
        "no script from the profile or the Markdown"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&quot;quoted&quot; &amp; &#39;single&#39; {{ 7*7 }}"));
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("onerror=alert(1)>"));
    assert_eq!(
        html.matches("<script").count(),
        0,
        "document pages have no script"
    );
}

#[test]
fn tables_have_scoped_header_cells() {
    let html = render_document(&doc(), &pack());
    assert!(html.contains("<th scope=\"col\">Role</th><th scope=\"col\">Person</th>"));
    assert!(html.contains("<th scope=\"row\">Organization</th>"));
    assert_eq!(html.matches("<th>").count(), 0, "every th has a scope");
    assert_eq!(
        html.matches("<th ").count(),
        html.matches("<th scope=").count()
    );
}

#[test]
fn nothing_is_fetched_from_outside_the_file() {
    for html in [render_document(&doc(), &pack()), render_index(&pack())] {
        for (tag, attr) in [
            ("img", "src"),
            ("script", "src"),
            ("link", "href"),
            ("iframe", "src"),
        ] {
            for v in attr_values(&html, tag, attr) {
                assert!(
                    v.starts_with("data:image/"),
                    "<{tag} {attr}={v}> leaves the file"
                );
            }
        }
        assert!(!html.contains("<link "), "no external stylesheet");
        assert!(!html.contains("@import"), "no imported stylesheet");
        assert!(!html.contains("@font-face"), "no web font");
        assert!(!html.contains("url("), "no CSS url()");
        assert!(!html.contains("tracker.example"), "remote image dropped");
    }
    let html = render_document(&doc(), &pack());
    assert!(
        html.contains("<img src=\"data:image/png;base64,iVBORw0KGgo"),
        "logo inline"
    );
}

#[test]
fn index_page_structure() {
    let p = pack();
    let html = render_index(&p);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<title>Cybersecurity policy pack — Riverbend</title>"));
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(html.contains("DRAFT — not yet approved"));
    assert!(html.contains("2026-02-01") && html.contains("2027-02-01"));
    assert!(html.contains("Size small was derived from metrics"));
    // The organization's address, phone and website under its name.
    let h1 = html.find("</h1>").unwrap();
    let contact = html
        .find("<p class=\"contact\">120 Mill Road, Riverbend, OR 97000 · +1 541 555 0100 · riverbend.example</p>")
        .expect("contact line");
    assert!(contact > h1);
    // Groups in DocKind::ALL order, plural labels, only non-empty kinds.
    let policies = html.find(">Policies <").expect("policies group");
    let plans = html.find(">Plans <").expect("plans group");
    let forms = html.find(">Forms and registers <").expect("forms group");
    let reports = html.find(">Reports <").expect("reports group");
    assert!(policies < plans && plans < forms && forms < reports);
    assert!(!html.contains(">Playbooks <"), "empty group left out");
    // Entries: link, description, sub-practices, PDF.
    assert!(
        html.contains(
            "<a href=\"html/access-control.html\">Access Control and Identity Policy</a>"
        )
    );
    assert!(html.contains("One line about Incident Response Plan."));
    assert!(html.contains("HICP 8.S.A, 8.S.B"));
    assert!(html.contains("href=\"pdf/access-control.pdf\""));
    // Prominent links.
    assert!(
        html.contains(
            "<a class=\"primary\" href=\"html/self-assessment.html\">Self-assessment</a>"
        )
    );
    assert!(html.contains("<a class=\"primary\" href=\"html/crosswalk.html\">Crosswalk</a>"));
    assert!(html.contains("href=\"pdf/riverbend-policy-pack.pdf\""));
    // Filter: hidden until the inline script shows it.
    assert!(html.contains("<div class=\"filter\" id=\"filter-box\" hidden>"));
    assert_eq!(html.matches("<script").count(), 1, "one inline script");
    assert!(!html.contains("<script src"));
}

#[test]
fn index_escapes_every_profile_value() {
    let html = render_index(&pack());
    let script_tags = html.matches("<script").count();
    assert_eq!(script_tags, 1, "only the filter script");
    assert!(html.contains("Riverbend &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        html.contains("data-filter=\"&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;")
    );
    assert!(!html.contains("\"quoted\""));
}

#[test]
fn no_toc_for_short_documents() {
    let mut d = doc();
    d.markdown = "# Short\n\n## One\n\n## Two\n\n## Three\n".into();
    let html = render_document(&d, &pack());
    assert!(!html.contains("class=\"toc\""));
    assert_eq!(html.matches("<h1").count(), 1);
}

#[test]
fn output_is_deterministic() {
    assert_eq!(
        render_document(&doc(), &pack()),
        render_document(&doc(), &pack())
    );
    assert_eq!(render_index(&pack()), render_index(&pack()));
}

#[test]
fn light_accent_is_darkened() {
    let mut p = pack();
    p.accent_color = "#ffe680".into();
    let html = render_index(&p);
    assert!(!html.contains("--accent:#ffe680"));
    p.accent_color = "#123456".into();
    assert!(render_index(&p).contains("--accent:#123456"));
}

/// Writes the sample pack for `.ci/html-check/run.sh` when asked to.
#[test]
fn write_sample_pack_when_asked() {
    let Some(dir) = std::env::var_os("HICP_HTML_SAMPLE_DIR") else {
        return;
    };
    let root = std::path::Path::new(&dir).join("sample");
    let html_dir = root.join("html");
    std::fs::create_dir_all(&html_dir).expect("create sample dir");
    let p = pack();
    std::fs::write(root.join("index.html"), render_index(&p)).expect("write index");
    std::fs::write(
        html_dir.join("access-control.html"),
        render_document(&doc(), &p),
    )
    .expect("write document");
    // The other documents of the pack, so every link of the sample resolves.
    for m in p.documents.iter().filter(|m| m.id != "access-control") {
        let other = RenderedDoc {
            meta: m.clone(),
            markdown: format!(
                "# {}\n\n## Severity {{#severity}}\n\nSee [access control](access-control.md#purpose).\n",
                m.title.replace('<', "\\<")
            ),
        };
        std::fs::write(
            html_dir.join(format!("{}.html", m.id)),
            render_document(&other, &p),
        )
        .expect("write document");
    }
}

/// Pages link a document's PDF and Word file only when the build writes them:
/// `-f md,html` must not leave links to files that do not exist.
#[test]
fn download_links_follow_the_built_formats() {
    use hicp::model::Format;
    let links = |formats: &[Format]| {
        let p = PackInfo {
            formats: formats.to_vec(),
            ..pack()
        };
        let page = render_document(&doc(), &p);
        let index = render_index(&p);
        let mut hrefs: Vec<String> = attr_values(&page, "a", "href")
            .into_iter()
            .chain(attr_values(&index, "a", "href"))
            .filter(|h| h.ends_with(".pdf") || h.ends_with(".docx"))
            .map(str::to_string)
            .collect();
        hrefs.sort();
        hrefs.dedup();
        hrefs
    };
    assert_eq!(links(&[Format::Md, Format::Html]), Vec::<String>::new());
    let docx_only = links(&[Format::Html, Format::Docx]);
    assert!(docx_only.contains(&"../docx/access-control.docx".to_string()));
    assert!(docx_only.contains(&"docx/incident-response-plan.docx".to_string()));
    assert!(
        docx_only.iter().all(|h| h.ends_with(".docx")),
        "{docx_only:?}"
    );
    let all = links(&Format::ALL);
    for h in [
        "../pdf/access-control.pdf",
        "../docx/access-control.docx",
        "pdf/access-control.pdf",
        "docx/access-control.docx",
        "pdf/riverbend-policy-pack.pdf",
    ] {
        assert!(all.contains(&h.to_string()), "{h} in {all:?}");
    }
}
