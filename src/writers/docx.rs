//! Word (DOCX) writer: one editable `.docx` per document, from the same block
//! model as the PDF ([`crate::blocks`]).
//!
//! The point of this format is editing, so the file uses Word's own structure
//! rather than look-alike formatting: paragraph styles named `heading 1`..`heading 4`
//! (Word's navigation pane and table of contents find them), list paragraphs
//! with real numbering definitions, tables with a repeating header row,
//! bookmarks on headings and hyperlinks to them, PAGE / NUMPAGES fields in the
//! footer.
//!
//! docx-rs builds the package. Four of its defaults would break our
//! determinism or miss a requirement, so this module works around them:
//!
//! - paragraph ids (`w14:paraId`) come from a thread-local counter and
//!   hyperlink relationship ids from a process-wide one: we assign both
//!   ourselves, from counters local to one render;
//! - hyperlink relationships are collected through a `HashMap`, so their order
//!   in `document.xml.rels` changes from run to run: we sort them;
//! - `docProps/core.xml` has no title, subject or keywords setters and
//!   defaults its dates to 1970: we write that part ourselves;
//! - rows cannot be marked `w:tblHeader`, and a hyperlink cannot carry both a
//!   relationship and a `w:anchor` (a bookmark in another file): both are
//!   added to `document.xml` by narrow, exact string edits on markers this
//!   module alone emits (see [`mark_header_rows`] and [`add_link_anchors`]).
//!
//! The zip itself is deterministic as long as the `zip` crate's `time`
//! feature stays off (entries then carry the fixed 1980-01-01 timestamp) and
//! the entry order is docx-rs's fixed one; `tests/docx.rs` checks both.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, BreakType, Docx, FieldCharType, Footer, Header,
    Hyperlink, HyperlinkData, HyperlinkType, IndentLevel, InstrNUMPAGES, InstrPAGE, InstrText,
    Level, LevelJc, LevelOverride, LevelText, LineSpacing, NumberFormat, Numbering, NumberingId,
    PageMargin, Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run,
    RunFonts, Shading, ShdType, SpecialIndentType, Start, Style, StyleType, Tab, TabValueType,
    Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins,
    TableLayoutType, TableRow, VertAlignType, WidthType,
};

use crate::blocks::{self, Align, Block, Inline, ListItem, plain_text};
use crate::model::{PackInfo, PaperSize, RenderedDoc};
use crate::writers::doc_link_target;

/// Why a Word file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// docx-rs failed while writing the zip package.
    #[error("packing the Word file of {doc}: {reason}")]
    Pack { doc: String, reason: String },
    /// A package part docx-rs produced was not what the post-processing expects.
    #[error("the Word file of {doc}: part {part} {reason}")]
    Part {
        doc: String,
        part: &'static str,
        reason: String,
    },
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
/// Abstract numbering ids; docx-rs always emits its own abstract 1 and num 1.
const ABSTRACT_BULLET: usize = 2;
const ABSTRACT_ORDERED: usize = 3;
/// Word numbering has nine levels (0..=8).
const MAX_LEVEL: usize = 8;

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
    let mut w = Writer {
        doc_id: &doc.meta.id,
        accent: accent.clone(),
        header_fill: tint(&accent, 0.85),
        content_width,
        next_para: 1,
        next_bookmark: 0,
        bookmarks: BTreeSet::new(),
        next_link: 1,
        next_num: 2,
        numberings: Vec::new(),
        link_anchors: BTreeMap::new(),
    };
    let parsed = blocks::parse(&doc.markdown);
    let ctx = Ctx::default();
    let mut body = Vec::new();
    w.blocks(&parsed, ctx, &mut body);

    let mut docx = Docx::new()
        .page_size(page_w as u32, page_h as u32)
        .page_margin(
            PageMargin::new()
                .top(margin)
                .bottom(margin)
                .left(margin)
                .right(margin)
                .header(STEP)
                .footer(STEP)
                .gutter(0),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(BODY_FONT)
                .hi_ansi(BODY_FONT)
                .cs(BODY_FONT)
                .east_asia(BODY_FONT),
        )
        .default_size(21)
        .default_line_spacing(LineSpacing::new().after(120).line(264))
        .add_abstract_numbering(bullet_definition())
        .add_abstract_numbering(ordered_definition());
    for style in styles(&accent) {
        docx = docx.add_style(style);
    }
    for num in std::mem::take(&mut w.numberings) {
        docx = docx.add_numbering(num);
    }
    let header = w.header(pack, &doc.meta.title, content_width);
    let footer = w.footer(
        &doc.meta.id,
        &doc.meta.version,
        &doc.meta.status_label,
        content_width,
    );
    docx = docx.header(header).footer(footer);
    for item in body {
        docx = match item {
            Item::P(p) => docx.add_paragraph(*p),
            Item::T(t) => docx.add_table(*t),
        };
    }

    let mut xml = docx.build();
    let part_err = |part: &'static str, reason: String| DocxError::Part {
        doc: doc.meta.id.clone(),
        part,
        reason,
    };
    xml.doc_props.core = core_properties(doc, pack).into_bytes();
    xml.document_rels = sort_relationships(&xml.document_rels)
        .map_err(|r| part_err("word/_rels/document.xml.rels", r))?;
    let document = String::from_utf8(std::mem::take(&mut xml.document))
        .map_err(|e| part_err("word/document.xml", format!("is not UTF-8: {e}")))?;
    let document = mark_header_rows(&document);
    let document = add_link_anchors(&document, &w.link_anchors)
        .map_err(|r| part_err("word/document.xml", r))?;
    xml.document = document.into_bytes();

    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| DocxError::Pack {
        doc: doc.meta.id.clone(),
        reason: e.to_string(),
    })?;
    Ok(out.into_inner())
}

