//! PDF writer: one PDF per document, and a binder with every document.
//!
//! The pipeline is Markdown → [`crate::blocks`] → [`layout`] (pages of
//! positioned items, [`display`]) → page furniture (running header, footer
//! with "Page X of Y") → content streams ([`content`], per page, shared by a
//! document's PDF and the binder) → [`writer`] (file structure, fonts subset
//! by [`subset`]). Everything is
//! deterministic: no clock, fixed font ids, `/ID` from a content hash, so
//! documents rendered in parallel give the same bytes as rendered alone.
//!
//! The binder numbers its pages continuously (cover = page 1), so "Page X of
//! Y" in a footer is also the number printed in the table of contents.

pub mod cache;
pub mod content;
pub mod display;
pub mod fonts;
pub mod image;
pub mod layout;
pub mod subset;
pub mod tags;
pub mod writer;

use image::PdfImage;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use crate::blocks;
use crate::model::{DocMeta, PackInfo, RenderedDoc};
use display::{Artifact, Dest, Item, LinkTarget, Rgb, Role};
use fonts::Face;
use layout::{DocContext, Geometry, Layouter};
use writer::{Action, LinkOut, Meta, PdfInput};

/// A written PDF and what the writer noticed (missing glyphs, dead links).
#[derive(Debug, Clone)]
pub struct PdfOutput {
    pub bytes: Vec<u8>,
    pub warnings: Vec<String>,
}

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the bundled fonts could not be loaded: {0}")]
    Fonts(String),
    #[error("writing the PDF of {what}: {reason}")]
    Write { what: String, reason: String },
    #[error("the binder has no documents")]
    EmptyBinder,
}

/// Accent colour used when the pack's is not `#rrggbb` (the render stage checks it, so this is a safety net).
const DEFAULT_ACCENT: Rgb = Rgb(0.12, 0.31, 0.47);

fn accent(pack: &PackInfo, warnings: &mut BTreeSet<String>) -> Rgb {
    Rgb::from_hex(&pack.accent_color).unwrap_or_else(|| {
        warnings.insert(format!(
            "accent colour {:?} is not #rrggbb; using the default",
            pack.accent_color
        ));
        DEFAULT_ACCENT
    })
}

/// One document set into pages, before page furniture and links are added:
/// what its own PDF and the binder share, so a build typesets each document
/// once (the binder appends these pages instead of setting the text again).
#[derive(Debug, Clone)]
pub struct LaidOut {
    id: String,
    pages: Vec<display::Page>,
    anchors: BTreeMap<(String, String), Dest>,
    outline: Vec<display::OutlineEntry>,
    missing: BTreeMap<String, BTreeSet<char>>,
}

/// Set one document into pages.
pub fn lay_out(doc: &RenderedDoc, pack: &PackInfo) -> Result<LaidOut, PdfError> {
    let fonts = fonts::fonts().map_err(PdfError::Fonts)?;
    let mut ignored = BTreeSet::new();
    let mut lay = Layouter::new(
        fonts,
        Geometry::for_paper(pack.paper),
        accent(pack, &mut ignored),
    );
    let blocks = blocks::parse(&doc.markdown);
    lay.document(doc_context(&doc.meta, pack), &blocks);
    Ok(LaidOut {
        id: doc.meta.id.clone(),
        pages: lay.pages,
        anchors: lay.anchors,
        outline: lay.outline,
        missing: lay.missing,
    })
}

/// One document's PDF. Internal links (`other-id.md#anchor`) become links to
/// `other-id.pdf` (a relative file link, to the heading's named destination)
/// or, for `#anchor` inside the same document, jumps to the heading.
pub fn render_document(doc: &RenderedDoc, pack: &PackInfo) -> Result<PdfOutput, PdfError> {
    let laid = lay_out(doc, pack)?;
    render_laid_document(doc, &laid, pack)
}

/// [`render_document`] from a layout made by [`lay_out`].
pub fn render_laid_document(
    doc: &RenderedDoc,
    laid: &LaidOut,
    pack: &PackInfo,
) -> Result<PdfOutput, PdfError> {
    let pages = doc_pages(doc, laid, pack)?;
    write_document(doc, &pages, pack, None)
}

/// A document's pages as finished content streams: the text with its running
/// header and footer, everything but the page number, deflated. The
/// document's own PDF and the binder both use these bytes (glyphs are
/// addressed by font glyph id, the same in every file), so each page is set
/// and compressed once per build; only the page-number stream differs.
///
/// Besides the streams it holds what the binder needs of the layout
/// (anchors, outline, links, characters the fonts lack), so the binder can
/// be assembled from pages kept from an earlier build ([`cache`]) without
/// setting those documents again.
pub struct DocPages {
    id: String,
    bodies: Vec<(Vec<u8>, bool)>,
    glyphs: content::GlyphSet,
    draws_logo: bool,
    anchors: BTreeMap<(String, String), Dest>,
    outline: Vec<display::OutlineEntry>,
    links: Vec<display::LinkArea>,
    /// The structure of the pages (pages counted from the document's
    /// first, links by their index in `links`).
    tree: tags::Tree,
    missing: BTreeMap<String, BTreeSet<char>>,
    warnings: BTreeSet<String>,
}

