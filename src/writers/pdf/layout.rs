//! Typesetting: blocks → pages of positioned items.
//!
//! Greedy line breaking with real glyph advances and kerning, ragged-right.
//! Words too long for the measure (URLs, e-mail addresses) break at a
//! punctuation point, else with a hyphen between letters, else between
//! characters, so nothing is ever set past the margins. A table too wide
//! for its words is set a little smaller first. Pagination keeps headings
//! with the first lines or row that follow, avoids single widow and orphan
//! lines, never splits a table row that fits on a page and repeats a
//! table's header row on every page it spans.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::display::{Artifact, Dest, Item, LinkTarget, OutlineEntry, Page, Rgb, Role};
use super::fonts::{Face, Fonts};
use crate::blocks::{Align, Block, Inline, ListItem, plain_text};
use crate::model::PaperSize;
use crate::writers::doc_link_target;

/// Body text size and leading.
pub const BODY: f32 = 10.0;
pub const BODY_LH: f32 = 14.0;
const TABLE_SIZE: f32 = 8.5;
const TABLE_LH: f32 = 11.0;
const CODE_SIZE: f32 = 8.5;
const CODE_LH: f32 = 11.5;
/// Padding inside a code block's background.
const CODE_PAD: f32 = 6.0;
const CELL_PAD_X: f32 = 4.5;
const CELL_PAD_Y: f32 = 3.5;
const LIST_INDENT: f32 = 18.0;
const QUOTE_INDENT: f32 = 16.0;
const PARA_AFTER: f32 = 7.0;
/// Breaking measure is this much narrower than the column, so kerning across
/// run boundaries can never push a glyph past the margin.
const SAFETY: f32 = 0.5;
/// Line height of a wrapped kicker (8 pt capitals).
const KICKER_LH: f32 = 10.0;
/// Type sizes a table may be set in, largest first. A table whose longest
/// words do not fit side by side at the body table size (an 11-column
/// register) is set a little smaller before any word is broken.
const TABLE_SIZES: [f32; 4] = [TABLE_SIZE, 8.0, 7.5, 7.0];

/// Page size and margins, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Geometry {
    /// Letter with 1in margins, A4 with 25mm: room for binding and hole punches.
    pub fn for_paper(paper: PaperSize) -> Geometry {
        match paper {
            PaperSize::Letter => Geometry {
                width: 612.0,
                height: 792.0,
                left: 72.0,
                right: 72.0,
                top: 72.0,
                bottom: 72.0,
            },
            PaperSize::A4 => {
                let m = 25.0 * 72.0 / 25.4;
                Geometry {
                    width: 595.28,
                    height: 841.89,
                    left: m,
                    right: m,
                    top: m,
                    bottom: m,
                }
            }
        }
    }

    pub fn content_width(&self) -> f32 {
        self.width - self.left - self.right
    }

    pub fn body_bottom(&self) -> f32 {
        self.height - self.bottom
    }
}

/// Text attributes of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    face: Face,
    size: f32,
    color: Rgb,
    /// Index into [`Layouter::links`].
    link: Option<usize>,
    strike: bool,
}

#[derive(Debug, Clone)]
struct Piece {
    text: String,
    style: Style,
    width: f32,
}

/// A unit between break opportunities: possibly several styled pieces
/// (`**bold**,` is one word).
#[derive(Debug, Clone)]
struct Word {
    pieces: Vec<Piece>,
    width: f32,
    /// Width of the space after the word, 0 when none.
    space: f32,
    /// The style that space was measured in (that of the text it was
    /// written in), so it is set in the same font.
    space_style: Option<Style>,
    hard_break: bool,
}

