//! PDF file structure written directly: objects, fonts, page tree, links,
//! outline, named destinations, information dictionary, cross-reference
//! table.
//!
//! Why not printpdf's serializer (used until 0.1's speed work): it re-encodes
//! every content-stream operand through lopdf, subsets each font with a full
//! parse of the font, renumbers glyphs per file, and gives `/ID`s and font
//! names from process-wide counters. Here the pages arrive as finished
//! (usually already compressed) content streams addressed by glyph id (see
//! [`super::content`]), fonts are subset by [`super::subset`] keeping those
//! ids, and every name and number comes from the input, so the same input
//! gives the same bytes in any thread of any process. printpdf still parses
//! the fonts for metrics ([`super::fonts`]).

use std::collections::BTreeMap;
use std::io::Write;

use sha2::{Digest, Sha256};

use super::content::{GlyphSet, LOGO, hex4, num};
use super::display::Role;
use super::display::{Dest, OutlineEntry};
use super::fonts::Fonts;
use super::image::{ColorSpace, PdfImage};
use super::layout::Geometry;
use super::tags::{KidRef, Tree, tag};

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

/// One content stream of a page.
#[derive(Debug, Clone, Copy)]
pub struct Stream<'a> {
    pub bytes: &'a [u8],
    /// Already `/FlateDecode`d.
    pub deflated: bool,
}

/// A page: its content streams, drawn in order.
#[derive(Debug, Clone, Default)]
pub struct PageOut<'a> {
    pub contents: Vec<Stream<'a>>,
    pub draws_logo: bool,
}

/// Everything the writer needs.
pub struct PdfInput<'a> {
    pub fonts: &'a Fonts,
    pub geom: Geometry,
    pub pages: &'a [PageOut<'a>],
    /// Every glyph the pages show, for the font subsets.
    pub glyphs: &'a GlyphSet,
    pub links: &'a [LinkOut],
    /// The tagged-PDF structure: pages and links as in `pages` and `links`.
    pub structure: &'a Tree,
    pub outline: &'a [OutlineEntry],
    /// Top-level outline entries shown closed (the binder: one per
    /// document, each opening onto its headings).
    pub outline_closed: bool,
    /// Named destinations (heading ids), so other files can link to them.
    pub named: &'a BTreeMap<String, Dest>,
    pub meta: &'a Meta,
    /// The logo, for the pages that draw it.
    pub logo: Option<&'a PdfImage>,
    /// A hash of everything the file is made from, if the caller has one:
    /// `/ID` is derived from it (same inputs, same `/ID`) instead of from a
    /// hash of the whole file, which for a binder is megabytes.
    pub id_seed: Option<&'a str>,
}

/// Deflate `data` at zlib's fastest level (level 6 cost a third of a build
/// for files a third smaller). Each thread keeps one compressor and resets it
/// between streams: setting one up zeroes its tables, which for a page-sized
/// stream cost more than compressing it.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static Z: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::new(1), true));
    }
    Z.with(|z| {
        let mut z = z.borrow_mut();
        z.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let done = z.total_in() as usize;
            match z.compress_vec(&data[done..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => break,
                Ok(_) => out.reserve(out.capacity().max(1024)),
                // The in-memory compressor cannot fail on valid buffers;
                // should it, the stream is left uncompressed by the caller.
                Err(_) => return Vec::new(),
            }
        }
        out
    })
}

/// `raw` deflated when that makes it smaller (and did not fail), with
/// whether it was; otherwise `raw` as it is.
pub fn deflate_if_smaller(raw: Vec<u8>) -> (Vec<u8>, bool) {
    let packed = deflate(&raw);
    if packed.is_empty() || packed.len() + 19 >= raw.len() {
        (raw, false)
    } else {
        (packed, true)
    }
}

/// Objects written so far and where each starts.
struct Out {
    buf: Vec<u8>,
    offsets: Vec<usize>,
    /// Objects to be packed into object streams, back to back, with
    /// (object number, start) of each; while one is written it is `buf`
    /// (swapped with the file's bytes until [`Out::end`]).
    packed: Vec<u8>,
    packed_at: Vec<(usize, usize)>,
    packing: bool,
}

/// Objects per object stream: streams are compressed in parallel, and a
/// reader decompresses a whole stream to reach one of its objects.
const PER_OBJECT_STREAM: usize = 200;

impl Out {
    fn begin(&mut self, id: usize) {
        if self.offsets.len() <= id {
            self.offsets.resize(id + 1, 0);
        }
        self.offsets[id] = self.buf.len();
        let _ = writeln!(self.buf, "{id} 0 obj");
    }

