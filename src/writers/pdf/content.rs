//! Page content streams written directly from the display list.
//!
//! Glyphs are addressed by their id in the full bundled font (two bytes,
//! `/Identity-H`), not by a code of the subset embedded in one file, so the
//! same page is the same bytes in a document's own PDF and in the binder
//! (see [`super::subset`]). While writing, every glyph a page shows is noted
//! in a [`GlyphSet`], from which the writer builds each file's font subsets,
//! widths and `/ToUnicode` maps.

use super::display::{Artifact, Item, Rgb};
use super::fonts::{Face, Fonts};
use super::tags::{Mark, Seg};

/// The resource name of the logo image in every page's `/XObject`s.
pub const LOGO: &str = "HicpLogo";

/// The glyphs some pages show, per face, each with the first character seen
/// for it (for the `/ToUnicode` map), in the order first seen.
#[derive(Debug, Clone, Default)]
pub struct GlyphSet {
    faces: [FaceGlyphs; 5],
}

#[derive(Debug, Clone, Default)]
struct FaceGlyphs {
    /// Bitmap over glyph ids: a test per character shown, no hashing.
    seen: Vec<u64>,
    list: Vec<(u16, char)>,
}

impl FaceGlyphs {
    #[inline]
    fn add(&mut self, gid: u16, c: char) {
        let (word, bit) = (usize::from(gid) / 64, usize::from(gid) % 64);
        if self.seen.len() <= word {
            self.seen.resize(word + 1, 0);
        }
        if self.seen[word] & (1 << bit) == 0 {
            self.seen[word] |= 1 << bit;
            self.list.push((gid, c));
        }
    }
}

impl GlyphSet {
    fn face_mut(&mut self, face: Face) -> &mut FaceGlyphs {
        &mut self.faces[face as usize]
    }

    /// Add every glyph of `other` not yet in this set.
    pub fn merge(&mut self, other: &GlyphSet) {
        for (mine, theirs) in self.faces.iter_mut().zip(&other.faces) {
            for &(g, c) in &theirs.list {
                mine.add(g, c);
            }
        }
    }

    /// A set holding these glyphs (the inverse of [`GlyphSet::faces`]).
    pub fn from_faces(faces: &[(Face, Vec<(u16, char)>)]) -> GlyphSet {
        let mut set = GlyphSet::default();
        for (face, list) in faces {
            let f = set.face_mut(*face);
            for &(g, c) in list {
                f.add(g, c);
            }
        }
        set
    }

    /// The faces used, each with its glyphs sorted by id.
    pub fn faces(&self) -> Vec<(Face, Vec<(u16, char)>)> {
        Face::ALL
            .iter()
            .zip(&self.faces)
            .filter(|(_, f)| !f.list.is_empty())
            .map(|(face, f)| {
                let mut list = f.list.clone();
                list.sort_by_key(|(g, _)| *g);
                (*face, list)
            })
            .collect()
    }
}