impl Word {
    fn empty() -> Word {
        Word {
            pieces: Vec::new(),
            width: 0.0,
            space: 0.0,
            space_style: None,
            hard_break: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Line {
    words: Vec<Word>,
    width: f32,
}

/// A list marker waiting for the first line of its item.
#[derive(Debug, Clone)]
struct Marker {
    x_right: f32,
    text: String,
    style: Style,
}

/// What the layouter needs to know about the document being set.
#[derive(Debug, Clone)]
pub struct DocContext {
    pub id: String,
    /// Small line above the title, e.g. `Acme Clinic · Policy`.
    pub kicker: String,
}

/// The typesetter. One per output file; it is not shared between threads.
pub struct Layouter<'f> {
    fonts: &'f Fonts,
    pub geom: Geometry,
    accent: Rgb,
    pub pages: Vec<Page>,
    y: f32,
    /// `(document id, anchor)` → heading position; `(id, "")` is the document start.
    pub anchors: BTreeMap<(String, String), Dest>,
    pub outline: Vec<OutlineEntry>,
    pub links: Vec<LinkTarget>,
    /// Characters the bundled faces lack, per document id.
    pub missing: BTreeMap<String, BTreeSet<char>>,
    doc: Option<DocContext>,
    title_done: bool,
    marker: Option<Marker>,
    para_after: f32,
    text_color: Rgb,
    footnotes: Vec<(String, Vec<Block>)>,
    /// The block after a heading as keep-with-next measured it, keyed by
    /// [`block_key`], so it is not broken into lines twice.
    lead: Option<((usize, u32), Lead)>,
}

/// A block measured ahead of being set (see [`Layouter::lead_height`]).
enum Lead {
    Lines(Vec<Line>),
    Table(Box<TablePrep>),
}

/// A block's identity while its document is set (its address; every block
/// lives until the document is done) and the measure it is set to.
fn block_key(block: &Block, w: f32) -> (usize, u32) {
    (block as *const Block as usize, w.to_bits())
}

/// A table measured and its columns sized: what setting it needs, and what
/// a heading before it needs to stay with its header and first row.
struct TablePrep {
    hst: Style,
    bst: Style,
    /// Line height at the table's type size.
    lh: f32,
    widths: Vec<f32>,
    has_head: bool,
    head_lines: Vec<Vec<Line>>,
    /// The first body row, broken into lines.
    first: Option<Vec<Vec<Line>>>,
    /// The other body rows' words, broken when they are set.
    rows: Vec<Vec<Vec<Word>>>,
}

impl TablePrep {
    fn row_h(&self, lines: &[Vec<Line>]) -> f32 {
        row_h(lines, self.lh)
    }

    fn head_h(&self) -> f32 {
        if self.has_head {
            self.row_h(&self.head_lines)
        } else {
            0.0
        }
    }
}

/// Height of a table row of these cells at line height `lh`.
fn row_h(lines: &[Vec<Line>], lh: f32) -> f32 {
    lines.iter().map(|l| l.len()).max().unwrap_or(0).max(1) as f32 * lh + 2.0 * CELL_PAD_Y
}

/// Per column of a table, from its words at one type size.
struct ColumnMeasure {
    /// Widest line between hard breaks.
    natural: Vec<f32>,
    /// Widest part no break point splits (see [`Layouter::unbreakable_width`]).
    unbreakable: Vec<f32>,
    /// Widest ordinary word (at most 24 characters), split at its break
    /// points ("v1@example." of "v1@example.com").
    word: Vec<f32>,
    /// Widest ordinary word whole.
    whole: Vec<f32>,
    /// Per row (header first), per cell: text width and number of hard-broken lines.
    cells: Vec<Vec<(f32, f32)>>,
}

impl<'f> Layouter<'f> {
    pub fn new(fonts: &'f Fonts, geom: Geometry, accent: Rgb) -> Layouter<'f> {
        Layouter {
            fonts,
            geom,
            accent,
            pages: Vec::new(),
            y: geom.top,
            anchors: BTreeMap::new(),
            outline: Vec::new(),
            links: Vec::new(),
            missing: BTreeMap::new(),
            doc: None,
            title_done: false,
            marker: None,
            para_after: PARA_AFTER,
            text_color: Rgb::TEXT,
            footnotes: Vec::new(),
            lead: None,
        }
    }

    pub fn fonts(&self) -> &'f Fonts {
        self.fonts
    }

    pub fn accent(&self) -> Rgb {
        self.accent
    }

    // ----- pages and the vertical cursor -----

    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.geom.top;
    }

    fn page_index(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    fn push(&mut self, item: Item) {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let i = self.page_index();
        self.pages[i].items.push(item);
    }

    fn at_top(&self) -> bool {
        self.y <= self.geom.top + 0.01
    }

    fn room(&self) -> f32 {
        self.geom.body_bottom() - self.y
    }

    /// Vertical space, dropped at the top of a page.
    fn vspace(&mut self, h: f32) {
        if !self.at_top() {
            self.y += h;
        }
    }

    /// Start a new page unless `h` points fit below the cursor.
    fn ensure(&mut self, h: f32) {
        if h > self.room() + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// Add an item to the current page (cover and contents pages are drawn by the caller).
    pub fn push_item(&mut self, item: Item) {
        self.push(item);
    }

    pub fn y(&self) -> f32 {
        self.y
    }

    pub fn set_y(&mut self, y: f32) {
        self.y = y;
    }

    /// Wrap and set plain text (no Markdown) at the cursor.
    #[allow(clippy::too_many_arguments)]
    pub fn text_block(
        &mut self,
        text: &str,
        face: Face,
        size: f32,
        color: Rgb,
        x: f32,
        w: f32,
        lh: f32,
    ) {
        let st = self.style(face, size, color);
        let words = self.words_from_spans(&[(text.to_string(), st)], false);
        let lines = self.break_words(words, w - SAFETY);
        self.place_lines(&lines, st, x, w, lh);
    }

    /// Width of plain text in a face.
    pub fn width_of(&self, text: &str, face: Face, size: f32) -> f32 {
        self.fonts.get(face).width(text, size)
    }

    /// Record characters of furniture text that the fonts lack.
    pub fn check_glyphs(&mut self, doc: &str, text: &str, face: Face) {
        for ch in printable(text).chars() {
            if !ch.is_whitespace() && !ch.is_control() && !self.fonts.get(face).has(ch) {
                self.missing.entry(doc.to_string()).or_default().insert(ch);
            }
        }
    }

    pub fn add_outline(&mut self, level: u8, title: &str, dest: Dest) {
        self.outline.push(OutlineEntry {
            level,
            title: title.to_string(),
            dest,
        });
    }

    pub fn current_dest(&self) -> Dest {
        Dest {
            page: self.page_index(),
            y: self.y,
        }
    }

    // ----- documents -----

    /// Set one document, starting on a new page.
    pub fn document(&mut self, ctx: DocContext, blocks: &[Block]) {
        self.new_page();
        self.anchors
            .insert((ctx.id.clone(), String::new()), self.current_dest());
        self.doc = Some(ctx);
        self.title_done = false;
        self.footnotes.clear();
        self.lead = None;
        let w = self.geom.content_width();
        let x = self.geom.left;
        self.blocks(blocks, x, w);
        if !self.footnotes.is_empty() {
            let notes = std::mem::take(&mut self.footnotes);
            self.ensure(BODY_LH * 3.0);
            self.vspace(10.0);
            self.push(Item::Line {
                x1: x,
                y1: self.y,
                x2: x + w / 3.0,
                y2: self.y,
                width: 0.5,
                color: Rgb::RULE,
            });
            self.y += 6.0;
            for (label, blocks) in notes {
                let mut inl = vec![Inline::Text(format!("[{label}] "))];
                for b in &blocks {
                    if let Block::Paragraph(p) = b {
                        inl.extend(p.iter().cloned());
                        inl.push(Inline::Text(" ".into()));
                    }
                }
                let st = self.style(Face::Regular, TABLE_SIZE, Rgb::MUTED);
                self.push(Item::Begin(Role::Note));
                self.paragraph(&inl, st, x, w, TABLE_LH, 3.0);
                self.push(Item::End);
            }
        }
        self.lead = None;
        self.doc = None;
    }

    fn doc_id(&self) -> String {
        self.doc.as_ref().map(|d| d.id.clone()).unwrap_or_default()
    }

    fn style(&self, face: Face, size: f32, color: Rgb) -> Style {
        Style {
            face,
            size,
            color,
            link: None,
            strike: false,
        }
    }

    fn blocks(&mut self, blocks: &[Block], x: f32, w: f32) {
        for (i, block) in blocks.iter().enumerate() {
            let rest = &blocks[i + 1..];
            match block {
                Block::Heading { level, id, inlines } => {
                    self.heading(*level, id, inlines, x, w, rest)
                }
                Block::Paragraph(inl) => {
                    let st = self.style(Face::Regular, BODY, self.text_color);
                    let after = self.para_after;
                    match self.take_lead(block, w) {
                        Some(Lead::Lines(lines)) => {
                            self.place_lines(&lines, st, x, w, BODY_LH);
                            self.y += after;
                        }
                        _ => self.paragraph(inl, st, x, w, BODY_LH, after),
                    }
                }
                Block::List { start, items } => self.list(*start, items, x, w),
                Block::Table { aligns, head, rows } => {
                    let prep = match self.take_lead(block, w) {
                        Some(Lead::Table(prep)) => Some(*prep),
                        _ => self.prepare_table(head, rows, w),
                    };
                    if let Some(prep) = prep {
                        self.table(prep, aligns, x);
                    }
                }
                Block::Code { text, .. } => self.code(text, x, w),
                Block::Quote(inner) => self.quote(inner, x, w),
                Block::Rule => {
                    self.ensure(16.0);
                    self.vspace(4.0);
                    self.push(Item::Line {
                        x1: x,
                        y1: self.y,
                        x2: x + w,
                        y2: self.y,
                        width: 0.6,
                        color: Rgb::RULE,
                    });
                    self.y += 12.0;
                }
                Block::FootnoteDef { label, blocks } => {
                    self.footnotes.push((label.clone(), blocks.clone()))
                }
            }
        }
    }

    /// The measured block after a heading, when `block` is the one measured.
    fn take_lead(&mut self, block: &Block, w: f32) -> Option<Lead> {
        match &self.lead {
            Some((key, _)) if *key == block_key(block, w) => self.lead.take().map(|(_, l)| l),
            _ => None,
        }
    }

    /// The height that must follow a heading on its page: what the next
    /// block needs before it would move to the next page itself (a
    /// paragraph's first lines as widow control places them, a table's
    /// header and first row, a list's first item), so a heading always
    /// travels with its first content. The block is measured at its real
    /// width, and kept in [`Layouter::lead`] for setting it.
    fn lead_height(&mut self, rest: &[Block], w: f32) -> f32 {
        let Some(block) = rest.first() else {
            return 0.0;
        };
        let key = block_key(block, w);
        match block {
            Block::Heading { level, inlines, .. } => {
                let (size, lh, before, after) = heading_metrics(*level);
                let face = if *level >= 4 {
                    Face::BoldItalic
                } else {
                    Face::Bold
                };
                let st = self.style(face, size, Rgb::TEXT);
                let n = self.break_inlines(inlines, st, w).len();
                let rule_h = if *level <= 2 { 5.0 } else { 0.0 };
                before + n as f32 * lh + rule_h + after + self.lead_height(&rest[1..], w)
            }
            Block::Paragraph(inl) => {
                let n = match &self.lead {
                    Some((k, Lead::Lines(lines))) if *k == key => lines.len(),
                    _ => {
                        let st = self.style(Face::Regular, BODY, self.text_color);
                        let lines = self.break_inlines(inl, st, w);
                        let n = lines.len();
                        self.lead = Some((key, Lead::Lines(lines)));
                        n
                    }
                };
                // `place_lines` keeps at least two lines on each side of a
                // page break: a paragraph of three lines or fewer moves whole.
                let keep = if n <= 3 { n } else { 2 };
                let h = keep as f32 * BODY_LH;
                // A one-line lead-in ("Circle one answer in each row.") is
                // not enough to follow a heading: what comes after it comes
                // too, unless that is the next section.
                if n < 2
                    && rest
                        .get(1)
                        .is_some_and(|b| !matches!(b, Block::Heading { .. }))
                {
                    h + self.para_after + self.lead_height(&rest[1..], w)
                } else {
                    h
                }
            }
            Block::List { items, .. } => match items.first() {
                Some(item) => {
                    let h = self.lead_height(&item.blocks, w - LIST_INDENT);
                    // A one-line first item brings the second item's first line.
                    if h < 2.0 * BODY_LH - 0.01 && items.len() > 1 {
                        h + 3.0 + BODY_LH
                    } else {
                        h
                    }
                }
                None => 0.0,
            },
            Block::Table { head, rows, .. } => {
                if !matches!(&self.lead, Some((k, Lead::Table(_))) if *k == key) {
                    match self.prepare_table(head, rows, w) {
                        Some(prep) => self.lead = Some((key, Lead::Table(Box::new(prep)))),
                        None => return self.lead_height(&rest[1..], w),
                    }
                }
                match &self.lead {
                    Some((_, Lead::Table(prep))) => 2.0 + self.table_keep(prep),
                    _ => 0.0,
                }
            }
            Block::Code { text, .. } => {
                let n = self.code_lines(text, w - 2.0 * CODE_PAD).len();
                2.0 + n.min(3) as f32 * CODE_LH + 2.0 * CODE_PAD
            }
            Block::Quote(inner) => {
                // Measured in the quote's colour, as it is set.
                let saved = self.text_color;
                self.text_color = Rgb::MUTED;
                let h = self.lead_height(inner, w - QUOTE_INDENT);
                self.text_color = saved;
                h
            }
            Block::Rule => 16.0,
            Block::FootnoteDef { .. } => self.lead_height(&rest[1..], w),
        }
    }

    fn heading(&mut self, level: u8, id: &str, inlines: &[Inline], x: f32, w: f32, rest: &[Block]) {
        let (size, lh, before, after) = heading_metrics(level);
        let is_title = level == 1 && !self.title_done;
        let color = if level == 2 { self.accent } else { Rgb::TEXT };
        let face = if level >= 4 {
            Face::BoldItalic
        } else {
            Face::Bold
        };
        let st = self.style(face, size, color);
        let lines = self.break_inlines(inlines, st, w);
        // The kicker above a document's title (organization · kind) is one
        // line, or wrapped when a long name would run past the margin.
        let kicker = if is_title {
            let text = self
                .doc
                .as_ref()
                .map(|d| d.kicker.to_uppercase())
                .unwrap_or_default();
            let kst = self.style(Face::Bold, 8.0, self.accent);
            let width = self.measure(&text, kst);
            let wrapped = (width > w - SAFETY).then(|| {
                let words = self.words_from_spans(&[(text.clone(), kst)], false);
                self.break_words(words, w - SAFETY)
            });
            Some((text, kst, width, wrapped))
        } else {
            None
        };
        let kicker_h = match &kicker {
            Some((_, _, _, Some(wrapped))) => 16.0 + (wrapped.len() as f32 - 1.0) * KICKER_LH,
            Some(_) => 16.0,
            None => 0.0,
        };
        let rule_h = if level <= 2 { 5.0 } else { 0.0 };
        let h = kicker_h + lines.len() as f32 * lh + rule_h + after;
        self.vspace(before);
        let keep = self.lead_height(rest, w);
        self.ensure(h + keep);
        let dest = self.current_dest();
        let doc = self.doc_id();
        self.anchors.entry((doc, id.to_string())).or_insert(dest);
        self.outline.push(OutlineEntry {
            level,
            title: plain_text(inlines).trim().to_string(),
            dest,
        });
        if let Some((text, kst, width, wrapped)) = kicker {
            self.title_done = true;
            self.push(Item::Begin(Role::P));
            match wrapped {
                None => {
                    let y = self.y + 9.0;
                    self.text_item(x, y, text, kst, width);
                }
                Some(wrapped) => {
                    for (i, line) in wrapped.iter().enumerate() {
                        let y = self.y + 9.0 + i as f32 * KICKER_LH;
                        self.draw_line(line, x, y, w, Align::Left);
                    }
                }
            }
            self.push(Item::End);
            self.y += kicker_h;
        }
        self.push(Item::Begin(Role::H(level)));
        for line in &lines {
            let baseline = self.y + self.baseline_offset(st, lh);
            self.draw_line(line, x, baseline, w, Align::Left);
            self.y += lh;
        }
        self.push(Item::End);
        if level <= 2 {
            let (width, color) = if level == 1 {
                (1.5, self.accent)
            } else {
                (0.6, self.accent.tint(0.45))
            };
            self.y += 2.0;
            self.push(Item::Line {
                x1: x,
                y1: self.y,
                x2: x + w,
                y2: self.y,
                width,
                color,
            });
            self.y += rule_h - 2.0;
        }
        self.y += after;
    }

    fn paragraph(&mut self, inlines: &[Inline], st: Style, x: f32, w: f32, lh: f32, after: f32) {
        let lines = self.break_inlines(inlines, st, w);
        self.push(Item::Begin(Role::P));
        self.place_lines(&lines, st, x, w, lh);
        self.push(Item::End);
        self.y += after;
    }

    /// Place lines, breaking pages so that neither a page's last line of a
    /// paragraph (orphan) nor a page's first (widow) stands alone.
    fn place_lines(&mut self, lines: &[Line], st: Style, x: f32, w: f32, lh: f32) {
        let mut i = 0;
        let n = lines.len();
        while i < n {
            let left = n - i;
            let fit = ((self.room() + 0.01) / lh).floor().max(0.0) as usize;
            let mut take = left.min(fit);
            if take < left {
                // Keep at least two lines on each side of the break.
                if left - take < 2 {
                    take = left.saturating_sub(2);
                }
                if take < 2 && !(self.at_top()) {
                    self.new_page();
                    continue;
                }
                if take == 0 {
                    // A page cannot hold even one line (never with sane margins): set one anyway.
                    take = 1;
                }
            }
            for line in &lines[i..i + take] {
                let baseline = self.y + self.baseline_offset(st, lh);
                self.flush_marker(baseline);
                self.draw_line(line, x, baseline, w, Align::Left);
                self.y += lh;
            }
            i += take;
            if i < n {
                self.new_page();
            }
        }
    }

    fn flush_marker(&mut self, baseline: f32) {
        if let Some(m) = self.marker.take() {
            let width = self.measure(&m.text, m.style);
            self.push(Item::Begin(Role::Lbl));
            self.text_item(m.x_right - width, baseline, m.text, m.style, width);
            self.push(Item::End);
        }
    }

    fn baseline_offset(&self, st: Style, lh: f32) -> f32 {
        let f = self.fonts.get(st.face);
        let asc = f.ascent(st.size);
        let desc = f.descent(st.size);
        (lh - (asc + desc)) / 2.0 + asc
    }

    fn list(&mut self, start: Option<u64>, items: &[ListItem], x: f32, w: f32) {
        let depth = ((x - self.geom.left) / LIST_INDENT).round() as usize;
        let saved_after = self.para_after;
        self.para_after = 3.0;
        let bullet = match depth % 3 {
            0 => "•",
            1 => "–",
            _ => "◦",
        };
        let bullet = if bullet.chars().all(|c| self.fonts.get(Face::Regular).has(c)) {
            bullet
        } else {
            "•"
        };
        self.push(Item::Begin(Role::L {
            ordered: start.is_some(),
        }));
        for (n, item) in items.iter().enumerate() {
            let text = match (item.task, start) {
                (Some(true), _) => self.task_box(true),
                (Some(false), _) => self.task_box(false),
                (None, Some(s)) => format!("{}.", s + n as u64),
                (None, None) => bullet.to_string(),
            };
            let st = self.style(
                Face::Regular,
                BODY,
                if start.is_some() {
                    Rgb::TEXT
                } else {
                    self.accent
                },
            );
            self.marker = Some(Marker {
                x_right: x + LIST_INDENT - 5.0,
                text,
                style: st,
            });
            self.push(Item::Begin(Role::LI));
            self.push(Item::Begin(Role::LBody));
            self.blocks(&item.blocks, x + LIST_INDENT, w - LIST_INDENT);
            self.push(Item::End);
            self.push(Item::End);
            self.marker = None;
        }
        self.push(Item::End);
        self.para_after = saved_after;
        self.vspace(saved_after - 3.0);
    }

    fn task_box(&self, checked: bool) -> String {
        let c = if checked { '☒' } else { '☐' };
        if self.fonts.get(Face::Regular).has(c) {
            c.to_string()
        } else if checked {
            "[x]".to_string()
        } else {
            "[ ]".to_string()
        }
    }

    fn quote(&mut self, inner: &[Block], x: f32, w: f32) {
        let start = self.current_dest();
        let saved = self.text_color;
        self.text_color = Rgb::MUTED;
        self.push(Item::Begin(Role::BlockQuote));
        self.blocks(inner, x + QUOTE_INDENT, w - QUOTE_INDENT);
        self.push(Item::End);
        self.text_color = saved;
        let end = self.current_dest();
        let bar_x = x + 4.0;
        for p in start.page..=end.page {
            let y1 = if p == start.page {
                start.y
            } else {
                self.geom.top
            };
            let y2 = if p == end.page {
                end.y - self.para_after
            } else {
                self.geom.body_bottom()
            };
            if y2 > y1 && p < self.pages.len() {
                self.pages[p].items.push(Item::Line {
                    x1: bar_x,
                    y1,
                    x2: bar_x,
                    y2,
                    width: 2.5,
                    color: self.accent.tint(0.55),
                });
            }
        }
    }

    /// A code block's lines at the measure `inner`.
    fn code_lines(&mut self, text: &str, inner: f32) -> Vec<Line> {
        let st = self.style(Face::Mono, CODE_SIZE, Rgb::TEXT);
        let mut lines = Vec::new();
        for src in text.split('\n') {
            let words = self.words_from_spans(&[(src.replace('\t', "    "), st)], true);
            if words.is_empty() {
                lines.push(Line::default());
            } else {
                lines.extend(self.break_words(words, inner));
            }
        }
        lines
    }

    fn code(&mut self, text: &str, x: f32, w: f32) {
        let st = self.style(Face::Mono, CODE_SIZE, Rgb::TEXT);
        let pad = CODE_PAD;
        let inner = w - 2.0 * pad;
        let lines = self.code_lines(text, inner);
        self.ensure((lines.len().min(3) as f32) * CODE_LH + 2.0 * pad);
        self.vspace(2.0);
        self.push(Item::Begin(Role::P));
        self.push(Item::Begin(Role::Code));
        let mut seg_start = (
            self.page_index(),
            self.pages
                .get(self.page_index())
                .map_or(0, |p| p.items.len()),
            self.y,
        );
        self.y += pad;
        for line in &lines {
            if CODE_LH > self.room() - pad {
                self.code_background(seg_start, x, w, self.y + pad);
                self.new_page();
                seg_start = (self.page_index(), 0, self.y);
                self.y += pad;
            }
            let baseline = self.y + self.baseline_offset(st, CODE_LH);
            self.flush_marker(baseline);
            self.draw_line(line, x + pad, baseline, inner, Align::Left);
            self.y += CODE_LH;
        }
        self.y += pad;
        self.code_background(seg_start, x, w, self.y);
        self.push(Item::End);
        self.push(Item::End);
        self.y += self.para_after;
    }

    fn code_background(&mut self, (page, idx, y0): (usize, usize, f32), x: f32, w: f32, y1: f32) {
        if let Some(p) = self.pages.get_mut(page) {
            let idx = idx.min(p.items.len());
            p.items.insert(
                idx,
                Item::Rect {
                    x,
                    y: y0,
                    w,
                    h: y1 - y0,
                    color: Rgb::CODE_BG,
                },
            );
        }
    }

    // ----- tables -----

    /// Measure a table and size its columns (`None` when it has no columns).
    ///
    /// The table is set at the largest of [`TABLE_SIZES`] at which every
    /// column's longest ordinary word fits beside the others', so a wide
    /// register's headers are not broken mid-word ("Hostnam/e"); only when
    /// not even 7 pt does are words broken, with a hyphen.
    fn prepare_table(
        &mut self,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        w: f32,
    ) -> Option<TablePrep> {
        let ncols = head
            .len()
            .max(rows.iter().map(|r| r.len()).max().unwrap_or(0));
        if ncols == 0 {
            return None;
        }
        let cap = w * 0.3;
        let pad2 = 2.0 * CELL_PAD_X + SAFETY;
        let floor_of = |word: f32| (word.min(cap) + pad2).max(24.0);
        let (mut head_words, mut row_words) = self.table_words(head, rows, ncols, TABLE_SIZE);
        let mut m = self.measure_columns(&head_words, &row_words);
        // Widths scale with the type size, so the size that fits is found
        // from this one measurement; the words are set again at that size.
        let size = TABLE_SIZES
            .iter()
            .copied()
            .find(|s| {
                let k = s / TABLE_SIZE;
                m.word.iter().map(|v| floor_of(v * k)).sum::<f32>() <= w
            })
            .unwrap_or(TABLE_SIZES[TABLE_SIZES.len() - 1]);
        if size != TABLE_SIZE {
            (head_words, row_words) = self.table_words(head, rows, ncols, size);
            m = self.measure_columns(&head_words, &row_words);
        }
        let wants = ColumnWants {
            nat: m.natural.iter().map(|v| v + pad2).collect(),
            min: m.unbreakable.iter().map(|v| floor_of(*v)).collect(),
            whole: m.whole.iter().map(|v| floor_of(*v)).collect(),
            floor: m.word.iter().map(|v| floor_of(*v)).collect(),
            cells: m.cells,
            pad: pad2,
        };
        let widths = column_widths(&wants, w);
        let has_head = head.iter().any(|c| !c.is_empty());
        let head_lines = self.lay_row(head_words, &widths);
        let mut rows = row_words.into_iter();
        let first = rows.next().map(|r| self.lay_row(r, &widths));
        Some(TablePrep {
            hst: self.style(Face::Bold, size, Rgb::TEXT),
            bst: self.style(Face::Regular, size, self.text_color),
            lh: (TABLE_LH * size / TABLE_SIZE * 10.0).round() / 10.0,
            widths,
            has_head,
            head_lines,
            first,
            rows: rows.collect(),
        })
    }

    /// The words of every cell of a table, once, at type size `size`.
    #[allow(clippy::type_complexity)]
    fn table_words(
        &mut self,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        ncols: usize,
        size: f32,
    ) -> (Vec<Vec<Word>>, Vec<Vec<Vec<Word>>>) {
        let hst = self.style(Face::Bold, size, Rgb::TEXT);
        let bst = self.style(Face::Regular, size, self.text_color);
        let cell_words = |me: &mut Self, cells: &[Vec<Inline>], st: Style| -> Vec<Vec<Word>> {
            (0..ncols)
                .map(|c| match cells.get(c) {
                    Some(inl) => {
                        let spans = me.spans(inl, st);
                        me.words_from_spans(&spans, false)
                    }
                    None => Vec::new(),
                })
                .collect()
        };
        let head_words = cell_words(self, head, hst);
        let row_words = rows.iter().map(|r| cell_words(self, r, bst)).collect();
        (head_words, row_words)
    }

    /// Natural, unbreakable and word widths of a table's columns, and each
    /// cell's text width (see [`ColumnMeasure`]).
    fn measure_columns(&self, head: &[Vec<Word>], rows: &[Vec<Vec<Word>>]) -> ColumnMeasure {
        let ncols = head.len();
        let mut m = ColumnMeasure {
            natural: vec![0.0; ncols],
            unbreakable: vec![0.0; ncols],
            word: vec![0.0; ncols],
            whole: vec![0.0; ncols],
            cells: Vec::with_capacity(rows.len() + 1),
        };
        for row in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)) {
            let mut cells = Vec::with_capacity(ncols);
            for (c, words) in row.iter().enumerate() {
                let (mut line, mut text, mut lines) = (0.0f32, 0.0f32, 1.0f32);
                for (i, wd) in words.iter().enumerate() {
                    line += wd.width;
                    if i + 1 < words.len() {
                        line += wd.space;
                    }
                    let unbreakable = self.unbreakable_width(wd);
                    m.unbreakable[c] = m.unbreakable[c].max(unbreakable);
                    let chars: usize = wd.pieces.iter().map(|p| p.text.chars().count()).sum();
                    if chars <= 24 {
                        m.word[c] = m.word[c].max(unbreakable);
                        m.whole[c] = m.whole[c].max(wd.width);
                    }
                    if wd.hard_break {
                        m.natural[c] = m.natural[c].max(line);
                        text += line;
                        line = 0.0;
                        if i + 1 < words.len() {
                            lines += 1.0;
                        }
                    }
                }
                m.natural[c] = m.natural[c].max(line);
                cells.push((text + line, lines));
            }
            m.cells.push(cells);
        }
        m
    }

    /// Break each cell of a row to its column's width.
    fn lay_row(&self, words: Vec<Vec<Word>>, widths: &[f32]) -> Vec<Vec<Line>> {
        words
            .into_iter()
            .enumerate()
            .map(|(c, wd)| self.break_words(wd, widths[c] - 2.0 * CELL_PAD_X - SAFETY))
            .collect()
    }

    /// What must fit below the cursor for a table to start on this page: its
    /// header row and first row, or, when those are taller than a page (the
    /// row is split line by line), the header and two lines of the row.
    fn table_keep(&self, prep: &TablePrep) -> f32 {
        let head_h = prep.head_h();
        let first_h = prep.first.as_ref().map_or(0.0, |l| prep.row_h(l));
        if head_h + first_h <= self.geom.body_bottom() - self.geom.top {
            head_h + first_h
        } else {
            head_h + first_h.min(2.0 * prep.lh + 2.0 * CELL_PAD_Y)
        }
    }

    fn table(&mut self, prep: TablePrep, aligns: &[Align], x: f32) {
        let head_h = prep.head_h();
        self.vspace(2.0);
        let keep = self.table_keep(&prep);
        self.ensure(keep);
        self.push(Item::Begin(Role::Table));
        let TablePrep {
            hst,
            bst,
            lh,
            widths,
            has_head,
            head_lines,
            mut first,
            rows,
        } = prep;
        let (widths, head_lines) = (&widths, &head_lines);
        if has_head {
            self.table_row(head_lines, widths, aligns, x, hst, lh, true);
        }
        let mut rest = rows.into_iter();
        loop {
            let mut lines = match first.take() {
                Some(lines) => lines,
                None => match rest.next() {
                    Some(words) => self.lay_row(words, widths),
                    None => break,
                },
            };
            let h = row_h(&lines, lh);
            if h > self.room() + 0.01
                && !(self.at_top())
                && head_h + h <= self.geom.body_bottom() - self.geom.top
            {
                self.new_page();
                if has_head {
                    self.repeated_head(head_lines, widths, aligns, x, hst, lh);
                }
            }
            // A row taller than a whole page is split line by line (it cannot be kept whole).
            loop {
                let fit = (((self.room() - 2.0 * CELL_PAD_Y) / lh).floor().max(1.0)) as usize;
                let most = lines.iter().map(|l| l.len()).max().unwrap_or(0);
                if most <= fit {
                    self.table_row(&lines, widths, aligns, x, bst, lh, false);
                    break;
                }
                let part: Vec<Vec<Line>> = lines
                    .iter_mut()
                    .map(|l| l.drain(..fit.min(l.len())).collect())
                    .collect();
                self.table_row(&part, widths, aligns, x, bst, lh, false);
                self.new_page();
                if has_head {
                    self.repeated_head(head_lines, widths, aligns, x, hst, lh);
                }
            }
        }
        self.push(Item::End);
        self.y += self.para_after + 4.0;
    }

    /// The header row again at the top of a page a table continues on: an
    /// artifact, the header cells are tagged once (where the table starts).
    fn repeated_head(
        &mut self,
        cells: &[Vec<Line>],
        widths: &[f32],
        aligns: &[Align],
        x: f32,
        st: Style,
        lh: f32,
    ) {
        self.push(Item::Begin(Role::Artifact(Artifact::Layout)));
        self.table_row(cells, widths, aligns, x, st, lh, true);
        self.push(Item::End);
    }

    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        cells: &[Vec<Line>],
        widths: &[f32],
        aligns: &[Align],
        x: f32,
        st: Style,
        lh: f32,
        header: bool,
    ) {
        let n = cells.iter().map(|l| l.len()).max().unwrap_or(0).max(1);
        let h = n as f32 * lh + 2.0 * CELL_PAD_Y;
        let total: f32 = widths.iter().sum();
        if header {
            self.push(Item::Rect {
                x,
                y: self.y,
                w: total,
                h,
                color: self.accent.tint(0.88),
            });
        }
        self.push(Item::Begin(Role::TR));
        let mut cx = x;
        for (c, lines) in cells.iter().enumerate() {
            self.push(Item::Begin(if header { Role::TH } else { Role::TD }));
            let cw = widths[c];
            let align = aligns.get(c).copied().unwrap_or(Align::Default);
            let mut y = self.y + CELL_PAD_Y;
            for line in lines {
                let baseline = y + self.baseline_offset(st, lh);
                self.draw_line(
                    line,
                    cx + CELL_PAD_X,
                    baseline,
                    cw - 2.0 * CELL_PAD_X - SAFETY,
                    align,
                );
                y += lh;
            }
            self.push(Item::End);
            cx += cw;
        }
        self.push(Item::End);
        let (rw, rc) = if header {
            (0.9, self.accent)
        } else {
            (0.4, Rgb::RULE)
        };
        self.y += h;
        self.push(Item::Line {
            x1: x,
            y1: self.y,
            x2: x + total,
            y2: self.y,
            width: rw,
            color: rc,
        });
    }

