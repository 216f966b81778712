//! Word (DOCX) writer: one editable `.docx` per document, from the same block
//! model as the PDF ([`crate::blocks`]).
//!
//! The point of this format is editing, so the file uses Word's own structure
//! rather than look-alike formatting: paragraph styles named `heading 1`..`heading 6`
//! (Word's navigation pane and table of contents find them), list paragraphs
//! with real numbering definitions, tables with a repeating header row,
//! bookmarks on headings and hyperlinks to them, real footnotes, PAGE /
//! NUMPAGES fields in the footer.
//!
//! The WordprocessingML is written here, not by a library: the library this
//! replaced wrote property elements out of schema order (`w:rPr` before
//! `w:pStyle`, `numId` before `ilvl`, header references last in `w:sectPr`…),
//! added unreferenced comment and footnote parts, and needed string patches
//! for header rows, cross-file anchors and deterministic ids. Writing the XML
//! directly makes every part's content and order a decision of this module:
//! [`xml`] holds the property sets in schema order, [`zip`] the container.
//!
//! Everything is a function of the document and the pack: ids come from
//! counters local to one render, parts and relationships are written in a
//! fixed order, the zip has fixed timestamps. Same input, same bytes.

mod xml;
mod zip;

use std::collections::{BTreeMap, BTreeSet};

use crate::blocks::{self, Align, Block, Inline, ListItem, plain_text};
use crate::model::{PackInfo, PaperSize, RenderedDoc};
use crate::writers::doc_link_target;
use crate::writers::html::body::{LinkContext, resolve_link};
use xml::{Border, PPr, RPr, Side, Spacing, Xml, clean, escape};

/// Why a Word file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// A part, or the whole file, is past the 4 GiB the zip container holds.
    #[error("the Word file of {doc} is too large: {what} is past 4 GiB")]
    TooLarge { doc: String, what: String },
}

/// Subject of every document's properties.
const SUBJECT: &str = "HICP cybersecurity policy pack";
/// Accent colour when the pack's is not `#rrggbb` (the render stage checks it; this is a safety net).
const DEFAULT_ACCENT: &str = "1F4E79";
const BODY_FONT: &str = "Calibri";
const MONO_FONT: &str = "Courier New";
/// Text colours: muted furniture, DRAFT marker, table borders.
const MUTED: &str = "595959";
const DRAFT: &str = "B00020";
const BORDER: &str = "A6A6A6";
/// One inch, in twentieths of a point: the Letter margin.
const INCH: i32 = 1440;
/// 25 mm, the A4 margin (as in the PDF).
const A4_MARGIN: i32 = 1417;
/// Indentation step for quotes and list levels (half an inch).
const STEP: i32 = 720;
/// Abstract numbering ids of the two list definitions.
const ABSTRACT_BULLET: usize = 2;
const ABSTRACT_ORDERED: usize = 3;
/// Word numbering has nine levels (0..=8).
const MAX_LEVEL: usize = 8;
/// Word's built-in bookmark for the top of the document.
const TOP: &str = "_top";

const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const NS_PIC: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const CT_WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";

/// One document's Word file. Links `other-id.md#anchor` become links to
/// `other-id.docx` at the heading's bookmark; `#anchor` jumps to the bookmark
/// on the heading in this document.
pub fn render_document(doc: &RenderedDoc, pack: &PackInfo) -> Result<Vec<u8>, DocxError> {
    let accent = accent_hex(&pack.accent_color);
    // The PDF's page geometry (writers::pdf::layout::Geometry), so both print alike.
    let (page_w, page_h, margin) = match pack.paper {
        PaperSize::Letter => (12240, 15840, INCH),
        PaperSize::A4 => (11906, 16838, A4_MARGIN),
    };
    let content_width = (page_w - 2 * margin) as usize;
    let pack_ids: BTreeSet<&str> = pack.documents.iter().map(|d| d.id.as_str()).collect();
    let parsed = blocks::parse(&doc.markdown);
    let mut w = Writer {
        link_ctx: LinkContext {
            pack_ids: &pack_ids,
            self_id: &doc.meta.id,
            title: &doc.meta.title,
        },
        accent: accent.clone(),
        header_fill: tint(&accent, 0.85),
        content_width,
        next_bookmark: 0,
        bookmarks: BTreeSet::new(),
        links: Vec::new(),
        lists: Vec::new(),
        footnote_defs: BTreeMap::new(),
        footnote_refs: BTreeSet::new(),
        footnote_ids: BTreeMap::new(),
        footnotes: Vec::new(),
        in_footnote: false,
    };
    collect_footnotes(&parsed, &mut w.footnote_defs, &mut w.footnote_refs);
    let mut body = Xml::new();
    w.blocks(&parsed, Ctx::default(), &mut body);
    body.buf.push_str(&section(page_w, page_h, margin));

    let logo = logo_picture(pack);
    let header = w.header(pack, &doc.meta.title, logo.as_ref());
    let footer = w.footer(&doc.meta);
    let has_footnotes = !w.footnotes.is_empty();

    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |name: &str, data: Vec<u8>| parts.push((name.to_string(), data));
    add(
        "[Content_Types].xml",
        content_types(logo.is_some(), has_footnotes).into_bytes(),
    );
    add("_rels/.rels", package_rels().into_bytes());
    add("docProps/core.xml", core_properties(doc, pack).into_bytes());
    add("docProps/app.xml", app_properties().into_bytes());
    add(
        "word/document.xml",
        part("w:document", &body.buf).into_bytes(),
    );
    add(
        "word/_rels/document.xml.rels",
        document_rels(&w.links, has_footnotes).into_bytes(),
    );
    add("word/styles.xml", styles(&accent).into_bytes());
    add("word/settings.xml", settings(has_footnotes).into_bytes());
    add("word/numbering.xml", numbering(&w.lists).into_bytes());
    add("word/fontTable.xml", font_table().into_bytes());
    add("word/header1.xml", part("w:hdr", &header).into_bytes());
    add("word/footer1.xml", part("w:ftr", &footer).into_bytes());
    if has_footnotes {
        add(
            "word/footnotes.xml",
            footnotes_part(&w.footnotes).into_bytes(),
        );
    }
    if let Some(logo) = &logo {
        add("word/_rels/header1.xml.rels", logo_rels().into_bytes());
        add("word/media/logo.png", logo.bytes.to_vec());
    }
    zip::store(&parts).map_err(|e| DocxError::TooLarge {
        doc: doc.meta.id.clone(),
        what: e.0,
    })
}

/// Where a block sits: nesting decides indentation and paragraph style.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    /// Left indent from enclosing quotes, in twips.
    indent: i32,
    /// Inside a block quote: paragraphs take the Quote style.
    quote: bool,
    /// Inside a table cell: tighter spacing and the cell's font size.
    cell: Option<CellFmt>,
    /// List nesting depth (0 outside lists).
    depth: usize,
    /// Inside a footnote: paragraphs take the footnote text style.
    footnote: bool,
}

#[derive(Debug, Clone, Copy)]
struct CellFmt {
    size: usize,
    align: Align,
    bold: bool,
}

/// Character formatting accumulated down the inline tree.
#[derive(Debug, Clone, Copy, Default)]
struct Fmt {
    bold: bool,
    italic: bool,
    strike: bool,
    link: bool,
    size: Option<usize>,
}

