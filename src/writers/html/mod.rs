//! HTML writer: one self-contained page per document and the pack's
//! `index.html`.
//!
//! Pages must open from `file://` on a laptop with no network as well as from
//! any web server, so everything is inside the file: the stylesheet is
//! inlined, the logo is a `data:` URI, there is no web font and no script
//! other than the index's small inline filter. Links are relative to the pack
//! layout (DESIGN §5): a document page lives in `html/`, so the index is
//! `../index.html`, its PDF `../pdf/<id>.pdf` and its Word file
//! `../docx/<id>.docx`. Those two are linked only when the build writes them
//! ([`PackInfo::formats`]): `-f md,html` gives pages without dead links.
//!
//! Everything taken from [`PackInfo`]/[`DocMeta`] is escaped with
//! [`escape::escape_html`]; the Markdown body goes through [`body`], which
//! shows raw HTML as text and drops unsafe link targets.

pub mod body;
pub mod escape;
pub mod style;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::model::{DocKind, DocMeta, Format, Logo, PackInfo, RenderedDoc};
use body::{LinkContext, render_body};
use escape::{escape_href, escape_html};

const FILTER_JS: &str = include_str!("../../../assets/html/filter.js");

/// Id of the self-assessment document, linked prominently from the index.
pub const SELF_ASSESSMENT_ID: &str = "self-assessment";
/// Id of the crosswalk document, linked prominently from the index.
pub const CROSSWALK_ID: &str = "crosswalk";

/// One document page, self-contained (CSS inline, images as data URIs, no
/// request leaves the file). Written to `OUT/<slug>/html/<id>.html`.
pub fn render_document(doc: &RenderedDoc, pack: &PackInfo) -> String {
    let meta = &doc.meta;
    let pack_ids: BTreeSet<&str> = pack
        .documents
        .iter()
        .map(|d| d.id.as_str())
        .chain(std::iter::once(meta.id.as_str()))
        .collect();
    let body = render_body(
        &doc.markdown,
        &LinkContext {
            pack_ids: &pack_ids,
            self_id: &meta.id,
            title: &meta.title,
        },
    );

    let mut page = String::with_capacity(body.len() + 16 * 1024);
    let title = format!("{} — {}", meta.title, pack.short_name);
    push_head(&mut page, &title, &meta.description, pack);

    page.push_str("<a class=\"skip\" href=\"#hicp-main\">Skip to content</a>\n");
    page.push_str("<header class=\"masthead\"><div class=\"wrap\">\n");
    page.push_str("<a class=\"brand\" href=\"../index.html\">");
    push_logo(&mut page, pack.logo.as_ref());
    let _ = write!(
        page,
        "<span>{}</span></a>\n<nav class=\"pack-nav\" aria-label=\"Policy pack\"><ul>\
         <li><a href=\"../index.html\">All documents</a></li>",
        escape_html(&pack.organization),
    );
    for (href, label) in downloads(pack, &meta.id, "../") {
        let _ = write!(
            page,
            "<li><a href=\"{}\">{label}<span class=\"vh\"> of this document</span></a></li>",
            escape_href(&href),
        );
    }
    page.push_str("</ul></nav>\n</div>\n");
    // Inside the header (a landmark), so screen-reader users meet it first too.
    if !pack.approved {
        let _ = writeln!(
            page,
            "<p class=\"draft-banner\"><strong>{}</strong></p>",
            escape_html(&pack.status_line)
        );
    }
    page.push_str("</header>\n");

    let _ = write!(
        page,
        "<main id=\"hicp-main\" tabindex=\"-1\">\n<p class=\"eyebrow\">{} · {}</p>\n<article>\n",
        escape_html(meta.kind.label()),
        escape_html(&pack.short_name),
    );
    page.push_str(&body);
    page.push_str("</article>\n</main>\n");

    page.push_str("<footer class=\"colophon\"><div class=\"wrap\">\n");
    let _ = writeln!(
        page,
        "<p>{org} · {title} ({id}) · Version {version} · {status}</p>\n\
         <p>Effective {effective} · Next review {next}</p>\n\
         <p class=\"nav\"><a href=\"../index.html\">All documents of the pack</a></p>",
        org = escape_html(&pack.organization),
        title = escape_html(&meta.title),
        id = escape_html(&meta.id),
        version = escape_html(&meta.version),
        status = escape_html(&meta.status_label),
        effective = escape_html(&meta.effective_date),
        next = escape_html(&meta.next_review),
    );
    page.push_str("</div></footer>\n</body>\n</html>\n");
    page
}