    // ----- inline text -----

    /// Flatten inline content into styled spans; `"\n"` marks a hard break.
    fn spans(&mut self, inlines: &[Inline], st: Style) -> Vec<(String, Style)> {
        let mut out = Vec::new();
        self.push_spans(inlines, st, &mut out);
        out
    }

    fn push_spans(&mut self, inlines: &[Inline], st: Style, out: &mut Vec<(String, Style)>) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => out.push((t.clone(), st)),
                Inline::Code(t) => out.push((
                    t.clone(),
                    Style {
                        face: Face::Mono,
                        size: st.size * 0.92,
                        ..st
                    },
                )),
                Inline::Emph(c) => {
                    let face = st.face.with(st.face.is_bold(), !st.face.is_italic());
                    self.push_spans(c, Style { face, ..st }, out);
                }
                Inline::Strong(c) => {
                    let face = st.face.with(true, st.face.is_italic());
                    self.push_spans(c, Style { face, ..st }, out);
                }
                Inline::Strike(c) => self.push_spans(c, Style { strike: true, ..st }, out),
                Inline::Link { dest, children } => {
                    let target = self.link_target(dest);
                    let link = target.map(|t| {
                        self.links.push(t);
                        self.links.len() - 1
                    });
                    let color = if link.is_some() {
                        self.link_color()
                    } else {
                        st.color
                    };
                    self.push_spans(children, Style { link, color, ..st }, out);
                }
                Inline::FootnoteRef(l) => out.push((format!("[{l}]"), st)),
                Inline::SoftBreak => out.push((" ".into(), st)),
                Inline::HardBreak => out.push(("\n".into(), st)),
            }
        }
    }

    fn link_color(&self) -> Rgb {
        // The accent is contrast-checked against white by the render stage; darken it a little for body text.
        Rgb(
            self.accent.0 * 0.85,
            self.accent.1 * 0.85,
            self.accent.2 * 0.85,
        )
    }

    fn link_target(&self, dest: &str) -> Option<LinkTarget> {
        let dest = dest.trim();
        if dest.is_empty() {
            return None;
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            return Some(LinkTarget::Doc {
                doc: self.doc_id(),
                anchor: Some(anchor.to_string()),
            });
        }
        if let Some((doc, anchor)) = doc_link_target(dest) {
            return Some(LinkTarget::Doc {
                doc: doc.to_string(),
                anchor: anchor.map(str::to_string),
            });
        }
        Some(LinkTarget::Uri(dest.to_string()))
    }

    fn break_inlines(&mut self, inlines: &[Inline], st: Style, w: f32) -> Vec<Line> {
        let spans = self.spans(inlines, st);
        let words = self.words_from_spans(&spans, false);
        self.break_words(words, w - SAFETY)
    }

    /// Split spans into words at spaces; `keep_spaces` (code) keeps runs of
    /// spaces as part of the text.
    fn words_from_spans(&mut self, spans: &[(String, Style)], keep_spaces: bool) -> Vec<Word> {
        /// Append a run of word characters to the word being built: to its
        /// last piece when the style is the same, else as a new piece. Whole
        /// runs, not characters, so a piece's text is allocated once.
        fn append(word: &mut Word, text: &str, st: Style) {
            match word.pieces.last_mut() {
                Some(p) if p.style == st => p.text.push_str(text),
                _ => word.pieces.push(Piece {
                    text: text.to_string(),
                    style: st,
                    width: 0.0,
                }),
            }
        }
        let fonts = self.fonts;
        let mut words: Vec<Word> = Vec::new();
        let mut cur = Word::empty();
        for (text, st) in spans {
            let font = fonts.get(st.face);
            let text = printable(text);
            let text = text.as_ref();
            // Start of the run of word characters not yet appended.
            let mut run: Option<usize> = None;
            for (at, ch) in text.char_indices() {
                let space = ch.is_whitespace() && ch != '\u{a0}' && !(keep_spaces && ch == ' ');
                if ch != '\n' && !space && !ch.is_control() {
                    if !ch.is_whitespace() && !font.has(ch) {
                        let doc = self.doc_id();
                        self.missing.entry(doc).or_default().insert(ch);
                    }
                    run.get_or_insert(at);
                    continue;
                }
                if let Some(start) = run.take() {
                    append(&mut cur, &text[start..at], *st);
                }
                if ch == '\n' {
                    if !cur.pieces.is_empty() {
                        cur.hard_break = true;
                        words.push(std::mem::replace(&mut cur, Word::empty()));
                    } else if let Some(last) = words.last_mut() {
                        last.hard_break = true;
                        last.space = 0.0;
                    }
                } else if space {
                    let space = font.width(" ", st.size);
                    if !cur.pieces.is_empty() {
                        cur.space = space;
                        cur.space_style = Some(*st);
                        words.push(std::mem::replace(&mut cur, Word::empty()));
                    } else if let Some(last) = words.last_mut()
                        && !last.hard_break
                    {
                        last.space = space;
                        last.space_style = Some(*st);
                    }
                }
                // Any other control character is dropped.
            }
            if let Some(start) = run {
                append(&mut cur, &text[start..], *st);
            }
        }
        if !cur.pieces.is_empty() {
            words.push(cur);
        }
        for word in &mut words {
            self.measure_word(word);
        }
        words
    }

    fn measure(&self, text: &str, st: Style) -> f32 {
        self.fonts.get(st.face).width(text, st.size)
    }

    fn measure_word(&self, word: &mut Word) {
        let mut total = 0.0;
        for p in &mut word.pieces {
            p.width = self.fonts.get(p.style.face).width(&p.text, p.style.size);
            total += p.width;
        }
        word.width = total;
    }

    /// Greedy line breaking to measure `w`.
    fn break_words(&self, words: Vec<Word>, w: f32) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut line = Line::default();
        let mut queue: VecDeque<Word> = words.into();
        while let Some(word) = queue.pop_front() {
            if line.words.is_empty() {
                if word.width <= w {
                    line.width = word.width;
                    let hard = word.hard_break;
                    line.words.push(word);
                    if hard {
                        lines.push(std::mem::take(&mut line));
                    }
                } else if let Some((head, tail)) = self.split_word(&word, w, true) {
                    line.width = head.width;
                    line.words.push(head);
                    lines.push(std::mem::take(&mut line));
                    queue.push_front(tail);
                } else {
                    // A single glyph wider than the measure: nothing narrower exists.
                    line.width = word.width;
                    line.words.push(word);
                    lines.push(std::mem::take(&mut line));
                }
                continue;
            }
            let space = line.words.last().map_or(0.0, |l| l.space);
            let remaining = w - line.width - space;
            if word.width <= remaining {
                line.width += space + word.width;
                let hard = word.hard_break;
                line.words.push(word);
                if hard {
                    lines.push(std::mem::take(&mut line));
                }
                continue;
            }
            // A long token (URL, e-mail) fills the rest of the line rather than leaving a gap.
            if word.width > w * 0.4
                && remaining > w * 0.25
                && let Some((head, tail)) = self.split_word(&word, remaining, false)
            {
                line.width += space + head.width;
                line.words.push(head);
                lines.push(std::mem::take(&mut line));
                queue.push_front(tail);
                continue;
            }
            lines.push(std::mem::take(&mut line));
            queue.push_front(word);
        }
        if !line.words.is_empty() {
            lines.push(line);
        }
        for l in &mut lines {
            if let Some(last) = l.words.last_mut() {
                last.space = 0.0;
            }
        }
        lines
    }

    /// The widest part of `word` that [`Layouter::split_word`] cannot break:
    /// a whole ordinary word, but only the longest segment between break
    /// points of a URL, e-mail or hyphenated name. A table column's minimum
    /// is this, so a 40-character hyphenated vendor name does not claim its
    /// whole length and squeeze the "Finding" column into "Findin/g".
    fn unbreakable_width(&self, word: &Word) -> f32 {
        let (mut widest, mut segment) = (0.0f32, 0.0f32);
        for p in &word.pieces {
            let f = self.fonts.get(p.style.face);
            for c in p.text.chars() {
                if c == '@' {
                    widest = widest.max(segment);
                    segment = 0.0;
                }
                let mut buf = [0u8; 4];
                segment += f.width(c.encode_utf8(&mut buf), p.style.size);
                if BREAK_AFTER.contains(c) {
                    widest = widest.max(segment);
                    segment = 0.0;
                }
            }
        }
        widest.max(segment)
    }

    /// Split a word so that its head fits `max_w`: after a `/ . - _ ? & = # , ;`
    /// or before an `@` where possible, else (when `anywhere`) with a hyphen
    /// between two letters (see [`Layouter::hyphenate`]), else between
    /// characters.
    fn split_word(&self, word: &Word, max_w: f32, anywhere: bool) -> Option<(Word, Word)> {
        // (piece index, byte offset, char, advance)
        let mut chars: Vec<(usize, usize, char, f32)> = Vec::new();
        for (pi, p) in word.pieces.iter().enumerate() {
            let f = self.fonts.get(p.style.face);
            for (bi, c) in p.text.char_indices() {
                let mut buf = [0u8; 4];
                chars.push((pi, bi, c, f.width(c.encode_utf8(&mut buf), p.style.size)));
            }
        }
        if chars.len() < 2 {
            return None;
        }
        let mut acc = 0.0;
        let mut fit = 0; // number of chars that fit
        for (i, ch) in chars.iter().enumerate() {
            if acc + ch.3 > max_w {
                break;
            }
            acc += ch.3;
            fit = i + 1;
        }
        let fit = fit.min(chars.len() - 1);
        let mut cut = None;
        for j in (1..=fit).rev() {
            let before = chars[j - 1].2;
            let after = chars[j].2;
            if BREAK_AFTER.contains(before) || after == '@' {
                cut = Some(j);
                break;
            }
        }
        let mut cut = match cut {
            Some(c) if c * 4 >= fit || !anywhere => c,
            _ if anywhere => {
                if let Some(split) = self.hyphenate(word, &chars, max_w) {
                    return Some(split);
                }
                fit.max(1)
            }
            _ => return None,
        };
        loop {
            let (head, tail) = split_at_char(word, &chars, cut);
            let mut head = head;
            let mut tail = tail;
            self.measure_word(&mut head);
            self.measure_word(&mut tail);
            if head.width <= max_w || cut <= 1 {
                return Some((head, tail));
            }
            cut -= 1;
        }
    }

    /// Break a word with a visible hyphen, its head (hyphen included)
    /// fitting `max_w`: at the last point between two letters that leaves
    /// at least two letters before and three after and falls between two
    /// consonants that do not begin a syllable together ("Host-name",
    /// "Log-ged", not "Hostn-ame") or before a consonant and vowel
    /// ("Loca-tion"); else at the last point between two letters. `None`
    /// for URLs, e-mail addresses, paths and code, where a hyphen would read
    /// as part of the text, and for scripts that are not hyphenated.
    fn hyphenate(
        &self,
        word: &Word,
        chars: &[(usize, usize, char, f32)],
        max_w: f32,
    ) -> Option<(Word, Word)> {
        let n = chars.len();
        if n < 4 || chars.iter().any(|c| matches!(c.2, '@' | '/' | '\\' | ':')) {
            return None;
        }
        let letter = |i: usize| {
            let (pi, _, c, _) = chars[i];
            c.is_alphabetic() && (c as u32) < 0x0590 && word.pieces[pi].style.face != Face::Mono
        };
        let vowel = |i: usize| {
            chars[i]
                .2
                .to_lowercase()
                .any(|c| "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœαεηιουωάέήίόύώаеёиоуыэюяіє".contains(c))
        };
        let sensible = |j: usize| {
            if n - j < 3 || !letter(j + 1) {
                return false;
            }
            if vowel(j - 1) {
                return !vowel(j) && vowel(j + 1);
            }
            let pair: String = chars[j - 1..=j]
                .iter()
                .flat_map(|c| c.2.to_lowercase())
                .collect();
            !vowel(j) && !ONSETS.split(' ').any(|o| o == pair)
        };
        // Candidate cuts (the head is `chars[..j]`) whose head and hyphen fit.
        let mut width = 0.0;
        let mut fits = Vec::new();
        for j in 1..n - 1 {
            width += chars[j - 1].3;
            let (pi, ..) = chars[j - 1];
            let p = &word.pieces[pi];
            let hyphen = self.fonts.get(p.style.face).width("-", p.style.size);
            if width + hyphen > max_w {
                break;
            }
            if j >= 2 && letter(j - 1) && letter(j) {
                fits.push(j);
            }
        }
        let by_quality = fits
            .iter()
            .rev()
            .filter(|&&j| sensible(j))
            .chain(fits.iter().rev());
        for &j in by_quality {
            let (mut head, mut tail) = split_at_char(word, chars, j);
            if let Some(last) = head.pieces.last_mut() {
                last.text.push('-');
            }
            self.measure_word(&mut head);
            self.measure_word(&mut tail);
            if head.width <= max_w {
                return Some((head, tail));
            }
        }
        None
    }

    fn draw_line(&mut self, line: &Line, x: f32, baseline: f32, w: f32, align: Align) {
        let dx = match align {
            Align::Center => ((w - line.width) / 2.0).max(0.0),
            Align::Right => (w - line.width).max(0.0),
            _ => 0.0,
        };
        // Merge pieces of one style (and the spaces between them) into runs,
        // remembering where links and struck-through text sit inside them.
        let mut runs: Vec<(String, Style)> = Vec::new();
        let mut marks: Vec<(usize, usize, usize, Option<usize>, bool)> = Vec::new();
        // A space between words is set in the style of the text it was
        // written in, where `words_from_spans` measured it: in the run after
        // it or the run before it, whichever has that style. Always set in
        // the next run, a space before a code span took the mono font's
        // wider space, and each code span pushed the line 2.5 pt past the
        // margin.
        let mut pending_space: Option<Style> = None;
        let mut prev_link: Option<usize> = None;
        for (wi, word) in line.words.iter().enumerate() {
            for p in &word.pieces {
                if let Some(space_style) = pending_space
                    && space_style != p.style
                {
                    match runs.last_mut() {
                        Some(last) if last.1 == space_style => last.0.push(' '),
                        _ => runs.push((" ".to_string(), space_style)),
                    }
                    pending_space = None;
                }
                if runs.last().map(|r| r.1) != Some(p.style) {
                    runs.push((String::new(), p.style));
                }
                let ri = runs.len() - 1;
                let mut start = runs[ri].0.len();
                if pending_space.take().is_some() {
                    runs[ri].0.push(' ');
                    if p.style.link.is_none() || p.style.link != prev_link {
                        start += 1;
                    }
                }
                runs[ri].0.push_str(&p.text);
                if p.style.link.is_some() || p.style.strike {
                    marks.push((ri, start, runs[ri].0.len(), p.style.link, p.style.strike));
                }
                prev_link = p.style.link;
            }
            if wi + 1 < line.words.len() && word.space > 0.0 {
                pending_space = word
                    .space_style
                    .or_else(|| word.pieces.last().map(|p| p.style));
            }
        }
        let mut pen = x + dx;
        let mut placed = Vec::with_capacity(runs.len());
        for (text, st) in &runs {
            let width = self.measure(text, *st);
            placed.push((pen, width));
            pen += width;
        }
        // Link areas and strike-through lines need the runs' text, so they
        // are measured before the text moves into the page's items; they
        // are pushed after it, as before.
        let mut link_spans: Vec<(usize, f32, f32, f32)> = Vec::new();
        let mut strikes = Vec::new();
        for (ri, start, end, link, strike) in marks {
            let (text, st) = &runs[ri];
            let x0 = placed[ri].0 + self.measure(&text[..start], *st);
            let x1 = placed[ri].0 + self.measure(&text[..end], *st);
            if let Some(l) = link {
                push_span(&mut link_spans, l, x0, x1, st.size);
            }
            if strike {
                let y = baseline - st.size * 0.3;
                strikes.push(Item::Line {
                    x1: x0,
                    y1: y,
                    x2: x1,
                    y2: y,
                    width: st.size * 0.06,
                    color: st.color,
                });
            }
        }
        // A link's runs are bracketed as a link element, its annotation
        // inside (tagged PDF: the annotation belongs to the link's element).
        let mut open: Option<usize> = None;
        for ((text, st), (at, width)) in runs.into_iter().zip(placed) {
            if open.is_some() && open != st.link {
                self.close_link(&mut open, &link_spans, baseline);
            }
            if open.is_none()
                && let Some(l) = st.link
            {
                self.push(Item::Begin(Role::Link));
                open = Some(l);
            }
            self.text_item(at, baseline, text, st, width);
        }
        self.close_link(&mut open, &link_spans, baseline);
        for line in strikes {
            self.push(line);
        }
    }

    /// End the link element `open` with its annotation.
    fn close_link(
        &mut self,
        open: &mut Option<usize>,
        spans: &[(usize, f32, f32, f32)],
        baseline: f32,
    ) {
        let Some(l) = open.take() else { return };
        for &(_, x0, x1, size) in spans.iter().filter(|s| s.0 == l) {
            if let Some(target) = self.links.get(l).cloned() {
                self.push(Item::Link {
                    x: x0,
                    y: baseline - size * 0.95,
                    w: x1 - x0,
                    h: size * 1.25,
                    target,
                });
            }
        }
        self.push(Item::End);
    }

    fn text_item(&mut self, x: f32, y: f32, text: String, st: Style, width: f32) {
        if text.is_empty() {
            return;
        }
        self.push(Item::Text {
            x,
            y,
            text,
            face: st.face,
            size: st.size,
            color: st.color,
            width,
        });
    }
}

