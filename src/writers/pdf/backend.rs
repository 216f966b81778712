//! Display list → PDF bytes, through printpdf (content streams, font
//! embedding and subsetting) and lopdf (everything printpdf gets wrong for us).
//!
//! printpdf draws the pages. The document structure is then finished on the
//! lopdf document it produces, because printpdf's own bookmarks are flat,
//! sorted by name and point at the top of a page, its links cannot point at
//! another file, and its `/ID` and font ids come from a process-wide counter.
//! Here: fonts get our fixed ids, links and a nested outline in document order
//! are written directly, and `/ID` is a hash of the content, so the same input
//! gives the same bytes in any thread of any process.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use printpdf::{
    FontId, Mm, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, TextItem,
};
use sha2::{Digest, Sha256};

use super::content;
use super::display::{Dest, Item, OutlineEntry, Page};
use super::fonts::{Face, Fonts};
use super::layout::Geometry;

/// Where a link goes, with pages known.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    GoTo(Dest),
    Uri(String),
    /// Another PDF next to this one, at a named destination (a heading id).
    File {
        file: String,
        dest: Option<String>,
    },
}

/// A clickable area.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkOut {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub action: Action,
}

/// Document information.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// `YYYY-MM-DD`, used for the creation date instead of the clock.
    pub date: String,
}

/// Everything the writer needs.
pub struct PdfInput<'a> {
    pub fonts: &'a Fonts,
    pub geom: Geometry,
    pub pages: &'a [Page],
    pub links: &'a [LinkOut],
    pub outline: &'a [OutlineEntry],
    /// Named destinations (heading ids), so other files can link to them.
    pub named: &'a BTreeMap<String, Dest>,
    pub meta: &'a Meta,
    /// The logo, for the pages' `Item::Logo`s.
    pub logo: Option<&'a super::image::PdfImage>,
}

fn pt_to_mm(v: f32) -> Mm {
    Mm(v * 25.4 / 72.0)
}

/// Write the PDF.
pub fn write(input: &PdfInput<'_>) -> Result<Vec<u8>, String> {
    let g = input.geom;
    // printpdf embeds and subsets the fonts: the first page carries one run
    // per face with every character the document shows. The pages' real
    // contents are written by `content::page_content` afterwards.
    let chars = content::used_chars(input.pages);
    let used: BTreeSet<Face> = chars.keys().copied().collect();
    let mut pages = Vec::with_capacity(input.pages.len().max(1));
    let mut first = vec![Op::StartTextSection];
    for (face, set) in &chars {
        first.push(Op::SetFont {
            font: PdfFontHandle::External(FontId(face.pdf_id().to_string())),
            size: Pt(10.0),
        });
        first.push(Op::ShowText {
            items: vec![TextItem::Text(set.iter().collect())],
        });
    }
    first.push(Op::EndTextSection);
    for i in 0..input.pages.len().max(1) {
        let ops = if i == 0 {
            std::mem::take(&mut first)
        } else {
            Vec::new()
        };
        pages.push(PdfPage::new(pt_to_mm(g.width), pt_to_mm(g.height), ops));
    }
    let mut doc = PdfDocument::new(&input.meta.title);
    for face in &used {
        doc.resources.fonts.map.insert(
            FontId(face.pdf_id().to_string()),
            PdfFont::new(input.fonts.get(*face).parsed.clone()),
        );
    }
    doc.pages = pages;
    let info = &mut doc.metadata.info;
    info.document_title = input.meta.title.clone();
    info.author = input.meta.author.clone();
    info.subject = input.meta.subject.clone();
    info.keywords = input.meta.keywords.clone();
    info.creator = "hicp".to_string();
    info.producer = "hicp (printpdf)".to_string();
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    write_contents(&mut lo, input, &used)?;
    finish(&mut lo, input).map_err(|e| format!("finishing the PDF structure: {e}"))?;
    compress_streams(&mut lo).map_err(|e| format!("compressing: {e}"))?;
    // /ID comes from the content. Serialize once with a placeholder of the
    // right length, hash those bytes, then write the digest over the
    // placeholder (a second serialization cost as much as the first).
    let placeholder = Object::String(vec![0; 16], StringFormat::Hexadecimal);
    lo.trailer
        .set("ID", Object::Array(vec![placeholder.clone(), placeholder]));
    let mut out = Vec::new();
    lo.save_to(&mut out)
        .map_err(|e| format!("serializing: {e}"))?;
    patch_id(&mut out)?;
    Ok(out)
}

