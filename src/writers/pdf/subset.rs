//! TrueType subsetting that keeps every glyph id where it was.
//!
//! Page content streams address glyphs by their id in the full font
//! (`/Identity-H` encoding, `/CIDToGIDMap /Identity`). Because the ids do not
//! depend on which glyphs a file happens to use, a page's content stream is
//! the same bytes in the document's own PDF and in the binder, so the binder
//! copies the documents' compressed pages instead of setting and compressing
//! them again. The subset keeps the glyph table's slots: outlines of unused
//! glyphs are emptied (zero-length `loca` entries), their metrics zeroed, so
//! the embedded program is small and compresses to a few kilobytes.
//!
//! Only the tables a PDF reader needs for a `CIDFontType2` (ISO 32000-1
//! §9.9) are kept: `head`, `hhea`, `maxp`, `hmtx`, `loca`, `glyf` and the
//! hinting tables `cvt `, `fpgm`, `prep`.

use std::collections::BTreeSet;

/// A parsed table directory of a TrueType font.
pub struct Font<'a> {
    data: &'a [u8],
    tables: Vec<([u8; 4], usize, usize)>,
    num_glyphs: u16,
    long_loca: bool,
    num_h_metrics: u16,
}

/// Font-wide metrics for a PDF font descriptor (thousandths of an em).
#[derive(Debug, Clone, Copy)]
pub struct Descriptor {
    pub bbox: [f32; 4],
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
    pub italic_angle: f32,
    pub units_per_em: f32,
}