/// A body element: Word documents and table cells hold paragraphs and tables.
/// Boxed: docx-rs keeps every property inline, so both are large.
enum Item {
    P(Box<Paragraph>),
    T(Box<Table>),
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

/// State of one render. Every id in the package comes from here, so the same
/// input gives the same ids whatever thread renders it or what ran before.
struct Writer<'a> {
    doc_id: &'a str,
    accent: String,
    header_fill: String,
    content_width: usize,
    next_para: u32,
    next_bookmark: usize,
    /// Bookmark names already used in this document.
    bookmarks: BTreeSet<String>,
    next_link: usize,
    next_num: usize,
    numberings: Vec<Numbering>,
    /// Relationship id → bookmark in another document, added as `w:anchor`.
    link_anchors: BTreeMap<String, String>,
}

impl Writer<'_> {
    /// A paragraph with a deterministic `w14:paraId` (docx-rs's own counter is
    /// thread-local and never reset between documents).
    fn para(&mut self) -> Paragraph {
        let id = format!("{:08X}", self.next_para);
        self.next_para += 1;
        Paragraph::new().id(id)
    }

    fn blocks(&mut self, blocks: &[Block], ctx: Ctx, out: &mut Vec<Item>) {
        for block in blocks {
            self.block(block, ctx, out);
        }
    }

    fn block(&mut self, block: &Block, ctx: Ctx, out: &mut Vec<Item>) {
        match block {
            Block::Heading { level, id, inlines } => {
                let level = (*level).clamp(1, 4);
                let mut p = self
                    .para()
                    .style(&format!("Heading{level}"))
                    .keep_next(true);
                // Bookmark names must be unique; as in HTML, the first heading with an id wins.
                let name = bookmark_name(id);
                let bm = self.bookmarks.insert(name.clone()).then(|| {
                    let bm = self.next_bookmark;
                    self.next_bookmark += 1;
                    bm
                });
                if let Some(bm) = bm {
                    p = p.add_bookmark_start(bm, name);
                }
                p = self.add_inlines(p, inlines, Fmt::default());
                if let Some(bm) = bm {
                    p = p.add_bookmark_end(bm);
                }
                out.push(Item::P(Box::new(p)));
            }
            Block::Paragraph(inlines) => {
                let p = self.body_para(ctx);
                let fmt = self.cell_fmt(ctx);
                let p = self.add_inlines(p, inlines, fmt);
                out.push(Item::P(Box::new(p)));
            }
            Block::List { start, items } => self.list(*start, items, ctx, out),
            Block::Table { aligns, head, rows } => {
                let table = self.table(aligns, head, rows);
                out.push(Item::T(Box::new(table)));
                // Two tables in a row would merge in Word; a small paragraph keeps them apart.
                if ctx.cell.is_none() {
                    let spacer = self
                        .para()
                        .line_spacing(LineSpacing::new().before(0).after(0).line(120));
                    out.push(Item::P(Box::new(spacer)));
                }
            }
            Block::Code { text, .. } => {
                let mut p = self.para().style("SourceCode");
                if ctx.indent > 0 || ctx.depth > 0 {
                    p = p.indent(Some(ctx.indent + list_indent(ctx.depth)), None, None, None);
                }
                let mut run = Run::new();
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        run = run.add_break(BreakType::TextWrapping);
                    }
                    run = run.add_text(clean(line));
                }
                out.push(Item::P(Box::new(p.add_run(run))));
            }
            Block::Quote(inner) => {
                let inner_ctx = Ctx {
                    indent: ctx.indent + STEP,
                    quote: true,
                    ..ctx
                };
                self.blocks(inner, inner_ctx, out);
            }
            Block::Rule => {
                let mut p = self.para();
                p.property = p.property.set_borders(only_border(
                    ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                        .val(BorderType::Single)
                        .size(6)
                        .space(1)
                        .color(BORDER),
                ));
                out.push(Item::P(Box::new(p)));
            }
            Block::FootnoteDef { label, blocks } => {
                let mut rest: &[Block] = blocks;
                let mut p = self.para().style("FootnoteText");
                let mut sup = Run::new().add_text(clean(label));
                sup.run_property = sup.run_property.vert_align(VertAlignType::SuperScript);
                p = p.add_run(sup).add_run(Run::new().add_text(" "));
                if let Some(Block::Paragraph(first)) = blocks.first() {
                    p = self.add_inlines(p, first, Fmt::default());
                    rest = &blocks[1..];
                }
                out.push(Item::P(Box::new(p)));
                self.blocks(rest, ctx, out);
            }
        }
    }

    /// The paragraph a plain paragraph of text starts from in this context.
    fn body_para(&mut self, ctx: Ctx) -> Paragraph {
        let mut p = self.para();
        if ctx.quote {
            p = p.style("Quote");
        }
        if let Some(cell) = ctx.cell {
            p = p
                .line_spacing(LineSpacing::new().before(0).after(40).line(240))
                .align(alignment(cell.align));
        }
        let left = ctx.indent + list_indent(ctx.depth);
        if left > 0 {
            p = p.indent(Some(left), None, None, None);
        }
        p
    }

    fn cell_fmt(&self, ctx: Ctx) -> Fmt {
        match ctx.cell {
            Some(c) => Fmt {
                bold: c.bold,
                size: Some(c.size),
                ..Fmt::default()
            },
            None => Fmt::default(),
        }
    }

    /// A list: a new numbering instance (so ordered lists restart at their
    /// own start number) of the bullet or ordered definition, paragraphs at
    /// the list's nesting level.
    fn list(&mut self, start: Option<u64>, items: &[ListItem], ctx: Ctx, out: &mut Vec<Item>) {
        let level = ctx.depth.min(MAX_LEVEL);
        let num_id = self.next_num;
        self.next_num += 1;
        let (abstract_id, first) = match start {
            Some(n) => (ABSTRACT_ORDERED, usize::try_from(n).unwrap_or(1)),
            None => (ABSTRACT_BULLET, 1),
        };
        let mut num = Numbering::new(num_id, abstract_id);
        for l in 0..=MAX_LEVEL {
            num = num.add_override(LevelOverride::new(l).start(if l == level { first } else { 1 }));
        }
        self.numberings.push(num);

        let inner = Ctx {
            depth: ctx.depth + 1,
            ..ctx
        };
        for item in items {
            let mut rest: &[Block] = &item.blocks;
            let mut p = self
                .body_para(ctx)
                .numbering(NumberingId::new(num_id), IndentLevel::new(level))
                .style(if ctx.quote { "Quote" } else { "ListParagraph" });
            // The level's own indent, moved right by enclosing quotes.
            p = p.indent(
                Some(ctx.indent + list_indent(ctx.depth + 1)),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            );
            if let Some(done) = item.task {
                p = p.add_run(Run::new().add_text(if done { "☒ " } else { "☐ " }));
            }
            if let Some(Block::Paragraph(first)) = item.blocks.first() {
                let fmt = self.cell_fmt(ctx);
                p = self.add_inlines(p, first, fmt);
                rest = &item.blocks[1..];
            }
            out.push(Item::P(Box::new(p)));
            self.blocks(rest, inner, out);
        }
    }

    fn table(
        &mut self,
        aligns: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
    ) -> Table {
        let ncols = head
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let size = if ncols >= 4 { 17 } else { 19 };
        let widths = column_widths(ncols, head, rows, self.content_width, size);
        let align_of = |c: usize| aligns.get(c).copied().unwrap_or(Align::Default);

        let mut trows = Vec::with_capacity(rows.len() + 1);
        if !head.is_empty() {
            let mut cells = Vec::with_capacity(ncols);
            for (c, width) in widths.iter().enumerate() {
                let content = head.get(c).map(Vec::as_slice).unwrap_or(&[]);
                let fmt = CellFmt {
                    size,
                    align: align_of(c),
                    bold: true,
                };
                let cell = self.cell(content, fmt, *width).shading(
                    Shading::new()
                        .shd_type(ShdType::Clear)
                        .color("auto")
                        .fill(self.header_fill.clone()),
                );
                cells.push(cell);
            }
            // `cantSplit` on a row is the marker mark_header_rows turns into
            // cantSplit + tblHeader; no other row carries it.
            trows.push(TableRow::new(cells).cant_split());
        }
        for row in rows {
            let mut cells = Vec::with_capacity(ncols);
            for (c, width) in widths.iter().enumerate() {
                let content = row.get(c).map(Vec::as_slice).unwrap_or(&[]);
                let fmt = CellFmt {
                    size,
                    align: align_of(c),
                    bold: false,
                };
                cells.push(self.cell(content, fmt, *width));
            }
            trows.push(TableRow::new(cells));
        }
        let border = |pos| {
            TableBorder::new(pos)
                .border_type(BorderType::Single)
                .size(4)
                .color(BORDER)
        };
        let borders = TableBorders::new()
            .set(border(TableBorderPosition::Top))
            .set(border(TableBorderPosition::Left))
            .set(border(TableBorderPosition::Bottom))
            .set(border(TableBorderPosition::Right))
            .set(border(TableBorderPosition::InsideH))
            .set(border(TableBorderPosition::InsideV));
        Table::new(trows)
            .set_grid(widths.clone())
            .width(widths.iter().sum(), WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .set_borders(borders)
            .margins(
                TableCellMargins::new()
                    .margin_top(40, WidthType::Dxa)
                    .margin_bottom(40, WidthType::Dxa)
                    .margin_left(90, WidthType::Dxa)
                    .margin_right(90, WidthType::Dxa),
            )
    }

    fn cell(&mut self, content: &[Inline], fmt: CellFmt, width: usize) -> TableCell {
        let ctx = Ctx {
            cell: Some(fmt),
            ..Ctx::default()
        };
        let mut items = Vec::new();
        self.block(&Block::Paragraph(content.to_vec()), ctx, &mut items);
        let mut cell = TableCell::new().width(width, WidthType::Dxa);
        for item in items {
            cell = match item {
                Item::P(p) => cell.add_paragraph(*p),
                Item::T(t) => cell.add_table(*t),
            };
        }
        cell
    }

    fn add_inlines(&mut self, mut p: Paragraph, inlines: &[Inline], fmt: Fmt) -> Paragraph {
        for inline in inlines {
            p = self.add_inline(p, inline, fmt);
        }
        p
    }

    fn add_inline(&mut self, p: Paragraph, inline: &Inline, fmt: Fmt) -> Paragraph {
        match inline {
            Inline::Text(t) => p.add_run(run(&clean(t), fmt)),
            Inline::Code(t) => p.add_run(run(&clean(t), fmt).style("VerbatimChar")),
            Inline::SoftBreak => p.add_run(run(" ", fmt)),
            Inline::HardBreak => p.add_run(Run::new().add_break(BreakType::TextWrapping)),
            Inline::Emph(c) => self.add_inlines(
                p,
                c,
                Fmt {
                    italic: true,
                    ..fmt
                },
            ),
            Inline::Strong(c) => self.add_inlines(p, c, Fmt { bold: true, ..fmt }),
            Inline::Strike(c) => self.add_inlines(
                p,
                c,
                Fmt {
                    strike: true,
                    ..fmt
                },
            ),
            Inline::FootnoteRef(label) => {
                let mut r = run(&clean(label), fmt);
                r.run_property = r.run_property.vert_align(VertAlignType::SuperScript);
                p.add_run(r)
            }
            Inline::Link { dest, children } => match self.hyperlink(dest) {
                Some(mut link) => {
                    let inner = Fmt { link: true, ..fmt };
                    for r in link_runs(children, inner) {
                        link = link.add_run(r);
                    }
                    p.add_hyperlink(link)
                }
                None => self.add_inlines(p, children, fmt),
            },
        }
    }

    /// The Word hyperlink for a Markdown link target, or `None` for an empty one.
    fn hyperlink(&mut self, dest: &str) -> Option<Hyperlink> {
        let dest = dest.trim();
        if dest.is_empty() {
            return None;
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            return Some(Hyperlink::new(bookmark_name(anchor), HyperlinkType::Anchor));
        }
        if let Some((id, anchor)) = doc_link_target(dest) {
            if id == self.doc_id {
                let name = bookmark_name(anchor.unwrap_or(""));
                return Some(match anchor {
                    Some(_) => Hyperlink::new(name, HyperlinkType::Anchor),
                    // A link to this document's top: its first heading.
                    None => Hyperlink::new("_top", HyperlinkType::Anchor),
                });
            }
            let link = self.external(&format!("{id}.docx"));
            if let (Some(a), HyperlinkData::External { rid, .. }) = (anchor, &link.link) {
                self.link_anchors.insert(rid.clone(), bookmark_name(a));
            }
            return Some(link);
        }
        Some(self.external(&clean(dest)))
    }

    /// An external hyperlink with a relationship id from this render's counter.
    fn external(&mut self, target: &str) -> Hyperlink {
        let mut link = Hyperlink::new(target, HyperlinkType::External);
        if let HyperlinkData::External { rid, .. } = &mut link.link {
            *rid = format!("rIdHyperlink{}", self.next_link);
        }
        self.next_link += 1;
        link
    }

    /// Running header, as in the PDF: short name (accent, bold) at the left
    /// margin, the document title at the right one.
    fn header(&mut self, pack: &PackInfo, title: &str, width: usize) -> Header {
        let mut p = self
            .para()
            .style("Header")
            .add_tab(Tab::new().val(TabValueType::Right).pos(width));
        p.property = p.property.set_borders(only_border(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(4)
                .space(4)
                .color(BORDER),
        ));
        if let Some(pic) = logo_picture(pack) {
            p = p.add_run(Run::new().add_image(pic).add_text(" "));
        }
        let p = p
            .add_run(
                Run::new()
                    .add_text(clean(&pack.short_name))
                    .bold()
                    .color(self.accent.clone()),
            )
            .add_run(Run::new().add_tab().add_text(clean(title)).color(MUTED));
        Header::new().add_paragraph(p)
    }

    /// Footer: document id · Version v · status, and "Page X of Y" at the right
    /// margin with PAGE and NUMPAGES fields (Word fills them in per page).
    fn footer(&mut self, id: &str, version: &str, status: &str, width: usize) -> Footer {
        let mut p = self
            .para()
            .style("Footer")
            .add_tab(Tab::new().val(TabValueType::Right).pos(width));
        p.property = p.property.set_borders(only_border(
            ParagraphBorder::new(ParagraphBorderPosition::Top)
                .val(BorderType::Single)
                .size(4)
                .space(4)
                .color(BORDER),
        ));
        let status_color = if status.eq_ignore_ascii_case("draft") {
            DRAFT
        } else {
            MUTED
        };
        let p = p
            .add_run(Run::new().add_text(format!(
                "{}  ·  Version {}  ·  ",
                clean(id),
                clean(version)
            )))
            .add_run(
                Run::new()
                    .add_text(clean(status))
                    .bold()
                    .color(status_color),
            )
            .add_run(Run::new().add_tab().add_text("Page "))
            .add_run(field(InstrText::PAGE(InstrPAGE::new())))
            .add_run(Run::new().add_text(" of "))
            .add_run(field(InstrText::NUMPAGES(InstrNUMPAGES::new())));
        Footer::new().add_paragraph(p)
    }
}