/// Deflate every stream that has no filter yet, at zlib's fastest level.
/// lopdf's own `compress` uses the best level, which cost a third of a
/// whole build; level 1 deflates 3× faster than the default level 6 for files
/// about a third larger (cascadia-regional: 4.2 MB of PDFs instead of 3.1 MB).
fn compress_streams(lo: &mut lopdf::Document) -> std::io::Result<()> {
    use flate2::{Compress, Compression};
    use rayon::prelude::*;
    let streams: Vec<&mut lopdf::Stream> = lo
        .objects
        .values_mut()
        .filter_map(|object| match object {
            Object::Stream(stream)
                if stream.dict.get(b"Filter").is_err() && stream.allows_compression =>
            {
                Some(stream)
            }
            _ => None,
        })
        .collect();
    // Streams are independent, so they are compressed in parallel; each
    // thread keeps one compressor, reset between streams (setting one up
    // zeroes its tables, which for a page-sized stream cost more than
    // compressing it). The bytes do not depend on which thread did it.
    streams
        .into_par_iter()
        .try_for_each_init(|| Compress::new(Compression::new(1), true), compress_one)
}

fn compress_one(z: &mut flate2::Compress, stream: &mut lopdf::Stream) -> std::io::Result<()> {
    use flate2::{FlushCompress, Status};
    z.reset();
    let mut compressed = Vec::with_capacity(stream.content.len() / 2 + 64);
    loop {
        let done = z.total_in() as usize;
        let status = z
            .compress_vec(
                &stream.content[done..],
                &mut compressed,
                FlushCompress::Finish,
            )
            .map_err(std::io::Error::other)?;
        if status == Status::StreamEnd {
            break;
        }
        compressed.reserve(compressed.capacity().max(1024));
    }
    if compressed.len() + 19 < stream.content.len() {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(compressed);
    }
    Ok(())
}

/// Replace the all-zero `/ID` placeholder in the trailer with the first 16
/// bytes of the sha256 of the file as written with the placeholder.
fn patch_id(out: &mut [u8]) -> Result<(), String> {
    const HOLE: &[u8] = b"<00000000000000000000000000000000>";
    let trailer_from = out
        .windows(7)
        .rposition(|w| w == b"trailer")
        .ok_or("no trailer was written")?;
    let first = trailer_from
        + out[trailer_from..]
            .windows(HOLE.len())
            .position(|w| w == HOLE)
            .ok_or("no /ID placeholder in the trailer")?;
    let second = first
        + HOLE.len()
        + out[first + HOLE.len()..]
            .windows(HOLE.len())
            .position(|w| w == HOLE)
            .ok_or("no second /ID placeholder in the trailer")?;
    let digest = Sha256::digest(&*out);
    let hex = crate::pack::hex(&digest[..16]).to_ascii_uppercase();
    for at in [first, second] {
        out[at + 1..at + 33].copy_from_slice(hex.as_bytes());
    }
    Ok(())
}