impl Fmt {
    fn rpr(self) -> RPr {
        RPr {
            style: self.link.then_some("Hyperlink"),
            bold: self.bold,
            italic: self.italic,
            strike: self.strike,
            size: self.size,
            ..RPr::default()
        }
    }
}

/// One list's numbering instance: its definition, level and first number.
struct ListNum {
    abstract_id: usize,
    level: usize,
    start: usize,
}

/// State of one render. Every id in the package comes from here, so the same
/// input gives the same ids whatever thread renders it or what ran before.
struct Writer<'a> {
    link_ctx: LinkContext<'a>,
    accent: String,
    header_fill: String,
    content_width: usize,
    next_bookmark: usize,
    /// Bookmark names already used in this document.
    bookmarks: BTreeSet<String>,
    /// External hyperlink targets; relationship `rIdLink{n}` is entry n-1.
    links: Vec<String>,
    /// Numbering instances; `w:numId` n is entry n-1.
    lists: Vec<ListNum>,
    /// Footnote definitions by label.
    footnote_defs: BTreeMap<String, Vec<Block>>,
    /// Labels referenced from the text: their definitions become Word footnotes.
    footnote_refs: BTreeSet<String>,
    /// Label → Word footnote id (1-based, the number Word shows), once referenced.
    footnote_ids: BTreeMap<String, usize>,
    /// Body XML of each footnote, in id order.
    footnotes: Vec<String>,
    in_footnote: bool,
}