fn be16(d: &[u8], o: usize) -> Option<u16> {
    d.get(o..o + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(d: &[u8], o: usize) -> Option<u32> {
    d.get(o..o + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

impl<'a> Font<'a> {
    /// Read the table directory and the counts the subset needs.
    pub fn parse(data: &'a [u8]) -> Result<Font<'a>, String> {
        let n = be16(data, 4).ok_or("font too short")?;
        let mut tables = Vec::with_capacity(usize::from(n));
        for i in 0..usize::from(n) {
            let rec = 12 + 16 * i;
            let tag: [u8; 4] = data
                .get(rec..rec + 4)
                .and_then(|t| t.try_into().ok())
                .ok_or("truncated table directory")?;
            let off = be32(data, rec + 8).ok_or("truncated table directory")? as usize;
            let len = be32(data, rec + 12).ok_or("truncated table directory")? as usize;
            if data.len() < off.saturating_add(len) {
                return Err(format!(
                    "table {} runs past the end of the font",
                    String::from_utf8_lossy(&tag)
                ));
            }
            tables.push((tag, off, len));
        }
        let mut font = Font {
            data,
            tables,
            num_glyphs: 0,
            long_loca: false,
            num_h_metrics: 0,
        };
        let head = font.table(b"head").ok_or("no head table")?;
        font.long_loca = be16(head, 50).ok_or("short head table")? == 1;
        font.num_glyphs =
            be16(font.table(b"maxp").ok_or("no maxp table")?, 4).ok_or("short maxp")?;
        font.num_h_metrics =
            be16(font.table(b"hhea").ok_or("no hhea table")?, 34).ok_or("short hhea")?;
        for t in [b"loca", b"glyf", b"hmtx"] {
            font.table(t)
                .ok_or_else(|| format!("no {} table", String::from_utf8_lossy(t)))?;
        }
        Ok(font)
    }

    fn table(&self, tag: &[u8; 4]) -> Option<&'a [u8]> {
        self.tables
            .iter()
            .find(|(t, _, _)| t == tag)
            .map(|&(_, off, len)| &self.data[off..off + len])
    }

    /// What a PDF font descriptor states about the face, in thousandths of
    /// an em: bounding box, ascent, descent, cap height, and the italic angle.
    pub fn descriptor(&self) -> Descriptor {
        let head = self.table(b"head").unwrap_or_default();
        let upem = f32::from(be16(head, 18).unwrap_or(1000).max(1));
        let scale = |v: Option<u16>| f32::from(v.unwrap_or(0) as i16) * 1000.0 / upem;
        let hhea = self.table(b"hhea").unwrap_or_default();
        let os2 = self.table(b"OS/2");
        let cap = os2
            .filter(|t| be16(t, 0).unwrap_or(0) >= 2)
            .map(|t| scale(be16(t, 88)));
        let ascent = scale(be16(hhea, 4));
        let italic = self
            .table(b"post")
            .and_then(|t| be32(t, 4))
            .map_or(0.0, |v| v as i32 as f32 / 65536.0);
        Descriptor {
            bbox: [
                scale(be16(head, 36)),
                scale(be16(head, 38)),
                scale(be16(head, 40)),
                scale(be16(head, 42)),
            ],
            ascent,
            descent: scale(be16(hhea, 6)),
            cap_height: cap.unwrap_or(ascent * 0.7),
            italic_angle: italic,
            units_per_em: upem,
        }
    }

    /// Font units per em, ascender and descender (font units, descender
    /// negative below the baseline), from `head` and `hhea`.
    pub fn vertical_metrics(&self) -> (u16, i16, i16) {
        let head = self.table(b"head").unwrap_or_default();
        let hhea = self.table(b"hhea").unwrap_or_default();
        (
            be16(head, 18).unwrap_or(1000).max(1),
            be16(hhea, 4).unwrap_or(0) as i16,
            be16(hhea, 6).unwrap_or(0) as i16,
        )
    }

    /// Every glyph's advance width in font units (`hmtx`; glyphs past the
    /// last full metric take its advance).
    pub fn advances(&self) -> Vec<u16> {
        let hmtx = self.table(b"hmtx").unwrap_or_default();
        let nhm = usize::from(self.num_h_metrics).max(1);
        let mut last = 0;
        (0..usize::from(self.num_glyphs))
            .map(|g| {
                if g < nhm {
                    last = be16(hmtx, g * 4).unwrap_or(last);
                }
                last
            })
            .collect()
    }

    /// Call `f(code point, glyph id)` for every character below `limit` the
    /// font's Unicode BMP `cmap` (format 4) maps to a glyph. Reading the
    /// segments directly is what makes building a lookup table cheap: a
    /// lookup per code point through a general cmap reader cost more than
    /// the rest of loading the fonts.
    pub fn for_each_bmp_mapping(&self, limit: u32, mut f: impl FnMut(u32, u16)) -> bool {
        let Some(cmap) = self.table(b"cmap") else {
            return false;
        };
        let n = be16(cmap, 2).unwrap_or(0);
        let sub = (0..usize::from(n)).find_map(|i| {
            let rec = 4 + i * 8;
            let (platform, encoding) = (be16(cmap, rec)?, be16(cmap, rec + 2)?);
            let off = be32(cmap, rec + 4)? as usize;
            let unicode_bmp = (platform == 3 && encoding == 1) || platform == 0;
            (unicode_bmp && be16(cmap, off)? == 4).then_some(off)
        });
        let Some(t) = sub else { return false };
        let segs = usize::from(be16(cmap, t + 6).unwrap_or(0) / 2);
        let ends = t + 14;
        let starts = ends + segs * 2 + 2;
        let deltas = starts + segs * 2;
        let range_offsets = deltas + segs * 2;
        for s in 0..segs {
            let (Some(end), Some(start), Some(delta), Some(ro)) = (
                be16(cmap, ends + s * 2),
                be16(cmap, starts + s * 2),
                be16(cmap, deltas + s * 2),
                be16(cmap, range_offsets + s * 2),
            ) else {
                return false;
            };
            for cp in u32::from(start)..=u32::from(end).min(limit.saturating_sub(1)) {
                let gid = if ro == 0 {
                    (cp as u16).wrapping_add(delta)
                } else {
                    let at = range_offsets
                        + s * 2
                        + usize::from(ro)
                        + (cp - u32::from(start)) as usize * 2;
                    match be16(cmap, at) {
                        Some(0) | None => 0,
                        Some(g) => g.wrapping_add(delta),
                    }
                };
                if gid != 0 && gid < self.num_glyphs {
                    f(cp, gid);
                }
            }
        }
        true
    }

    /// Byte range of a glyph's outline inside `glyf`.
    fn glyph_range(&self, gid: u16) -> Option<(usize, usize)> {
        let loca = self.table(b"loca")?;
        let i = usize::from(gid);
        let (a, b) = if self.long_loca {
            (be32(loca, i * 4)? as usize, be32(loca, i * 4 + 4)? as usize)
        } else {
            (
                usize::from(be16(loca, i * 2)?) * 2,
                usize::from(be16(loca, i * 2 + 2)?) * 2,
            )
        };
        let glyf_len = self.table(b"glyf")?.len();
        (a <= b && b <= glyf_len).then_some((a, b))
    }

    /// Glyphs a composite glyph is built from.
    fn components(&self, gid: u16) -> Vec<u16> {
        let mut out = Vec::new();
        let (Some(glyf), Some((a, b))) = (self.table(b"glyf"), self.glyph_range(gid)) else {
            return out;
        };
        let g = &glyf[a..b];
        if g.len() < 10 || (be16(g, 0).unwrap_or(0) as i16) >= 0 {
            return out;
        }
        let mut o = 10;
        while let (Some(flags), Some(child)) = (be16(g, o), be16(g, o + 2)) {
            out.push(child);
            o += 4;
            o += if flags & 0x0001 != 0 { 4 } else { 2 };
            if flags & 0x0008 != 0 {
                o += 2;
            } else if flags & 0x0040 != 0 {
                o += 4;
            } else if flags & 0x0080 != 0 {
                o += 8;
            }
            if flags & 0x0020 == 0 {
                break;
            }
        }
        out
    }

    /// A font program holding the outlines of `glyphs` (and of .notdef and
    /// every component they use), each at its original id.
    pub fn subset(&self, glyphs: &BTreeSet<u16>) -> Vec<u8> {
        let n = usize::from(self.num_glyphs);
        let mut keep = vec![false; n];
        let mut todo: Vec<u16> = glyphs.iter().copied().chain([0]).collect();
        while let Some(g) = todo.pop() {
            let i = usize::from(g);
            if i >= n || keep[i] {
                continue;
            }
            keep[i] = true;
            todo.extend(self.components(g));
        }

        // Glyphs past the last one kept are left out altogether: the font
        // claims fewer glyphs (`maxp`), so `loca` and `hmtx` end there too.
        let count = keep.iter().rposition(|k| *k).map_or(1, |last| last + 1);
        let glyf = self.table(b"glyf").unwrap_or_default();
        let mut new_glyf = Vec::new();
        let mut loca = Vec::with_capacity((count + 1) * 4);
        for (i, kept) in keep.iter().take(count).enumerate() {
            loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
            if *kept && let Some((a, b)) = self.glyph_range(i as u16) {
                new_glyf.extend_from_slice(&glyf[a..b]);
                while new_glyf.len() % 4 != 0 {
                    new_glyf.push(0);
                }
            }
        }
        loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

        // Metrics of unused glyphs zeroed (they compress away). The last
        // full metric is kept whatever it is: glyphs after it take its advance.
        let nhm = usize::from(self.num_h_metrics);
        let long = nhm.min(count);
        let old_hmtx = self.table(b"hmtx").unwrap_or_default();
        let mut hmtx = Vec::with_capacity(long * 4 + (count - long) * 2);
        for (i, kept) in keep.iter().take(count).enumerate() {
            // Below `long` an entry is (advance, bearing); past it (only when
            // `long` is the font's own count) a bearing alone.
            let (at, len) = if i < long {
                (i * 4, 4)
            } else {
                (nhm * 4 + (i - nhm) * 2, 2)
            };
            match old_hmtx.get(at..at + len) {
                Some(bytes) if *kept || i + 1 == long => hmtx.extend_from_slice(bytes),
                _ => hmtx.extend(std::iter::repeat_n(0, len)),
            }
        }
        let mut hhea = self.table(b"hhea").unwrap_or_default().to_vec();
        if hhea.len() >= 36 {
            hhea[34..36].copy_from_slice(&(long as u16).to_be_bytes());
        }
        let mut maxp = self.table(b"maxp").unwrap_or_default().to_vec();
        if maxp.len() >= 6 {
            maxp[4..6].copy_from_slice(&(count as u16).to_be_bytes());
        }

        let mut head = self.table(b"head").unwrap_or_default().to_vec();
        if head.len() >= 54 {
            head[8..12].fill(0); // checkSumAdjustment, recomputed below
            head[50..52].copy_from_slice(&1u16.to_be_bytes()); // long loca
        }

        let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
        for tag in [
            b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"prep",
        ] {
            let bytes = match tag {
                b"glyf" => std::mem::take(&mut new_glyf),
                b"loca" => std::mem::take(&mut loca),
                b"hmtx" => std::mem::take(&mut hmtx),
                b"head" => std::mem::take(&mut head),
                b"hhea" => std::mem::take(&mut hhea),
                b"maxp" => std::mem::take(&mut maxp),
                _ => match self.table(tag) {
                    Some(t) => t.to_vec(),
                    None => continue,
                },
            };
            out_tables.push((*tag, bytes));
        }
        assemble(&out_tables)
    }
}

fn checksum(bytes: &[u8]) -> u32 {
    let mut sum = 0u32;
    for chunk in bytes.chunks(4) {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum = sum.wrapping_add(u32::from_be_bytes(word));
    }
    sum
}

/// An sfnt file from tables given in tag order.
fn assemble(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let mut pow = 1u16;
    let mut log = 0u16;
    while pow * 2 <= n {
        pow *= 2;
        log += 1;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&(pow * 16).to_be_bytes());
    out.extend_from_slice(&log.to_be_bytes());
    out.extend_from_slice(&(n * 16 - pow * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, bytes) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(bytes).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += bytes.len().div_ceil(4) * 4;
    }
    for (_, bytes) in tables {
        out.extend_from_slice(bytes);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Regular.ttf");

    #[test]
    fn subset_keeps_ids_and_only_the_glyphs_asked_for() {
        let font = Font::parse(REGULAR).expect("parses");
        let a = 36u16; // 'A' in Liberation Sans
        let sub = Font::parse_owned_check(&font.subset(&BTreeSet::from([a, a + 2])));
        assert_eq!(sub.0, a + 3, "glyphs up to the last one kept, at their ids");
        let full_a = font.glyph_range(a).map(|(x, y)| y - x);
        assert_eq!(sub.1[usize::from(a)], full_a.unwrap_or(0));
        // A glyph not asked for is empty.
        assert_eq!(sub.1[usize::from(a) + 1], 0);
        assert!(sub.1[0] > 0, ".notdef kept");
    }

    #[test]
    fn composite_glyphs_bring_their_components() {
        let font = Font::parse(REGULAR).expect("parses");
        // Find a composite glyph (accented letters are composites here).
        let composite = (1..font.num_glyphs)
            .find(|g| {
                let parts = font.components(*g);
                parts.len() > 1
                    && parts
                        .iter()
                        .all(|p| font.glyph_range(*p).is_some_and(|(a, b)| b > a))
            })
            .expect("Liberation Sans has composite glyphs");
        let parts = font.components(composite);
        let sub = Font::parse_owned_check(&font.subset(&BTreeSet::from([composite])));
        for p in parts {
            let full = font.glyph_range(p).map(|(a, b)| b - a).unwrap_or(0);
            assert_eq!(sub.1[usize::from(p)], full, "component {p} kept whole");
        }
    }

    impl Font<'_> {
        /// (glyph count, outline length per glyph) of a subset, checking the
        /// table checksums on the way.
        fn parse_owned_check(bytes: &[u8]) -> (u16, Vec<usize>) {
            assert_eq!(checksum(bytes), 0xB1B0_AFBA, "whole-file checksum");
            let f = Font::parse(bytes).expect("subset parses");
            let lens = (0..f.num_glyphs)
                .map(|g| f.glyph_range(g).map(|(a, b)| b - a).unwrap_or(0))
                .collect();
            (f.num_glyphs, lens)
        }
    }
}