    /// Begin an object that goes into an object stream (a dictionary or
    /// other non-stream object: structure elements, annotations, outline
    /// entries), ended by [`Out::end`].
    fn begin_packed(&mut self, id: usize) {
        self.packed_at.push((id, self.packed.len()));
        std::mem::swap(&mut self.buf, &mut self.packed);
        self.packing = true;
    }

    fn end(&mut self) {
        if self.packing {
            self.buf.push(b'\n');
            std::mem::swap(&mut self.buf, &mut self.packed);
            self.packing = false;
        } else {
            self.buf.extend_from_slice(b"\nendobj\n");
        }
    }

    /// Write the packed objects as compressed object streams (numbered from
    /// `ids`); where each object is: (object number, (stream, index)).
    fn object_streams(&mut self, ids: &mut Ids) -> Vec<(usize, (usize, usize))> {
        use rayon::prelude::*;
        let packed = std::mem::take(&mut self.packed);
        let at = std::mem::take(&mut self.packed_at);
        let chunks: Vec<&[(usize, usize)]> = at.chunks(PER_OBJECT_STREAM).collect();
        let bodies: Vec<(Vec<u8>, usize)> = chunks
            .par_iter()
            .enumerate()
            .map(|(c, chunk)| {
                let start = chunk[0].1;
                let end = at
                    .get((c + 1) * PER_OBJECT_STREAM)
                    .map_or(packed.len(), |n| n.1);
                let mut data = Vec::with_capacity(end - start + chunk.len() * 12);
                for (i, (id, off)) in chunk.iter().enumerate() {
                    if i > 0 {
                        data.push(b' ');
                    }
                    let _ = write!(data, "{id} {}", off - start);
                }
                data.push(b'\n');
                let first = data.len();
                data.extend_from_slice(&packed[start..end]);
                (deflate(&data), first)
            })
            .collect();
        let mut located = Vec::with_capacity(at.len());
        for (chunk, (body, first)) in chunks.iter().zip(bodies) {
            let id = ids.next();
            let dict = format!(
                "/Type/ObjStm/N {}/First {first}/Filter/FlateDecode",
                chunk.len()
            );
            self.stream(id, dict.as_bytes(), &body);
            for (i, (obj, _)) in chunk.iter().enumerate() {
                located.push((*obj, (id, i)));
            }
        }
        located
    }

    /// A stream object: `dict` holds the entries besides `/Length`.
    fn stream(&mut self, id: usize, dict: &[u8], data: &[u8]) {
        self.begin(id);
        self.buf.extend_from_slice(b"<<");
        self.buf.extend_from_slice(dict);
        let _ = write!(self.buf, "/Length {}>>\nstream\n", data.len());
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\nendstream");
        self.end();
    }