impl Writer<'_> {
    fn blocks(&mut self, blocks: &[Block], ctx: Ctx, x: &mut Xml) {
        for block in blocks {
            self.block(block, ctx, x);
        }
    }

    fn block(&mut self, block: &Block, ctx: Ctx, x: &mut Xml) {
        match block {
            Block::Heading { level, id, inlines } => {
                let level = (*level).clamp(1, 6);
                let ppr = PPr {
                    style: Some(HEADING_STYLES[usize::from(level) - 1]),
                    keep_next: true,
                    ..PPr::default()
                };
                // The block model gives each heading the HTML page's id
                // (unique in the document), which links are written against.
                let id = id.clone();
                // Names are unique by construction (see bookmark_name); should
                // two ids still meet, the first keeps it, as in HTML.
                let name = bookmark_name(&id);
                let bm = self.bookmarks.insert(name.clone()).then(|| {
                    self.next_bookmark += 1;
                    self.next_bookmark - 1
                });
                x.open("w:p", &[]);
                ppr.write(x);
                if let Some(bm) = bm {
                    x.empty(
                        "w:bookmarkStart",
                        &[("w:id", &bm.to_string()), ("w:name", &name)],
                    );
                }
                self.inlines(x, inlines, Fmt::default(), false);
                if let Some(bm) = bm {
                    x.empty("w:bookmarkEnd", &[("w:id", &bm.to_string())]);
                }
                x.close("w:p");
            }
            Block::Paragraph(inlines) => {
                x.open("w:p", &[]);
                self.body_ppr(ctx).write(x);
                self.inlines(x, inlines, cell_fmt(ctx), false);
                x.close("w:p");
            }
            Block::List { start, items } => self.list(*start, items, ctx, x),
            Block::Table { aligns, head, rows } => {
                self.table(aligns, head, rows, x);
                // Two tables in a row would merge in Word; a small paragraph keeps them apart.
                if ctx.cell.is_none() {
                    x.open("w:p", &[]);
                    PPr {
                        spacing: Some(Spacing {
                            before: Some(0),
                            after: Some(0),
                            line: Some(120),
                        }),
                        ..PPr::default()
                    }
                    .write(x);
                    x.close("w:p");
                }
            }
            Block::Code { text, .. } => {
                let left = ctx.indent + list_indent(ctx.depth);
                x.open("w:p", &[]);
                PPr {
                    style: Some("SourceCode"),
                    left: (left > 0).then_some(left),
                    ..PPr::default()
                }
                .write(x);
                x.open("w:r", &[]);
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        x.empty("w:br", &[]);
                    }
                    text_elem(x, line);
                }
                x.close("w:r");
                x.close("w:p");
            }
            Block::Quote(inner) => {
                let inner_ctx = Ctx {
                    indent: ctx.indent + STEP,
                    quote: true,
                    ..ctx
                };
                self.blocks(inner, inner_ctx, x);
            }
            Block::Rule => {
                x.open("w:p", &[]);
                PPr {
                    border: Some(Border {
                        side: Side::Bottom,
                        size: 6,
                        space: 1,
                        color: BORDER,
                    }),
                    ..PPr::default()
                }
                .write(x);
                x.close("w:p");
            }
            Block::FootnoteDef { label, blocks } => {
                // A referenced footnote is a Word footnote at the reference;
                // only one nothing points at stays in the text, as in HTML.
                if self.footnote_refs.contains(label) {
                    return;
                }
                let mut rest: &[Block] = blocks;
                x.open("w:p", &[]);
                PPr {
                    style: Some("FootnoteText"),
                    ..PPr::default()
                }
                .write(x);
                let sup = RPr {
                    superscript: true,
                    ..RPr::default()
                };
                run(x, label, &sup);
                run(x, " ", &RPr::default());
                if let Some(Block::Paragraph(first)) = blocks.first() {
                    self.inlines(x, first, Fmt::default(), false);
                    rest = &blocks[1..];
                }
                x.close("w:p");
                self.blocks(rest, ctx, x);
            }
        }
    }

    /// The paragraph properties a plain paragraph of text takes in this context.
    fn body_ppr(&self, ctx: Ctx) -> PPr {
        let mut p = PPr::default();
        if ctx.footnote {
            p.style = Some("FootnoteText");
        } else if ctx.quote {
            p.style = Some("Quote");
        } else if ctx.depth > 0 {
            // A further paragraph of a list item: the item's style and
            // indent, without a number of its own.
            p.style = Some("ListParagraph");
            p.contextual_spacing = true;
        }
        if let Some(cell) = ctx.cell {
            p.spacing = Some(Spacing {
                before: Some(0),
                after: Some(40),
                line: Some(240),
            });
            p.jc = Some(alignment(cell.align));
        }
        let left = ctx.indent + list_indent(ctx.depth);
        if left > 0 {
            p.left = Some(left);
        }
        p
    }

    /// A list: a new numbering instance (so ordered lists restart at their
    /// own start number) of the bullet or ordered definition, paragraphs at
    /// the list's nesting level; an item's further blocks are indented to its
    /// text, without a number.
    fn list(&mut self, start: Option<u64>, items: &[ListItem], ctx: Ctx, x: &mut Xml) {
        let level = ctx.depth.min(MAX_LEVEL);
        let (abstract_id, first) = match start {
            Some(n) => (ABSTRACT_ORDERED, usize::try_from(n).unwrap_or(1)),
            None => (ABSTRACT_BULLET, 1),
        };
        self.lists.push(ListNum {
            abstract_id,
            level,
            start: first,
        });
        let num_id = self.lists.len();
        let inner = Ctx {
            depth: ctx.depth + 1,
            ..ctx
        };
        for item in items {
            let mut rest: &[Block] = &item.blocks;
            let ppr = PPr {
                style: Some(if ctx.quote { "Quote" } else { "ListParagraph" }),
                num: Some((num_id, level)),
                // The level's own indent, moved right by enclosing quotes.
                left: Some(ctx.indent + list_indent(ctx.depth + 1)),
                hanging: Some(360),
                ..PPr::default()
            };
            x.open("w:p", &[]);
            ppr.write(x);
            if let Some(done) = item.task {
                run(x, if done { "☑ " } else { "☐ " }, &RPr::default());
            }
            if let Some(Block::Paragraph(first)) = item.blocks.first() {
                self.inlines(x, first, cell_fmt(ctx), false);
                rest = &item.blocks[1..];
            }
            x.close("w:p");
            self.blocks(rest, inner, x);
        }
    }

    fn table(
        &mut self,
        aligns: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        x: &mut Xml,
    ) {
        let ncols = head
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let size = if ncols >= 4 { 17 } else { 19 };
        let widths = column_widths(ncols, head, rows, self.content_width, size);
        let align_of = |c: usize| aligns.get(c).copied().unwrap_or(Align::Default);

        x.open("w:tbl", &[]);
        // CT_TblPr order: tblW, tblBorders, tblLayout, tblCellMar.
        x.open("w:tblPr", &[]);
        x.empty(
            "w:tblW",
            &[
                ("w:w", &widths.iter().sum::<usize>().to_string()),
                ("w:type", "dxa"),
            ],
        );
        x.open("w:tblBorders", &[]);
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            x.empty(
                &format!("w:{side}"),
                &[
                    ("w:val", "single"),
                    ("w:sz", "4"),
                    ("w:space", "0"),
                    ("w:color", BORDER),
                ],
            );
        }
        x.close("w:tblBorders");
        x.empty("w:tblLayout", &[("w:type", "fixed")]);
        x.open("w:tblCellMar", &[]);
        for (side, w) in [("top", 40), ("left", 90), ("bottom", 40), ("right", 90)] {
            x.empty(
                &format!("w:{side}"),
                &[("w:w", &w.to_string()), ("w:type", "dxa")],
            );
        }
        x.close("w:tblCellMar");
        x.close("w:tblPr");
        x.open("w:tblGrid", &[]);
        for w in &widths {
            x.empty("w:gridCol", &[("w:w", &w.to_string())]);
        }
        x.close("w:tblGrid");

        if !head.is_empty() {
            x.open("w:tr", &[]);
            // The header row repeats on every page and is never split.
            x.open("w:trPr", &[]);
            x.empty("w:cantSplit", &[]);
            x.empty("w:tblHeader", &[]);
            x.close("w:trPr");
            for (c, width) in widths.iter().enumerate() {
                let content = head.get(c).map(Vec::as_slice).unwrap_or(&[]);
                let fmt = CellFmt {
                    size,
                    align: align_of(c),
                    bold: true,
                };
                let fill = self.header_fill.clone();
                self.cell(content, fmt, *width, Some(&fill), x);
            }
            x.close("w:tr");
        }
        for row in rows {
            x.open("w:tr", &[]);
            for (c, width) in widths.iter().enumerate() {
                let content = row.get(c).map(Vec::as_slice).unwrap_or(&[]);
                let fmt = CellFmt {
                    size,
                    align: align_of(c),
                    bold: false,
                };
                self.cell(content, fmt, *width, None, x);
            }
            x.close("w:tr");
        }
        x.close("w:tbl");
    }

    fn cell(
        &mut self,
        content: &[Inline],
        fmt: CellFmt,
        width: usize,
        fill: Option<&str>,
        x: &mut Xml,
    ) {
        x.open("w:tc", &[]);
        // CT_TcPr order: tcW, shd.
        x.open("w:tcPr", &[]);
        x.empty("w:tcW", &[("w:w", &width.to_string()), ("w:type", "dxa")]);
        if let Some(fill) = fill {
            x.empty(
                "w:shd",
                &[("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)],
            );
        }
        x.close("w:tcPr");
        let ctx = Ctx {
            cell: Some(fmt),
            ..Ctx::default()
        };
        // A cell always holds a paragraph, even an empty one.
        self.block(&Block::Paragraph(content.to_vec()), ctx, x);
        x.close("w:tc");
    }

    /// Inline content as runs; `in_link` when already inside a `w:hyperlink`
    /// (which cannot nest: an inner link keeps its text only).
    fn inlines(&mut self, x: &mut Xml, inlines: &[Inline], fmt: Fmt, in_link: bool) {
        for inline in inlines {
            self.inline(x, inline, fmt, in_link);
        }
    }

    fn inline(&mut self, x: &mut Xml, inline: &Inline, fmt: Fmt, in_link: bool) {
        match inline {
            Inline::Text(t) => run(x, t, &fmt.rpr()),
            Inline::Code(t) => {
                let rpr = RPr {
                    style: Some("VerbatimChar"),
                    ..fmt.rpr()
                };
                run(x, t, &rpr);
            }
            Inline::SoftBreak => run(x, " ", &fmt.rpr()),
            Inline::HardBreak => {
                x.open("w:r", &[]);
                x.empty("w:br", &[]);
                x.close("w:r");
            }
            Inline::Emph(c) => self.inlines(
                x,
                c,
                Fmt {
                    italic: true,
                    ..fmt
                },
                in_link,
            ),
            Inline::Strong(c) => self.inlines(x, c, Fmt { bold: true, ..fmt }, in_link),
            Inline::Strike(c) => self.inlines(
                x,
                c,
                Fmt {
                    strike: true,
                    ..fmt
                },
                in_link,
            ),
            Inline::FootnoteRef(label) => self.footnote_ref(x, label, fmt),
            Inline::Link { dest, children } => {
                let target = if in_link { None } else { self.hyperlink(dest) };
                match target {
                    Some(attrs) => {
                        let attrs: Vec<(&str, &str)> =
                            attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        x.open("w:hyperlink", &attrs);
                        self.inlines(x, children, Fmt { link: true, ..fmt }, true);
                        x.close("w:hyperlink");
                    }
                    None => self.inlines(x, children, fmt, in_link),
                }
            }
        }
    }

    /// A footnote reference: a Word footnote (numbered by Word, text at the
    /// foot of the page) the first time a defined label is referenced; the
    /// same number as plain superscript when it is referenced again (a Word
    /// footnote has one reference) or from inside a footnote; `[label]`
    /// superscript when the label has no definition.
    fn footnote_ref(&mut self, x: &mut Xml, label: &str, fmt: Fmt) {
        let sup = RPr {
            superscript: true,
            ..fmt.rpr()
        };
        if let Some(id) = self.footnote_ids.get(label) {
            run(x, &id.to_string(), &sup);
            return;
        }
        let Some(def) = self
            .footnote_defs
            .get(label)
            .filter(|_| !self.in_footnote && self.footnote_refs.contains(label))
            .cloned()
        else {
            run(x, &format!("[{label}]"), &sup);
            return;
        };
        self.footnotes.push(String::new());
        let id = self.footnotes.len();
        self.footnote_ids.insert(label.to_string(), id);
        x.open("w:r", &[]);
        RPr {
            style: Some("FootnoteReference"),
            ..RPr::default()
        }
        .write(x);
        x.empty("w:footnoteReference", &[("w:id", &id.to_string())]);
        x.close("w:r");

        let mut body = Xml::new();
        self.in_footnote = true;
        let ctx = Ctx {
            footnote: true,
            ..Ctx::default()
        };
        let mut rest: &[Block] = &def;
        // The first paragraph starts with the footnote's own number.
        body.open("w:p", &[]);
        self.body_ppr(ctx).write(&mut body);
        body.open("w:r", &[]);
        RPr {
            style: Some("FootnoteReference"),
            ..RPr::default()
        }
        .write(&mut body);
        body.empty("w:footnoteRef", &[]);
        body.close("w:r");
        run(&mut body, " ", &RPr::default());
        if let Some(Block::Paragraph(first)) = def.first() {
            self.inlines(&mut body, first, Fmt::default(), false);
            rest = &def[1..];
        }
        body.close("w:p");
        self.blocks(rest, ctx, &mut body);
        self.in_footnote = false;
        self.footnotes[id - 1] = body.buf;
    }

    /// `w:hyperlink` attributes for a Markdown link target, or `None` to keep
    /// the text only: exactly the links the HTML page makes clickable
    /// ([`resolve_link`]: pack documents, `#anchors`, http(s), mailto and
    /// relative links; no other scheme).
    fn hyperlink(&mut self, dest: &str) -> Option<Vec<(&'static str, String)>> {
        let dest = dest.trim();
        if dest.is_empty() {
            return None;
        }
        let target = resolve_link(dest, &self.link_ctx)?;
        if let Some((id, anchor)) = doc_link_target(dest) {
            if id == self.link_ctx.self_id {
                let name = anchor.map_or_else(|| TOP.to_string(), bookmark_name);
                return Some(vec![("w:anchor", name), ("w:history", "1".into())]);
            }
            let rid = self.external(format!("{id}.docx"));
            let mut attrs = vec![("r:id", rid)];
            if let Some(a) = anchor {
                attrs.push(("w:anchor", bookmark_name(a)));
            }
            attrs.push(("w:history", "1".into()));
            return Some(attrs);
        }
        if let Some(anchor) = target.href.strip_prefix('#') {
            let name = if anchor == "hicp-top" {
                TOP.to_string()
            } else {
                bookmark_name(anchor)
            };
            return Some(vec![("w:anchor", name), ("w:history", "1".into())]);
        }
        let rid = self.external(clean(&target.href));
        Some(vec![("r:id", rid), ("w:history", "1".into())])
    }

    /// An external hyperlink relationship, numbered in order of appearance.
    fn external(&mut self, target: String) -> String {
        self.links.push(target);
        format!("rIdLink{}", self.links.len())
    }

    /// Running header, as in the PDF: logo and short name (accent, bold) at
    /// the left margin, the document title at the right one.
    fn header(&self, pack: &PackInfo, title: &str, logo: Option<&Logo>) -> String {
        let mut x = Xml::new();
        x.open("w:p", &[]);
        PPr {
            style: Some("Header"),
            border: Some(Border {
                side: Side::Bottom,
                size: 4,
                space: 4,
                color: BORDER,
            }),
            right_tab: Some(self.content_width),
            ..PPr::default()
        }
        .write(&mut x);
        if let Some(logo) = logo {
            logo.write(&mut x);
            run(&mut x, " ", &RPr::default());
        }
        run(
            &mut x,
            &pack.short_name,
            &RPr {
                bold: true,
                color: Some(self.accent.clone()),
                ..RPr::default()
            },
        );
        x.open("w:r", &[]);
        let muted = RPr {
            color: Some(MUTED.into()),
            ..RPr::default()
        };
        muted.write(&mut x);
        x.empty("w:tab", &[]);
        text_elem(&mut x, title);
        x.close("w:r");
        x.close("w:p");
        x.buf
    }

    /// Footer: document id · Version v · status, and "Page X of Y" at the right
    /// margin with PAGE and NUMPAGES fields (Word fills them in per page).
    fn footer(&self, meta: &crate::model::DocMeta) -> String {
        let mut x = Xml::new();
        x.open("w:p", &[]);
        PPr {
            style: Some("Footer"),
            border: Some(Border {
                side: Side::Top,
                size: 4,
                space: 4,
                color: BORDER,
            }),
            right_tab: Some(self.content_width),
            ..PPr::default()
        }
        .write(&mut x);
        let status_color = if meta.status_label.eq_ignore_ascii_case("draft") {
            DRAFT
        } else {
            MUTED
        };
        run(
            &mut x,
            &format!("{}  ·  Version {}  ·  ", meta.id, meta.version),
            &RPr::default(),
        );
        run(
            &mut x,
            &meta.status_label,
            &RPr {
                bold: true,
                color: Some(status_color.into()),
                ..RPr::default()
            },
        );
        x.open("w:r", &[]);
        x.empty("w:tab", &[]);
        text_elem(&mut x, "Page ");
        x.close("w:r");
        field(&mut x, "PAGE");
        run(&mut x, " of ", &RPr::default());
        field(&mut x, "NUMPAGES");
        x.close("w:p");
        x.buf
    }
}

/// Paragraph style ids of heading levels 1..=6.
const HEADING_STYLES: [&str; 6] = [
    "Heading1", "Heading2", "Heading3", "Heading4", "Heading5", "Heading6",
];

/// Footnote definitions by label, and the labels referenced from the text
/// (not from inside a footnote: Word footnotes do not nest), anywhere in the
/// document: a definition can come before or after its reference.
fn collect_footnotes(
    blocks: &[Block],
    defs: &mut BTreeMap<String, Vec<Block>>,
    refs: &mut BTreeSet<String>,
) {
    walk_footnotes(blocks, defs, refs);
}

fn walk_footnotes(
    blocks: &[Block],
    defs: &mut BTreeMap<String, Vec<Block>>,
    refs: &mut BTreeSet<String>,
) {
    for block in blocks {
        match block {
            Block::Heading { inlines, .. } | Block::Paragraph(inlines) => {
                inline_refs(inlines, refs)
            }
            Block::List { items, .. } => {
                for item in items {
                    walk_footnotes(&item.blocks, defs, refs);
                }
            }
            Block::Table { head, rows, .. } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    inline_refs(cell, refs);
                }
            }
            Block::Quote(inner) => walk_footnotes(inner, defs, refs),
            Block::FootnoteDef { label, blocks } => {
                defs.entry(label.clone()).or_insert_with(|| blocks.clone());
                walk_footnotes(blocks, defs, &mut BTreeSet::new());
            }
            Block::Code { .. } | Block::Rule => {}
        }
    }
}