impl DocPages {
    /// The document's id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Set the running header and footer of each page of `laid` and write the
/// pages' content streams (in parallel, page by page).
pub fn doc_pages(doc: &RenderedDoc, laid: &LaidOut, pack: &PackInfo) -> Result<DocPages, PdfError> {
    use rayon::prelude::*;
    if laid.id != doc.meta.id {
        return Err(PdfError::Write {
            what: doc.meta.id.clone(),
            reason: format!("the layout given is that of {}", laid.id),
        });
    }
    let fonts = fonts::fonts().map_err(PdfError::Fonts)?;
    let mut warnings = BTreeSet::new();
    let geom = Geometry::for_paper(pack.paper);
    let lay = Layouter::new(fonts, geom, accent(pack, &mut warnings));
    let logo = logo_image(pack, &mut warnings);
    let total = laid.pages.len();
    // The header and footer are the same on every page but for the number.
    let furn = furniture(
        &lay,
        pack,
        &doc.meta.title,
        Some(&doc.meta),
        logo.as_deref(),
    );
    // The structure, in page order (elements run on from page to page);
    // then the streams, page by page in parallel.
    let mut builder = tags::Builder::default();
    let segs: Vec<Vec<tags::Seg>> = laid
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| builder.page(i as u32, &[&page.items, &furn]))
        .collect();
    let tree = builder.finish();
    let results: Vec<(Vec<u8>, bool, content::GlyphSet)> = laid
        .pages
        .par_iter()
        .zip(&segs)
        .map(|(page, segs)| {
            let mut glyphs = content::GlyphSet::default();
            let raw =
                content::page_content(fonts, &[&page.items, &furn], geom.height, &mut glyphs, segs);
            let (bytes, deflated) = writer::deflate_if_smaller(raw);
            (bytes, deflated, glyphs)
        })
        .collect();
    let mut glyphs = content::GlyphSet::default();
    let mut bodies = Vec::with_capacity(results.len());
    for (bytes, deflated, g) in results {
        glyphs.merge(&g);
        bodies.push((bytes, deflated));
    }
    let links = link_areas(&laid.pages);
    Ok(DocPages {
        id: doc.meta.id.clone(),
        bodies,
        glyphs,
        draws_logo: logo.is_some() && total > 0,
        anchors: laid.anchors.clone(),
        outline: laid.outline.clone(),
        links,
        tree,
        missing: laid.missing.clone(),
        warnings,
    })
}

/// The "Page X of Y" stream of one page, and the glyphs it shows.
fn page_number_stream(
    lay: &Layouter<'_>,
    page: usize,
    total: usize,
    glyphs: &mut content::GlyphSet,
) -> Vec<u8> {
    let item = page_number(lay, page, total);
    content::page_content(
        lay.fonts(),
        &[std::slice::from_ref(&item)],
        lay.geom.height,
        glyphs,
        &[tags::Seg {
            at: 0,
            mark: tags::Mark::Artifact(Artifact::Footer),
        }],
    )
}

