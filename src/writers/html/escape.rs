//! Escaping for the two contexts the HTML writer writes strings into: element
//! text / attribute values, and URLs inside `href`/`src` attributes.
//!
//! Every string that comes from the profile (through `PackInfo` and `DocMeta`)
//! passes through [`escape_html`] before it reaches a page, so a value such as
//! `<script>` or `" onload="` shows as typed and never becomes markup.

/// Escapes `&`, `<`, `>`, `"` and `'` so the result is safe both as element
/// text and inside a double- or single-quoted attribute value.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    push_escaped(&mut out, s);
    out
}

/// [`escape_html`] appending to an existing buffer (the page builders write
/// into one `String`).
pub fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Escapes a URL for a double-quoted `href`: bytes outside the URL-safe set
/// (spaces, non-ASCII, quotes, `<`, `>`, backslash…) are percent-encoded, so
/// the W3C validator accepts it and it cannot close the attribute; `&` becomes
/// `&amp;`. Existing `%xx` sequences are kept as they are.
pub fn escape_href(url: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(url.len());
    for &b in url.as_bytes() {
        match b {
            b'&' => out.push_str("&amp;"),
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'!'
            | b'*'
            | b'('
            | b')'
            | b';'
            | b':'
            | b'@'
            | b'='
            | b'+'
            | b'$'
            | b','
            | b'/'
            | b'?'
            | b'#'
            | b'%' => out.push(b as char),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_tag_is_inert() {
        assert_eq!(
            escape_html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
    }

    #[test]
    fn quotes_cannot_close_an_attribute() {
        assert_eq!(
            escape_html(r#"" onmouseover='x'"#),
            "&quot; onmouseover=&#39;x&#39;"
        );
    }

    #[test]
    fn ampersand_first_no_double_escape_of_output() {
        assert_eq!(escape_html("A & B &amp; C"), "A &amp; B &amp;amp; C");
    }

    #[test]
    fn plain_and_unicode_text_unchanged() {
        assert_eq!(
            escape_html("Riverbend — Équipe {{ 7*7 }}"),
            "Riverbend — Équipe {{ 7*7 }}"
        );
    }

    #[test]
    fn href_percent_encodes_unsafe_bytes() {
        assert_eq!(escape_href("a b\"<x>.html#s"), "a%20b%22%3Cx%3E.html#s");
        assert_eq!(escape_href("x?a=1&b=2"), "x?a=1&amp;b=2");
        assert_eq!(escape_href("é"), "%C3%A9");
        assert_eq!(escape_href("it's"), "it%27s");
    }
}