fn inline_refs(inlines: &[Inline], refs: &mut BTreeSet<String>) {
    for inline in inlines {
        match inline {
            Inline::FootnoteRef(l) => {
                refs.insert(l.clone());
            }
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => inline_refs(c, refs),
            Inline::Link { children, .. } => inline_refs(children, refs),
            Inline::Text(_) | Inline::Code(_) | Inline::SoftBreak | Inline::HardBreak => {}
        }
    }
}

fn cell_fmt(ctx: Ctx) -> Fmt {
    match ctx.cell {
        Some(c) => Fmt {
            bold: c.bold,
            size: Some(c.size),
            ..Fmt::default()
        },
        None => Fmt::default(),
    }
}

/// `<w:t>` with the text kept as typed (leading and trailing spaces too).
fn text_elem(x: &mut Xml, text: &str) {
    x.open("w:t", &[("xml:space", "preserve")]);
    x.text(text);
    x.close("w:t");
}

/// One run of text.
fn run(x: &mut Xml, text: &str, rpr: &RPr) {
    x.open("w:r", &[]);
    rpr.write(x);
    text_elem(x, text);
    x.close("w:r");
}

/// A complex field (`PAGE`, `NUMPAGES`) with a placeholder result Word replaces when it lays out.
fn field(x: &mut Xml, instr: &str) {
    let char_run = |x: &mut Xml, kind: &str| {
        x.open("w:r", &[]);
        x.empty("w:fldChar", &[("w:fldCharType", kind)]);
        x.close("w:r");
    };
    char_run(x, "begin");
    x.open("w:r", &[]);
    x.open("w:instrText", &[]);
    x.text(instr);
    x.close("w:instrText");
    x.close("w:r");
    char_run(x, "separate");
    run(x, "1", &RPr::default());
    char_run(x, "end");
}