/// A document's own PDF from its pages.
///
/// `id_seed` is a hash of everything the PDF is made from, when the caller
/// has one: the file's `/ID` is derived from it instead of from hashing the
/// whole file.
pub fn write_document(
    doc: &RenderedDoc,
    pages: &DocPages,
    pack: &PackInfo,
    id_seed: Option<&str>,
) -> Result<PdfOutput, PdfError> {
    if pages.id != doc.meta.id {
        return Err(PdfError::Write {
            what: doc.meta.id.clone(),
            reason: "the pages do not belong to this document".into(),
        });
    }
    let fonts = fonts::fonts().map_err(PdfError::Fonts)?;
    let mut warnings = pages.warnings.clone();
    let geom = Geometry::for_paper(pack.paper);
    let lay = Layouter::new(fonts, geom, accent(pack, &mut warnings));
    // The image the pages were set with (kept per process, not prepared again).
    let logo = logo_image(pack, &mut warnings);
    let total = pages.bodies.len();
    let mut glyphs = pages.glyphs.clone();
    let numbers: Vec<Vec<u8>> = (0..total)
        .map(|i| page_number_stream(&lay, i, total, &mut glyphs))
        .collect();
    let out_pages: Vec<writer::PageOut<'_>> = pages
        .bodies
        .iter()
        .zip(&numbers)
        .map(|((body, deflated), number)| writer::PageOut {
            contents: vec![
                writer::Stream {
                    bytes: body,
                    deflated: *deflated,
                },
                writer::Stream {
                    bytes: number,
                    deflated: false,
                },
            ],
            draws_logo: pages.draws_logo,
        })
        .collect();
    let (links, map) = resolve_links(
        pages.links.iter(),
        &pages.anchors,
        pack,
        Some(&doc.meta.id),
        &mut warnings,
    );
    let mut tree = pages.tree.clone();
    tree.map_links(&map);
    let named: BTreeMap<String, Dest> = pages
        .anchors
        .iter()
        .filter(|((d, a), _)| *d == doc.meta.id && !a.is_empty())
        .map(|((_, a), dest)| (a.clone(), *dest))
        .collect();
    missing_glyph_warnings(&pages.missing, &mut warnings);
    let meta = Meta {
        title: doc.meta.title.clone(),
        author: pack.organization.clone(),
        subject: if doc.meta.description.is_empty() {
            format!("{} — {}", doc.meta.kind.label(), pack.organization)
        } else {
            doc.meta.description.clone()
        },
        keywords: doc.meta.practices.clone(),
        date: doc.meta.effective_date.clone(),
    };
    let input = PdfInput {
        fonts,
        geom,
        pages: &out_pages,
        glyphs: &glyphs,
        links: &links,
        structure: &tree,
        outline: &pages.outline,
        outline_closed: false,
        named: &named,
        meta: &meta,
        logo: logo.as_deref(),
        id_seed,
    };
    let bytes = writer::write(&input).map_err(|reason| PdfError::Write {
        what: doc.meta.id.clone(),
        reason,
    })?;
    Ok(PdfOutput {
        bytes,
        warnings: warnings.into_iter().collect(),
    })
}

/// Every document in one PDF (pack order), with a cover page, a linked table
/// of contents with page numbers, nested bookmarks per document and heading;
/// cross-document links jump inside the binder.
pub fn render_binder(docs: &[RenderedDoc], pack: &PackInfo) -> Result<PdfOutput, PdfError> {
    let laid = docs
        .iter()
        .map(|d| lay_out(d, pack))
        .collect::<Result<Vec<_>, _>>()?;
    let pages = docs
        .iter()
        .zip(&laid)
        .map(|(d, l)| doc_pages(d, l, pack))
        .collect::<Result<Vec<_>, _>>()?;
    let page_refs: Vec<&DocPages> = pages.iter().collect();
    render_laid_binder(docs, &page_refs, pack, None)
}