/// Characters a long token (URL, e-mail, path, hyphenated name) may break
/// after when it does not fit.
const BREAK_AFTER: &str = "/.-_?&=#,;:";

/// Consonant pairs that begin a syllable together, so a hyphen does not go
/// between them ("Ad-dress", not "Add-ress").
const ONSETS: &str =
    "bl br ch ck cl cr dr fl fr gh gl gr kn ph pl pr qu sc sh sk sl sm sn sp st sw th tr tw wh wr";

/// `text` as the PDF sets it. Accents typed as separate combining marks (as
/// macOS and some copy-paste write them) are composed: the PDF sets each
/// character as its own glyph, so a combining mark set after its letter
/// lands beside it, or on the next one. Invisible characters are left out.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    // Nearly all text is ASCII, which is composed and has no invisible
    // characters: one fast scan instead of two per character.
    if text.is_ascii()
        || (is_nfc_quick(text.chars()) == IsNormalized::Yes && !text.chars().any(invisible))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.nfc().filter(|c| !invisible(*c)).collect())
}

/// Characters that have no appearance of their own: the soft hyphen (shown
/// only where a line breaks, which our breaker does not do there), zero-width
/// spaces and joiners, direction marks, the byte-order mark and variation
/// selectors. The fonts map some of them to visible glyphs (a hyphen, a bar,
/// an arrow), so they are left out of the PDF's text.
fn invisible(ch: char) -> bool {
    matches!(
        ch,
        '\u{ad}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{e0100}'..='\u{e01ef}'
    )
}