fn alignment(a: Align) -> &'static str {
    match a {
        Align::Default | Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

/// Left indent of list level `depth` (1-based; 0 = not in a list).
fn list_indent(depth: usize) -> i32 {
    let d = i32::try_from(depth.min(MAX_LEVEL + 1)).unwrap_or(0);
    d * 360 + if d > 0 { 360 } else { 0 }
}

/// Column widths (twips) summing to the content width. Each column first
/// gets room for its longest word (so "Role" never wraps mid-word), then the
/// rest is shared by how much more its longest cell wants; a long URL column
/// is capped so it cannot starve the others.
fn column_widths(
    ncols: usize,
    head: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    total: usize,
    size: usize,
) -> Vec<usize> {
    // An average character is about half an em; bold header text a little more.
    let char_w = size * 6;
    let pad = 220;
    let mut min = vec![4 * char_w + pad; ncols];
    let mut want = min.clone();
    for row in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)) {
        for (c, cell) in row.iter().enumerate().take(ncols) {
            let text = plain_text(cell);
            let word = text
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            let all = text.chars().count();
            min[c] = min[c].max(word.min(20) * char_w + pad);
            want[c] = want[c].max(all.min(60) * char_w + pad);
        }
    }
    for c in 0..ncols {
        want[c] = want[c].max(min[c]);
    }
    let (sum_min, sum_want) = (min.iter().sum::<usize>(), want.iter().sum::<usize>());
    let mut widths: Vec<usize> = if sum_want <= total {
        want.iter().map(|w| w * total / sum_want.max(1)).collect()
    } else if sum_min >= total {
        min.iter().map(|m| m * total / sum_min.max(1)).collect()
    } else {
        let extra = total - sum_min;
        let spread = (sum_want - sum_min).max(1);
        min.iter()
            .zip(&want)
            .map(|(m, w)| m + extra * (w - m) / spread)
            .collect()
    };
    let used: usize = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += total.saturating_sub(used);
    }
    widths
}

/// The header logo, 14 pt tall like the PDF's. Word files carry PNG only; a
/// JPEG logo is left out and the build says so.
struct Logo {
    bytes: std::sync::Arc<[u8]>,
    /// Size in EMU (12,700 per point).
    cx: u64,
    cy: u64,
}

fn logo_picture(pack: &PackInfo) -> Option<Logo> {
    let logo = pack.logo.as_ref().filter(|l| l.mime == "image/png")?;
    let (width, height) = crate::writers::pdf::image::size(logo.mime, &logo.bytes).ok()?;
    if width == 0 || height == 0 {
        return None;
    }
    // 14 pt tall, at most 72 pt wide.
    let (h_pt, aspect) = (14.0_f64, f64::from(width) / f64::from(height));
    let (w_pt, h_pt) = if h_pt * aspect > 72.0 {
        (72.0, 72.0 / aspect)
    } else {
        (h_pt * aspect, h_pt)
    };
    Some(Logo {
        bytes: logo.bytes.clone(),
        cx: (w_pt * 12_700.0) as u64,
        cy: (h_pt * 12_700.0) as u64,
    })
}

impl Logo {
    /// The logo as an inline picture. It sits beside the organization's
    /// short name, so it is marked decorative (Microsoft's `adec:decorative`
    /// extension, which Word's accessibility checker and screen readers
    /// honour), as the HTML page gives it `alt=""`.
    fn write(&self, x: &mut Xml) {
        let (cx, cy) = (self.cx.to_string(), self.cy.to_string());
        x.open("w:r", &[]);
        x.open("w:drawing", &[]);
        x.open(
            "wp:inline",
            &[
                ("distT", "0"),
                ("distB", "0"),
                ("distL", "0"),
                ("distR", "0"),
            ],
        );
        x.empty("wp:extent", &[("cx", &cx), ("cy", &cy)]);
        x.empty(
            "wp:effectExtent",
            &[("l", "0"), ("t", "0"), ("r", "0"), ("b", "0")],
        );
        x.open("wp:docPr", &[("id", "1"), ("name", "Logo")]);
        x.open("a:extLst", &[]);
        x.open(
            "a:ext",
            &[("uri", "{C183D7F6-B498-43B3-948B-1728B52AA6E4}")],
        );
        x.empty(
            "adec:decorative",
            &[
                (
                    "xmlns:adec",
                    "http://schemas.microsoft.com/office/drawing/2017/decorative",
                ),
                ("val", "1"),
            ],
        );
        x.close("a:ext");
        x.close("a:extLst");
        x.close("wp:docPr");
        x.open("wp:cNvGraphicFramePr", &[]);
        x.empty("a:graphicFrameLocks", &[("noChangeAspect", "1")]);
        x.close("wp:cNvGraphicFramePr");
        x.open("a:graphic", &[]);
        x.open("a:graphicData", &[("uri", NS_PIC)]);
        x.open("pic:pic", &[]);
        x.open("pic:nvPicPr", &[]);
        x.empty("pic:cNvPr", &[("id", "0"), ("name", "logo.png")]);
        x.empty("pic:cNvPicPr", &[]);
        x.close("pic:nvPicPr");
        x.open("pic:blipFill", &[]);
        x.empty("a:blip", &[("r:embed", "rIdLogo")]);
        x.open("a:stretch", &[]);
        x.empty("a:fillRect", &[]);
        x.close("a:stretch");
        x.close("pic:blipFill");
        x.open("pic:spPr", &[]);
        x.open("a:xfrm", &[]);
        x.empty("a:off", &[("x", "0"), ("y", "0")]);
        x.empty("a:ext", &[("cx", &cx), ("cy", &cy)]);
        x.close("a:xfrm");
        x.open("a:prstGeom", &[("prst", "rect")]);
        x.empty("a:avLst", &[]);
        x.close("a:prstGeom");
        x.close("pic:spPr");
        x.close("pic:pic");
        x.close("a:graphicData");
        x.close("a:graphic");
        x.close("wp:inline");
        x.close("w:drawing");
        x.close("w:r");
    }
}