/// Replace every page's content with the stream `content::page_content`
/// writes, and give every page the fonts of the first page's resources.
fn write_contents(
    lo: &mut lopdf::Document,
    input: &PdfInput<'_>,
    used: &BTreeSet<Face>,
) -> Result<(), String> {
    use lopdf::Stream;
    let page_ids: Vec<ObjectId> = lo.get_pages().values().copied().collect();
    let Some(first) = page_ids.first().copied() else {
        return Err("printpdf wrote no page".into());
    };
    let resources = page_resources(lo, first)?;
    let fonts = match resources.get(b"Font") {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(r)) => lo
            .get_dictionary(*r)
            .map_err(|e| format!("font resources: {e}"))?
            .clone(),
        _ if used.is_empty() => Dictionary::new(),
        _ => return Err("the first page has no font resources".into()),
    };
    let codes = content::Codes::read(lo, input.fonts, &fonts, used.iter().copied())?;
    let mut shared = Dictionary::from_iter(vec![("Font", Object::Dictionary(fonts))]);
    let draws_logo = input
        .pages
        .iter()
        .any(|p| p.items.iter().any(|i| matches!(i, Item::Logo { .. })));
    if let (Some(logo), true) = (input.logo, draws_logo) {
        let image = add_logo_xobject(lo, logo);
        shared.set(
            "XObject",
            Dictionary::from_iter(vec![(content::LOGO, Object::Reference(image))]),
        );
    }
    // Pages are independent: their streams are written in parallel (the
    // binder's two hundred pages are the longest single task of a build).
    let contents: Vec<Result<Vec<u8>, String>> = {
        use rayon::prelude::*;
        input
            .pages
            .par_iter()
            .map(|page| content::page_content(input.fonts, &codes, page, input.geom.height))
            .collect()
    };
    let mut contents = contents.into_iter();
    let mut stale = Vec::new();
    for (i, page_id) in page_ids.iter().enumerate() {
        let bytes = match contents.next() {
            Some(bytes) => bytes?,
            None => Vec::new(),
        };
        let stream = lo.add_object(Stream::new(Dictionary::new(), bytes));
        let page = lo
            .get_object_mut(*page_id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| format!("page {i}: {e}"))?;
        match page.get(b"Contents") {
            Ok(Object::Reference(r)) => stale.push(*r),
            Ok(Object::Array(a)) => stale.extend(a.iter().filter_map(|o| o.as_reference().ok())),
            _ => {}
        }
        page.set("Contents", Object::Reference(stream));
        page.set("Resources", Object::Dictionary(shared.clone()));
    }
    for id in stale {
        lo.objects.remove(&id);
    }
    Ok(())
}

/// A page's resource dictionary, inline or referenced.
fn page_resources(lo: &lopdf::Document, page: ObjectId) -> Result<Dictionary, String> {
    let dict = lo
        .get_dictionary(page)
        .map_err(|e| format!("first page: {e}"))?;
    match dict.get(b"Resources") {
        Ok(Object::Dictionary(d)) => Ok(d.clone()),
        Ok(Object::Reference(r)) => lo
            .get_dictionary(*r)
            .cloned()
            .map_err(|e| format!("page resources: {e}")),
        _ => Ok(Dictionary::new()),
    }
}

/// The logo as one image XObject (with its soft mask), shared by every page
/// that draws it: `content::page_content` writes `/HicpLogo Do` for each
/// `Item::Logo`, and `write_contents` lists it in the pages' resources.
fn add_logo_xobject(lo: &mut lopdf::Document, logo: &super::image::PdfImage) -> ObjectId {
    use super::image::ColorSpace;
    use lopdf::Stream;
    let image_dict = |color_space: Object, bits: u8, filter: &str| {
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"XObject".to_vec())),
            ("Subtype", Object::Name(b"Image".to_vec())),
            ("Width", Object::Integer(logo.width as i64)),
            ("Height", Object::Integer(logo.height as i64)),
            ("BitsPerComponent", Object::Integer(bits as i64)),
            ("ColorSpace", color_space),
            ("Filter", Object::Name(filter.as_bytes().to_vec())),
        ])
    };
    let color_space = match &logo.color_space {
        ColorSpace::Gray => Object::Name(b"DeviceGray".to_vec()),
        ColorSpace::Rgb => Object::Name(b"DeviceRGB".to_vec()),
        ColorSpace::Indexed(pal) => Object::Array(vec![
            Object::Name(b"Indexed".to_vec()),
            Object::Name(b"DeviceRGB".to_vec()),
            Object::Integer((pal.len() / 3).saturating_sub(1) as i64),
            Object::String(pal.clone(), StringFormat::Hexadecimal),
        ]),
    };
    let mut dict = image_dict(color_space, logo.bits, logo.filter);
    if let Some((colors, columns)) = logo.predictor {
        dict.set(
            "DecodeParms",
            Dictionary::from_iter(vec![
                ("Predictor", Object::Integer(15)),
                ("Colors", Object::Integer(colors as i64)),
                ("BitsPerComponent", Object::Integer(logo.bits as i64)),
                ("Columns", Object::Integer(columns as i64)),
            ]),
        );
    }
    if let Some(mask) = &logo.soft_mask {
        let m = image_dict(Object::Name(b"DeviceGray".to_vec()), 8, "FlateDecode");
        let mask_id = lo.add_object(Stream::new(m, mask.clone()).with_compression(false));
        dict.set("SMask", Object::Reference(mask_id));
    }
    lo.add_object(Stream::new(dict, logo.data.clone()).with_compression(false))
}

