//! A small, renderer-independent block model of a rendered Markdown document.
//!
//! Paged writers (PDF now, Word later) cannot lay out straight from
//! pulldown-cmark's event stream: they need to measure a whole paragraph, a
//! whole table or a whole list item before deciding where it goes. This module
//! folds the events (parsed with [`crate::writers::markdown_options`], so every
//! writer agrees on the dialect) into [`Block`]s and [`Inline`]s with a stack of
//! open frames.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::writers::{heading_slug, markdown_options};

/// Inline content of a paragraph, heading, list item or table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Link {
        dest: String,
        children: Vec<Inline>,
    },
    /// A footnote reference, by label.
    FootnoteRef(String),
    /// A line break in the source inside a paragraph: rendered as a space.
    SoftBreak,
    /// An explicit line break (two trailing spaces or a backslash).
    HardBreak,
}

/// Column alignment of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Default,
    Left,
    Center,
    Right,
}

/// One item of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// `Some(checked)` for a task-list item.
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

/// A block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading; `id` is the explicit `{#id}` or [`heading_slug`] of its text,
    /// the same anchor the HTML writer uses, so cross-document links agree.
    Heading {
        level: u8,
        id: String,
        inlines: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    /// A list; `start` is the first number of an ordered list.
    List {
        start: Option<u64>,
        items: Vec<ListItem>,
    },
    Table {
        aligns: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Code {
        lang: Option<String>,
        text: String,
    },
    Quote(Vec<Block>),
    Rule,
    FootnoteDef {
        label: String,
        blocks: Vec<Block>,
    },
}

/// The plain text of inline content (links keep their text, breaks become spaces).
/// A heading's text as the HTML page reads it for its slug: footnote
/// references are not part of it, and white space is collapsed.
fn heading_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => {
                out.push_str(&heading_text(c))
            }
            Inline::Link { children, .. } => out.push_str(&heading_text(children)),
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
            Inline::FootnoteRef(_) => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(inlines, &mut out);
    out
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => push_plain(c, out),
            Inline::Link { children, .. } => push_plain(children, out),
            Inline::FootnoteRef(l) => {
                out.push('[');
                out.push_str(l);
                out.push(']');
            }
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
        }
    }
}

/// What an open inline frame becomes when it closes.
#[derive(Debug)]
enum InlineKind {
    Paragraph,
    /// Text directly inside a tight list item: closed by the next block or the item's end.
    ImplicitParagraph,
    Heading {
        level: u8,
        id: Option<String>,
    },
    Emph,
    Strong,
    Strike,
    Link {
        dest: String,
    },
    /// An image: its alt text is kept, in italics, since paged output has no image loader here.
    Image,
    Cell,
}

#[derive(Debug)]
enum BlocksKind {
    Root,
    Quote,
    Item { task: Option<bool> },
    Footnote { label: String },
}

#[derive(Debug)]
enum Frame {
    Blocks {
        kind: BlocksKind,
        blocks: Vec<Block>,
    },
    Inlines {
        kind: InlineKind,
        inlines: Vec<Inline>,
    },
    List {
        start: Option<u64>,
        items: Vec<ListItem>,
    },
    Table {
        aligns: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        row: Vec<Vec<Inline>>,
    },
    Code {
        lang: Option<String>,
        text: String,
    },
}