/// One page's content stream.
///
/// `parts` are item lists drawn one after the other (a page's body, then its
/// running header and footer). The stream sets every colour, line width and
/// font it uses, so it can follow another stream in a page's `/Contents`.
///
/// `segs` ([`super::tags::Builder::page`]) say where each marked-content
/// sequence starts: the content of a structure element (`/P <</MCID 0>>
/// BDC`) or an artifact; each is closed (`EMC`) where the next starts, and
/// lies outside text objects.
pub fn page_content(
    fonts: &Fonts,
    parts: &[&[Item]],
    height: f32,
    glyphs: &mut GlyphSet,
    segs: &[Seg],
) -> Vec<u8> {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(n * 48);
    let mut in_text = false;
    let mut cur_font: Option<(Face, f32)> = None;
    let mut cur_fill: Option<Rgb> = None;
    let mut cur_stroke: Option<(Rgb, f32)> = None;
    let mut marked = false;
    let mut segs = segs.iter().peekable();
    for (at, item) in parts.iter().flat_map(|p| p.iter()).enumerate() {
        if let Some(seg) = segs.next_if(|s| s.at as usize == at) {
            if in_text {
                out.extend_from_slice(b"ET\n");
                in_text = false;
            }
            if marked {
                out.extend_from_slice(b"EMC\n");
            }
            marked = true;
            match seg.mark {
                Mark::Mc { mcid, tag } => {
                    out.push(b'/');
                    out.extend_from_slice(tag.as_bytes());
                    out.extend_from_slice(b"<</MCID ");
                    uint(&mut out, u64::from(mcid));
                    out.extend_from_slice(b">>BDC\n");
                }
                Mark::Artifact(Artifact::Header) => {
                    out.extend_from_slice(b"/Artifact<</Type/Pagination/Subtype/Header>>BDC\n")
                }
                Mark::Artifact(Artifact::Footer) => {
                    out.extend_from_slice(b"/Artifact<</Type/Pagination/Subtype/Footer>>BDC\n")
                }
                Mark::Artifact(Artifact::Layout) => out.extend_from_slice(b"/Artifact BMC\n"),
            }
        }
        match item {
            Item::Text {
                x,
                y,
                text,
                face,
                size,
                color,
                ..
            } => {
                if !in_text {
                    // The font is graphics state: it outlives the text object.
                    out.extend_from_slice(b"BT\n");
                    in_text = true;
                }
                if cur_font != Some((*face, *size)) {
                    out.push(b'/');
                    out.extend_from_slice(face.pdf_id().as_bytes());
                    out.push(b' ');
                    num(&mut out, *size);
                    out.extend_from_slice(b" Tf\n");
                    cur_font = Some((*face, *size));
                }
                if cur_fill != Some(*color) {
                    rgb(&mut out, *color);
                    out.extend_from_slice(b" rg\n");
                    cur_fill = Some(*color);
                }
                out.extend_from_slice(b"1 0 0 1 ");
                num(&mut out, *x);
                out.push(b' ');
                num(&mut out, height - *y);
                out.extend_from_slice(b" Tm\n");
                let data = fonts.get(*face);
                // Characters the fonts lack are drawn as glyph 0 (.notdef),
                // which one `/ToUnicode` entry cannot map back to each of
                // them: the item's text is given as `/ActualText`, so copying
                // or searching it gives what the profile said.
                let lacking = text.chars().any(|c| data.glyph(c).is_none());
                if lacking {
                    out.extend_from_slice(b"/Span<</ActualText<FEFF");
                    for u in text.encode_utf16() {
                        hex4(&mut out, u);
                    }
                    out.extend_from_slice(b">>>BDC\n");
                }
                out.push(b'[');
                let used = glyphs.face_mut(*face);
                // Runs of glyph ids, split where a kerning pair moves the
                // next glyph (TJ adjustments are thousandths of an em, positive left).
                out.push(b'<');
                let mut prev: Option<u16> = None;
                for c in text.chars() {
                    let gid = data.glyph(c).map(|g| g.0).unwrap_or(0);
                    if let Some(p) = prev {
                        let k = data.kern(p, gid);
                        if k != 0 {
                            out.extend_from_slice(b">");
                            num(&mut out, -f32::from(k) * 1000.0 / data.units_per_em());
                            out.extend_from_slice(b"<");
                        }
                    }
                    used.add(gid, c);
                    hex4(&mut out, gid);
                    prev = Some(gid);
                }
                out.extend_from_slice(b">] TJ\n");
                if lacking {
                    out.extend_from_slice(b"EMC\n");
                }
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                if in_text {
                    out.extend_from_slice(b"ET\n");
                    in_text = false;
                }
                if cur_stroke != Some((*color, *width)) {
                    rgb(&mut out, *color);
                    out.extend_from_slice(b" RG ");
                    num(&mut out, *width);
                    out.extend_from_slice(b" w\n");
                    cur_stroke = Some((*color, *width));
                }
                num(&mut out, *x1);
                out.push(b' ');
                num(&mut out, height - *y1);
                out.extend_from_slice(b" m ");
                num(&mut out, *x2);
                out.push(b' ');
                num(&mut out, height - *y2);
                out.extend_from_slice(b" l S\n");
            }
            Item::Rect { x, y, w, h, color } => {
                if in_text {
                    out.extend_from_slice(b"ET\n");
                    in_text = false;
                }
                if cur_fill != Some(*color) {
                    rgb(&mut out, *color);
                    out.extend_from_slice(b" rg\n");
                    cur_fill = Some(*color);
                }
                num(&mut out, *x);
                out.push(b' ');
                num(&mut out, height - *y - *h);
                out.push(b' ');
                num(&mut out, *w);
                out.push(b' ');
                num(&mut out, *h);
                out.extend_from_slice(b" re f\n");
            }
            Item::Logo { x, y, w, h } => {
                if in_text {
                    out.extend_from_slice(b"ET\n");
                    in_text = false;
                }
                out.extend_from_slice(b"q ");
                num(&mut out, *w);
                out.extend_from_slice(b" 0 0 ");
                num(&mut out, *h);
                out.push(b' ');
                num(&mut out, *x);
                out.push(b' ');
                num(&mut out, height - *y - *h);
                out.extend_from_slice(b" cm /");
                out.extend_from_slice(LOGO.as_bytes());
                out.extend_from_slice(b" Do Q\n");
            }
            // Links are annotations, written with the document structure;
            // structure brackets are in `segs`.
            Item::Link { .. } | Item::Begin(_) | Item::End => {}
        }
    }
    if in_text {
        out.extend_from_slice(b"ET\n");
    }
    if marked {
        out.extend_from_slice(b"EMC\n");
    }
    out
}

fn rgb(out: &mut Vec<u8>, c: Rgb) {
    num(out, c.0);
    out.push(b' ');
    num(out, c.1);
    out.push(b' ');
    num(out, c.2);
}

/// A number with at most three decimals and no trailing zeros (`12.5`,
/// `-0.25`, `7`), as PDF readers expect; NaN and infinities become 0.
pub fn num(out: &mut Vec<u8>, v: f32) {
    let scaled = if v.is_finite() {
        (f64::from(v) * 1000.0).round() as i64
    } else {
        0
    };
    if scaled < 0 {
        out.push(b'-');
    }
    let abs = scaled.unsigned_abs();
    let (int, mut frac) = (abs / 1000, abs % 1000);
    uint(out, int);
    if frac != 0 {
        out.push(b'.');
        let mut digits = 3;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        let s = frac.to_string();
        for _ in s.len()..digits {
            out.push(b'0');
        }
        out.extend_from_slice(s.as_bytes());
    }
}

fn uint(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

pub fn hex4(out: &mut Vec<u8>, v: u16) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from((v >> shift) & 0xF)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: f32) -> String {
        let mut out = Vec::new();
        num(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_short_and_exact_to_a_thousandth() {
        assert_eq!(n(7.0), "7");
        assert_eq!(n(12.5), "12.5");
        assert_eq!(n(-0.25), "-0.25");
        assert_eq!(n(0.0504), "0.05");
        assert_eq!(n(612.0 - 72.0), "540");
        assert_eq!(n(1.001), "1.001");
        assert_eq!(n(f32::NAN), "0");
    }
}