/// [`render_binder`] from the documents' pages made by [`doc_pages`] (in
/// this build or kept from an earlier one), one per document in the same
/// order. The pages are copied as they are (already compressed); only the
/// cover, the contents and the page numbers are set here.
/// `id_seed` as for [`write_document`].
pub fn render_laid_binder(
    docs: &[RenderedDoc],
    pages: &[&DocPages],
    pack: &PackInfo,
    id_seed: Option<&str>,
) -> Result<PdfOutput, PdfError> {
    let matches =
        docs.len() == pages.len() && docs.iter().zip(pages).all(|(d, p)| d.meta.id == p.id);
    if !matches {
        return Err(PdfError::Write {
            what: "the binder".into(),
            reason: "the layouts do not match the documents".into(),
        });
    }
    if docs.is_empty() {
        return Err(PdfError::EmptyBinder);
    }
    let fonts = fonts::fonts().map_err(PdfError::Fonts)?;
    let mut warnings = BTreeSet::new();
    let geom = Geometry::for_paper(pack.paper);
    let mut lay = Layouter::new(fonts, geom, accent(pack, &mut warnings));
    let logo = logo_image(pack, &mut warnings);
    for p in pages {
        warnings.extend(p.warnings.iter().cloned());
    }

    cover(&mut lay, pack, docs.len(), logo.as_deref());
    let toc = contents(&mut lay, pack, docs);
    let front = lay.pages.len();
    // Where each document starts, and its anchors and outline moved there.
    let mut offset = front;
    let mut first_pages = Vec::with_capacity(docs.len());
    let mut offsets = Vec::with_capacity(docs.len());
    for l in pages {
        offsets.push(offset);
        let shift = |d: Dest| Dest {
            page: d.page + offset,
            y: d.y,
        };
        for (key, dest) in &l.anchors {
            lay.anchors.insert(key.clone(), shift(*dest));
        }
        for entry in &l.outline {
            lay.outline.push(display::OutlineEntry {
                level: entry.level,
                title: entry.title.clone(),
                dest: shift(entry.dest),
            });
        }
        for (d, chars) in &l.missing {
            lay.missing
                .entry(d.clone())
                .or_default()
                .extend(chars.iter().copied());
        }
        first_pages.push(
            lay.anchors
                .get(&(l.id.clone(), String::new()))
                .map_or(offset, |d| d.page),
        );
        offset += l.bodies.len();
    }
    let total = offset;
    // Page numbers in the contents, now that they are known: in each
    // entry's link, after its title (last entry first, so that the places
    // of the earlier ones on a page stay where they were).
    for (entry, &page) in toc.iter().zip(&first_pages).rev() {
        let mut items = Vec::with_capacity(4);
        let text = (page + 1).to_string();
        let size = 10.0;
        let w = lay.width_of(&text, Face::Regular, size);
        let x = geom.width - geom.right - w;
        let number = Item::Text {
            x,
            y: entry.baseline,
            text,
            face: Face::Regular,
            size,
            color: Rgb::TEXT,
            width: w,
        };
        // Dot leader between the title and the number.
        let dot = ". ";
        let dot_w = lay.width_of(dot, Face::Regular, size);
        let from = entry.title_end + 6.0;
        let to = x - 6.0;
        if to > from + dot_w {
            let n = ((to - from) / dot_w).floor() as usize;
            let leader = dot.repeat(n).trim_end().to_string();
            let lw = lay.width_of(&leader, Face::Regular, size);
            items.push(Item::Begin(Role::Artifact(Artifact::Layout)));
            items.push(Item::Text {
                x: to - lw,
                y: entry.baseline,
                text: leader,
                face: Face::Regular,
                size,
                color: Rgb::RULE,
                width: lw,
            });
            items.push(Item::End);
        }
        items.push(number);
        let at = entry.at.min(lay.pages[entry.page].items.len());
        lay.pages[entry.page].items.splice(at..at, items);
    }
    // Cover and contents: set here, one stream each.
    let mut glyphs = content::GlyphSet::default();
    let mut front_streams = Vec::with_capacity(front);
    let mut builder = tags::Builder::default();
    for i in 0..front {
        let mut items: Vec<Item> = Vec::new();
        if i > 0 {
            items = furniture(&lay, pack, "Contents", None, logo.as_deref());
            items.push(Item::Begin(Role::Artifact(Artifact::Footer)));
            items.push(page_number(&lay, i, total));
            items.push(Item::End);
        }
        let parts: [&[Item]; 2] = [&lay.pages[i].items, &items];
        let segs = builder.page(i as u32, &parts);
        let raw = content::page_content(fonts, &parts, geom.height, &mut glyphs, &segs);
        front_streams.push(writer::deflate_if_smaller(raw));
    }
    // One structure for the binder: the cover and contents, then each
    // document as a section, its pages and links where the binder has them.
    let mut tree = builder.finish();
    let mut numbers = Vec::with_capacity(total - front);
    for (p, start) in pages.iter().zip(&offsets) {
        glyphs.merge(&p.glyphs);
        for k in 0..p.bodies.len() {
            numbers.push(page_number_stream(&lay, start + k, total, &mut glyphs));
        }
    }
    let draws_logo = logo.is_some();
    let mut out_pages: Vec<writer::PageOut<'_>> = front_streams
        .iter()
        .map(|(bytes, deflated)| writer::PageOut {
            contents: vec![writer::Stream {
                bytes,
                deflated: *deflated,
            }],
            draws_logo,
        })
        .collect();
    let mut number_iter = numbers.iter();
    for p in pages {
        for (body, deflated) in &p.bodies {
            let mut contents = vec![writer::Stream {
                bytes: body,
                deflated: *deflated,
            }];
            if let Some(n) = number_iter.next() {
                contents.push(writer::Stream {
                    bytes: n,
                    deflated: false,
                });
            }
            out_pages.push(writer::PageOut {
                contents,
                draws_logo: p.draws_logo,
            });
        }
    }
    let mut areas = link_areas(&lay.pages);
    for (p, off) in pages.iter().zip(&offsets) {
        tree.append(&p.tree, Some(Role::Sect), *off as u32, areas.len() as u32);
        areas.extend(p.links.iter().map(|a| display::LinkArea {
            page: a.page + off,
            ..a.clone()
        }));
    }
    let (links, map) = resolve_links(areas.iter(), &lay.anchors, pack, None, &mut warnings);
    tree.map_links(&map);
    missing_glyph_warnings(&lay.missing, &mut warnings);
    let mut keywords: Vec<String> = docs
        .iter()
        .flat_map(|d| d.meta.practices.iter().cloned())
        .collect();
    keywords.sort_by(|a, b| {
        practice_order(a)
            .cmp(&practice_order(b))
            .then_with(|| a.cmp(b))
    });
    keywords.dedup();
    let meta = Meta {
        title: format!("{} — Cybersecurity Policy Pack", pack.organization),
        author: pack.organization.clone(),
        subject: format!(
            "HHS 405(d) HICP cybersecurity policies, plans and procedures of {}",
            pack.organization
        ),
        keywords,
        date: pack.effective_date.clone(),
    };
    let named = BTreeMap::new();
    let input = PdfInput {
        fonts,
        geom,
        pages: &out_pages,
        glyphs: &glyphs,
        links: &links,
        structure: &tree,
        outline: &lay.outline,
        outline_closed: true,
        named: &named,
        meta: &meta,
        logo: logo.as_deref(),
        id_seed,
    };
    let bytes = writer::write(&input).map_err(|reason| PdfError::Write {
        what: "the binder".into(),
        reason,
    })?;
    Ok(PdfOutput {
        bytes,
        warnings: warnings.into_iter().collect(),
    })
}

