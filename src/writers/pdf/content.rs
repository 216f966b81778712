//! Page content streams written directly from the display list.
//!
//! printpdf turns its ops into lopdf operations and lopdf encodes each
//! operand through `core::fmt` (every glyph id byte by byte): in callgrind
//! that encoding was 17 % of a whole build. printpdf still embeds and subsets
//! the fonts — it is handed, on the first page, one run per face holding every
//! character the document uses — and the page contents are then written here,
//! with the glyph codes of the embedded subset read back from each font's
//! `/ToUnicode` map. Nothing about the codes is assumed: a character whose
//! glyph the subset does not list is an error, not a wrong glyph.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lopdf::{Dictionary, Object, ObjectId};

use super::display::{Item, Page, Rgb};
use super::fonts::{Face, Fonts};

/// The resource name of the logo image in every page's `/XObject`s.
pub const LOGO: &str = "HicpLogo";

/// Every character each face shows in these pages.
pub fn used_chars(pages: &[Page]) -> BTreeMap<Face, BTreeSet<char>> {
    // A bitmap per face for the Basic Multilingual Plane (a set insert per
    // character of a whole binder was 2.5 % of a build), a set beyond it.
    let mut bmp: BTreeMap<Face, Vec<u64>> = BTreeMap::new();
    let mut used: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for page in pages {
        for item in &page.items {
            if let Item::Text { text, face, .. } = item {
                let bits = bmp.entry(*face).or_insert_with(|| vec![0; 1024]);
                for c in text.chars() {
                    let cp = c as usize;
                    if cp < 0x10000 {
                        bits[cp / 64] |= 1 << (cp % 64);
                    } else {
                        used.entry(*face).or_default().insert(c);
                    }
                }
            }
        }
    }
    for (face, bits) in bmp {
        let set = used.entry(face).or_default();
        for (word, w) in bits.iter().enumerate() {
            let mut w = *w;
            while w != 0 {
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                if let Some(c) = char::from_u32((word * 64 + bit) as u32) {
                    set.insert(c);
                }
            }
        }
    }
    used
}

/// Per face, original glyph id → the two-byte code of the embedded subset.
pub struct Codes {
    by_face: BTreeMap<Face, HashMap<u16, u16>>,
}

impl Codes {
    /// Read the codes from the fonts printpdf embedded: each font's
    /// `/ToUnicode` map gives code → character, and the face's own cmap gives
    /// character → original glyph.
    pub fn read(
        lo: &lopdf::Document,
        fonts: &Fonts,
        font_dict: &Dictionary,
        faces: impl Iterator<Item = Face>,
    ) -> Result<Codes, String> {
        let mut by_face = BTreeMap::new();
        for face in faces {
            let name = face.pdf_id();
            let font = match font_dict.get(name.as_bytes()) {
                Ok(Object::Reference(id)) => lo
                    .get_dictionary(*id)
                    .map_err(|e| format!("font {name}: {e}"))?,
                Ok(Object::Dictionary(d)) => d,
                _ => return Err(format!("font {name} is not in the page resources")),
            };
            let cmap_id = match font.get(b"ToUnicode") {
                Ok(Object::Reference(id)) => *id,
                _ => return Err(format!("font {name} has no /ToUnicode map")),
            };
            let text = stream_text(lo, cmap_id)?;
            let data = fonts.get(face);
            let mut map = HashMap::new();
            for (code, c) in parse_bfchar(&text) {
                if let Some((gid, _)) = data.glyph(c) {
                    map.insert(gid, code);
                }
            }
            by_face.insert(face, map);
        }
        Ok(Codes { by_face })
    }

    fn code(&self, face: Face, gid: u16) -> Result<u16, String> {
        if gid == 0 {
            return Ok(0);
        }
        self.by_face
            .get(&face)
            .and_then(|m| m.get(&gid).copied())
            .ok_or_else(|| format!("glyph {gid} of {} is not in the subset", face.pdf_id()))
    }
}

fn stream_text(lo: &lopdf::Document, id: ObjectId) -> Result<String, String> {
    let stream = lo
        .get_object(id)
        .and_then(Object::as_stream)
        .map_err(|e| format!("ToUnicode stream: {e}"))?;
    let bytes = if stream.dict.get(b"Filter").is_ok() {
        stream
            .decompressed_content()
            .map_err(|e| format!("ToUnicode stream: {e}"))?
    } else {
        stream.content.clone()
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `<0003> <0041>` lines of `bfchar` blocks → (code, first character).
fn parse_bfchar(cmap: &str) -> Vec<(u16, char)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in cmap.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            in_block = true;
            continue;
        }
        if line == "endbfchar" {
            in_block = false;
            continue;
        }
        if !in_block {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(code), Some(target)) = (parts.next(), parts.next()) else {
            continue;
        };
        let hex = |s: &str| s.trim_start_matches('<').trim_end_matches('>').to_string();
        let Ok(code) = u16::from_str_radix(&hex(code), 16) else {
            continue;
        };
        let target = hex(target);
        let units: Vec<u16> = (0..target.len() / 4)
            .filter_map(|i| u16::from_str_radix(&target[i * 4..i * 4 + 4], 16).ok())
            .collect();
        if let Some(Ok(c)) = char::decode_utf16(units).next() {
            out.push((code, c));
        }
    }
    out
}

/// One page's content stream.
pub fn page_content(
    fonts: &Fonts,
    codes: &Codes,
    page: &Page,
    height: f32,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(page.items.len() * 48);
    let mut in_text = false;
    let mut cur_font: Option<(Face, f32)> = None;
    let mut cur_fill: Option<Rgb> = None;
    let mut cur_stroke: Option<(Rgb, f32)> = None;
    for item in &page.items {
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
                    out.extend_from_slice(b"BT\n");
                    in_text = true;
                    cur_font = None;
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
                out.extend_from_slice(b" Tm\n[");
                let data = fonts.get(*face);
                for (run, adjust) in data.kerned_runs(text) {
                    if !run.is_empty() {
                        out.push(b'<');
                        for c in run.chars() {
                            let gid = data.glyph(c).map(|g| g.0).unwrap_or(0);
                            hex4(&mut out, codes.code(*face, gid)?);
                        }
                        out.push(b'>');
                    }
                    if adjust != 0.0 {
                        num(&mut out, adjust);
                        out.push(b' ');
                    }
                }
                out.extend_from_slice(b"] TJ\n");
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
            // Links are annotations, written with the document structure.
            Item::Link { .. } => {}
        }
    }
    if in_text {
        out.extend_from_slice(b"ET\n");
    }
    Ok(out)
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
fn num(out: &mut Vec<u8>, v: f32) {
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

fn hex4(out: &mut Vec<u8>, v: u16) {
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

    #[test]
    fn bfchar_lines_give_codes_and_characters() {
        let cmap = "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n2 beginbfchar\n<0003> <0041>\n<0010> <00E9>\nendbfchar\n";
        assert_eq!(parse_bfchar(cmap), vec![(3, 'A'), (16, 'é')]);
    }
}
