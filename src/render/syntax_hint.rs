//! A hint for a template that does not parse, in terms of its own tags.
//!
//! Tera reports where its parser gave up, which is often far from the
//! mistake: an `{% if %}` never closed is reported at the end of the file
//! ("Unexpected end of input"), a tag missing its `%}` at the first word of
//! the next paragraph, an `{% endif %}` that closes the wrong block as an
//! "Unknown tag". Template authors meet these in override folders; the hint
//! names the tag that opened the trouble and its line.

/// Block tags and the tag that ends each.
const BLOCKS: &[(&str, &str)] = &[
    ("if", "endif"),
    ("for", "endfor"),
    ("block", "endblock"),
    ("filter", "endfilter"),
    ("component", "endcomponent"),
];

/// One tag of the source: where it starts (byte), its delimiters, its body.
struct Tag<'a> {
    start: usize,
    /// Byte just after its closing delimiter; `None` when it has none.
    end: Option<usize>,
    opener: &'static str,
    body: &'a str,
}

/// The tags of `src`, in order. `{% raw %}` … `{% endraw %}` is skipped as
/// Tera skips it. A tag without a closer runs to the end of the source.
fn tags(src: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_raw = false;
    while let Some(rel) = src[i..].find('{') {
        let at = i + rel;
        let (opener, closer) = match src.as_bytes().get(at + 1) {
            Some(b'{') => ("{{", "}}"),
            Some(b'%') => ("{%", "%}"),
            Some(b'/') => ("{/", "/}"),
            _ => {
                i = at + 1;
                continue;
            }
        };
        let from = at + 2;
        let (body, end) = match src[from..].find(closer) {
            Some(r) => (&src[from..from + r], Some(from + r + 2)),
            None => (&src[from..], None),
        };
        let keyword = keyword(body);
        if in_raw {
            if opener == "{%" && keyword == "endraw" {
                in_raw = false;
            }
        } else if opener == "{%" && keyword == "raw" {
            in_raw = true;
        } else {
            out.push(Tag {
                start: at,
                end,
                opener,
                body,
            });
        }
        match end {
            Some(e) => i = e,
            None => break,
        }
    }
    out
}

/// The first word of a statement tag (`-` whitespace control removed).
fn keyword(body: &str) -> &str {
    let b = body.trim_start_matches('-').trim_start();
    let end = b
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(b.len());
    &b[..end]
}

/// 1-based line of byte `at`.
fn line_of(src: &str, at: usize) -> usize {
    src[..at.min(src.len())].matches('\n').count() + 1
}

/// Byte offset of 1-based `line`, `column` (columns count characters).
fn offset_of(src: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match src[start..].find('\n') {
            Some(n) => start += n + 1,
            None => return src.len(),
        }
    }
    src[start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(src.len(), |(i, _)| start + i)
}

/// The tag as written, shortened to one line for the message.
fn shown(src: &str, tag: &Tag<'_>) -> String {
    let text = match tag.end {
        Some(e) => &src[tag.start..e],
        None => &src[tag.start..],
    };
    let first = text.lines().next().unwrap_or_default().trim_end();
    let mut s: String = first.chars().take(60).collect();
    if s.len() < first.len() {
        s.push('…');
    }
    s
}

