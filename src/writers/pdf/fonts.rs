//! The bundled faces: parsed once per process, measured with real advances and
//! the font's own `kern` pairs.
//!
//! Output must never depend on the fonts installed on a machine, so the five
//! Liberation faces (SIL OFL 1.1, see `assets/fonts/OFL.txt`) are compiled in.
//! Parsing them costs milliseconds, so it happens once ([`OnceLock`]); the
//! parsed data is read-only afterwards and shared by documents rendered in
//! parallel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use printpdf::ParsedFont;

/// One of the bundled faces.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Face {
    Regular,
    Bold,
    Italic,
    BoldItalic,
    Mono,
}

impl Face {
    pub const ALL: [Face; 5] = [
        Face::Regular,
        Face::Bold,
        Face::Italic,
        Face::BoldItalic,
        Face::Mono,
    ];

    /// The face with bold and/or italic added.
    pub fn with(self, bold: bool, italic: bool) -> Face {
        match self {
            Face::Mono => Face::Mono,
            _ => match (bold, italic) {
                (false, false) => Face::Regular,
                (true, false) => Face::Bold,
                (false, true) => Face::Italic,
                (true, true) => Face::BoldItalic,
            },
        }
    }

    pub fn is_bold(self) -> bool {
        matches!(self, Face::Bold | Face::BoldItalic)
    }

    pub fn is_italic(self) -> bool {
        matches!(self, Face::Italic | Face::BoldItalic)
    }