/// A part whose root element `root` holds `content`, with the namespaces
/// the writer uses.
fn part(root: &str, content: &str) -> String {
    let mut x = Xml::declaration();
    x.open(
        root,
        &[
            ("xmlns:w", NS_W),
            ("xmlns:r", NS_R),
            ("xmlns:wp", NS_WP),
            ("xmlns:a", NS_A),
            ("xmlns:pic", NS_PIC),
        ],
    );
    if root == "w:document" {
        x.open("w:body", &[]);
        x.raw(content);
        x.close("w:body");
    } else {
        x.raw(content);
    }
    x.close(root);
    x.buf
}

/// Section properties: header and footer references first, then page size,
/// margins and columns (CT_SectPr order).
fn section(page_w: i32, page_h: i32, margin: i32) -> String {
    let mut x = Xml::new();
    let m = margin.to_string();
    x.open("w:sectPr", &[]);
    x.empty(
        "w:headerReference",
        &[("w:type", "default"), ("r:id", "rIdHeader1")],
    );
    x.empty(
        "w:footerReference",
        &[("w:type", "default"), ("r:id", "rIdFooter1")],
    );
    x.empty(
        "w:pgSz",
        &[("w:w", &page_w.to_string()), ("w:h", &page_h.to_string())],
    );
    x.empty(
        "w:pgMar",
        &[
            ("w:top", &m),
            ("w:right", &m),
            ("w:bottom", &m),
            ("w:left", &m),
            ("w:header", &STEP.to_string()),
            ("w:footer", &STEP.to_string()),
            ("w:gutter", "0"),
        ],
    );
    x.empty("w:cols", &[("w:space", &STEP.to_string())]);
    x.close("w:sectPr");
    x.buf
}

fn footnotes_part(notes: &[String]) -> String {
    let mut x = Xml::new();
    // The separator lines Word draws above the notes; settings.xml names them.
    x.open("w:footnote", &[("w:type", "separator"), ("w:id", "-1")]);
    x.raw("<w:p><w:r><w:separator /></w:r></w:p>");
    x.close("w:footnote");
    x.open(
        "w:footnote",
        &[("w:type", "continuationSeparator"), ("w:id", "0")],
    );
    x.raw("<w:p><w:r><w:continuationSeparator /></w:r></w:p>");
    x.close("w:footnote");
    for (i, note) in notes.iter().enumerate() {
        x.open("w:footnote", &[("w:id", &(i + 1).to_string())]);
        x.raw(note);
        x.close("w:footnote");
    }
    part("w:footnotes", &x.buf)
}

fn content_types(png: bool, footnotes: bool) -> String {
    let mut x = Xml::declaration();
    x.open(
        "Types",
        &[(
            "xmlns",
            "http://schemas.openxmlformats.org/package/2006/content-types",
        )],
    );
    x.empty(
        "Default",
        &[
            ("Extension", "rels"),
            (
                "ContentType",
                "application/vnd.openxmlformats-package.relationships+xml",
            ),
        ],
    );
    x.empty(
        "Default",
        &[("Extension", "xml"), ("ContentType", "application/xml")],
    );
    if png {
        x.empty(
            "Default",
            &[("Extension", "png"), ("ContentType", "image/png")],
        );
    }
    let mut over = |name: &str, ct: &str| {
        x.empty("Override", &[("PartName", name), ("ContentType", ct)]);
    };
    over(
        "/docProps/core.xml",
        "application/vnd.openxmlformats-package.core-properties+xml",
    );
    over(
        "/docProps/app.xml",
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    );
    over("/word/document.xml", &format!("{CT_WML}.document.main+xml"));
    over("/word/styles.xml", &format!("{CT_WML}.styles+xml"));
    over("/word/settings.xml", &format!("{CT_WML}.settings+xml"));
    over("/word/numbering.xml", &format!("{CT_WML}.numbering+xml"));
    over("/word/fontTable.xml", &format!("{CT_WML}.fontTable+xml"));
    over("/word/header1.xml", &format!("{CT_WML}.header+xml"));
    over("/word/footer1.xml", &format!("{CT_WML}.footer+xml"));
    if footnotes {
        over("/word/footnotes.xml", &format!("{CT_WML}.footnotes+xml"));
    }
    x.close("Types");
    x.buf
}

fn relationships(rels: &[(&str, &str, &str, bool)]) -> String {
    let mut x = Xml::declaration();
    x.open(
        "Relationships",
        &[(
            "xmlns",
            "http://schemas.openxmlformats.org/package/2006/relationships",
        )],
    );
    for (id, ty, target, external) in rels {
        let mut attrs = vec![("Id", *id), ("Type", *ty), ("Target", *target)];
        if *external {
            attrs.push(("TargetMode", "External"));
        }
        x.empty("Relationship", &attrs);
    }
    x.close("Relationships");
    x.buf
}

fn package_rels() -> String {
    relationships(&[
        (
            "rId1",
            &format!("{REL}/officeDocument"),
            "word/document.xml",
            false,
        ),
        (
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
            false,
        ),
        (
            "rId3",
            &format!("{REL}/extended-properties"),
            "docProps/app.xml",
            false,
        ),
    ])
}

fn document_rels(links: &[String], footnotes: bool) -> String {
    let types: Vec<(String, String, &str)> = vec![
        ("rId1".into(), format!("{REL}/styles"), "styles.xml"),
        ("rId2".into(), format!("{REL}/settings"), "settings.xml"),
        ("rId3".into(), format!("{REL}/numbering"), "numbering.xml"),
        ("rId4".into(), format!("{REL}/fontTable"), "fontTable.xml"),
        ("rIdHeader1".into(), format!("{REL}/header"), "header1.xml"),
        ("rIdFooter1".into(), format!("{REL}/footer"), "footer1.xml"),
    ];
    let mut rels: Vec<(String, String, String, bool)> = types
        .into_iter()
        .map(|(id, ty, t)| (id, ty, t.to_string(), false))
        .collect();
    if footnotes {
        rels.push((
            "rIdFootnotes".into(),
            format!("{REL}/footnotes"),
            "footnotes.xml".into(),
            false,
        ));
    }
    for (i, target) in links.iter().enumerate() {
        rels.push((
            format!("rIdLink{}", i + 1),
            format!("{REL}/hyperlink"),
            target.clone(),
            true,
        ));
    }
    let view: Vec<(&str, &str, &str, bool)> = rels
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), *d))
        .collect();
    relationships(&view)
}

fn logo_rels() -> String {
    relationships(&[("rIdLogo", &format!("{REL}/image"), "media/logo.png", false)])
}

/// `word/settings.xml`, in CT_Settings order: zoom, defaultTabStop,
/// characterSpacingControl, footnotePr, compat. Compatibility mode 15 keeps
/// Word out of its "Compatibility Mode" for older files.
fn settings(footnotes: bool) -> String {
    let mut x = Xml::new();
    x.empty("w:zoom", &[("w:percent", "100")]);
    x.val("w:defaultTabStop", &STEP.to_string());
    x.val("w:characterSpacingControl", "doNotCompress");
    if footnotes {
        x.open("w:footnotePr", &[]);
        x.empty("w:footnote", &[("w:id", "-1")]);
        x.empty("w:footnote", &[("w:id", "0")]);
        x.close("w:footnotePr");
    }
    x.open("w:compat", &[]);
    x.empty(
        "w:compatSetting",
        &[
            ("w:name", "compatibilityMode"),
            ("w:uri", "http://schemas.microsoft.com/office/word"),
            ("w:val", "15"),
        ],
    );
    x.close("w:compat");
    part("w:settings", &x.buf)
}