/// A hint for Tera's parse error `message` at 1-based `line`:`column` of
/// `src`, when the tags explain it.
pub fn hint(src: &str, line: usize, column: usize, message: &str) -> Option<String> {
    let error_at = offset_of(src, line, column);
    let tags = tags(src);

    // A tag whose closing delimiter is missing swallows what follows, and
    // the parser stops at a word of the prose after it, lines later.
    if let Some(open) = tags
        .iter()
        .rev()
        .find(|t| t.start < error_at && t.end.is_none_or(|e| e > error_at))
    {
        let open_line = line_of(src, open.start);
        // Tags may span lines; one that runs over a blank line or into
        // another tag has lost its closer.
        let swallowed = &src[open.start + 2..error_at];
        if open_line < line
            && (swallowed.contains("\n\n") || swallowed.contains("{%") || swallowed.contains("{{"))
        {
            let closer = match open.opener {
                "{{" => "}}",
                "{%" => "%}",
                _ => "/}",
            };
            return Some(format!(
                "the tag `{}` opened at line {open_line} runs on to line {line}: is its `{closer}` missing?",
                shown(src, open)
            ));
        }
    }

    // Blocks opened and closed before the error, innermost last.
    let mut stack: Vec<(&Tag<'_>, &str)> = Vec::new();
    for tag in tags.iter().filter(|t| t.opener == "{%") {
        let kw = keyword(tag.body);
        let past_error = tag.start >= error_at;
        if let Some((_, end)) = BLOCKS.iter().find(|(open, _)| *open == kw) {
            if past_error {
                break;
            }
            stack.push((tag, end));
        } else if BLOCKS.iter().any(|(_, end)| *end == kw) {
            let wanted = stack.last().map(|(_, end)| *end);
            if wanted == Some(kw) {
                if past_error {
                    break;
                }
                stack.pop();
                continue;
            }
            // An end tag that does not end the innermost open block.
            let here = line_of(src, tag.start);
            return Some(match stack.last() {
                Some((open, end)) => format!(
                    "`{}` at line {here} does not close the innermost open block: `{}` from line {} needs `{{% {end} %}}` first",
                    shown(src, tag),
                    shown(src, open),
                    line_of(src, open.start)
                ),
                None => format!(
                    "`{}` at line {here} closes a block that is not open",
                    shown(src, tag)
                ),
            });
        }
    }
    match stack.last() {
        Some((open, end)) if message.contains("end of input") => Some(format!(
            "`{}` opened at line {} is never closed: add `{{% {end} %}}` where it should end",
            shown(src, open),
            line_of(src, open.start)
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_block_is_named_with_its_line() {
        let src = "# T\n\n{% if a %}\nx\n{% for v in l %}\n- {{ v }}\n{% endfor %}\n\nend\n";
        let h = hint(src, 10, 1, "Unexpected end of input").unwrap();
        assert!(
            h.contains("`{% if a %}` opened at line 3 is never closed") && h.contains("endif"),
            "{h}"
        );
    }

    #[test]
    fn missing_closing_delimiter_is_named() {
        let src = "intro\n{% for v in l %}\n- {{ v }}\n{% endfor\n\nMore text here.\n";
        let h = hint(src, 6, 1, "Found identifier but expected %}").unwrap();
        assert!(
            h.contains("`{% endfor` opened at line 4 runs on to line 6") && h.contains("`%}`"),
            "{h}"
        );
    }

    #[test]
    fn end_tag_closing_the_wrong_block() {
        let src = "{% if a %}\n{% for v in l %}\n{% endif %}\n{% endif %}\n";
        let h = hint(src, 3, 4, "Unknown tag").unwrap();
        assert!(
            h.contains("`{% endif %}` at line 3")
                && h.contains("`{% for v in l %}` from line 2 needs `{% endfor %}` first"),
            "{h}"
        );
        let stray = hint("text\n{%- endfor -%}\n", 2, 5, "Unknown tag").unwrap();
        assert!(stray.contains("closes a block that is not open"), "{stray}");
    }

    #[test]
    fn balanced_templates_and_raw_blocks_get_no_hint() {
        let src = "{% if a %}{% raw %}{% if %}{% endraw %}{{ b }}{% endif %}\n{{ c | oops }}";
        assert_eq!(hint(src, 2, 8, "Unknown filter"), None);
        // A tag that spans lines is not taken for one missing its closer.
        let spans = "{% set l = [\n  1,\n  2 x] %}\n";
        assert_eq!(hint(spans, 3, 5, "Found identifier but expected ]"), None);
        // Lines and columns past the end do not panic.
        assert_eq!(hint("", 9, 9, "Unexpected end of input"), None);
        assert_eq!(hint("é{%", 1, 40, "x"), None);
    }
}