fn push_span(spans: &mut Vec<(usize, f32, f32, f32)>, link: usize, x0: f32, x1: f32, size: f32) {
    if let Some(last) = spans.last_mut()
        && last.0 == link
        && (last.2 - x0).abs() < 1.0
    {
        last.2 = x1;
        return;
    }
    spans.push((link, x0, x1, size));
}

fn split_at_char(word: &Word, chars: &[(usize, usize, char, f32)], cut: usize) -> (Word, Word) {
    let (cp, cb) = (chars[cut].0, chars[cut].1);
    let mut head = Word::empty();
    let mut tail = Word {
        space: word.space,
        space_style: word.space_style,
        hard_break: word.hard_break,
        ..Word::empty()
    };
    for (pi, p) in word.pieces.iter().enumerate() {
        if pi < cp {
            head.pieces.push(p.clone());
        } else if pi > cp {
            tail.pieces.push(p.clone());
        } else {
            if cb > 0 {
                head.pieces.push(Piece {
                    text: p.text[..cb].to_string(),
                    style: p.style,
                    width: 0.0,
                });
            }
            tail.pieces.push(Piece {
                text: p.text[cb..].to_string(),
                style: p.style,
                width: 0.0,
            });
        }
    }
    (head, tail)
}

/// Size, leading, space before and space after a heading level.
fn heading_metrics(level: u8) -> (f32, f32, f32, f32) {
    match level {
        1 => (20.0, 24.0, 0.0, 10.0),
        2 => (13.5, 17.0, 14.0, 6.0),
        3 => (11.5, 15.0, 10.0, 3.0),
        _ => (10.0, 14.0, 8.0, 2.0),
    }
}