/// Paragraph borders holding `border` alone. docx-rs's `set_border` starts
/// from a default of thin lines on all four sides, which boxes the paragraph.
/// The logo for the page header, 14 pt tall like the PDF's. Word files
/// carry PNG only (docx-rs stores every image as `.png`); a JPEG logo is
/// left out and the build says so.
fn logo_picture(pack: &PackInfo) -> Option<Pic> {
    let logo = pack.logo.as_ref().filter(|l| l.mime == "image/png")?;
    let (width, height) = crate::writers::pdf::image::size(logo.mime, &logo.bytes).ok()?;
    // EMU: 12,700 per point; 14 pt tall, at most 72 pt wide.
    let (h_pt, aspect) = (14.0_f64, f64::from(width) / f64::from(height));
    let (w_pt, h_pt) = if h_pt * aspect > 72.0 {
        (72.0, 72.0 / aspect)
    } else {
        (h_pt * aspect, h_pt)
    };
    let mut pic = Pic::new_with_dimensions(logo.bytes.to_vec(), width, height)
        .size((w_pt * 12_700.0) as u32, (h_pt * 12_700.0) as u32);
    // docx-rs numbers pictures from a process-wide counter; a fixed id keeps
    // the bytes the same whichever thread writes the document.
    pic.id = "rIdHicpLogo".to_string();
    Some(pic)
}