fn font_table() -> String {
    let mut x = Xml::new();
    for (name, family, pitch) in [
        (BODY_FONT, "swiss", "variable"),
        (MONO_FONT, "modern", "fixed"),
    ] {
        x.open("w:font", &[("w:name", name)]);
        x.val("w:family", family);
        x.val("w:pitch", pitch);
        x.close("w:font");
    }
    part("w:fonts", &x.buf)
}

/// `word/numbering.xml`: the bullet and ordered definitions, then one
/// instance per list (CT_Numbering: abstractNum*, num*).
fn numbering(lists: &[ListNum]) -> String {
    let mut x = Xml::new();
    // Bullets •, ◦, ▪ and numbers 1. a. i. repeating over the nine levels.
    let defs: [(usize, &[&str]); 2] = [
        (ABSTRACT_BULLET, &["•", "◦", "▪"]),
        (ABSTRACT_ORDERED, &["decimal", "lowerLetter", "lowerRoman"]),
    ];
    for (abstract_id, kinds) in defs {
        x.open(
            "w:abstractNum",
            &[("w:abstractNumId", &abstract_id.to_string())],
        );
        x.val("w:multiLevelType", "hybridMultilevel");
        for l in 0..=MAX_LEVEL {
            let kind = kinds[l % kinds.len()];
            // CT_Lvl order: start, numFmt, lvlText, lvlJc, pPr.
            x.open("w:lvl", &[("w:ilvl", &l.to_string())]);
            x.val("w:start", "1");
            if abstract_id == ABSTRACT_BULLET {
                x.val("w:numFmt", "bullet");
                x.val("w:lvlText", kind);
            } else {
                x.val("w:numFmt", kind);
                x.val("w:lvlText", &format!("%{}.", l + 1));
            }
            x.val("w:lvlJc", "left");
            PPr {
                left: Some(list_indent(l + 1)),
                hanging: Some(360),
                ..PPr::default()
            }
            .write(&mut x);
            x.close("w:lvl");
        }
        x.close("w:abstractNum");
    }
    for (i, list) in lists.iter().enumerate() {
        x.open("w:num", &[("w:numId", &(i + 1).to_string())]);
        x.val("w:abstractNumId", &list.abstract_id.to_string());
        for l in 0..=MAX_LEVEL {
            let start = if l == list.level { list.start } else { 1 };
            x.open("w:lvlOverride", &[("w:ilvl", &l.to_string())]);
            x.val("w:startOverride", &start.to_string());
            x.close("w:lvlOverride");
        }
        x.close("w:num");
    }
    part("w:numbering", &x.buf)
}

/// One style definition, children in CT_Style order: name, basedOn, next,
/// uiPriority, semiHidden, unhideWhenUsed, qFormat, pPr, rPr, tblPr.
struct StyleDef {
    kind: &'static str,
    id: &'static str,
    name: &'static str,
    default: bool,
    based_on: Option<&'static str>,
    next: Option<&'static str>,
    priority: Option<u32>,
    /// semiHidden + unhideWhenUsed: kept out of the style gallery until used.
    hidden: bool,
    quick: bool,
    ppr: PPr,
    rpr: RPr,
    /// Raw `w:tblPr` content of a table style.
    tbl: Option<&'static str>,
}

impl StyleDef {
    fn new(kind: &'static str, id: &'static str, name: &'static str) -> Self {
        Self {
            kind,
            id,
            name,
            default: false,
            based_on: None,
            next: None,
            priority: None,
            hidden: false,
            quick: false,
            ppr: PPr::default(),
            rpr: RPr::default(),
            tbl: None,
        }
    }

    fn write(&self, x: &mut Xml) {
        let mut attrs = vec![("w:type", self.kind)];
        if self.default {
            attrs.push(("w:default", "1"));
        }
        attrs.push(("w:styleId", self.id));
        x.open("w:style", &attrs);
        x.val("w:name", self.name);
        if let Some(b) = self.based_on {
            x.val("w:basedOn", b);
        }
        if let Some(n) = self.next {
            x.val("w:next", n);
        }
        if let Some(p) = self.priority {
            x.val("w:uiPriority", &p.to_string());
        }
        if self.hidden {
            x.empty("w:semiHidden", &[]);
            x.empty("w:unhideWhenUsed", &[]);
        }
        if self.quick {
            x.empty("w:qFormat", &[]);
        }
        self.ppr.write(x);
        self.rpr.write(x);
        if let Some(t) = self.tbl {
            x.open("w:tblPr", &[]);
            x.raw(t);
            x.close("w:tblPr");
        }
        x.close("w:style");
    }
}

/// `word/styles.xml`: document defaults, then the paragraph, character and
/// table styles. Heading styles carry Word's built-in names (`heading 1`…)
/// and outline levels: that is what the navigation pane and a TOC field look
/// for. `Normal`, `Default Paragraph Font` and `Normal Table` are the
/// defaults (`w:default="1"`) Word assumes for unstyled text and tables.
/// The header's and the footer's style: the page furniture's small muted
/// text, alike but for the name Word knows it by.
fn furniture_style(id: &'static str, name: &'static str) -> StyleDef {
    StyleDef {
        based_on: Some("Normal"),
        priority: Some(99),
        hidden: true,
        ppr: PPr {
            spacing: Some(Spacing {
                before: Some(0),
                after: Some(0),
                line: Some(240),
            }),
            ..PPr::default()
        },
        rpr: RPr {
            color: Some(MUTED.into()),
            size: Some(16),
            ..RPr::default()
        },
        ..StyleDef::new("paragraph", id, name)
    }
}