/// A HICP practice id (`10.S.A`) as (practice number, the rest), so that
/// practice 2 sorts before practice 10; anything else after them, as text.
fn practice_order(id: &str) -> (u32, &str) {
    let (num, rest) = id.split_once('.').unwrap_or((id, ""));
    match num.parse() {
        Ok(n) => (n, rest),
        Err(_) => (u32::MAX, id),
    }
}

fn doc_context(meta: &DocMeta, pack: &PackInfo) -> DocContext {
    DocContext {
        id: meta.id.clone(),
        kicker: format!("{}  ·  {}", pack.organization, meta.kind.label()),
    }
}

/// A table-of-contents line waiting for its page number.
struct TocEntry {
    page: usize,
    /// Where in the page's items the number goes (inside the entry's link).
    at: usize,
    baseline: f32,
    title_end: f32,
}

fn cover(lay: &mut Layouter<'_>, pack: &PackInfo, n_docs: usize, logo: Option<&PdfImage>) {
    let g = lay.geom;
    let accent = lay.accent();
    let (x, w) = (g.left, g.content_width());
    lay.new_page();
    lay.push_item(Item::Begin(Role::Sect));
    if let Some(img) = logo {
        let (lw, lh) = logo_box(img, 180.0, 54.0);
        lay.push_item(Item::Begin(Role::Figure(format!(
            "Logo of {}",
            pack.organization
        ))));
        lay.push_item(Item::Logo {
            x,
            y: g.top + 20.0,
            w: lw,
            h: lh,
        });
        lay.push_item(Item::End);
    }
    lay.check_glyphs("the binder cover", &pack.organization, Face::Bold);
    lay.check_glyphs("the binder cover", &pack.contact_line, Face::Regular);
    lay.check_glyphs("the binder cover", &pack.status_line, Face::Regular);
    lay.push_item(Item::Rect {
        x,
        y: g.top,
        w,
        h: 6.0,
        color: accent,
    });
    lay.set_y(g.top + 90.0);
    lay.push_item(Item::Begin(Role::P));
    lay.text_block(
        &pack.organization.to_uppercase(),
        Face::Bold,
        12.0,
        accent,
        x,
        w,
        16.0,
    );
    lay.push_item(Item::End);
    if !pack.contact_line.is_empty() {
        lay.set_y(lay.y() + 2.0);
        lay.push_item(Item::Begin(Role::P));
        lay.text_block(
            &pack.contact_line,
            Face::Regular,
            10.0,
            Rgb::MUTED,
            x,
            w,
            14.0,
        );
        lay.push_item(Item::End);
    }
    lay.set_y(lay.y() + 10.0);
    lay.push_item(Item::Begin(Role::H(1)));
    lay.text_block(
        "Cybersecurity Policy Pack",
        Face::Bold,
        30.0,
        Rgb::TEXT,
        x,
        w,
        36.0,
    );
    lay.push_item(Item::End);
    lay.set_y(lay.y() + 6.0);
    let sub = format!(
        "Policies, plans and procedures under the HHS 405(d) Health Industry Cybersecurity Practices (HICP), for a {} organization",
        pack.size
    );
    lay.push_item(Item::Begin(Role::P));
    lay.text_block(&sub, Face::Regular, 12.5, Rgb::MUTED, x, w * 0.85, 17.0);
    lay.push_item(Item::End);
    lay.set_y(lay.y() + 18.0);
    lay.push_item(Item::Line {
        x1: x,
        y1: lay.y(),
        x2: x + w,
        y2: lay.y(),
        width: 1.5,
        color: accent,
    });
    lay.set_y(lay.y() + 26.0);
    let facts = [
        ("Version", pack.version.clone()),
        ("Effective date", pack.effective_date.clone()),
        ("Next review", pack.next_review.clone()),
        ("Documents", n_docs.to_string()),
        ("Status", pack.status_line.clone()),
    ];
    let label_w = 110.0;
    for (label, value) in facts {
        let y0 = lay.y();
        lay.push_item(Item::Begin(Role::P));
        lay.text_block(label, Face::Bold, 10.5, Rgb::MUTED, x, label_w, 15.0);
        let after_label = lay.y();
        lay.set_y(y0);
        let (face, color) = if label == "Status" && !pack.approved {
            (Face::Bold, Rgb::DRAFT)
        } else {
            (Face::Regular, Rgb::TEXT)
        };
        lay.text_block(&value, face, 10.5, color, x + label_w, w - label_w, 15.0);
        lay.push_item(Item::End);
        let y = lay.y().max(after_label) + 6.0;
        lay.set_y(y);
    }
    let foot = format!("{} — {}", pack.short_name, pack.size_rule);
    lay.set_y(g.body_bottom() - 30.0);
    lay.push_item(Item::Begin(Role::P));
    lay.text_block(&foot, Face::Regular, 8.5, Rgb::MUTED, x, w, 11.0);
    lay.push_item(Item::End);
    lay.push_item(Item::End);
    let dest = Dest { page: 0, y: 0.0 };
    lay.add_outline(1, "Cover", dest);
}