    fn put(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn num(&mut self, v: f32) {
        num(&mut self.buf, v);
    }
}

/// Hands out object numbers in order.
struct Ids(usize);

impl Ids {
    fn next(&mut self) -> usize {
        self.0 += 1;
        self.0
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, in hex.
fn text_string(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(b"<FEFF");
    for u in s.encode_utf16() {
        hex4(out, u);
    }
    out.push(b'>');
}

/// A PDF byte string in hex (any bytes, no escaping to get wrong).
fn byte_string(out: &mut Vec<u8>, s: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(b'<');
    for b in s {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
    out.push(b'>');
}

fn dest_array(out: &mut Out, page_ids: &[usize], d: Dest, height: f32) {
    match page_ids.get(d.page) {
        Some(p) => {
            let _ = write!(out.buf, "[{p} 0 R/XYZ 0 ");
        }
        None => out.put("[null/XYZ 0 "),
    }
    out.num((height - d.y + 4.0).min(height));
    out.put(" null]");
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

/// Object numbers of one embedded face.
struct FontIds {
    type0: usize,
    cid: usize,
    descriptor: usize,
    program: usize,
    to_unicode: usize,
}

/// Write the PDF.
pub fn write(input: &PdfInput<'_>) -> Result<Vec<u8>, String> {
    let g = input.geom;
    let mut ids = Ids(0);
    let catalog = ids.next();
    let pages_root = ids.next();
    let info = ids.next();
    let resources = ids.next();
    let faces = input.glyphs.faces();
    let font_ids: Vec<FontIds> = faces
        .iter()
        .map(|_| FontIds {
            type0: ids.next(),
            cid: ids.next(),
            descriptor: ids.next(),
            program: ids.next(),
            to_unicode: ids.next(),
        })
        .collect();
    let draws_logo = input.pages.iter().any(|p| p.draws_logo);
    let logo = input.logo.filter(|_| draws_logo);
    let logo_ids = logo.map(|l| (ids.next(), l.soft_mask.as_ref().map(|_| ids.next())));
    let page_ids: Vec<usize> = input.pages.iter().map(|_| ids.next()).collect();
    let content_ids: Vec<Vec<usize>> = input
        .pages
        .iter()
        .map(|p| p.contents.iter().map(|_| ids.next()).collect())
        .collect();
    let link_ids: Vec<usize> = input.links.iter().map(|_| ids.next()).collect();
    let outline_ids: Vec<usize> = if input.outline.is_empty() {
        Vec::new()
    } else {
        (0..=input.outline.len()).map(|_| ids.next()).collect()
    };
    let dests_id = (!input.named.is_empty()).then(|| ids.next());
    let metadata = ids.next();
    let struct_root = ids.next();
    let parent_tree = ids.next();
    let document = ids.next();
    let st = Structure::new(input.structure, &mut ids, page_ids.len(), input.links.len());

    let body_len: usize = input
        .pages
        .iter()
        .flat_map(|p| p.contents.iter())
        .map(|s| s.bytes.len() + 64)
        .sum();
    let mut out = Out {
        buf: Vec::with_capacity(body_len + 64 * 1024),
        offsets: vec![0; ids.0 + 1],
        packed: Vec::new(),
        packed_at: Vec::new(),
        packing: false,
    };
    // A binary comment line marks the file as binary for transfer tools.
    out.buf.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");

    // Catalog.
    out.begin(catalog);
    let _ = write!(
        out.buf,
        "<</Type/Catalog/Pages {pages_root} 0 R/Lang(en-US)/ViewerPreferences<</DisplayDocTitle true>>/MarkInfo<</Marked true>>/StructTreeRoot {struct_root} 0 R/Metadata {metadata} 0 R"
    );
    if let Some(d) = dests_id {
        let _ = write!(out.buf, "/Names<</Dests {d} 0 R>>");
    }
    match outline_ids.first() {
        Some(root) => {
            let _ = write!(out.buf, "/Outlines {root} 0 R/PageMode/UseOutlines");
        }
        None => out.put("/PageMode/UseNone"),
    }
    out.put(">>");
    out.end();

    // Page tree: one level.
    out.begin(pages_root);
    out.put("<</Type/Pages/Kids[");
    for (i, p) in page_ids.iter().enumerate() {
        if i > 0 {
            out.put(" ");
        }
        let _ = write!(out.buf, "{p} 0 R");
    }
    let _ = write!(out.buf, "]/Count {}>>", page_ids.len());
    out.end();

    // Information dictionary.
    out.begin(info);
    let m = input.meta;
    out.put("<</Title");
    text_string(&mut out.buf, &m.title);
    out.put("/Author");
    text_string(&mut out.buf, &m.author);
    out.put("/Subject");
    text_string(&mut out.buf, &m.subject);
    out.put("/Keywords");
    text_string(&mut out.buf, &m.keywords.join(", "));
    out.put("/Creator");
    text_string(&mut out.buf, "hicp");
    out.put("/Producer");
    text_string(&mut out.buf, concat!("hicp ", env!("CARGO_PKG_VERSION")));
    if let Some(date) = pdf_date(&m.date) {
        let _ = write!(out.buf, "/CreationDate({date})/ModDate({date})");
    }
    out.put(">>");
    out.end();

    // Resources shared by every page.
    out.begin(resources);
    out.put("<</Font<<");
    for ((face, _), fid) in faces.iter().zip(&font_ids) {
        let _ = write!(out.buf, "/{} {} 0 R", face.pdf_id(), fid.type0);
    }
    out.put(">>");
    if let Some((image, _)) = logo_ids {
        let _ = write!(out.buf, "/XObject<</{LOGO} {image} 0 R>>");
    }
    out.put(">>");
    out.end();

    // Fonts: the subsets are built in parallel (one per face), or taken
    // from the ones this process already built for the same glyphs.
    let programs: Vec<std::sync::Arc<super::fonts::FontProgram>> = {
        use rayon::prelude::*;
        faces
            .par_iter()
            .map(|(face, glyphs)| {
                let ids: Vec<u16> = glyphs.iter().map(|(g, _)| *g).collect();
                input.fonts.get(*face).program(&ids)
            })
            .collect()
    };
    for (((face, glyphs), fid), program) in faces.iter().zip(&font_ids).zip(programs) {
        write_font(
            &mut out,
            input.fonts,
            *face,
            glyphs,
            fid,
            &program.packed,
            program.raw_len,
        );
    }

    // The logo.
    if let (Some(img), Some((image, mask))) = (logo, logo_ids) {
        write_logo(&mut out, img, image, mask);
    }

    // Pages and their contents.
    let mut annots_of: Vec<Vec<usize>> = vec![Vec::new(); page_ids.len()];
    for (link, id) in input.links.iter().zip(&link_ids) {
        if let Some(a) = annots_of.get_mut(link.page) {
            a.push(*id);
        }
    }
    for (i, page) in input.pages.iter().enumerate() {
        out.begin(page_ids[i]);
        let _ = write!(
            out.buf,
            "<</Type/Page/Parent {pages_root} 0 R/MediaBox[0 0 "
        );
        out.num(g.width);
        out.put(" ");
        out.num(g.height);
        let _ = write!(out.buf, "]/Resources {resources} 0 R/Contents[");
        for (k, c) in content_ids[i].iter().enumerate() {
            if k > 0 {
                out.put(" ");
            }
            let _ = write!(out.buf, "{c} 0 R");
        }
        let _ = write!(out.buf, "]/StructParents {i}/Tabs/S");
        if !annots_of[i].is_empty() {
            out.put("/Annots[");
            for (k, a) in annots_of[i].iter().enumerate() {
                if k > 0 {
                    out.put(" ");
                }
                let _ = write!(out.buf, "{a} 0 R");
            }
            out.put("]");
        }
        out.put(">>");
        out.end();
        for (stream, id) in page.contents.iter().zip(&content_ids[i]) {
            let dict: &[u8] = if stream.deflated {
                b"/Filter/FlateDecode"
            } else {
                b""
            };
            out.stream(*id, dict, stream.bytes);
        }
    }

    // Links.
    let npages = page_ids.len();
    for (k, (link, id)) in input.links.iter().zip(&link_ids).enumerate() {
        out.begin_packed(*id);
        out.put("<</Type/Annot/Subtype/Link");
        if let Some(node) = st.link_owner[k] {
            let _ = write!(out.buf, "/StructParent {}", npages + k);
            let text = input.structure.nodes[node as usize].text.trim();
            out.put("/Contents");
            if text.is_empty() {
                text_string(&mut out.buf, &link_description(&link.action));
            } else {
                text_string(&mut out.buf, text);
            }
        }
        let _ = write!(
            out.buf,
            "/P {} 0 R/Rect[",
            page_ids.get(link.page).copied().unwrap_or(page_ids[0])
        );
        out.num(link.x);
        out.put(" ");
        out.num(g.height - link.y - link.h);
        out.put(" ");
        out.num(link.x + link.w);
        out.put(" ");
        out.num(g.height - link.y);
        out.put("]/Border[0 0 0]/A<<");
        match &link.action {
            Action::GoTo(d) => {
                out.put("/S/GoTo/D");
                dest_array(&mut out, &page_ids, *d, g.height);
            }
            Action::Uri(u) => {
                out.put("/S/URI/URI");
                byte_string(&mut out.buf, u.as_bytes());
            }
            Action::File { file, dest } => {
                out.put("/S/GoToR/F");
                byte_string(&mut out.buf, file.as_bytes());
                out.put("/D");
                match dest {
                    Some(name) => byte_string(&mut out.buf, name.as_bytes()),
                    None => out.put("[0/Fit]"),
                }
                out.put("/NewWindow false");
            }
        }
        out.put(">>>>");
        out.end();
    }

    // Nested outline in document order.
    if let Some((&root, entry_ids)) = outline_ids.split_first() {
        write_outline(
            &mut out,
            root,
            entry_ids,
            input.outline,
            &page_ids,
            g.height,
            input.outline_closed,
        );
    }

    // Structure tree, and the XMP copy of the document information.
    st.write(
        &mut out,
        input.structure,
        StructIds {
            root: struct_root,
            parent_tree,
            document,
        },
        &page_ids,
        &link_ids,
        input.links,
    );
    let xmp = xmp(input.meta);
    out.stream(metadata, b"/Type/Metadata/Subtype/XML", &xmp);

    // Named destinations (heading ids), sorted as the name tree requires.
    if let Some(id) = dests_id {
        out.begin(id);
        out.put("<</Names[");
        for (name, d) in input.named {
            byte_string(&mut out.buf, name.as_bytes());
            dest_array(&mut out, &page_ids, *d, g.height);
        }
        out.put("]>>");
        out.end();
    }

    // The packed objects, then a cross-reference stream (object streams
    // need one) holding the trailer; /ID from the inputs' hash or the file's.
    let located = out.object_streams(&mut ids);
    let digest = match input.id_seed {
        Some(seed) => Sha256::digest(format!("hicp /ID {seed}").as_bytes()),
        None => Sha256::digest(&out.buf),
    };
    let id = crate::pack::hex(&digest[..16]).to_ascii_uppercase();
    let xref = ids.next();
    let xref_at = out.buf.len();
    let count = xref + 1;
    // Per object: type (0 free, 1 at an offset, 2 in an object stream),
    // offset or stream, generation or index: 1, 4 and 2 bytes.
    let mut entries = vec![[0u8; 7]; count];
    entries[0] = [0, 0, 0, 0, 0, 0xFF, 0xFF];
    let entry = |kind: u8, a: usize, b: usize| {
        let a = (a as u32).to_be_bytes();
        let b = (b as u16).to_be_bytes();
        [kind, a[0], a[1], a[2], a[3], b[0], b[1]]
    };
    for (obj, off) in out.offsets.iter().enumerate().skip(1) {
        if *off != 0 && obj < count {
            entries[obj] = entry(1, *off, 0);
        }
    }
    for (obj, (stream, index)) in located {
        if obj < count {
            entries[obj] = entry(2, stream, index);
        }
    }
    entries[xref] = entry(1, xref_at, 0);
    let data = deflate(&entries.concat());
    let dict = format!(
        "/Type/XRef/Size {count}/W[1 4 2]/Root {catalog} 0 R/Info {info} 0 R/ID[<{id}><{id}>]/Filter/FlateDecode"
    );
    out.stream(xref, dict.as_bytes(), &data);
    let _ = write!(out.buf, "startxref\n{xref_at}\n%%EOF\n");
    Ok(out.buf)
}

/// The logo as an image XObject (`image`), with its alpha as a soft mask
/// (`mask`) when it has one.
fn write_logo(out: &mut Out, img: &PdfImage, image: usize, mask: Option<usize>) {
    let mut dict = Vec::new();
    let _ = write!(
        dict,
        "/Type/XObject/Subtype/Image/Width {}/Height {}/BitsPerComponent {}/ColorSpace",
        img.width, img.height, img.bits
    );
    match &img.color_space {
        ColorSpace::Gray => dict.extend_from_slice(b"/DeviceGray"),
        ColorSpace::Rgb => dict.extend_from_slice(b"/DeviceRGB"),
        ColorSpace::Indexed(pal) => {
            let _ = write!(
                dict,
                "[/Indexed/DeviceRGB {} ",
                (pal.len() / 3).saturating_sub(1)
            );
            byte_string(&mut dict, pal);
            dict.push(b']');
        }
    }
    let _ = write!(dict, "/Filter/{}", img.filter);
    if let Some((colors, columns)) = img.predictor {
        let _ = write!(
            dict,
            "/DecodeParms<</Predictor 15/Colors {colors}/BitsPerComponent {}/Columns {columns}>>",
            img.bits
        );
    }
    if let Some(m) = mask {
        let _ = write!(dict, "/SMask {m} 0 R");
    }
    out.stream(image, &dict, &img.data);
    if let (Some(m), Some(alpha)) = (mask, &img.soft_mask) {
        let d = format!(
            "/Type/XObject/Subtype/Image/Width {}/Height {}/BitsPerComponent 8/ColorSpace/DeviceGray/Filter/FlateDecode",
            img.width, img.height
        );
        out.stream(m, d.as_bytes(), alpha);
    }
}

/// One embedded face: the Type 0 font, its CID font with the widths of the
/// glyphs shown, its descriptor, the subset program and the `/ToUnicode` map.
fn write_font(
    out: &mut Out,
    fonts: &Fonts,
    face: super::fonts::Face,
    glyphs: &[(u16, char)],
    fid: &FontIds,
    program: &[u8],
    raw_len: usize,
) {
    let data = fonts.get(face);
    let name = format!(
        "{}+{}",
        super::fonts::subset_tag(face, glyphs),
        data.postscript_name()
    );
    let d = data.descriptor();
    out.begin(fid.type0);
    let _ = write!(
        out.buf,
        "<</Type/Font/Subtype/Type0/BaseFont/{name}/Encoding/Identity-H/DescendantFonts[{} 0 R]/ToUnicode {} 0 R>>",
        fid.cid, fid.to_unicode
    );
    out.end();
    out.begin(fid.cid);
    let _ = write!(
        out.buf,
        "<</Type/Font/Subtype/CIDFontType2/BaseFont/{name}/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor {} 0 R/CIDToGIDMap/Identity/DW 0/W[",
        fid.descriptor
    );
    // Runs of consecutive glyph ids share one width array.
    let scale = 1000.0 / data.units_per_em();
    let mut prev: Option<u16> = None;
    for (gid, _) in glyphs {
        if prev.is_some_and(|p| p + 1 == *gid) {
            out.put(" ");
        } else {
            if prev.is_some() {
                out.put("]");
            }
            let _ = write!(out.buf, "{gid}[");
        }
        out.num(f32::from(data.advance(*gid)) * scale);
        prev = Some(*gid);
    }
    if prev.is_some() {
        out.put("]");
    }
    out.put("]>>");
    out.end();
    out.begin(fid.descriptor);
    let flags = 32
        | if face.is_italic() { 64 } else { 0 }
        | if face == super::fonts::Face::Mono {
            1
        } else {
            0
        };
    let _ = write!(
        out.buf,
        "<</Type/FontDescriptor/FontName/{name}/Flags {flags}/FontBBox["
    );
    for (i, v) in d.bbox.iter().enumerate() {
        if i > 0 {
            out.put(" ");
        }
        out.num(v.round());
    }
    out.put("]/ItalicAngle ");
    out.num(d.italic_angle);
    out.put("/Ascent ");
    out.num(d.ascent.round());
    out.put("/Descent ");
    out.num(d.descent.round());
    out.put("/CapHeight ");
    out.num(d.cap_height.round());
    let stem = if face.is_bold() { 120 } else { 80 };
    let _ = write!(out.buf, "/StemV {stem}/FontFile2 {} 0 R>>", fid.program);
    out.end();
    let dict = format!("/Filter/FlateDecode/Length1 {raw_len}");
    out.stream(fid.program, dict.as_bytes(), program);
    let cmap = to_unicode(glyphs);
    out.stream(fid.to_unicode, b"", &cmap);
}

/// The `/ToUnicode` CMap: glyph id → the character it shows. Glyph 0
/// (.notdef) stands for every character the font lacks, so it maps to none;
/// the text it draws carries `/ActualText` instead (`content::page_content`).
fn to_unicode(glyphs: &[(u16, char)]) -> Vec<u8> {
    let glyphs: Vec<(u16, char)> = glyphs.iter().copied().filter(|(g, _)| *g != 0).collect();
    let glyphs = glyphs.as_slice();
    let mut out = Vec::with_capacity(200 + glyphs.len() * 16);
    out.extend_from_slice(
        b"/CIDInit/ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def\n/CMapName/Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000><FFFF>\nendcodespacerange\n",
    );
    for chunk in glyphs.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", chunk.len());
        for (gid, c) in chunk {
            out.push(b'<');
            hex4(&mut out, *gid);
            out.extend_from_slice(b"><");
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                hex4(&mut out, *u);
            }
            out.extend_from_slice(b">\n");
        }
        out.extend_from_slice(b"endbfchar\n");
    }
    out.extend_from_slice(b"endcmap\nCMapName currentdict/CMap defineresource pop\nend\nend\n");
    out
}

/// The outline tree: each entry's parent is the nearest earlier entry of a
/// lower level. `root` is the `/Outlines` dictionary, `ids` the entries'.
fn write_outline(
    out: &mut Out,
    root: usize,
    ids: &[usize],
    entries: &[OutlineEntry],
    page_ids: &[usize],
    height: f32,
    top_closed: bool,
) {
    let open = |e: &OutlineEntry| e.level <= 1 && !top_closed;
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&top| entries[top].level >= e.level)
        {
            stack.pop();
        }
        parent.push(stack.last().copied());
        stack.push(i);
    }
    let mut top = Vec::new();
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    for (i, p) in parent.iter().enumerate() {
        match p {
            Some(p) => kids[*p].push(i),
            None => top.push(i),
        }
    }
    let siblings_of = |i: usize| -> &Vec<usize> {
        match parent[i] {
            Some(p) => &kids[p],
            None => &top,
        }
    };
    for (i, e) in entries.iter().enumerate() {
        let siblings = siblings_of(i);
        let pos = siblings.iter().position(|&s| s == i).unwrap_or(0);
        out.begin_packed(ids[i]);
        out.put("<</Title");
        text_string(&mut out.buf, &e.title);
        let _ = write!(
            out.buf,
            "/Parent {} 0 R/Dest",
            parent[i].map_or(root, |p| ids[p])
        );
        dest_array(out, page_ids, e.dest, height);
        if pos > 0 {
            let _ = write!(out.buf, "/Prev {} 0 R", ids[siblings[pos - 1]]);
        }
        if let Some(&n) = siblings.get(pos + 1) {
            let _ = write!(out.buf, "/Next {} 0 R", ids[n]);
        }
        if let (Some(&f), Some(&l)) = (kids[i].first(), kids[i].last()) {
            // Top-level entries open (in the binder closed), deeper ones
            // closed (negative count).
            let n = kids[i].len() as i64;
            let count = if open(e) { n } else { -n };
            let _ = write!(
                out.buf,
                "/First {} 0 R/Last {} 0 R/Count {count}",
                ids[f], ids[l]
            );
        }
        out.put(">>");
        out.end();
    }
    let visible: usize = top.len()
        + top
            .iter()
            .filter(|&&t| open(&entries[t]))
            .map(|&t| kids[t].len())
            .sum::<usize>();
    out.begin_packed(root);
    out.put("<</Type/Outlines");
    if let (Some(&f), Some(&l)) = (top.first(), top.last()) {
        let _ = write!(out.buf, "/First {} 0 R/Last {} 0 R", ids[f], ids[l]);
    }
    let _ = write!(out.buf, "/Count {visible}>>");
    out.end();
}

/// A link annotation's description when its element has no text.
fn link_description(action: &Action) -> String {
    match action {
        Action::Uri(u) => u.clone(),
        Action::File { file, .. } => format!("Open {file}"),
        Action::GoTo(d) => format!("Go to page {}", d.page + 1),
    }
}

/// Object numbers of the structure tree's own dictionaries.
struct StructIds {
    root: usize,
    parent_tree: usize,
    document: usize,
}

/// The structure tree as it is written: the elements kept (those with
/// content; an element left empty, such as a paragraph of invisible
/// characters, is dropped), their object numbers and parents, and which
/// element owns each link annotation.
struct Structure {
    /// Object number per element; 0 = dropped.
    obj: Vec<usize>,
    /// Parent element per element (`None`: the document element).
    parent: Vec<Option<u32>>,
    link_owner: Vec<Option<u32>>,
}

impl Structure {
    fn new(tree: &Tree, ids: &mut Ids, npages: usize, nlinks: usize) -> Structure {
        let n = tree.nodes.len();
        // A parent is always made before its kids, so one pass from the
        // last element up settles which are empty.
        let mut keep = vec![false; n];
        let mut parent = vec![None; n];
        for i in (0..n).rev() {
            keep[i] = tree.nodes[i].kids.iter().any(|k| match k.get() {
                KidRef::Node(c) => keep.get(c as usize).copied().unwrap_or(false),
                KidRef::Mc { page, .. } => (page as usize) < npages,
                KidRef::Link(l) => (l as usize) < nlinks,
            });
            for k in &tree.nodes[i].kids {
                if let KidRef::Node(c) = k.get()
                    && let Some(p) = parent.get_mut(c as usize)
                {
                    *p = Some(i as u32);
                }
            }
        }
        let obj = keep
            .iter()
            .map(|&k| if k { ids.next() } else { 0 })
            .collect();
        let mut link_owner = vec![None; nlinks];
        for (i, node) in tree.nodes.iter().enumerate() {
            for k in &node.kids {
                if let KidRef::Link(l) = k.get()
                    && let Some(o) = link_owner.get_mut(l as usize)
                {
                    *o = Some(i as u32);
                }
            }
        }
        Structure {
            obj,
            parent,
            link_owner,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn write(
        &self,
        out: &mut Out,
        tree: &Tree,
        sid: StructIds,
        page_ids: &[usize],
        link_ids: &[usize],
        links: &[LinkOut],
    ) {
        let npages = page_ids.len();
        // Parent tree: per page, the element of each MCID; per link, its element.
        let mut marked: Vec<Vec<(u32, usize)>> = vec![Vec::new(); npages];
        out.begin_packed(sid.root);
        let _ = write!(
            out.buf,
            "<</Type/StructTreeRoot/K[{} 0 R]/ParentTree {} 0 R/ParentTreeNextKey {}>>",
            sid.document,
            sid.parent_tree,
            npages + links.len()
        );
        out.end();
        out.begin_packed(sid.document);
        let _ = write!(
            out.buf,
            "<</Type/StructElem/S/Document/P {} 0 R/K[",
            sid.root
        );
        let mut first = true;
        for &r in &tree.roots {
            let o = self.obj[r as usize];
            if o != 0 {
                if !first {
                    out.put(" ");
                }
                first = false;
                let _ = write!(out.buf, "{o} 0 R");
            }
        }
        out.put("]>>");
        out.end();
        for (i, node) in tree.nodes.iter().enumerate() {
            let o = self.obj[i];
            if o == 0 {
                continue;
            }
            let has_link = node
                .kids
                .iter()
                .any(|k| matches!(k.get(), KidRef::Link(l) if (l as usize) < links.len()));
            let s = match node.role {
                Role::Link if !has_link => "Span",
                ref r => tag(r),
            };
            let parent = self.parent[i].map_or(sid.document, |p| self.obj[p as usize]);
            out.begin_packed(o);
            let _ = write!(out.buf, "<</S/{s}/P {parent} 0 R");
            let pg = node.kids.iter().find_map(|k| match k.get() {
                KidRef::Mc { page, .. } => Some(page as usize),
                _ => None,
            });
            if let Some(pg) = pg {
                let _ = write!(out.buf, "/Pg {} 0 R", page_ids[pg]);
            }
            match &node.role {
                Role::TH => out.put("/A<</O/Table/Scope/Column>>"),
                Role::L { ordered: true } => out.put("/A<</O/List/ListNumbering/Decimal>>"),
                Role::Figure(alt) => {
                    out.put("/Alt");
                    text_string(&mut out.buf, alt);
                }
                _ => {}
            }
            out.put("/K[");
            let mut first = true;
            for k in &node.kids {
                let before = out.buf.len();
                if !first {
                    out.put(" ");
                }
                match k.get() {
                    KidRef::Node(c) => match self.obj[c as usize] {
                        0 => out.buf.truncate(before),
                        co => {
                            let _ = write!(out.buf, "{co} 0 R");
                        }
                    },
                    KidRef::Mc { page, mcid } => {
                        let page = page as usize;
                        if page >= npages {
                            out.buf.truncate(before);
                        } else {
                            marked[page].push((mcid, o));
                            if Some(page) == pg {
                                let _ = write!(out.buf, "{mcid}");
                            } else {
                                let _ = write!(
                                    out.buf,
                                    "<</Type/MCR/Pg {} 0 R/MCID {mcid}>>",
                                    page_ids[page]
                                );
                            }
                        }
                    }
                    KidRef::Link(l) => match (link_ids.get(l as usize), links.get(l as usize)) {
                        (Some(a), Some(link)) => {
                            let pg = page_ids.get(link.page).copied().unwrap_or(page_ids[0]);
                            let _ = write!(out.buf, "<</Type/OBJR/Obj {a} 0 R/Pg {pg} 0 R>>");
                        }
                        _ => out.buf.truncate(before),
                    },
                }
                first &= out.buf.len() == before;
            }
            out.put("]>>");
            out.end();
        }
        out.begin_packed(sid.parent_tree);
        out.put("<</Nums[");
        for (p, mut list) in marked.into_iter().enumerate() {
            list.sort_unstable();
            let _ = write!(out.buf, "{p}[");
            for (k, (_, o)) in list.iter().enumerate() {
                if k > 0 {
                    out.put(" ");
                }
                let _ = write!(out.buf, "{o} 0 R");
            }
            out.put("]");
        }
        for (k, owner) in self.link_owner.iter().enumerate() {
            if let Some(n) = owner {
                let _ = write!(out.buf, " {} {} 0 R", npages + k, self.obj[*n as usize]);
            }
        }
        out.put("]>>");
        out.end();
    }
}

/// Text for XML character data and attribute values.
fn xml_escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

/// The XMP metadata stream: the information dictionary's title, author,
/// subject, keywords, producer and dates, as XMP (the same values).
fn xmp(m: &Meta) -> Vec<u8> {
    let mut x = String::with_capacity(1500);
    x.push_str("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n<dc:format>application/pdf</dc:format>\n<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    xml_escape(&mut x, &m.title);
    x.push_str("</rdf:li></rdf:Alt></dc:title>\n<dc:creator><rdf:Seq><rdf:li>");
    xml_escape(&mut x, &m.author);
    x.push_str("</rdf:li></rdf:Seq></dc:creator>\n<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    xml_escape(&mut x, &m.subject);
    x.push_str("</rdf:li></rdf:Alt></dc:description>\n<dc:language><rdf:Bag><rdf:li>en-US</rdf:li></rdf:Bag></dc:language>\n<pdf:Keywords>");
    xml_escape(&mut x, &m.keywords.join(", "));
    x.push_str("</pdf:Keywords>\n<pdf:Producer>");
    x.push_str(concat!("hicp ", env!("CARGO_PKG_VERSION")));
    x.push_str("</pdf:Producer>\n<xmp:CreatorTool>hicp</xmp:CreatorTool>\n");
    if let Some(date) = xmp_date(&m.date) {
        for key in ["CreateDate", "ModifyDate", "MetadataDate"] {
            x.push_str(&format!("<xmp:{key}>{date}</xmp:{key}>\n"));
        }
    }
    x.push_str("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>");
    x.into_bytes()
}

/// `2026-01-28` → `2026-01-28T00:00:00Z` (the information dictionary's date).
fn xmp_date(date: &str) -> Option<String> {
    pdf_date(date).map(|_| format!("{date}T00:00:00Z"))
}