/// What a table's columns want, for [`column_widths`]. Widths include the
/// cells' padding.
pub(crate) struct ColumnWants {
    /// One line per cell.
    pub nat: Vec<f32>,
    /// The widest part no break point splits; a long token's (URL, e-mail,
    /// vendor name) is capped at 30 % of the measure.
    pub min: Vec<f32>,
    /// The widest ordinary word (at most 24 characters) whole.
    pub whole: Vec<f32>,
    /// The same word split at its break points (`floor` ≤ `whole`, `min`):
    /// the least a column keeps.
    pub floor: Vec<f32>,
    /// Per row (header first), per cell: text width and hard-broken lines.
    pub cells: Vec<Vec<(f32, f32)>>,
    /// The part of a column's width that holds no text.
    pub pad: f32,
}

/// Column widths summing to `w`.
///
/// Columns whose natural width is below a fair share keep it (a "Phone" or
/// "Version" column is never wrapped to make room for a long e-mail column);
/// the others share what is left, each getting its minimum plus a part of the
/// rest in proportion to how much wrapping would otherwise cost it. When not
/// even the minimums fit, see [`share_by_height`].
pub(crate) fn column_widths(cols: &ColumnWants, w: f32) -> Vec<f32> {
    let (nat, min) = (&cols.nat, &cols.min);
    let n = nat.len();
    let sum_nat: f32 = nat.iter().sum();
    if sum_nat <= w {
        return nat
            .iter()
            .map(|v| v + (w - sum_nat) * v / sum_nat.max(0.001))
            .collect();
    }
    let mut fixed = vec![false; n];
    loop {
        let free: Vec<usize> = (0..n).filter(|&i| !fixed[i]).collect();
        let used: f32 = (0..n).filter(|&i| fixed[i]).map(|i| nat[i]).sum();
        let share = (w - used) / free.len().max(1) as f32;
        let newly: Vec<usize> = free.iter().copied().filter(|&i| nat[i] <= share).collect();
        if newly.is_empty() || newly.len() == free.len() {
            break;
        }
        for i in newly {
            fixed[i] = true;
        }
    }
    let used: f32 = (0..n).filter(|&i| fixed[i]).map(|i| nat[i]).sum();
    let rest = w - used;
    let free: Vec<usize> = (0..n).filter(|&i| !fixed[i]).collect();
    let sum_min: f32 = free.iter().map(|&i| min[i]).sum();
    let mut out: Vec<f32> = nat.to_vec();
    if sum_min >= rest {
        return share_by_height(cols, &fixed, w);
    }
    let spread: f32 = free.iter().map(|&i| nat[i] - min[i]).sum();
    for &i in &free {
        out[i] = min[i] + (rest - sum_min) * (nat[i] - min[i]) / spread.max(0.001);
    }
    out
}