/// A PDF text string: UTF-16BE with a byte-order mark, as outline titles need.
fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn dest_array(page_ids: &[ObjectId], d: Dest, height: f32) -> Object {
    let page = page_ids
        .get(d.page)
        .copied()
        .map(Object::Reference)
        .unwrap_or(Object::Null);
    let top = (height - d.y + 4.0).min(height);
    Object::Array(vec![
        page,
        Object::Name(b"XYZ".to_vec()),
        Object::Real(0.0),
        Object::Real(top),
        Object::Null,
    ])
}

fn finish(lo: &mut lopdf::Document, input: &PdfInput<'_>) -> Result<(), lopdf::Error> {
    let height = input.geom.height;
    let page_ids: Vec<ObjectId> = lo.get_pages().values().copied().collect();
    lo.version = "1.7".to_string();

    // Links.
    for link in input.links {
        let Some(page_id) = page_ids.get(link.page).copied() else {
            continue;
        };
        let action = match &link.action {
            Action::GoTo(d) => Dictionary::from_iter(vec![
                ("S", Object::Name(b"GoTo".to_vec())),
                ("D", dest_array(&page_ids, *d, height)),
            ]),
            Action::Uri(u) => Dictionary::from_iter(vec![
                ("S", Object::Name(b"URI".to_vec())),
                (
                    "URI",
                    Object::String(u.as_bytes().to_vec(), StringFormat::Literal),
                ),
            ]),
            Action::File { file, dest } => {
                let d = match dest {
                    Some(name) => Object::String(name.as_bytes().to_vec(), StringFormat::Literal),
                    None => Object::Array(vec![Object::Integer(0), Object::Name(b"Fit".to_vec())]),
                };
                Dictionary::from_iter(vec![
                    ("S", Object::Name(b"GoToR".to_vec())),
                    (
                        "F",
                        Object::String(file.as_bytes().to_vec(), StringFormat::Literal),
                    ),
                    ("D", d),
                    ("NewWindow", Object::Boolean(false)),
                ])
            }
        };
        let annot = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Annot".to_vec())),
            ("Subtype", Object::Name(b"Link".to_vec())),
            (
                "Rect",
                Object::Array(vec![
                    Object::Real(link.x),
                    Object::Real(height - link.y - link.h),
                    Object::Real(link.x + link.w),
                    Object::Real(height - link.y),
                ]),
            ),
            (
                "Border",
                Object::Array(vec![
                    Object::Integer(0),
                    Object::Integer(0),
                    Object::Integer(0),
                ]),
            ),
            ("A", Object::Dictionary(action)),
        ]);
        let annot_id = lo.add_object(annot);
        let page = lo.get_dictionary_mut(page_id)?;
        match page.get_mut(b"Annots").and_then(|a| a.as_array_mut()) {
            Ok(arr) => arr.push(Object::Reference(annot_id)),
            Err(_) => page.set("Annots", Object::Array(vec![Object::Reference(annot_id)])),
        }
    }

    // Named destinations (heading ids), for links from other files.
    let mut names = Vec::new();
    for (name, d) in input.named {
        names.push(Object::String(
            name.as_bytes().to_vec(),
            StringFormat::Literal,
        ));
        names.push(dest_array(&page_ids, *d, height));
    }
    let dests_id = (!names.is_empty()).then(|| {
        let tree = Dictionary::from_iter(vec![("Names", Object::Array(names))]);
        lo.add_object(tree)
    });

    // Nested outline in document order.
    let outline_id = write_outline(lo, input.outline, &page_ids, height);

    // Information dictionary, rebuilt: printpdf labels files PDF/X and dates them 1970.
    let mut info = Dictionary::new();
    info.set("Title", text_string(&input.meta.title));
    info.set("Author", text_string(&input.meta.author));
    info.set("Subject", text_string(&input.meta.subject));
    info.set("Keywords", text_string(&input.meta.keywords.join(", ")));
    info.set("Creator", text_string("hicp"));
    info.set("Producer", text_string("hicp with printpdf"));
    if let Some(date) = pdf_date(&input.meta.date) {
        info.set(
            "CreationDate",
            Object::String(date.clone().into_bytes(), StringFormat::Literal),
        );
        info.set(
            "ModDate",
            Object::String(date.into_bytes(), StringFormat::Literal),
        );
    }
    let info_id = lo.add_object(info);
    lo.trailer.set("Info", Object::Reference(info_id));

    let catalog = lo.catalog_mut()?;
    catalog.set(
        "Lang",
        Object::String(b"en-US".to_vec(), StringFormat::Literal),
    );
    catalog.set(
        "ViewerPreferences",
        Object::Dictionary(Dictionary::from_iter(vec![(
            "DisplayDocTitle",
            Object::Boolean(true),
        )])),
    );
    catalog.remove(b"OutputIntents");
    if let Some(id) = dests_id {
        catalog.set(
            "Names",
            Object::Dictionary(Dictionary::from_iter(vec![(
                "Dests",
                Object::Reference(id),
            )])),
        );
    }
    match outline_id {
        Some(id) => {
            catalog.set("Outlines", Object::Reference(id));
            catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
        None => {
            catalog.remove(b"Outlines");
            catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
        }
    }
    Ok(())
}