fn styles(accent: &str) -> String {
    let mut x = Xml::new();
    x.open("w:docDefaults", &[]);
    x.open("w:rPrDefault", &[]);
    x.open("w:rPr", &[]);
    x.empty(
        "w:rFonts",
        &[
            ("w:ascii", BODY_FONT),
            ("w:hAnsi", BODY_FONT),
            ("w:eastAsia", BODY_FONT),
            ("w:cs", BODY_FONT),
        ],
    );
    x.val("w:sz", "21");
    x.val("w:szCs", "21");
    x.empty(
        "w:lang",
        &[
            ("w:val", "en-US"),
            ("w:eastAsia", "en-US"),
            ("w:bidi", "ar-SA"),
        ],
    );
    x.close("w:rPr");
    x.close("w:rPrDefault");
    x.open("w:pPrDefault", &[]);
    PPr {
        spacing: Some(Spacing {
            before: None,
            after: Some(120),
            line: Some(264),
        }),
        ..PPr::default()
    }
    .write(&mut x);
    x.close("w:pPrDefault");
    x.close("w:docDefaults");

    let spacing = |before, after, line| {
        Some(Spacing {
            before,
            after: Some(after),
            line: Some(line),
        })
    };
    let mut list = vec![
        StyleDef {
            default: true,
            quick: true,
            ..StyleDef::new("paragraph", "Normal", "Normal")
        },
        StyleDef {
            default: true,
            priority: Some(1),
            hidden: true,
            ..StyleDef::new(
                "character",
                "DefaultParagraphFont",
                "Default Paragraph Font",
            )
        },
        StyleDef {
            default: true,
            priority: Some(99),
            hidden: true,
            tbl: Some(
                "<w:tblInd w:w=\"0\" w:type=\"dxa\" /><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\" /><w:left w:w=\"108\" w:type=\"dxa\" /><w:bottom w:w=\"0\" w:type=\"dxa\" /><w:right w:w=\"108\" w:type=\"dxa\" /></w:tblCellMar>",
            ),
            ..StyleDef::new("table", "TableNormal", "Normal Table")
        },
    ];
    let headings: [(&str, usize, u32, u32, bool); 6] = [
        ("heading 1", 36, 0, 200, false),
        ("heading 2", 28, 320, 120, false),
        ("heading 3", 24, 240, 80, false),
        ("heading 4", 21, 200, 60, false),
        ("heading 5", 21, 160, 40, true),
        ("heading 6", 19, 160, 40, true),
    ];
    for (n, (name, size, before, after, italic)) in headings.into_iter().enumerate() {
        list.push(StyleDef {
            based_on: Some("Normal"),
            next: Some("Normal"),
            priority: Some(9),
            quick: true,
            ppr: PPr {
                keep_next: true,
                spacing: spacing(Some(before), after, 240),
                outline: Some(n),
                ..PPr::default()
            },
            rpr: RPr {
                bold: true,
                italic,
                color: Some(accent.to_string()),
                size: Some(size),
                ..RPr::default()
            },
            ..StyleDef::new("paragraph", HEADING_STYLES[n], name)
        });
    }
    list.extend([
        StyleDef {
            based_on: Some("Normal"),
            priority: Some(34),
            quick: true,
            ppr: PPr {
                spacing: spacing(None, 60, 264),
                ..PPr::default()
            },
            ..StyleDef::new("paragraph", "ListParagraph", "List Paragraph")
        },
        StyleDef {
            based_on: Some("Normal"),
            next: Some("Normal"),
            priority: Some(29),
            quick: true,
            ppr: PPr {
                left: Some(STEP),
                right: Some(STEP),
                ..PPr::default()
            },
            rpr: RPr {
                italic: true,
                color: Some(MUTED.into()),
                ..RPr::default()
            },
            ..StyleDef::new("paragraph", "Quote", "Quote")
        },
        StyleDef {
            based_on: Some("Normal"),
            ppr: PPr {
                spacing: spacing(Some(60), 120, 240),
                ..PPr::default()
            },
            rpr: RPr {
                font: Some(MONO_FONT),
                size: Some(18),
                ..RPr::default()
            },
            ..StyleDef::new("paragraph", "SourceCode", "Source Code")
        },
        StyleDef {
            based_on: Some("Normal"),
            priority: Some(99),
            hidden: true,
            ppr: PPr {
                spacing: spacing(Some(0), 0, 240),
                ..PPr::default()
            },
            rpr: RPr {
                size: Some(18),
                ..RPr::default()
            },
            ..StyleDef::new("paragraph", "FootnoteText", "footnote text")
        },
        StyleDef {
            priority: Some(99),
            hidden: true,
            rpr: RPr {
                superscript: true,
                ..RPr::default()
            },
            ..StyleDef::new("character", "FootnoteReference", "footnote reference")
        },
        furniture_style("Header", "header"),
        furniture_style("Footer", "footer"),
        StyleDef {
            rpr: RPr {
                font: Some(MONO_FONT),
                size: Some(19),
                ..RPr::default()
            },
            ..StyleDef::new("character", "VerbatimChar", "Verbatim Char")
        },
        StyleDef {
            priority: Some(99),
            hidden: true,
            rpr: RPr {
                color: Some("0563C1".into()),
                underline: true,
                ..RPr::default()
            },
            ..StyleDef::new("character", "Hyperlink", "Hyperlink")
        },
    ]);
    for s in &list {
        s.write(&mut x);
    }
    part("w:styles", &x.buf)
}

/// `#rrggbb` → `RRGGBB`, or the default accent.
fn accent_hex(color: &str) -> String {
    let hex = color.trim().trim_start_matches('#');
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex.to_ascii_uppercase()
    } else {
        DEFAULT_ACCENT.to_string()
    }
}

/// `hex` mixed with white: `amount` 0 = the colour, 1 = white. Used for header-row shading.
fn tint(hex: &str, amount: f32) -> String {
    let channel = |i: usize| {
        let v = hex
            .get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .unwrap_or(0) as f32;
        (v + (255.0 - v) * amount).round().clamp(0.0, 255.0) as u8
    };
    format!("{:02X}{:02X}{:02X}", channel(0), channel(2), channel(4))
}

/// The Word bookmark name of a heading id (the HTML id, which
/// [`crate::blocks`] gives every heading). Word allows at most 40 letters, digits and `_`,
/// starting with a letter, and compares names without regard to case; HTML
/// ids allow far more. The same id gives the same name in every document, so
/// a link from another file (`other.docx#name`) lands without knowing that
/// file, and different ids give different names:
///
/// - an id of lowercase ASCII letters, digits and `-`, starting with a letter,
///   at most 40 long (every slug of an English heading) maps `-` to `_`, which
///   is reversible, so such ids cannot collide with each other;
/// - any other id (with `_`, `.`, capitals, non-ASCII, a leading digit, or
///   too long) keeps a readable prefix and ends in `_` and eight hex digits
///   of its FNV-1a hash, so `x-y` (`x_y`) and `x_y` (`x_y_…`) stay apart.
pub fn bookmark_name(id: &str) -> String {
    let simple = id.len() <= 40
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if simple {
        return id.replace('-', "_");
    }
    let mut prefix: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !prefix.starts_with(|c: char| c.is_ascii_lowercase()) {
        prefix.insert_str(0, "h_");
    }
    prefix.truncate(31);
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{prefix}_{h:08x}")
}

/// `docProps/core.xml`: title, creator, subject, keywords, description, and
/// dates from the document's effective date (never the clock).
fn core_properties(doc: &RenderedDoc, pack: &PackInfo) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    );
    let mut push = |tag: &str, value: &str| {
        s.push_str(&format!("<{tag}>{}</{tag}>", escape(value)));
    };
    push("dc:title", &doc.meta.title);
    push("dc:subject", SUBJECT);
    push("dc:creator", &pack.organization);
    push("cp:keywords", &doc.meta.practices.join(", "));
    if !doc.meta.description.is_empty() {
        push("dc:description", &doc.meta.description);
    }
    push("cp:lastModifiedBy", &pack.organization);
    push("cp:revision", "1");
    push("cp:version", &doc.meta.version);
    push("dc:language", "en-US");
    push("cp:contentStatus", &doc.meta.status_label);
    if is_iso_date(&doc.meta.effective_date) {
        let stamp = format!("{}T00:00:00Z", doc.meta.effective_date);
        for tag in ["dcterms:created", "dcterms:modified"] {
            s.push_str(&format!(
                r#"<{tag} xsi:type="dcterms:W3CDTF">{stamp}</{tag}>"#
            ));
        }
    }
    s.push_str("</cp:coreProperties>");
    s
}

fn app_properties() -> String {
    let mut x = Xml::declaration();
    x.open(
        "Properties",
        &[(
            "xmlns",
            "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        )],
    );
    x.open("Application", &[]);
    x.text("hicp");
    x.close("Application");
    x.close("Properties");
    x.buf
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests;