/// The pack's front door, written to `OUT/<slug>/index.html`.
pub fn render_index(pack: &PackInfo) -> String {
    let mut page = String::with_capacity(32 * 1024);
    let title = format!("Cybersecurity policy pack — {}", pack.short_name);
    let description = format!(
        "Cybersecurity policies, procedures and plans of {} after HHS 405(d) HICP.",
        pack.organization
    );
    push_head(&mut page, &title, &description, pack);

    let binder = format!("pdf/{}-policy-pack.pdf", pack.slug);
    page.push_str("<a class=\"skip\" href=\"#hicp-main\">Skip to content</a>\n");
    page.push_str("<header class=\"masthead\"><div class=\"wrap\">\n<span class=\"brand\">");
    push_logo(&mut page, pack.logo.as_ref());
    let _ = write!(
        page,
        "<span>{}</span></span>\n</div></header>\n",
        escape_html(&pack.short_name),
    );

    page.push_str("<main id=\"hicp-main\" tabindex=\"-1\">\n");
    page.push_str("<p class=\"eyebrow\">Cybersecurity policy pack</p>\n");
    let _ = writeln!(page, "<h1>{}</h1>", escape_html(&pack.organization));
    if !pack.contact_line.is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"contact\">{}</p>",
            escape_html(&pack.contact_line)
        );
    }
    page.push_str(
        "<p class=\"lede\">Policies, procedures, plans and playbooks after the HHS 405(d) \
         Health Industry Cybersecurity Practices (HICP).</p>\n",
    );
    let _ = writeln!(
        page,
        "<p class=\"status {}\">{}</p>",
        if pack.approved { "approved" } else { "draft" },
        escape_html(&pack.status_line)
    );

    page.push_str("<dl class=\"facts\">\n");
    for (term, value) in [
        ("Version", pack.version.as_str()),
        ("Effective", pack.effective_date.as_str()),
        ("Next review", pack.next_review.as_str()),
    ] {
        let _ = writeln!(
            page,
            "<div><dt>{term}</dt><dd>{}</dd></div>",
            escape_html(value)
        );
    }
    let _ = writeln!(
        page,
        "<div class=\"wide\"><dt>Organization size</dt><dd>{}<span class=\"rule\">{}</span></dd></div>",
        escape_html(&capitalized(&pack.size)),
        escape_html(&pack.size_rule)
    );
    page.push_str("</dl>\n");

    let mut key_links = String::new();
    for (id, label) in [
        (SELF_ASSESSMENT_ID, "Self-assessment"),
        (CROSSWALK_ID, "Crosswalk"),
    ] {
        if pack.documents.iter().any(|d| d.id == id) {
            let _ = writeln!(
                key_links,
                "<li><a class=\"primary\" href=\"html/{}.html\">{label}</a></li>",
                escape_href(id)
            );
        }
    }
    // The binder is written with the PDFs only.
    if pack.builds(Format::Pdf) {
        let _ = writeln!(
            key_links,
            "<li><a href=\"{}\">Whole pack as one PDF</a></li>",
            escape_href(&binder)
        );
    }
    if !key_links.is_empty() {
        let _ = writeln!(page, "<ul class=\"key-links\">\n{key_links}</ul>");
    }

    // The example ID is one of this pack's own, so it is of the organization's size.
    let example = match pack.documents.iter().find_map(|d| d.practices.first()) {
        Some(id) => format!("e.g. backup or {id}"),
        None => "e.g. backup".to_string(),
    };
    let _ = write!(
        page,
        "<div class=\"filter\" id=\"filter-box\" hidden>\n\
         <label for=\"filter\">Filter documents</label>\n\
         <input id=\"filter\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\" \
         placeholder=\"Title, topic or sub-practice, {}\" aria-describedby=\"filter-status\">\n\
         <p id=\"filter-status\" role=\"status\"></p>\n</div>\n",
        escape_html(&example)
    );

    for kind in DocKind::ALL {
        let docs: Vec<&DocMeta> = pack.documents.iter().filter(|d| d.kind == kind).collect();
        if docs.is_empty() {
            continue;
        }
        push_kind_section(&mut page, kind, &docs, pack);
    }
    page.push_str("<p id=\"no-match\" hidden>No document matches the filter.</p>\n</main>\n");

    page.push_str("<footer class=\"colophon\"><div class=\"wrap\">\n");
    let _ = writeln!(
        page,
        "<p>{} · Version {} · {}</p>\n<p>Generated by hicp from the organization's profile.</p>",
        escape_html(&pack.organization),
        escape_html(&pack.version),
        escape_html(&pack.status_line),
    );
    page.push_str("</div></footer>\n<script>\n");
    page.push_str(FILTER_JS);
    page.push_str("</script>\n</body>\n</html>\n");
    page
}