    /// Our own PDF font resource name (`/HCPREG` in every page's content
    /// stream), identical in every run, thread and file (printpdf's own ids
    /// come from a process-wide counter). The subset tag of the embedded
    /// font is [`subset_tag`], which differs with the glyphs a file holds.
    pub fn pdf_id(self) -> &'static str {
        match self {
            Face::Regular => "HCPREG",
            Face::Bold => "HCPBLD",
            Face::Italic => "HCPITA",
            Face::BoldItalic => "HCPBIT",
            Face::Mono => "HCPMON",
        }
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => include_bytes!("../../../assets/fonts/LiberationSans-Regular.ttf"),
            Face::Bold => include_bytes!("../../../assets/fonts/LiberationSans-Bold.ttf"),
            Face::Italic => include_bytes!("../../../assets/fonts/LiberationSans-Italic.ttf"),
            Face::BoldItalic => {
                include_bytes!("../../../assets/fonts/LiberationSans-BoldItalic.ttf")
            }
            Face::Mono => include_bytes!("../../../assets/fonts/LiberationMono-Regular.ttf"),
        }
    }

    /// The PostScript name of the bundled face.
    pub fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "LiberationSans",
            Face::Bold => "LiberationSans-Bold",
            Face::Italic => "LiberationSans-Italic",
            Face::BoldItalic => "LiberationSans-BoldItalic",
            Face::Mono => "LiberationMono",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The six-letter tag of a subset of `face` holding `glyphs` (`ABCDEF` in
/// `ABCDEF+LiberationSans`): from a hash of the face and its glyph ids, so
/// the same subset has the same tag in every file and run, and files with
/// different subsets of a face do not claim to hold the same font.
pub fn subset_tag(face: Face, glyphs: &[(u16, char)]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(face.pdf_id().as_bytes());
    for (g, _) in glyphs {
        h.update(g.to_be_bytes());
    }
    h.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// Characters below this are looked up in a dense table built once; the rest
/// (rare: CJK, symbols) go to the font's cmap each time.
const DENSE: usize = 0x2200;

/// A parsed face with its metrics tables.
pub struct FontData {
    parsed: std::sync::OnceLock<Option<ParsedFont>>,
    face: Face,
    /// Advance width of every glyph, font units.
    advances: Vec<u16>,
    /// The face's table directory, parsed once, for subsetting.
    tables: super::subset::Font<'static>,
    units_per_em: f32,
    /// Ascender and descender (positive, below the baseline) in font units.
    ascender: f32,
    descender: f32,
    /// `(glyph id, advance)` per character for the dense range; gid 0 = missing.
    dense: Vec<(u16, u16)>,
    kern: KernTable,
    descriptor: super::subset::Descriptor,
    /// Advance of a glyph the face lacks (drawn as .notdef): the font's own
    /// .notdef width, so layout matches what the viewer shows.
    notdef_advance: u16,
    /// Font programs already built in this process ([`FontData::program`]).
    programs: ProgramCache,
}

/// A subset font program as embedded: deflated bytes and the length before.
pub struct FontProgram {
    pub packed: Vec<u8>,
    pub raw_len: usize,
}

/// Font programs by glyph set, bounded in bytes: a long batch must not grow
/// without limit, so when the bound is reached the cache starts again empty
/// (variants of one profile tend to come together, so recent sets are the
/// ones worth keeping, and emptying is simpler than tracking use).
#[derive(Default)]
struct ProgramCache {
    inner: Mutex<ProgramMap>,
}

#[derive(Default)]
struct ProgramMap {
    by_glyphs: HashMap<Vec<u16>, Arc<FontProgram>>,
    bytes: usize,
}

/// Bytes of deflated programs (plus keys) kept per face at most.
const PROGRAM_CACHE_BYTES: usize = 8 << 20;

impl ProgramCache {
    fn get(&self, glyphs: &[u16]) -> Option<Arc<FontProgram>> {
        let map = self.inner.lock().ok()?;
        map.by_glyphs.get(glyphs).cloned()
    }

    fn put(&self, glyphs: &[u16], program: &Arc<FontProgram>) {
        // A poisoned lock only means another thread panicked mid-insert;
        // the cache is an optimisation, so skip it rather than fail.
        let Ok(mut map) = self.inner.lock() else {
            return;
        };
        let cost = program.packed.len() + 2 * glyphs.len();
        if cost > PROGRAM_CACHE_BYTES {
            return;
        }
        if map.bytes + cost > PROGRAM_CACHE_BYTES {
            map.by_glyphs.clear();
            map.bytes = 0;
        }
        if map
            .by_glyphs
            .insert(glyphs.to_vec(), Arc::clone(program))
            .is_none()
        {
            map.bytes += cost;
        }
    }
}

impl FontData {
    fn load(face: Face) -> Result<FontData, String> {
        let font = super::subset::Font::parse(face.bytes())?;
        let (upem, ascender, descender) = font.vertical_metrics();
        let advances = font.advances();
        let mut dense = vec![(0u16, 0u16); DENSE];
        let read = font.for_each_bmp_mapping(DENSE as u32, |cp, gid| {
            dense[cp as usize] = (gid, advances.get(usize::from(gid)).copied().unwrap_or(0));
        });
        if !read {
            return Err(format!("bundled font {face:?} has no Unicode cmap"));
        }
        Ok(FontData {
            parsed: std::sync::OnceLock::new(),
            face,
            units_per_em: f32::from(upem),
            ascender: f32::from(ascender),
            descender: -f32::from(descender),
            dense,
            kern: parse_kern(face.bytes()),
            descriptor: font.descriptor(),
            notdef_advance: advances.first().copied().unwrap_or(0),
            advances,
            tables: font,
            programs: ProgramCache::default(),
        })
    }

    /// printpdf's parse of the face, made the first time a character beyond
    /// the dense table is looked up (rare: most packs never need it).
    fn parsed(&self) -> Option<&ParsedFont> {
        self.parsed
            .get_or_init(|| {
                let mut warnings = Vec::new();
                ParsedFont::from_bytes(self.face.bytes(), 0, &mut warnings)
            })
            .as_ref()
    }

    /// Glyph id and advance (font units) of a character, `None` when the face lacks it.
    pub fn glyph(&self, c: char) -> Option<(u16, u16)> {
        let cp = c as usize;
        if cp < DENSE {
            let (gid, adv) = self.dense[cp];
            return (gid != 0).then_some((gid, adv));
        }
        let gid = self
            .parsed()?
            .lookup_glyph_index(c as u32)
            .filter(|g| *g != 0)?;
        Some((gid, self.advance(gid)))
    }

    pub fn has(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    /// Kerning between two glyphs, in font units (negative tightens).
    pub fn kern(&self, left: u16, right: u16) -> i16 {
        self.kern.get(left, right)
    }

    /// Width of `text` at `size` points, with kerning.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let mut units = 0i64;
        let mut prev: Option<u16> = None;
        for c in text.chars() {
            let (gid, adv) = self.glyph(c).unwrap_or((0, self.notdef_advance));
            if let Some(p) = prev {
                units += i64::from(self.kern(p, gid));
            }
            units += i64::from(adv);
            prev = Some(gid);
        }
        units as f32 * size / self.units_per_em
    }

    /// Metrics for the PDF font descriptor.
    pub fn descriptor(&self) -> super::subset::Descriptor {
        self.descriptor
    }

    /// Font units per em (2048 for the Liberation faces).
    pub fn units_per_em(&self) -> f32 {
        self.units_per_em
    }

    /// Advance of a glyph in font units.
    pub fn advance(&self, gid: u16) -> u16 {
        self.advances
            .get(usize::from(gid))
            .copied()
            .unwrap_or(self.notdef_advance)
    }

    /// The embedded font program for `glyphs` (ascending ids): the subset,
    /// deflated. Packs built in one process repeat many glyph sets (a heading
    /// face showing only template text, documents whose profile values add
    /// no new letter; about half of all programs in a batch of variants), so
    /// programs are kept per process and built once per distinct set. The
    /// bytes depend only on the bundled face and the ids, so a kept program
    /// is the one a new build would make.
    pub fn program(&self, glyphs: &[u16]) -> Arc<FontProgram> {
        if let Some(p) = self.programs.get(glyphs) {
            return p;
        }
        let set = glyphs.iter().copied().collect();
        let raw = self.tables.subset(&set);
        let program = Arc::new(FontProgram {
            packed: super::writer::deflate(&raw),
            raw_len: raw.len(),
        });
        self.programs.put(glyphs, &program);
        program
    }

    /// The face's PostScript name.
    pub fn postscript_name(&self) -> &'static str {
        self.face.postscript_name()
    }

    /// Ascent above the baseline at `size` points.
    pub fn ascent(&self, size: f32) -> f32 {
        self.ascender * size / self.units_per_em
    }

    /// Descent below the baseline (positive) at `size` points.
    pub fn descent(&self, size: f32) -> f32 {
        self.descender * size / self.units_per_em
    }
}

/// The five bundled faces.
pub struct Fonts {
    faces: Vec<FontData>,
}

impl Fonts {
    pub fn get(&self, face: Face) -> &FontData {
        &self.faces[face.index()]
    }
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

/// The bundled fonts, parsed on first use.
pub fn fonts() -> Result<&'static Fonts, String> {
    FONTS
        .get_or_init(|| {
            let _t = crate::timings::span("fonts (worker)");
            let faces = Face::ALL
                .iter()
                .map(|f| FontData::load(*f))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Fonts { faces })
        })
        .as_ref()
        .map_err(|e| e.clone())
}

