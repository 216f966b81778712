//! A document's Markdown → the HTML inside its `<main>`.
//!
//! pulldown-cmark's own HTML renderer does the inline work (emphasis, code,
//! lists, footnotes, text escaping); this module rewrites the events around it
//! so the page meets the pack's bar:
//!
//! - headings get stable, unique ids (explicit `{#id}` or [`heading_slug`]),
//!   levels that never skip (one `h1`, then no jump deeper than one level), and
//!   a `§` link to themselves;
//! - a table of contents is inserted before the first section when there are
//!   more than [`TOC_MIN_SECTIONS`] `##` sections;
//! - links to other documents (`other.md#x`) point at their HTML page, links
//!   with a scheme other than http, https or mailto are dropped (their text is
//!   kept), and images that would make a request become their alt text;
//! - tables get `th scope="col"`, a scrollable, focusable wrapper for phones,
//!   and the document-control table (right after the title) row headers;
//! - raw HTML in the Markdown is shown as text, never passed through.

use std::collections::BTreeSet;

use pulldown_cmark::{
    Alignment, CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd, html::push_html,
};

use super::escape::{escape_href, escape_html, push_escaped};
use crate::writers::{doc_link_target, heading_slug, markdown_options};

/// A document gets a table of contents when it has more `##` sections than this.
pub const TOC_MIN_SECTIONS: usize = 3;

/// Ids the page furniture uses; document headings never take them.
pub const RESERVED_IDS: [&str; 3] = ["hicp-main", "hicp-toc", "hicp-top"];

/// What the body renderer needs to know about the pack around the document.
pub struct LinkContext<'a> {
    /// Ids of every document in the pack: links to others are dropped, not broken.
    pub pack_ids: &'a BTreeSet<&'a str>,
    /// This document's id, so a link to itself stays on the page.
    pub self_id: &'a str,
    /// Used as the `h1` when the Markdown has no `#` heading.
    pub title: &'a str,
}

/// One heading of the document, as the page shows it.
#[derive(Debug, Clone)]
struct HeadingInfo {
    /// Index of its `Start(Heading)` event.
    start: usize,
    /// Output level, 1..=6, never more than one deeper than the previous heading.
    level: u8,
    id: String,
    text: String,
}