fn only_border(border: ParagraphBorder) -> ParagraphBorders {
    ParagraphBorders::with_empty().set(border)
}

/// A complex field (`PAGE`, `NUMPAGES`) with a placeholder result Word replaces when it lays out.
fn field(instr: InstrText) -> Run {
    Run::new()
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(instr)
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false)
}

fn run(text: &str, fmt: Fmt) -> Run {
    let mut r = Run::new().add_text(text);
    if fmt.bold {
        r = r.bold();
    }
    if fmt.italic {
        r = r.italic();
    }
    if fmt.strike {
        r = r.strike();
    }
    if fmt.link {
        r = r.style("Hyperlink");
    }
    if let Some(size) = fmt.size {
        r = r.size(size);
    }
    r
}

/// The runs inside a hyperlink (a hyperlink holds runs, not nested formatting frames).
fn link_runs(inlines: &[Inline], fmt: Fmt) -> Vec<Run> {
    let mut out = Vec::new();
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push(run(&clean(t), fmt)),
            Inline::Code(t) => out.push(run(&clean(t), fmt).style("VerbatimChar")),
            Inline::SoftBreak => out.push(run(" ", fmt)),
            Inline::HardBreak => out.push(Run::new().add_break(BreakType::TextWrapping)),
            Inline::Emph(c) => out.extend(link_runs(
                c,
                Fmt {
                    italic: true,
                    ..fmt
                },
            )),
            Inline::Strong(c) => out.extend(link_runs(c, Fmt { bold: true, ..fmt })),
            Inline::Strike(c) => out.extend(link_runs(
                c,
                Fmt {
                    strike: true,
                    ..fmt
                },
            )),
            Inline::Link { children, .. } => out.extend(link_runs(children, fmt)),
            Inline::FootnoteRef(l) => out.push(run(&format!("[{}]", clean(l)), fmt)),
        }
    }
    out
}