/// Parse rendered Markdown into blocks.
pub fn parse(markdown: &str) -> Vec<Block> {
    let mut f = Folder {
        stack: vec![Frame::Blocks {
            kind: BlocksKind::Root,
            blocks: Vec::new(),
        }],
        heading_ids: crate::writers::html::body::RESERVED_IDS
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    for event in Parser::new_ext(markdown, markdown_options()) {
        f.event(event);
    }
    f.close_implicit();
    // Close anything a malformed stream left open, innermost first.
    while f.stack.len() > 1 {
        f.close_top();
    }
    match f.stack.pop() {
        Some(Frame::Blocks { blocks, .. }) => blocks,
        _ => Vec::new(),
    }
}

struct Folder {
    stack: Vec<Frame>,
    /// Heading ids given so far: a repeated one gets `-2`, `-3`… in document
    /// order, as the HTML page's ids do, so a link to `#same-heading-2` has a
    /// target in the PDF and Word files too.
    heading_ids: std::collections::BTreeSet<String>,
}

impl Folder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.push_text(&t),
            Event::Code(t) => self.push_inline(Inline::Code(t.into_string())),
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.push_inline(Inline::Code(t.into_string()))
            }
            Event::SoftBreak => self.push_inline(Inline::SoftBreak),
            Event::HardBreak => self.push_inline(Inline::HardBreak),
            Event::Rule => self.push_block(Block::Rule),
            Event::FootnoteReference(l) => self.push_inline(Inline::FootnoteRef(l.into_string())),
            Event::TaskListMarker(checked) => {
                if let Some(Frame::Blocks {
                    kind: BlocksKind::Item { task },
                    ..
                }) = self.stack.last_mut()
                {
                    *task = Some(checked);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                // Raw HTML is data, not markup: shown as typed, as on the HTML
                // page (html::body), so no text of it is lost. A line break
                // is the one tag taken for what it means.
                let tag = h.trim().to_ascii_lowercase();
                if tag == "<br>" || tag == "<br/>" || tag == "<br />" {
                    self.push_inline(Inline::HardBreak);
                } else {
                    let text = h.strip_suffix('\n').unwrap_or(&h);
                    for (i, line) in text.split('\n').enumerate() {
                        if i > 0 {
                            self.push_inline(Inline::SoftBreak);
                        }
                        self.push_text(line);
                    }
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.close_implicit();
                self.open_inlines(InlineKind::Paragraph);
            }
            Tag::Heading { level, id, .. } => {
                self.close_implicit();
                self.open_inlines(InlineKind::Heading {
                    level: level as u8,
                    id: id.map(|s| s.into_string()),
                });
            }
            Tag::BlockQuote(_) => {
                self.close_implicit();
                self.stack.push(Frame::Blocks {
                    kind: BlocksKind::Quote,
                    blocks: Vec::new(),
                });
            }
            Tag::CodeBlock(kind) => {
                self.close_implicit();
                let lang = match kind {
                    CodeBlockKind::Fenced(l) if !l.trim().is_empty() => Some(l.trim().to_string()),
                    _ => None,
                };
                self.stack.push(Frame::Code {
                    lang,
                    text: String::new(),
                });
            }
            Tag::List(start) => {
                self.close_implicit();
                self.stack.push(Frame::List {
                    start,
                    items: Vec::new(),
                });
            }
            Tag::Item => {
                self.stack.push(Frame::Blocks {
                    kind: BlocksKind::Item { task: None },
                    blocks: Vec::new(),
                });
            }
            Tag::FootnoteDefinition(label) => {
                self.close_implicit();
                self.stack.push(Frame::Blocks {
                    kind: BlocksKind::Footnote {
                        label: label.into_string(),
                    },
                    blocks: Vec::new(),
                });
            }
            Tag::Table(aligns) => {
                self.close_implicit();
                let aligns = aligns
                    .into_iter()
                    .map(|a| match a {
                        Alignment::None => Align::Default,
                        Alignment::Left => Align::Left,
                        Alignment::Center => Align::Center,
                        Alignment::Right => Align::Right,
                    })
                    .collect();
                self.stack.push(Frame::Table {
                    aligns,
                    head: Vec::new(),
                    rows: Vec::new(),
                    row: Vec::new(),
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(Frame::Table { row, .. }) = self.stack.last_mut() {
                    row.clear();
                }
            }
            Tag::TableCell => self.open_inlines(InlineKind::Cell),
            Tag::Emphasis => self.open_inlines(InlineKind::Emph),
            Tag::Strong => self.open_inlines(InlineKind::Strong),
            Tag::Strikethrough => self.open_inlines(InlineKind::Strike),
            Tag::Link { dest_url, .. } => self.open_inlines(InlineKind::Link {
                dest: dest_url.into_string(),
            }),
            Tag::Image { .. } => self.open_inlines(InlineKind::Image),
            // A raw HTML block is one paragraph of its text.
            Tag::HtmlBlock => {
                self.close_implicit();
                self.open_inlines(InlineKind::Paragraph);
            }
            // Not enabled in the dialect, or without a paged rendering: their
            // content flows into the enclosing frame.
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::TableCell => {
                if matches!(
                    self.stack.last(),
                    Some(Frame::Inlines {
                        kind: InlineKind::ImplicitParagraph,
                        ..
                    })
                ) {
                    self.close_top();
                }
                self.close_top();
            }
            TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.close_implicit();
                self.close_top();
            }
            TagEnd::CodeBlock | TagEnd::List(_) | TagEnd::Table | TagEnd::HtmlBlock => {
                self.close_implicit();
                self.close_top();
            }
            TagEnd::TableHead => {
                if let Some(Frame::Table { head, row, .. }) = self.stack.last_mut() {
                    *head = std::mem::take(row);
                }
            }
            TagEnd::TableRow => {
                if let Some(Frame::Table { rows, row, .. }) = self.stack.last_mut() {
                    rows.push(std::mem::take(row));
                }
            }
            _ => {}
        }
    }

    fn open_inlines(&mut self, kind: InlineKind) {
        self.stack.push(Frame::Inlines {
            kind,
            inlines: Vec::new(),
        });
    }

    /// Close a tight list item's implicit paragraph, if one is open.
    fn close_implicit(&mut self) {
        if matches!(
            self.stack.last(),
            Some(Frame::Inlines {
                kind: InlineKind::ImplicitParagraph,
                ..
            })
        ) {
            self.close_top();
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some(Frame::Code { text: code, .. }) = self.stack.last_mut() {
            code.push_str(text);
            return;
        }
        if let Some(Frame::Inlines { inlines, .. }) = self.stack.last_mut()
            && let Some(Inline::Text(prev)) = inlines.last_mut()
        {
            prev.push_str(text);
            return;
        }
        self.push_inline(Inline::Text(text.to_string()));
    }

    fn push_inline(&mut self, inline: Inline) {
        match self.stack.last_mut() {
            Some(Frame::Inlines { inlines, .. }) => inlines.push(inline),
            Some(Frame::Code { text, .. }) => {
                if let Inline::Text(t) | Inline::Code(t) = &inline {
                    text.push_str(t);
                }
            }
            Some(Frame::Blocks { .. }) => {
                self.stack.push(Frame::Inlines {
                    kind: InlineKind::ImplicitParagraph,
                    inlines: vec![inline],
                });
            }
            _ => {}
        }
    }

    fn push_block(&mut self, block: Block) {
        self.close_implicit();
        if let Some(Frame::Blocks { blocks, .. }) = self.stack.last_mut() {
            blocks.push(block);
        }
    }

    /// Pop the innermost frame and attach what it built to its parent.
    fn close_top(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::Inlines { kind, inlines } => match kind {
                InlineKind::Paragraph | InlineKind::ImplicitParagraph => {
                    if !inlines.is_empty() {
                        self.push_block(Block::Paragraph(inlines));
                    }
                }
                InlineKind::Heading { level, id } => {
                    let wanted = match id {
                        Some(id) if !id.is_empty() && !id.chars().any(char::is_whitespace) => id,
                        _ => heading_slug(&heading_text(&inlines)),
                    };
                    let mut id = wanted.clone();
                    let mut n = 2usize;
                    while !self.heading_ids.insert(id.clone()) {
                        id = format!("{wanted}-{n}");
                        n += 1;
                    }
                    self.push_block(Block::Heading { level, id, inlines });
                }
                InlineKind::Emph | InlineKind::Image => self.push_inline(Inline::Emph(inlines)),
                InlineKind::Strong => self.push_inline(Inline::Strong(inlines)),
                InlineKind::Strike => self.push_inline(Inline::Strike(inlines)),
                InlineKind::Link { dest } => self.push_inline(Inline::Link {
                    dest,
                    children: inlines,
                }),
                InlineKind::Cell => {
                    if let Some(Frame::Table { row, .. }) = self.stack.last_mut() {
                        row.push(inlines);
                    }
                }
            },
            Frame::Blocks { kind, blocks } => match kind {
                BlocksKind::Root => {}
                BlocksKind::Quote => self.push_block(Block::Quote(blocks)),
                BlocksKind::Item { task } => {
                    if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                        items.push(ListItem { task, blocks });
                    }
                }
                BlocksKind::Footnote { label } => {
                    self.push_block(Block::FootnoteDef { label, blocks })
                }
            },
            Frame::List { start, items } => self.push_block(Block::List { start, items }),
            Frame::Table {
                aligns, head, rows, ..
            } => self.push_block(Block::Table { aligns, head, rows }),
            Frame::Code { lang, mut text } => {
                if text.ends_with('\n') {
                    text.pop();
                }
                self.push_block(Block::Code { lang, text });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    #[test]
    fn headings_get_explicit_or_slug_ids() {
        let b = parse("# Access Control Policy\n\n## Scope {#scope-x}\n");
        assert_eq!(
            b,
            vec![
                Block::Heading {
                    level: 1,
                    id: "access-control-policy".into(),
                    inlines: vec![t("Access Control Policy")]
                },
                Block::Heading {
                    level: 2,
                    id: "scope-x".into(),
                    inlines: vec![t("Scope")]
                },
            ]
        );
    }

    #[test]
    fn inline_runs_and_escapes() {
        let b = parse("A **bold** *it* `code` [link](https://x.example) \\*not\\* \\<tag\\>\n");
        let Block::Paragraph(inl) = &b[0] else {
            panic!("not a paragraph: {b:?}")
        };
        assert_eq!(inl[1], Inline::Strong(vec![t("bold")]));
        assert_eq!(inl[3], Inline::Emph(vec![t("it")]));
        assert_eq!(inl[5], Inline::Code("code".into()));
        assert_eq!(
            inl[7],
            Inline::Link {
                dest: "https://x.example".into(),
                children: vec![t("link")]
            }
        );
        assert_eq!(plain_text(inl), "A bold it code link *not* <tag>");
    }

    #[test]
    fn tight_and_nested_lists() {
        let b = parse("- one\n- two\n  1. a\n  2. b\n- [x] done\n");
        let Block::List { start: None, items } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].blocks, vec![Block::Paragraph(vec![t("one")])]);
        let Block::List {
            start: Some(1),
            items: inner,
        } = &items[1].blocks[1]
        else {
            panic!("{:?}", items[1])
        };
        assert_eq!(inner.len(), 2);
        assert_eq!(items[2].task, Some(true));
    }

    #[test]
    fn tables_quotes_rules_code() {
        let md = "| A | B |\n|:--|--:|\n| 1 | 2 |\n| 3 | x@y.example |\n\n> quoted\n> text\n\n---\n\n```sh\nls\n```\n";
        let b = parse(md);
        let Block::Table { aligns, head, rows } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(aligns, &vec![Align::Left, Align::Right]);
        assert_eq!(head, &vec![vec![t("A")], vec![t("B")]]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][1], vec![t("x@y.example")]);
        assert_eq!(
            b[1],
            Block::Quote(vec![Block::Paragraph(vec![
                t("quoted"),
                Inline::SoftBreak,
                t("text")
            ])])
        );
        assert_eq!(b[2], Block::Rule);
        assert_eq!(
            b[3],
            Block::Code {
                lang: Some("sh".into()),
                text: "ls".into()
            }
        );
    }

    #[test]
    fn raw_html_is_text() {
        // As on the HTML page: nothing of it is dropped, a block is a paragraph.
        let b = parse(
            "A <b>b</b> <!-- c --> z<br>y\n\n<details><summary>S</summary>Body</details>\n\nAfter\n",
        );
        assert_eq!(
            b,
            vec![
                Block::Paragraph(vec![
                    t("A <b>b</b> <!-- c --> z"),
                    Inline::HardBreak,
                    t("y")
                ]),
                Block::Paragraph(vec![t("<details><summary>S</summary>Body</details>")]),
                Block::Paragraph(vec![t("After")]),
            ]
        );
    }

    #[test]
    fn unicode_survives() {
        let b = parse("Café “quoted” — 5 €, Straße, niño\n");
        assert_eq!(
            b,
            vec![Block::Paragraph(vec![t(
                "Café “quoted” — 5 €, Straße, niño"
            )])]
        );
    }

    fn ids(markdown: &str) -> Vec<String> {
        parse(markdown)
            .into_iter()
            .filter_map(|b| match b {
                Block::Heading { id, .. } => Some(id),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn repeated_headings_get_the_html_pages_ids() {
        // The HTML writer's plan_headings: `-2`, `-3` in document order, and
        // the page's own ids are never given to a heading.
        assert_eq!(
            ids(
                "## Same heading\n\n## Same heading\n\n## Same heading {#same-heading}\n\n## Top {#hicp-top}\n"
            ),
            [
                "same-heading",
                "same-heading-2",
                "same-heading-3",
                "hicp-top-2"
            ]
        );
    }
}