/// `2026-01-28` → `D:20260128000000Z`.
fn pdf_date(date: &str) -> Option<String> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits: String = date.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits.len() == 8).then(|| format!("D:{digits}000000Z"))
}

/// Build the outline tree: each entry's parent is the nearest earlier entry of
/// a lower level. Returns the `/Outlines` dictionary's id.
fn write_outline(
    lo: &mut lopdf::Document,
    entries: &[OutlineEntry],
    page_ids: &[ObjectId],
    height: f32,
) -> Option<ObjectId> {
    if entries.is_empty() {
        return None;
    }
    let root = lo.new_object_id();
    let ids: Vec<ObjectId> = entries.iter().map(|_| lo.new_object_id()).collect();
    // parent[i]: index of the parent entry, None = root.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        while let Some(&top) = stack.last() {
            if entries[top].level >= e.level {
                stack.pop();
            } else {
                break;
            }
        }
        parent.push(stack.last().copied());
        stack.push(i);
    }
    let children = |p: Option<usize>| -> Vec<usize> {
        (0..entries.len()).filter(|&i| parent[i] == p).collect()
    };
    for (i, e) in entries.iter().enumerate() {
        let siblings = children(parent[i]);
        let pos = siblings.iter().position(|&s| s == i).unwrap_or(0);
        let kids = children(Some(i));
        let mut d = Dictionary::new();
        d.set("Title", text_string(&e.title));
        d.set(
            "Parent",
            Object::Reference(parent[i].map_or(root, |p| ids[p])),
        );
        d.set("Dest", dest_array(page_ids, e.dest, height));
        if pos > 0 {
            d.set("Prev", Object::Reference(ids[siblings[pos - 1]]));
        }
        if let Some(&n) = siblings.get(pos + 1) {
            d.set("Next", Object::Reference(ids[n]));
        }
        if let (Some(&f), Some(&l)) = (kids.first(), kids.last()) {
            d.set("First", Object::Reference(ids[f]));
            d.set("Last", Object::Reference(ids[l]));
            // Top-level entries open, deeper ones closed (negative count).
            let open = e.level <= 1;
            d.set(
                "Count",
                Object::Integer(if open {
                    kids.len() as i64
                } else {
                    -(kids.len() as i64)
                }),
            );
        }
        lo.set_object(ids[i], d);
    }
    let top = children(None);
    let visible: i64 = top.len() as i64
        + top
            .iter()
            .filter(|&&t| entries[t].level <= 1)
            .map(|&t| children(Some(t)).len() as i64)
            .sum::<i64>();
    let mut r = Dictionary::new();
    r.set("Type", Object::Name(b"Outlines".to_vec()));
    if let (Some(&f), Some(&l)) = (top.first(), top.last()) {
        r.set("First", Object::Reference(ids[f]));
        r.set("Last", Object::Reference(ids[l]));
    }
    r.set("Count", Object::Integer(visible));
    lo.set_object(root, r);
    Some(root)
}