/// Renders the document's Markdown to the HTML of its `<main>` element.
pub fn render_body(markdown: &str, ctx: &LinkContext<'_>) -> String {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, markdown_options()).collect();
    let headings = plan_headings(&events);
    let has_h1 = headings.first().is_some_and(|h| h.level == 1);
    let sections: Vec<&HeadingInfo> = headings.iter().filter(|h| h.level == 2).collect();
    let toc = (sections.len() > TOC_MIN_SECTIONS).then(|| toc_html(&sections));
    let doc_control_table = doc_control_table_index(&events, &headings);

    let mut used_ids: BTreeSet<String> = headings.iter().map(|h| h.id.clone()).collect();
    used_ids.extend(RESERVED_IDS.iter().map(|s| s.to_string()));

    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len() + 16);
    if !has_h1 {
        let id = unique_id(heading_slug(ctx.title), &mut used_ids);
        out.push(Event::Html(
            format!(
                "<h1 id=\"{}\">{}</h1>\n",
                escape_html(&id),
                escape_html(ctx.title)
            )
            .into(),
        ));
    }

    let mut heading_cursor = headings.iter().peekable();
    let mut open_heading: Option<&HeadingInfo> = None;
    let mut last_heading_text: &str = ctx.title;
    let mut toc_pending = toc;
    let mut links: Vec<bool> = Vec::new();
    let mut images: Vec<bool> = Vec::new();
    let mut table = TableState::default();
    let mut table_count = 0usize;

    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                let Some(h) = heading_cursor.next_if(|h| h.start == i) else {
                    continue;
                };
                if h.level == 2
                    && let Some(t) = toc_pending.take()
                {
                    out.push(Event::Html(t.into()));
                }
                let id = escape_html(&h.id);
                let open = if h.level == 1 {
                    format!("<h1 id=\"{id}\">")
                } else {
                    format!("<div class=\"h\"><h{} id=\"{id}\">", h.level)
                };
                out.push(Event::Html(open.into()));
                open_heading = Some(h);
                last_heading_text = &h.text;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(h) = open_heading.take() else {
                    continue;
                };
                let close = if h.level == 1 {
                    "</h1>\n".to_string()
                } else {
                    format!(
                        "</h{lvl}><a class=\"anchor\" href=\"#{href}\">§<span class=\"vh\"> Link to this section: {text}</span></a></div>\n",
                        lvl = h.level,
                        href = escape_href(&h.id),
                        text = escape_html(&h.text),
                    )
                };
                out.push(Event::Html(close.into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let dest: String = if *link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                match resolve_link(&dest, ctx) {
                    Some(target) => {
                        let mut tag = String::from("<a href=\"");
                        tag.push_str(&escape_href(&target.href));
                        tag.push('"');
                        if !title.is_empty() {
                            tag.push_str(" title=\"");
                            push_escaped(&mut tag, title);
                            tag.push('"');
                        }
                        // Print the URL after the link only where the text does not already show it.
                        if target.external
                            && !matches!(link_type, LinkType::Autolink | LinkType::Email)
                            && plain_text(&events[i + 1..end_of(&events, i)]).trim() != dest
                        {
                            tag.push_str(" class=\"ext\"");
                        }
                        tag.push('>');
                        out.push(Event::InlineHtml(tag.into()));
                        links.push(true);
                    }
                    None => links.push(false),
                }
            }
            Event::End(TagEnd::Link) => {
                if links.pop() == Some(true) {
                    out.push(Event::InlineHtml("</a>".into()));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let allowed = is_embedded_image(dest_url);
                images.push(allowed);
                if allowed {
                    out.push(event.clone());
                }
            }
            Event::End(TagEnd::Image) => {
                if images.pop() == Some(true) {
                    out.push(event.clone());
                }
            }
            Event::Start(Tag::Table(aligns)) => {
                table_count += 1;
                let doc_control = doc_control_table == Some(i);
                let stacked = !doc_control && aligns.len() >= STACK_MIN_COLUMNS;
                table = TableState {
                    aligns: aligns.clone(),
                    in_head: false,
                    cell: 0,
                    doc_control,
                    labels: if stacked {
                        header_labels(&events, i)
                    } else {
                        Vec::new()
                    },
                };
                let class = if doc_control {
                    " class=\"doc-control\""
                } else if stacked {
                    " class=\"stack\""
                } else {
                    ""
                };
                out.push(Event::Html(
                    format!(
                        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{} (table {table_count})\"><table{class}>\n",
                        escape_html(last_heading_text)
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::Html("</tbody></table></div>\n".into()));
            }
            Event::Start(Tag::TableHead) => {
                table.in_head = true;
                table.cell = 0;
                out.push(Event::Html("<thead><tr>".into()));
            }
            Event::End(TagEnd::TableHead) => {
                table.in_head = false;
                out.push(Event::Html("</tr></thead>\n<tbody>\n".into()));
            }
            Event::Start(Tag::TableRow) => {
                table.cell = 0;
                out.push(Event::Html("<tr>".into()));
            }
            Event::End(TagEnd::TableRow) => out.push(Event::Html("</tr>\n".into())),
            Event::Start(Tag::TableCell) => {
                let align = match table.aligns.get(table.cell) {
                    Some(Alignment::Center) => " class=\"al-c\"",
                    Some(Alignment::Right) => " class=\"al-r\"",
                    _ => "",
                };
                let open = if table.in_head {
                    format!("<th scope=\"col\"{align}>")
                } else if table.doc_control && table.cell == 0 {
                    format!("<th scope=\"row\"{align}>")
                } else if let Some(label) = table.labels.get(table.cell) {
                    format!("<td{align} data-label=\"{}\">", escape_html(label))
                } else {
                    format!("<td{align}>")
                };
                out.push(Event::Html(open.into()));
            }
            Event::End(TagEnd::TableCell) => {
                let close = if table.in_head || (table.doc_control && table.cell == 0) {
                    "</th>"
                } else {
                    "</td>"
                };
                table.cell += 1;
                out.push(Event::Html(close.into()));
            }
            Event::Start(Tag::HtmlBlock) => {
                out.push(Event::Html("<p class=\"raw\">".into()));
            }
            Event::End(TagEnd::HtmlBlock) => out.push(Event::Html("</p>\n".into())),
            // Raw HTML from the Markdown is data, not markup: shown as typed.
            Event::Html(s) | Event::InlineHtml(s) => out.push(Event::Text(s.clone())),
            Event::TaskListMarker(done) => {
                let html = if *done {
                    "<span class=\"task\" role=\"img\" aria-label=\"done\">☑</span> "
                } else {
                    "<span class=\"task\" role=\"img\" aria-label=\"not done\">☐</span> "
                };
                out.push(Event::InlineHtml(html.into()));
            }
            other => out.push(other.clone()),
        }
    }
    if let Some(t) = toc_pending {
        out.push(Event::Html(t.into()));
    }

    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    push_html(&mut html, out.into_iter());
    html
}

/// Tables with at least this many columns are shown as one card per row on
/// phones (each cell labelled with its column header) instead of scrolling
/// sideways, where the columns past the screen edge are easy to miss.
pub const STACK_MIN_COLUMNS: usize = 3;

#[derive(Default)]
struct TableState {
    aligns: Vec<Alignment>,
    in_head: bool,
    cell: usize,
    doc_control: bool,
    /// Column header texts, for the `data-label` of body cells of a stacked table.
    labels: Vec<String>,
}

/// The plain text of each header cell of the table starting at `start`.
fn header_labels(events: &[Event<'_>], start: usize) -> Vec<String> {
    let end = end_of(events, start);
    let mut labels = Vec::new();
    let mut i = start + 1;
    while i < end {
        match &events[i] {
            Event::Start(Tag::TableCell) => {
                let cell_end = end_of(events, i);
                let text = plain_text(&events[i + 1..cell_end]);
                labels.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
                i = cell_end;
            }
            Event::End(TagEnd::TableHead) => break,
            _ => {}
        }
        i += 1;
    }
    labels
}

/// Assigns every heading its output level and a unique id.
fn plan_headings(events: &[Event<'_>]) -> Vec<HeadingInfo> {
    let mut out = Vec::new();
    let mut used: BTreeSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    let mut seen_h1 = false;
    let mut prev = 1u8;
    for (i, event) in events.iter().enumerate() {
        let Event::Start(Tag::Heading { level, id, .. }) = event else {
            continue;
        };
        let text = plain_text(&events[i + 1..end_of(events, i)]);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let source = heading_number(*level);
        let level = if source == 1 && !seen_h1 && out.is_empty() {
            seen_h1 = true;
            1
        } else {
            let l = source.max(2).min(prev + 1);
            prev = l;
            l
        };
        let wanted = match id {
            Some(id) if is_valid_id(id) => id.to_string(),
            _ => heading_slug(&text),
        };
        let id = unique_id(wanted, &mut used);
        out.push(HeadingInfo {
            start: i,
            level,
            id,
            text,
        });
    }
    out
}

/// The index of the table that directly follows the `h1`, which the render
/// stage's `doc_header` partial makes the document-control table.
fn doc_control_table_index(events: &[Event<'_>], headings: &[HeadingInfo]) -> Option<usize> {
    let h1 = headings.first().filter(|h| h.level == 1)?;
    let after = end_of(events, h1.start) + 1;
    matches!(events.get(after), Some(Event::Start(Tag::Table(_)))).then_some(after)
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// An HTML id must be non-empty and free of whitespace; anything else falls
/// back to the slug of the heading text.
fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && !id.chars().any(char::is_whitespace)
}

/// `wanted`, or `wanted-2`, `wanted-3`… when already taken (duplicate ids are
/// invalid HTML and make anchors ambiguous).
fn unique_id(wanted: String, used: &mut BTreeSet<String>) -> String {
    if used.insert(wanted.clone()) {
        return wanted;
    }
    let mut n = 2usize;
    loop {
        let candidate = format!("{wanted}-{n}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// Index of the `End` event that closes the `Start` at `start` (or the last
/// index when the stream is cut short).
fn end_of(events: &[Event<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1).max(start)
}

/// The text a reader sees in a run of inline events (for ids, the table of
/// contents and link labels).
fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                s.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

fn toc_html(sections: &[&HeadingInfo]) -> String {
    let mut s = String::from(
        "<nav class=\"toc\" aria-labelledby=\"hicp-toc\"><h2 id=\"hicp-toc\">Contents</h2>\n<ol>\n",
    );
    for h in sections {
        s.push_str("<li><a href=\"#");
        s.push_str(&escape_href(&h.id));
        s.push_str("\">");
        push_escaped(&mut s, &h.text);
        s.push_str("</a></li>\n");
    }
    s.push_str("</ol>\n</nav>\n");
    s
}

/// Where a Markdown link goes on the page.
#[derive(Debug, PartialEq, Eq)]
pub struct LinkTarget {
    pub href: String,
    /// An http(s) link, whose URL the print stylesheet prints after the text.
    pub external: bool,
}

/// Decides a link's `href`, or `None` to render its text only: a link to a
/// document not in the pack, a scheme other than http/https/mailto
/// (`javascript:`, `data:`, `file:`, `vbscript:`…), a protocol-relative or
/// root-relative path (it would leave the pack or break under `file://`).
pub fn resolve_link(dest: &str, ctx: &LinkContext<'_>) -> Option<LinkTarget> {
    if let Some((id, anchor)) = doc_link_target(dest) {
        if !ctx.pack_ids.contains(id) {
            return None;
        }
        let href = match (id == ctx.self_id, anchor) {
            (true, Some(a)) => format!("#{a}"),
            (true, None) => "#hicp-top".to_string(),
            (false, Some(a)) => format!("{id}.html#{a}"),
            (false, None) => format!("{id}.html"),
        };
        return Some(LinkTarget {
            href,
            external: false,
        });
    }
    // Browsers ignore tabs, newlines and leading control characters in URLs
    // (`java\tscript:`), so judge the scheme on the cleaned string.
    let cleaned: String = dest
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    if let Some(pos) = scheme_end
        && cleaned[pos..].starts_with(':')
    {
        let scheme = cleaned[..pos].to_ascii_lowercase();
        return match scheme.as_str() {
            "http" | "https" => Some(LinkTarget {
                href: dest.trim().to_string(),
                external: true,
            }),
            "mailto" => Some(LinkTarget {
                href: dest.trim().to_string(),
                external: false,
            }),
            _ => None,
        };
    }
    if cleaned.starts_with('/') || cleaned.starts_with('\\') {
        return None;
    }
    Some(LinkTarget {
        href: dest.trim().to_string(),
        external: false,
    })
}

/// Only images already inside the file (data URIs of raster types) are kept;
/// any other source would be a request leaving the page.
fn is_embedded_image(dest: &CowStr<'_>) -> bool {
    let d = dest.trim_start().to_ascii_lowercase();
    ["data:image/png;", "data:image/jpeg;", "data:image/gif;"]
        .iter()
        .any(|p| d.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx_ids() -> BTreeSet<&'static str> {
        ["access-control", "incident-response-plan"]
            .into_iter()
            .collect()
    }

    fn render(md: &str) -> String {
        let ids = ctx_ids();
        render_body(
            md,
            &LinkContext {
                pack_ids: &ids,
                self_id: "access-control",
                title: "Access Control",
            },
        )
    }

    #[test]
    fn links_are_rewritten_or_dropped() {
        let ids = ctx_ids();
        let ctx = LinkContext {
            pack_ids: &ids,
            self_id: "access-control",
            title: "t",
        };
        let r = |d: &str| resolve_link(d, &ctx).map(|t| t.href);
        assert_eq!(
            r("incident-response-plan.md#severity").as_deref(),
            Some("incident-response-plan.html#severity")
        );
        assert_eq!(r("access-control.md#mfa").as_deref(), Some("#mfa"));
        assert_eq!(r("missing-doc.md"), None);
        assert_eq!(r("javascript:alert(1)"), None);
        assert_eq!(r(" JaVa\tScript:alert(1)"), None);
        assert_eq!(r("data:text/html,x"), None);
        assert_eq!(r("vbscript:x"), None);
        assert_eq!(r("//evil.example/x"), None);
        assert_eq!(r("/etc/passwd"), None);
        assert_eq!(
            r("https://x.example/a").as_deref(),
            Some("https://x.example/a")
        );
        assert_eq!(
            r("mailto:a@b.example").as_deref(),
            Some("mailto:a@b.example")
        );
        assert_eq!(r("#local").as_deref(), Some("#local"));
        assert_eq!(r("../pdf/x.pdf").as_deref(), Some("../pdf/x.pdf"));
    }

    #[test]
    fn headings_get_unique_ids_and_ordered_levels() {
        let html = render("# Title\n\n## A {#a}\n\n#### Deep\n\n## A\n\n# Second\n");
        assert_eq!(html.matches("<h1").count(), 1);
        assert!(html.contains("<h2 id=\"a\">"));
        assert!(html.contains("<h3 id=\"deep\">"), "{html}");
        assert!(html.contains("<h2 id=\"a-2\">"));
        assert!(html.contains("<h2 id=\"second\">"));
    }

    #[test]
    fn missing_h1_is_supplied() {
        let html = render("## Only\n\ntext\n");
        assert!(html.starts_with("<h1 id=\"access-control\">Access Control</h1>"));
    }

    #[test]
    fn raw_html_is_text() {
        let html = render("<script>alert(1)</script>\n\nInline <b onclick=\"x\">b</b>.\n");
        assert!(!html.contains("<script"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<b "));
    }

    #[test]
    fn toc_only_above_three_sections() {
        assert!(!render("# T\n\n## a\n\n## b\n\n## c\n").contains("class=\"toc\""));
        let html =
            render("# T\n\n| a | b |\n|---|---|\n| c | d |\n\n## a\n\n## b\n\n## c\n\n## d\n");
        let toc = html.find("class=\"toc\"").unwrap_or(usize::MAX);
        let table = html.find("doc-control").unwrap_or(usize::MAX);
        assert!(table < toc && toc < html.find("<h2 id=\"a\"").unwrap_or(0));
    }

    #[test]
    fn tables_have_scoped_headers() {
        let html =
            render("# T\n\n| a | b |\n|---|:-:|\n| c | d |\n\ntext\n\n| x |\n|---|\n| y |\n");
        assert!(html.contains("<th scope=\"col\">a</th><th scope=\"col\" class=\"al-c\">b</th>"));
        assert!(html.contains("<th scope=\"row\">c</th><td class=\"al-c\">d</td>"));
        assert!(html.contains("<td>y</td>"));
    }

    #[test]
    fn wide_tables_label_their_cells_for_phones() {
        let html = render("| ID | Name | *Docs* |\n|---|---|---|\n| 1.S.A | Mail | x |\n");
        assert!(html.contains("<table class=\"stack\">"));
        assert!(html.contains("<td data-label=\"Docs\">x</td>"), "{html}");
    }

    #[test]
    fn remote_images_become_alt_text() {
        let html =
            render("![tracker](https://x.example/p.png) ![logo](data:image/png;base64,AA==)");
        assert!(!html.contains("https://x.example"));
        assert!(html.contains("tracker"));
        assert!(html.contains("<img src=\"data:image/png;base64,AA==\""));
    }
}