fn contents(lay: &mut Layouter<'_>, pack: &PackInfo, docs: &[RenderedDoc]) -> Vec<TocEntry> {
    let g = lay.geom;
    let accent = lay.accent();
    let (x, w) = (g.left, g.content_width());
    lay.new_page();
    lay.add_outline(1, "Contents", lay.current_dest());
    lay.push_item(Item::Begin(Role::Sect));
    lay.push_item(Item::Begin(Role::H(1)));
    lay.text_block("Contents", Face::Bold, 20.0, Rgb::TEXT, x, w, 24.0);
    lay.push_item(Item::End);
    lay.set_y(lay.y() + 2.0);
    lay.push_item(Item::Line {
        x1: x,
        y1: lay.y(),
        x2: x + w,
        y2: lay.y(),
        width: 1.5,
        color: accent,
    });
    lay.set_y(lay.y() + 16.0);
    lay.push_item(Item::Begin(Role::TOC));
    let mut entries = Vec::with_capacity(docs.len());
    let mut last_kind = None;
    let _ = pack;
    for doc in docs {
        let lh = 17.0;
        if last_kind != Some(doc.meta.kind) {
            if lay.y() + 2.0 * lh + 20.0 > g.body_bottom() {
                lay.new_page();
            }
            lay.set_y(lay.y() + if last_kind.is_some() { 10.0 } else { 0.0 });
            last_kind = Some(doc.meta.kind);
            let label = doc.meta.kind.plural().to_uppercase();
            let lw = lay.width_of(&label, Face::Bold, 8.5);
            lay.push_item(Item::Begin(Role::TOCI));
            lay.push_item(Item::Begin(Role::P));
            lay.push_item(Item::Text {
                x,
                y: lay.y() + 10.0,
                text: label,
                face: Face::Bold,
                size: 8.5,
                color: accent,
                width: lw,
            });
            lay.push_item(Item::End);
            lay.push_item(Item::End);
            lay.set_y(lay.y() + 18.0);
        }
        if lay.y() + lh > g.body_bottom() {
            lay.new_page();
        }
        // Title, shortened to leave room for the leader and page number.
        lay.check_glyphs(&doc.meta.id, &doc.meta.title, Face::Regular);
        let size = 10.0;
        let max_title = w - 60.0;
        let title = fit_text(lay, &doc.meta.title, Face::Regular, size, max_title);
        let tw = lay.width_of(&title, Face::Regular, size);
        let baseline = lay.y() + 12.0;
        lay.push_item(Item::Begin(Role::TOCI));
        lay.push_item(Item::Begin(Role::Link));
        lay.push_item(Item::Text {
            x,
            y: baseline,
            text: title,
            face: Face::Regular,
            size,
            color: Rgb::TEXT,
            width: tw,
        });
        let page = lay.pages.len() - 1;
        lay.push_item(Item::Link {
            x,
            y: lay.y(),
            w,
            h: lh,
            target: LinkTarget::Doc {
                doc: doc.meta.id.clone(),
                anchor: None,
            },
        });
        entries.push(TocEntry {
            page,
            at: lay.pages[page].items.len(),
            baseline,
            title_end: x + tw,
        });
        lay.push_item(Item::End);
        lay.push_item(Item::End);
        lay.set_y(lay.y() + lh);
    }
    lay.push_item(Item::End);
    lay.push_item(Item::End);
    entries
}