/// One group of the index: a heading with the kind's plural label and one
/// entry per document (title link, description, sub-practices, and links to
/// the PDF and Word files when the build writes them).
fn push_kind_section(page: &mut String, kind: DocKind, docs: &[&DocMeta], pack: &PackInfo) {
    let _ = writeln!(
        page,
        "<section class=\"kind\" aria-labelledby=\"kind-{k}\">\n\
         <h2 id=\"kind-{k}\">{label} <span class=\"n\">({n})</span></h2>\n<ul class=\"docs\">",
        k = kind.as_str(),
        label = escape_html(kind.plural()),
        n = docs.len(),
    );
    for d in docs {
        let filter_text = format!(
            "{} {} {} {} {}",
            d.title,
            d.id,
            d.description,
            d.practices.join(" "),
            kind.label()
        )
        .to_lowercase();
        let _ = write!(
            page,
            "<li data-filter=\"{}\">\n<h3><a href=\"html/{}.html\">{}</a></h3>\n",
            escape_html(&filter_text),
            escape_href(&d.id),
            escape_html(&d.title),
        );
        if !d.description.is_empty() {
            let _ = writeln!(
                page,
                "<p class=\"desc\">{}</p>",
                escape_html(&d.description)
            );
        }
        let mut parts = Vec::new();
        if !d.practices.is_empty() {
            parts.push(format!("HICP {}", escape_html(&d.practices.join(", "))));
        }
        for (href, label) in downloads(pack, &d.id, "") {
            parts.push(format!(
                "<a href=\"{}\">{label}<span class=\"vh\">: {}</span></a>",
                escape_href(&href),
                escape_html(&d.title),
            ));
        }
        if !parts.is_empty() {
            let _ = writeln!(page, "<p class=\"meta\">{}</p>", parts.join(" · "));
        }
        page.push_str("</li>\n");
    }
    page.push_str("</ul>\n</section>\n");
}

/// The downloadable files of document `id` that this build writes, as
/// (relative link, visible label): `prefix` is `../` from a document page,
/// empty from the index.
fn downloads(pack: &PackInfo, id: &str, prefix: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    if pack.builds(Format::Pdf) {
        out.push((format!("{prefix}pdf/{id}.pdf"), "PDF"));
    }
    if pack.builds(Format::Docx) {
        out.push((format!("{prefix}docx/{id}.docx"), "Word"));
    }
    out
}

/// `<!DOCTYPE>` through `<body>`: language, charset, viewport, title and the
/// inline stylesheet with the pack's accent and paper size.
fn push_head(page: &mut String, title: &str, description: &str, pack: &PackInfo) {
    page.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    let _ = writeln!(page, "<title>{}</title>", escape_html(title));
    if !description.is_empty() {
        let _ = writeln!(
            page,
            "<meta name=\"description\" content=\"{}\">",
            escape_html(description)
        );
    }
    page.push_str("<meta name=\"generator\" content=\"hicp\">\n<style>\n");
    page.push_str(&style::stylesheet(&pack.accent_color, pack.paper));
    page.push_str("</style>\n</head>\n<body id=\"hicp-top\">\n");
}

/// The logo as an `<img>` with a `data:` URI. Its `alt` is empty because the
/// organization's name is always printed beside it (the image adds no text).
fn push_logo(page: &mut String, logo: Option<&Logo>) {
    let Some(logo) = logo else { return };
    let mime = match logo.mime {
        "image/png" | "image/jpeg" => logo.mime,
        _ => return,
    };
    let _ = write!(page, "<img src=\"data:{mime};base64,");
    base64_into(page, &logo.bytes);
    page.push_str("\" alt=\"\">");
}

/// Standard base64 (RFC 4648, with padding); small enough not to need a crate.
/// Encoded into bytes and appended once: a logo is encoded into every page
/// of a pack, so this runs over megabytes.
fn base64_into(out: &mut String, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut enc = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        enc.extend_from_slice(&[
            ALPHABET[(n >> 18) as usize & 63],
            ALPHABET[(n >> 12) as usize & 63],
            if chunk.len() > 1 {
                ALPHABET[(n >> 6) as usize & 63]
            } else {
                b'='
            },
            if chunk.len() > 2 {
                ALPHABET[n as usize & 63]
            } else {
                b'='
            },
        ]);
    }
    // Only alphabet bytes were written, so this never fails.
    out.push_str(std::str::from_utf8(&enc).unwrap_or_default());
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        let mut s = String::new();
        base64_into(&mut s, bytes);
        s
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        assert_eq!(b64(b""), "");
        assert_eq!(b64(b"f"), "Zg==");
        assert_eq!(b64(b"fo"), "Zm8=");
        assert_eq!(b64(b"foo"), "Zm9v");
        assert_eq!(b64(b"foob"), "Zm9vYg==");
        assert_eq!(b64(b"fooba"), "Zm9vYmE=");
        assert_eq!(b64(b"foobar"), "Zm9vYmFy");
        assert_eq!(b64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn capitalizes_size() {
        assert_eq!(capitalized("small"), "Small");
        assert_eq!(capitalized(""), "");
    }
}
