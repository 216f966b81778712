//! Markdown escaping of values. The render stage installs [`markdown_escape`]
//! as Tera's autoescape function, so every `{{ value }}` a template prints is
//! inert text in CommonMark: a profile value can never become a heading, a
//! list, a link, raw HTML or template source.

use std::io::Write;

/// Characters that can start Markdown syntax anywhere in a line.
fn needs_backslash(c: char) -> bool {
    matches!(
        c,
        '\\' | '`'
            | '*'
            | '_'
            | '['
            | ']'
            | '<'
            | '>'
            | '|'
            | '#'
            | '!'
            | '~'
            | '&'
            | '$'
            | '{'
            | '}'
    )
}

/// Escape `input` so that CommonMark renders it as the same literal text.
/// Line breaks become spaces: a value is one run of text, never new blocks.
pub fn escape_markdown(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    let trimmed_start = input.trim_start();
    // A value at the start of a line could open a list or a thematic break.
    if let Some(first) = trimmed_start.chars().next() {
        let digits: String = trimmed_start
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let after_digits = trimmed_start[digits.len()..].chars().next();
        if matches!(first, '-' | '+' | '=') {
            out.push('\\');
        } else if !digits.is_empty()
            && matches!(after_digits, Some('.') | Some(')'))
            && trimmed_start[digits.len() + 1..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '\t')
        {
            out.push_str(&digits);
            out.push('\\');
            let rest = &trimmed_start[digits.len()..];
            push_escaped(&mut out, rest);
            return out;
        }
    }
    push_escaped(&mut out, trimmed_start);
    out
}

fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c if needs_backslash(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Tera's escape-function signature.
pub fn markdown_escape_fn(input: &str, output: &mut dyn Write) -> std::io::Result<()> {
    output.write_all(escape_markdown(input).as_bytes())
}

/// A Markdown link whose text is escaped and whose destination is wrapped in
/// `<…>` so spaces or parentheses cannot break out of it. Returns escaped
/// text alone when the destination is not an http(s) or mailto URL.
pub fn markdown_link(text: &str, dest: &str) -> String {
    let safe_dest = (dest.starts_with("https://")
        || dest.starts_with("http://")
        || dest.starts_with("mailto:"))
        && !dest
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c.is_control());
    if safe_dest {
        format!("[{}](<{}>)", escape_markdown(text), dest)
    } else {
        escape_markdown(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Parser, html};

    fn to_html(md: &str) -> String {
        let mut s = String::new();
        html::push_html(
            &mut s,
            Parser::new_ext(md, crate::writers::markdown_options()),
        );
        s
    }

    #[test]
    fn hostile_values_render_literally() {
        for v in [
            "<script>alert(1)</script>",
            "*bold* _em_ `code`",
            "[x](javascript:alert(1))",
            "{{ 7*7 }} {% raw %}",
            "# heading",
            "- item",
            "1. first",
            "a | b",
            "&amp; &lt;",
            "![img](http://x/y.png)",
            "%s%n ${HOME}",
        ] {
            let html = to_html(&format!("Value: {}", escape_markdown(v)));
            assert!(!html.contains("<script"), "{v}: {html}");
            assert!(!html.contains("<a "), "{v}: {html}");
            assert!(!html.contains("<em>"), "{v}: {html}");
            assert!(!html.contains("<img"), "{v}: {html}");
            let text = html
                .replace("<p>", "")
                .replace("</p>\n", "")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
            assert_eq!(text, format!("Value: {v}"), "{v}");
        }
    }

    #[test]
    fn line_start_values_do_not_open_blocks() {
        for v in [
            "- item",
            "1. first",
            "2) second",
            "+ plus",
            "# h",
            "> quote",
            "---",
        ] {
            let html = to_html(&escape_markdown(v));
            assert!(html.starts_with("<p>"), "{v}: {html}");
        }
    }

    #[test]
    fn version_numbers_stay_readable() {
        assert_eq!(escape_markdown("1.0"), "1.0");
        assert_eq!(escape_markdown("3.S.A"), "3.S.A");
        assert_eq!(escape_markdown("1. first"), "1\\. first");
    }

    #[test]
    fn links_only_for_safe_schemes() {
        assert_eq!(
            markdown_link("site", "https://a.example/x"),
            "[site](<https://a.example/x>)"
        );
        assert_eq!(markdown_link("x", "javascript:alert(1)"), "x");
        assert!(!to_html(&markdown_link("x", "https://a.example/ y")).contains("<a"));
    }
}