/// Shorten `text` with an ellipsis until it fits `max` points.
fn fit_text(lay: &Layouter<'_>, text: &str, face: Face, size: f32, max: f32) -> String {
    let text = layout::printable(text);
    let text = text.as_ref();
    if lay.width_of(text, face, size) <= max {
        return text.to_string();
    }
    // The longest prefix that fits with the ellipsis, by bisection over
    // character boundaries (a prefix is never wider than a longer one):
    // a value of thousands of characters is measured a dozen times per
    // page, not once per character.
    let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let with_ellipsis = |n: usize| text[..ends[n]].trim_end().to_string() + "…";
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if lay.width_of(&with_ellipsis(mid), face, size) <= max {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    if lo == 0 && lay.width_of(&with_ellipsis(0), face, size) > max {
        return "…".to_string();
    }
    with_ellipsis(lo)
}

/// Running header (short name — title) and footer (id, version, status, page X of Y).
/// The profile's logo, read for the PDF; a logo PDF cannot show is a
/// warning (the HTML pages still show it), never a broken image.
///
/// Decoding a PNG and compressing its colour and alpha again costs
/// milliseconds per 100 KB, and every PDF of a pack shows the same logo, so
/// the result is kept per process for the last few logos, recognised by
/// their shared bytes ([`crate::model::Logo::bytes`]): every clone of a
/// pack's facts points at the same bytes, and a kept entry holds them, so
/// the pointer cannot be reused by another logo while it is kept.
fn logo_image(pack: &PackInfo, warnings: &mut BTreeSet<String>) -> Option<Arc<PdfImage>> {
    type Prepared = Arc<Result<Arc<PdfImage>, String>>;
    static KEPT: Mutex<Vec<(Arc<[u8]>, Prepared)>> = Mutex::new(Vec::new());
    const KEEP: usize = 4;
    let logo = pack.logo.as_ref()?;
    let kept = KEPT.lock().ok().and_then(|k| {
        k.iter()
            .find(|(bytes, _)| Arc::ptr_eq(bytes, &logo.bytes))
            .map(|(_, p)| Arc::clone(p))
    });
    let prepared = match kept {
        Some(p) => p,
        None => {
            let p: Prepared = Arc::new(image::prepare(logo.mime, &logo.bytes).map(Arc::new));
            if let Ok(mut k) = KEPT.lock()
                && !k.iter().any(|(bytes, _)| Arc::ptr_eq(bytes, &logo.bytes))
            {
                if k.len() == KEEP {
                    k.remove(0);
                }
                k.push((Arc::clone(&logo.bytes), Arc::clone(&p)));
            }
            p
        }
    };
    match &*prepared {
        Ok(img) => Some(Arc::clone(img)),
        Err(reason) => {
            warnings.insert(format!("branding.logo is not drawn in the PDFs: {reason}"));
            None
        }
    }
}

/// The logo's size inside a box, keeping its proportions.
fn logo_box(img: &PdfImage, max_w: f32, max_h: f32) -> (f32, f32) {
    let aspect = img.width as f32 / img.height as f32;
    let (mut w, mut h) = (max_h * aspect, max_h);
    if w > max_w {
        w = max_w;
        h = max_w / aspect;
    }
    (w, h)
}

fn furniture(
    lay: &Layouter<'_>,
    pack: &PackInfo,
    title: &str,
    meta: Option<&DocMeta>,
    logo: Option<&PdfImage>,
) -> Vec<Item> {
    let g = lay.geom;
    let accent = lay.accent();
    let size = 8.0;
    let mut items = vec![Item::Begin(Role::Artifact(Artifact::Header))];
    // Header: the logo (if any), the organization, the document title.
    let hy = g.top - 20.0;
    let mut left_x = g.left;
    if let Some(img) = logo {
        let (w, h) = logo_box(img, 72.0, 14.0);
        items.push(Item::Logo {
            x: g.left,
            y: hy + 2.0 - h,
            w,
            h,
        });
        left_x += w + 6.0;
    }
    // A name longer than half the line is cut with an ellipsis: the title
    // beside it needs the rest (the cover and every title give it whole).
    let left = fit_text(
        lay,
        &pack.short_name,
        Face::Bold,
        size,
        g.content_width() / 2.0 - (left_x - g.left),
    );
    let lw = lay.width_of(&left, Face::Bold, size);
    let right = fit_text(
        lay,
        title,
        Face::Regular,
        size,
        g.content_width() - (left_x - g.left) - lw - 24.0,
    );
    let rw = lay.width_of(&right, Face::Regular, size);
    items.push(Item::Text {
        x: left_x,
        y: hy,
        text: left,
        face: Face::Bold,
        size,
        color: accent,
        width: lw,
    });
    items.push(Item::Text {
        x: g.width - g.right - rw,
        y: hy,
        text: right,
        face: Face::Regular,
        size,
        color: Rgb::MUTED,
        width: rw,
    });
    items.push(Item::Line {
        x1: g.left,
        y1: hy + 6.0,
        x2: g.width - g.right,
        y2: hy + 6.0,
        width: 0.5,
        color: Rgb::RULE,
    });
    items.push(Item::End);
    // Footer.
    items.push(Item::Begin(Role::Artifact(Artifact::Footer)));
    let fy = g.body_bottom() + 30.0;
    items.push(Item::Line {
        x1: g.left,
        y1: fy - 12.0,
        x2: g.width - g.right,
        y2: fy - 12.0,
        width: 0.5,
        color: Rgb::RULE,
    });
    let (id, version, status) = match meta {
        Some(m) => (m.id.clone(), m.version.clone(), m.status_label.clone()),
        None => (
            pack.slug.clone(),
            pack.version.clone(),
            if pack.approved {
                "Approved".into()
            } else {
                "DRAFT".into()
            },
        ),
    };
    // A long version string is cut so that the footer's left part never
    // reaches "Page X of Y" on the right.
    let version = fit_text(lay, &version, Face::Regular, size, 120.0);
    let mut x = g.left;
    for (text, face, color) in [
        (
            format!("{id}  ·  Version {version}  ·  "),
            Face::Regular,
            Rgb::MUTED,
        ),
        (
            status.clone(),
            Face::Bold,
            if status.eq_ignore_ascii_case("draft") {
                Rgb::DRAFT
            } else {
                Rgb::MUTED
            },
        ),
    ] {
        let w = lay.width_of(&text, face, size);
        items.push(Item::Text {
            x,
            y: fy,
            text,
            face,
            size,
            color,
            width: w,
        });
        x += w;
    }
    items.push(Item::End);
    items
}

/// "Page X of Y", right-aligned in the footer.
fn page_number(lay: &Layouter<'_>, page: usize, total: usize) -> Item {
    let g = lay.geom;
    let size = 8.0;
    let fy = g.body_bottom() + 30.0;
    let num = format!("Page {} of {}", page + 1, total);
    let nw = lay.width_of(&num, Face::Regular, size);
    Item::Text {
        x: g.width - g.right - nw,
        y: fy,
        text: num,
        face: Face::Regular,
        size,
        color: Rgb::MUTED,
        width: nw,
    }
}

/// Turn link items into annotations with pages known. `single` is the id of
/// the document when writing one document's own PDF.
fn resolve_links<'i>(
    areas: impl Iterator<Item = &'i display::LinkArea>,
    anchors: &BTreeMap<(String, String), Dest>,
    pack: &PackInfo,
    single: Option<&str>,
    warnings: &mut BTreeSet<String>,
) -> (Vec<LinkOut>, Vec<Option<u32>>) {
    let mut out = Vec::new();
    let mut map = Vec::new();
    for area in areas {
        let action = match &area.target {
            LinkTarget::Uri(u) => Some(Action::Uri(u.clone())),
            LinkTarget::Doc { doc, anchor } => {
                let key = (doc.clone(), anchor.clone().unwrap_or_default());
                let known_doc = pack.documents.iter().any(|d| d.id == *doc);
                let here = single.is_none_or(|s| s == doc);
                if let Some(dest) = anchors.get(&key) {
                    Some(Action::GoTo(*dest))
                } else if !here && known_doc {
                    Some(Action::File {
                        file: format!("{doc}.pdf"),
                        dest: anchor.clone(),
                    })
                } else {
                    let from = single.unwrap_or("the binder");
                    let what = match anchor {
                        Some(a) => format!("{doc}.md#{a}"),
                        None => format!("{doc}.md"),
                    };
                    warnings.insert(format!(
                        "{from}: link to {what} has no target; it is not clickable"
                    ));
                    // In the binder a missing anchor still reaches its document.
                    anchors
                        .get(&(doc.clone(), String::new()))
                        .map(|d| Action::GoTo(*d))
                }
            }
        };
        map.push(action.is_some().then_some(out.len() as u32));
        if let Some(action) = action {
            out.push(LinkOut {
                page: area.page,
                x: area.x,
                y: area.y,
                w: area.w,
                h: area.h,
                action,
            });
        }
    }
    (out, map)
}

/// The link areas of some pages, numbered from the first of them.
fn link_areas(pages: &[display::Page]) -> Vec<display::LinkArea> {
    let mut out = Vec::new();
    for (page, p) in pages.iter().enumerate() {
        for item in &p.items {
            if let Item::Link { x, y, w, h, target } = item {
                out.push(display::LinkArea {
                    page,
                    x: *x,
                    y: *y,
                    w: *w,
                    h: *h,
                    target: target.clone(),
                });
            }
        }
    }
    out
}

fn missing_glyph_warnings(
    missing: &BTreeMap<String, BTreeSet<char>>,
    warnings: &mut BTreeSet<String>,
) {
    for (doc, chars) in missing {
        let list: Vec<String> = chars
            .iter()
            .map(|c| format!("{c} (U+{:04X})", *c as u32))
            .collect();
        let doc = if doc.is_empty() {
            "page furniture"
        } else {
            doc
        };
        warnings.insert(format!(
            "{doc}: the bundled PDF fonts have no glyph for {}; these characters show as empty boxes in the PDF",
            list.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests;