/// Kerning pairs, looked up for every pair of adjacent glyphs the PDF
/// writer measures or sets (millions per pack). Most left glyphs start no
/// pair, so a bitmap answers those without hashing; the rest go to a map
/// keyed by `left << 16 | right` with a multiply-shift hash (SipHash, the
/// std default, was 3 % of a whole build).
#[derive(Default)]
struct KernTable {
    left: Vec<u64>,
    pairs: HashMap<u32, i16, std::hash::BuildHasherDefault<PairHasher>>,
}

impl KernTable {
    fn insert(&mut self, left: u16, right: u16, value: i16) {
        let (word, bit) = (usize::from(left) / 64, usize::from(left) % 64);
        if self.left.len() <= word {
            self.left.resize(word + 1, 0);
        }
        self.left[word] |= 1 << bit;
        self.pairs
            .insert(u32::from(left) << 16 | u32::from(right), value);
    }

    fn get(&self, left: u16, right: u16) -> i16 {
        let (word, bit) = (usize::from(left) / 64, usize::from(left) % 64);
        match self.left.get(word) {
            Some(w) if w & (1 << bit) != 0 => self
                .pairs
                .get(&(u32::from(left) << 16 | u32::from(right)))
                .copied()
                .unwrap_or(0),
            _ => 0,
        }
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Fibonacci hashing of a `u32` key: the keys are our own glyph pairs, not
/// attacker-chosen, so a DoS-resistant hash buys nothing here.
#[derive(Default)]
struct PairHasher(u64);

impl std::hash::Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = u64::from(v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Read the format-0 pairs of a TrueType `kern` table. The Liberation faces
/// carry one (alongside GPOS); a font without it simply is not kerned.
fn parse_kern(font: &[u8]) -> KernTable {
    let mut pairs = KernTable::default();
    let be16 =
        |o: usize| -> Option<u16> { font.get(o..o + 2).map(|b| u16::from_be_bytes([b[0], b[1]])) };
    let be32 = |o: usize| -> Option<u32> {
        font.get(o..o + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let Some(num_tables) = be16(4) else {
        return pairs;
    };
    let mut kern_off = None;
    for i in 0..usize::from(num_tables) {
        let rec = 12 + 16 * i;
        if font.get(rec..rec + 4) == Some(b"kern".as_slice()) {
            kern_off = be32(rec + 8).map(|o| o as usize);
        }
    }
    let Some(base) = kern_off else { return pairs };
    // Version 0 (OpenType/Microsoft) header: version, nTables.
    if be16(base) != Some(0) {
        return pairs;
    }
    let n_sub = be16(base + 2).unwrap_or(0);
    let mut off = base + 4;
    for _ in 0..n_sub {
        let (Some(len), Some(coverage)) = (be16(off + 2), be16(off + 4)) else {
            break;
        };
        let format = coverage >> 8;
        let horizontal = coverage & 1 == 1;
        let cross_or_minimum = coverage & 0b110 != 0;
        if format == 0 && horizontal && !cross_or_minimum {
            let n_pairs = be16(off + 6).unwrap_or(0);
            for p in 0..usize::from(n_pairs) {
                let e = off + 14 + p * 6;
                if let (Some(l), Some(r), Some(v)) = (be16(e), be16(e + 2), be16(e + 4)) {
                    pairs.insert(l, r, v as i16);
                }
            }
        }
        if len == 0 {
            break;
        }
        off += usize::from(len);
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faces_cover_latin_and_typography() {
        let f = fonts().expect("bundled fonts parse");
        for face in [Face::Regular, Face::Bold, Face::Italic, Face::BoldItalic] {
            for c in "éñøßÅçü’“”–—§€•…©®™".chars() {
                assert!(f.get(face).has(c), "{face:?} lacks {c}");
            }
        }
        assert!(!f.get(Face::Regular).has('中'));
    }

    #[test]
    fn own_cmap_and_metrics_agree_with_printpdf() {
        let f = fonts().expect("bundled fonts parse");
        for face in Face::ALL {
            let data = f.get(face);
            let parsed = data.parsed().expect("printpdf parses the face");
            for cp in 0..DENSE as u32 {
                let theirs = parsed.lookup_glyph_index(cp).filter(|g| *g != 0);
                let ours = char::from_u32(cp).and_then(|c| data.glyph(c)).map(|g| g.0);
                assert_eq!(ours, theirs, "{face:?} U+{cp:04X}");
                if let Some(g) = theirs {
                    assert_eq!(data.advance(g), parsed.get_horizontal_advance(g));
                }
            }
            let m = &parsed.pdf_font_metrics;
            assert_eq!(data.units_per_em, f32::from(m.units_per_em));
            assert_eq!(data.ascender, f32::from(m.ascender));
            assert_eq!(data.descender, -f32::from(m.descender));
        }
    }

    #[test]
    fn kerning_is_read() {
        let f = fonts().expect("bundled fonts parse");
        let reg = f.get(Face::Regular);
        assert!(!reg.kern.is_empty());
        // "AV" is kerned tighter than A + V in Liberation Sans.
        assert!(reg.width("AV", 10.0) < reg.width("A", 10.0) + reg.width("V", 10.0));
        let (a, v) = (reg.glyph('A').map(|g| g.0), reg.glyph('V').map(|g| g.0));
        assert!(reg.kern(a.unwrap_or(0), v.unwrap_or(0)) < 0);
    }

    #[test]
    fn a_kept_font_program_is_the_one_a_new_build_makes() {
        let f = fonts().expect("bundled fonts parse");
        let bold = f.get(Face::Bold);
        let ids: Vec<u16> = "Incident Response Plan"
            .chars()
            .filter_map(|c| bold.glyph(c).map(|g| g.0))
            .collect::<std::collections::BTreeSet<u16>>()
            .into_iter()
            .collect();
        let first = bold.program(&ids);
        let again = bold.program(&ids);
        assert!(
            Arc::ptr_eq(&first, &again),
            "the second request is served from the cache"
        );
        let set = ids.iter().copied().collect();
        let raw = bold.tables.subset(&set);
        assert_eq!(first.raw_len, raw.len());
        assert_eq!(first.packed, super::super::writer::deflate(&raw));
        // Another glyph set is another program, and the face matters.
        let fewer = bold.program(&ids[1..]);
        assert!(!Arc::ptr_eq(&first, &fewer));
        assert_ne!(first.packed, fewer.packed);
        assert_ne!(f.get(Face::Regular).program(&ids).packed, first.packed);
    }

    #[test]
    fn the_program_cache_starts_again_when_full() {
        let cache = ProgramCache::default();
        let big = Arc::new(FontProgram {
            packed: vec![0; PROGRAM_CACHE_BYTES / 2],
            raw_len: 0,
        });
        cache.put(&[1], &big);
        cache.put(&[2], &big);
        assert!(
            cache.get(&[1]).is_none(),
            "the second half-size entry emptied the cache"
        );
        assert!(cache.get(&[2]).is_some());
        let huge = Arc::new(FontProgram {
            packed: vec![0; PROGRAM_CACHE_BYTES + 1],
            raw_len: 0,
        });
        cache.put(&[3], &huge);
        assert!(
            cache.get(&[3]).is_none(),
            "a program larger than the bound is not kept"
        );
        assert!(cache.get(&[2]).is_some());
    }
}