fn alignment(a: Align) -> AlignmentType {
    match a {
        Align::Default | Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
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

/// Bullet definition: •, ◦, ▪ repeating over the nine levels.
fn bullet_definition() -> AbstractNumbering {
    let marks = ["•", "◦", "▪"];
    let mut a = AbstractNumbering::new(ABSTRACT_BULLET);
    for l in 0..=MAX_LEVEL {
        a = a.add_level(
            Level::new(
                l,
                Start::new(1),
                NumberFormat::new("bullet"),
                LevelText::new(marks[l % marks.len()]),
                LevelJc::new("left"),
            )
            .indent(
                Some(list_indent(l + 1)),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        );
    }
    a
}

/// Ordered definition: 1. a. i. repeating; each level shows only its own number.
fn ordered_definition() -> AbstractNumbering {
    let formats = ["decimal", "lowerLetter", "lowerRoman"];
    let mut a = AbstractNumbering::new(ABSTRACT_ORDERED);
    for l in 0..=MAX_LEVEL {
        a = a.add_level(
            Level::new(
                l,
                Start::new(1),
                NumberFormat::new(formats[l % formats.len()]),
                LevelText::new(format!("%{}.", l + 1)),
                LevelJc::new("left"),
            )
            .indent(
                Some(list_indent(l + 1)),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        );
    }
    a
}

/// The paragraph and character styles. Heading styles carry Word's built-in
/// names (`heading 1`…) and outline levels: that is what the navigation pane
/// and a TOC field look for.
fn styles(accent: &str) -> Vec<Style> {
    let mono = || {
        RunFonts::new()
            .ascii(MONO_FONT)
            .hi_ansi(MONO_FONT)
            .cs(MONO_FONT)
            .east_asia(MONO_FONT)
    };
    let heading = |n: usize, size: usize, before: u32, after: u32| {
        Style::new(format!("Heading{n}"), StyleType::Paragraph)
            .name(format!("heading {n}"))
            .based_on("Normal")
            .next("Normal")
            .ui_priority(9)
            .outline_lvl(n - 1)
            .bold()
            .size(size)
            .color(accent)
            .line_spacing(LineSpacing::new().before(before).after(after).line(240))
    };
    vec![
        heading(1, 36, 0, 200),
        heading(2, 28, 320, 120),
        heading(3, 24, 240, 80),
        heading(4, 21, 200, 60),
        Style::new("ListParagraph", StyleType::Paragraph)
            .name("List Paragraph")
            .based_on("Normal")
            .ui_priority(34)
            .line_spacing(LineSpacing::new().after(60).line(264)),
        Style::new("Quote", StyleType::Paragraph)
            .name("Quote")
            .based_on("Normal")
            .next("Normal")
            .ui_priority(29)
            .italic()
            .color(MUTED)
            .indent(Some(STEP), None, Some(STEP), None),
        Style::new("SourceCode", StyleType::Paragraph)
            .name("Source Code")
            .based_on("Normal")
            .fonts(mono())
            .size(18)
            .line_spacing(LineSpacing::new().before(60).after(120).line(240)),
        Style::new("FootnoteText", StyleType::Paragraph)
            .name("footnote text")
            .based_on("Normal")
            .size(18),
        Style::new("Header", StyleType::Paragraph)
            .name("header")
            .based_on("Normal")
            .size(16)
            .color(MUTED)
            .line_spacing(LineSpacing::new().before(0).after(0).line(240)),
        Style::new("Footer", StyleType::Paragraph)
            .name("footer")
            .based_on("Normal")
            .size(16)
            .color(MUTED)
            .line_spacing(LineSpacing::new().before(0).after(0).line(240)),
        Style::new("VerbatimChar", StyleType::Character)
            .name("Verbatim Char")
            .fonts(mono())
            .size(19),
        Style::new("Hyperlink", StyleType::Character)
            .name("Hyperlink")
            .ui_priority(99)
            .color("0563C1")
            .underline("single"),
    ]
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

/// A Word-safe bookmark name for a heading anchor: letters, digits and `_`,
/// at most 40 characters (Word's limit), the same in every document so that
/// `other.docx#name` links land. Long anchors keep a prefix and a hash.
pub fn bookmark_name(anchor: &str) -> String {
    let mut name: String = anchor
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "h_");
    }
    if name.len() > 40 {
        // FNV-1a: stable across runs and platforms, unlike std's hasher.
        let mut h: u32 = 0x811c_9dc5;
        for b in anchor.bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        name.truncate(31);
        name.push_str(&format!("_{h:08x}"));
    }
    name
}

/// Text safe for XML 1.0: control characters are not allowed there; tabs and
/// newlines become spaces (the block model already turned line structure into breaks).
fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `docProps/core.xml`: title, creator, subject, keywords, description, and
/// dates from the document's effective date (never the clock).
fn core_properties(doc: &RenderedDoc, pack: &PackInfo) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    );
    let mut push = |tag: &str, value: &str| {
        s.push_str(&format!("<{tag}>{}</{tag}>", xml_escape(value)));
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

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Put the relationships of `document.xml.rels` in a fixed order: docx-rs
/// adds hyperlinks from a `HashMap`, whose order changes from run to run.
/// Order carries no meaning in OPC, so sorting by id is safe.
fn sort_relationships(rels: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(rels).map_err(|e| format!("is not UTF-8: {e}"))?;
    let Some(first) = text.find("<Relationship ") else {
        return Ok(rels.to_vec());
    };
    let end_tag = "</Relationships>";
    let last = text
        .rfind(end_tag)
        .ok_or_else(|| "has no </Relationships> end tag".to_string())?;
    let body = &text[first..last];
    let mut elems: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("<Relationship ") {
        let after = &rest[start..];
        let close = after
            .find("/>")
            .ok_or_else(|| "has an unterminated Relationship element".to_string())?;
        elems.push(&after[..close + 2]);
        rest = &after[close + 2..];
    }
    if !rest.trim().is_empty() {
        return Err(format!(
            "has unexpected content {rest:?} between relationships"
        ));
    }
    elems.sort_by_key(|e| rel_sort_key(e));
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    for e in elems {
        out.push_str(e);
    }
    out.push_str(&text[last..]);
    Ok(out.into_bytes())
}

/// Non-hyperlinks first in their given (already fixed) order, then
/// hyperlinks by the number in their id.
fn rel_sort_key(elem: &str) -> (bool, usize, String) {
    let id = elem
        .split("Id=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("");
    match id.strip_prefix("rIdHyperlink") {
        Some(n) => (true, n.parse().unwrap_or(usize::MAX), id.to_string()),
        None => (false, 0, String::new()),
    }
}

/// Mark header rows to repeat on every page: the writer gives header rows,
/// and only them, `w:cantSplit`; docx-rs has no setter for `w:tblHeader`.
fn mark_header_rows(document: &str) -> String {
    document.replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />")
}

/// Give links into another document's heading their bookmark (`w:anchor`
/// beside `r:id`, as Word writes them); docx-rs offers one or the other.
fn add_link_anchors(document: &str, anchors: &BTreeMap<String, String>) -> Result<String, String> {
    let mut doc = document.to_string();
    for (rid, name) in anchors {
        let from = format!("<w:hyperlink r:id=\"{rid}\" ");
        if !doc.contains(&from) {
            return Err(format!("has no hyperlink with relationship {rid}"));
        }
        let to = format!(
            "<w:hyperlink r:id=\"{rid}\" w:anchor=\"{}\" ",
            xml_escape(name)
        );
        doc = doc.replace(&from, &to);
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookmark_names_are_word_safe() {
        assert_eq!(bookmark_name("purpose"), "purpose");
        assert_eq!(bookmark_name("1-purpose-scope"), "h_1_purpose_scope");
        let long = bookmark_name(&"very-long-anchor-".repeat(5));
        assert_eq!(long.len(), 40);
        assert_eq!(long, bookmark_name(&"very-long-anchor-".repeat(5)));
    }

    #[test]
    fn relationships_sort_by_id() {
        let rels = r#"<?xml version="1.0"?><Relationships xmlns="x"><Relationship Id="rId1" Type="a" Target="s" /><Relationship Id="rIdHyperlink10" Type="h" Target="b" TargetMode="External" /><Relationship Id="rIdHyperlink2" Type="h" Target="a" TargetMode="External" /></Relationships>"#;
        let out = String::from_utf8(sort_relationships(rels.as_bytes()).unwrap()).unwrap();
        let a = out.find("rIdHyperlink2").unwrap();
        let b = out.find("rIdHyperlink10").unwrap();
        assert!(out.find("rId1\"").unwrap() < a && a < b, "{out}");
    }

    #[test]
    fn tint_and_accent() {
        assert_eq!(accent_hex("#0b5394"), "0B5394");
        assert_eq!(accent_hex("blue"), DEFAULT_ACCENT);
        assert_eq!(tint("000000", 1.0), "FFFFFF");
        assert_eq!(tint("FF0000", 0.5), "FF8080");
    }
}