/// Column widths when the columns' minimums do not fit: every column gets
/// its longest ordinary word whole, or if those do not fit side by side,
/// split at its break points (and a narrow column its natural width, when
/// that fits too); the rest of the measure is handed out in small
/// steps, each to the column whose widening shortens the table most, the
/// height of each row estimated from its cells' text widths. A column of
/// prose wrapped in every row so wins width from a column that is wide in
/// one row only (a 200-character vendor name, a 100-character e-mail
/// address, which break anywhere): long tokens give up width before prose
/// columns do. What no column needs goes to those below their natural
/// width. If even the floors do not fit, they are scaled down.
///
/// 48 steps over every cell: linear in the table's size.
fn share_by_height(cols: &ColumnWants, fixed: &[bool], w: f32) -> Vec<f32> {
    const STEPS: usize = 48;
    let (nat, floor, cells, pad) = (&cols.nat, &cols.floor, &cols.cells, cols.pad);
    let n = nat.len();
    let narrow = |base: &[f32]| -> Vec<f32> {
        (0..n)
            .map(|i| {
                if fixed[i] {
                    nat[i].max(base[i])
                } else {
                    base[i]
                }
            })
            .collect()
    };
    let tiers = [
        narrow(&cols.whole),
        cols.whole.clone(),
        narrow(floor),
        floor.clone(),
    ];
    let Some(mut out) = tiers.into_iter().find(|t| t.iter().sum::<f32>() <= w) else {
        let total: f32 = floor.iter().sum();
        return floor.iter().map(|v| v * w / total.max(0.001)).collect();
    };
    let total: f32 = out.iter().sum();
    let step = (w - total) / STEPS as f32;
    let lines = |width: f32, (text, hard): (f32, f32)| (text / (width - pad).max(1.0)).max(hard);
    let mut gain = vec![0.0f32; n];
    for _ in 0..STEPS {
        gain.iter_mut().for_each(|g| *g = 0.0);
        for row in cells {
            // The row's tallest cell and the height of the next tallest.
            let (mut top, mut at, mut second) = (0.0f32, usize::MAX, 0.0f32);
            for (c, cell) in row.iter().enumerate() {
                let l = lines(out[c], *cell).max(1.0);
                if l > top {
                    (second, top, at) = (top, l, c);
                } else if l > second {
                    second = l;
                }
            }
            if at < n && out[at] < nat[at] {
                let wider = lines((out[at] + step).min(nat[at]), row[at]).max(1.0);
                gain[at] += top - wider.max(second);
            }
        }
        let mut best: Option<usize> = None;
        for c in 0..n {
            if gain[c] > 1e-4 && best.is_none_or(|b| gain[c] > gain[b]) {
                best = Some(c);
            }
        }
        let Some(c) = best else { break };
        out[c] = (out[c] + step).min(nat[c]);
    }
    let left = w - out.iter().sum::<f32>();
    let want: Vec<f32> = (0..n).map(|i| (nat[i] - out[i]).max(0.0)).collect();
    let sum_want: f32 = want.iter().sum();
    let part = left.min(sum_want).max(0.0);
    for i in 0..n {
        out[i] += part * want[i] / sum_want.max(0.001);
    }
    let left = w - out.iter().sum::<f32>();
    if left > 0.0 {
        let total: f32 = out.iter().sum();
        for v in &mut out {
            *v += left * *v / total.max(0.001);
        }
    }
    out
}
