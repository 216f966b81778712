//! Output writers: one module per format. Each takes a rendered document (its
//! Markdown) and produces bytes; no writer reads another writer's output.

pub mod docx;
pub mod html;
pub mod markdown;
pub mod pdf;

use pulldown_cmark::Options;

/// The Markdown dialect every writer parses, so that all formats agree on
/// what a document contains: GFM tables, footnotes, strikethrough, task lists
/// and `{#id}` heading attributes.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The anchor id of a heading without an explicit `{#id}`: lowercase ASCII
/// letters and digits, other runs collapsed to one `-`. HTML and PDF use the
/// same function so that cross-document links resolve in both.
pub fn heading_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Split a link target `other-doc.md#section` into the document id and anchor,
/// when it points at another document of the pack (a relative `.md` link).
pub fn doc_link_target(dest: &str) -> Option<(&str, Option<&str>)> {
    if dest.contains("://") || dest.starts_with("mailto:") || dest.starts_with('/') {
        return None;
    }
    let (file, anchor) = match dest.split_once('#') {
        Some((f, a)) => (f, Some(a)),
        None => (dest, None),
    };
    let id = file.strip_suffix(".md")?;
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return None;
    }
    Some((id, anchor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_collapses_punctuation() {
        assert_eq!(heading_slug("1. Purpose & Scope"), "1-purpose-scope");
        assert_eq!(heading_slug("Équipe"), "quipe");
        assert_eq!(heading_slug("!!!"), "section");
    }

    #[test]
    fn doc_links() {
        assert_eq!(
            doc_link_target("access-control.md#mfa"),
            Some(("access-control", Some("mfa")))
        );
        assert_eq!(doc_link_target("https://x.example/a.md"), None);
        assert_eq!(doc_link_target("../a.md"), None);
    }
}
