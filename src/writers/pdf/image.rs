//! The organization's logo as a PDF image XObject, without an image crate.
//!
//! PDF reads both formats a profile may name almost as they are: a baseline
//! or progressive JPEG is embedded byte for byte (`/DCTDecode`), and a PNG's
//! zlib data is PDF's own `/FlateDecode` with the PNG predictors. Only a PNG
//! with an alpha channel must be decoded, to split the alpha into a soft
//! mask. Anything else (16-bit or interlaced PNG, CMYK JPEG) is reported, and
//! the PDF is made without the logo rather than with a broken image.

use std::io::Read;

/// An image ready to be written as a PDF XObject.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfImage {
    pub width: u32,
    pub height: u32,
    /// `DeviceRGB`, `DeviceGray`, or an indexed palette.
    pub color_space: ColorSpace,
    pub bits: u8,
    /// `DCTDecode` or `FlateDecode`.
    pub filter: &'static str,
    /// PNG predictor parameters (`/DecodeParms`): colors, columns.
    pub predictor: Option<(u8, u32)>,
    pub data: Vec<u8>,
    /// 8-bit alpha, zlib-compressed, no predictor.
    pub soft_mask: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ColorSpace {
    Gray,
    Rgb,
    /// RGB palette entries, 3 bytes each.
    Indexed(Vec<u8>),
}

/// Read a PNG or JPEG logo.
pub fn prepare(mime: &str, bytes: &[u8]) -> Result<PdfImage, String> {
    match mime {
        "image/jpeg" => jpeg(bytes),
        "image/png" => png(bytes),
        other => Err(format!("{other} is not PNG or JPEG")),
    }
}

/// A PNG's or JPEG's size in pixels, from its header alone (no decoding),
/// for writers that embed the file as it is.
pub fn size(mime: &str, bytes: &[u8]) -> Result<(u32, u32), String> {
    match mime {
        // The IHDR chunk comes first: signature (8), length (4), type (4).
        "image/png"
            if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") =>
        {
            let be = |at: usize| {
                bytes
                    .get(at..at + 4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            };
            match (be(16), be(20)) {
                (Some(w), Some(h)) if w > 0 && h > 0 => Ok((w, h)),
                _ => Err("damaged PNG (no size in its header)".into()),
            }
        }
        "image/png" => Err("not a PNG file (no IHDR header first)".into()),
        // JPEG data is embedded as is, so reading it never decodes.
        _ => prepare(mime, bytes).map(|img| (img.width, img.height)),
    }
}

/// Largest logo side, in pixels: a few kilobytes of PNG can claim 60000 ×
/// 60000 pixels, gigabytes for a browser or Word to decode.
pub const MAX_SIDE: u32 = 10_000;

/// Whether a logo is whole and of a sane size, from its structure alone
/// (no decoding): every PNG chunk inside the file, image data present and
/// the end chunk reached; a JPEG's frame header found and its end marker
/// present. Every format embeds the file, so a logo that fails this is
/// refused for the whole pack, not only left out of the PDFs. Returns its
/// size in pixels.
pub fn check_intact(mime: &str, bytes: &[u8]) -> Result<(u32, u32), String> {
    let (width, height) = match mime {
        // Any JPEG the format allows (CMYK, 12-bit): only the PDF writer is
        // pickier, and it leaves such a logo out with a warning.
        "image/jpeg" => jpeg_frame(bytes)?,
        _ => size(mime, bytes)?,
    };
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "{} of {width}×{height} pixels (up to {MAX_SIDE}×{MAX_SIDE})",
            if mime == "image/png" { "PNG" } else { "JPEG" }
        ));
    }
    if mime == "image/png" {
        let (mut data, mut end) = (false, false);
        for chunk in png_chunks(bytes) {
            match chunk
                .map_err(|_| "damaged PNG (cut short: a chunk runs past the end of the file)")?
            {
                (b"IDAT", _) => data = true,
                (b"IEND", _) => {
                    end = true;
                    break;
                }
                _ => {}
            }
        }
        if !data {
            return Err("damaged PNG (no image data)".into());
        }
        if !end {
            return Err("damaged PNG (cut short: no end chunk)".into());
        }
    } else {
        // The end marker must follow the main image's scan: entropy-coded
        // data stuffs every 0xFF with a zero, so 0xFF 0xD9 there is the end;
        // an EXIF thumbnail's own end marker comes before the scan.
        let scan = jpeg_layout(bytes)?
            .scan
            .ok_or("damaged JPEG (no image data)")?;
        if !bytes[scan..].windows(2).any(|w| w == [0xFF, 0xD9]) {
            return Err("damaged JPEG (cut short: no end marker)".into());
        }
    }
    Ok((width, height))
}

/// What the marker segments before a JPEG's image data say: the body of its
/// frame header (the first SOF segment) and where its scan starts (the SOS
/// marker). One walk serves the PDF writer ([`jpeg`]) and the whole-file
/// check ([`check_intact`]).
struct JpegLayout<'a> {
    frame: Option<&'a [u8]>,
    scan: Option<usize>,
}

fn jpeg_layout(bytes: &[u8]) -> Result<JpegLayout<'_>, String> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err("not a JPEG file (no SOI marker)".into());
    }
    let mut layout = JpegLayout {
        frame: None,
        scan: None,
    };
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return Err("damaged JPEG (a segment does not start with 0xFF)".into());
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        // Markers without a length: SOI, the restart markers, TEM.
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        if marker == 0xDA {
            layout.scan = Some(i);
            break;
        }
        if marker == 0xD9 {
            break;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame && layout.frame.is_none() {
            layout.frame = Some(
                bytes
                    .get(i + 4..i + 2 + len)
                    .ok_or("damaged JPEG (frame header cut short)")?,
            );
        }
        i += 2 + len;
    }
    Ok(layout)
}

/// A JPEG's size from its frame header (any SOF marker: baseline,
/// progressive, lossless, 8 or 12 bits, any number of components).
fn jpeg_frame(bytes: &[u8]) -> Result<(u32, u32), String> {
    match jpeg_layout(bytes)?.frame {
        Some(seg) if seg.len() >= 5 => {
            let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
            let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
            if width == 0 || height == 0 {
                return Err(format!("JPEG of {width}×{height} pixels"));
            }
            Ok((width, height))
        }
        Some(_) => Err("damaged JPEG (frame header too short)".into()),
        None => Err("damaged JPEG (no frame header before the image data)".into()),
    }
}

fn jpeg(bytes: &[u8]) -> Result<PdfImage, String> {
    let seg = jpeg_layout(bytes)?
        .frame
        .ok_or("damaged JPEG (no frame header before the image data)")?;
    if seg.len() < 6 {
        return Err("damaged JPEG (frame header too short)".into());
    }
    let bits = seg[0];
    let height = u16::from_be_bytes([seg[1], seg[2]]) as u32;
    let width = u16::from_be_bytes([seg[3], seg[4]]) as u32;
    let color_space = match seg[5] {
        1 => ColorSpace::Gray,
        3 => ColorSpace::Rgb,
        n => {
            return Err(format!(
                "JPEG with {n} colour components (only gray and RGB)"
            ));
        }
    };
    if bits != 8 || width == 0 || height == 0 {
        return Err(format!(
            "JPEG of {width}×{height} at {bits} bits (need 8 bits)"
        ));
    }
    Ok(PdfImage {
        width,
        height,
        color_space,
        bits: 8,
        filter: "DCTDecode",
        predictor: None,
        data: bytes.to_vec(),
        soft_mask: None,
    })
}

/// A PNG's chunks after the signature, as (type, body), in file order; an
/// error for a chunk that runs past the end of the file (and then no more).
/// One walk for the PDF writer ([`png`]) and the whole-file check.
fn png_chunks(bytes: &[u8]) -> impl Iterator<Item = Result<(&[u8; 4], &[u8]), String>> {
    let mut i = Some(8usize);
    std::iter::from_fn(move || {
        let at = i?;
        if at + 8 > bytes.len() {
            return None;
        }
        let len =
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let kind: &[u8; 4] = bytes[at + 4..at + 8].try_into().ok()?;
        let body = at
            .checked_add(8)
            .and_then(|start| Some((start, start.checked_add(len)?)))
            .and_then(|(start, end)| bytes.get(start..end));
        match body {
            Some(body) => {
                i = Some(at + 12 + len);
                Some(Ok((kind, body)))
            }
            None => {
                i = None;
                Some(Err(
                    "damaged PNG (a chunk runs past the end of the file)".to_string()
                ))
            }
        }
    })
}

fn png(bytes: &[u8]) -> Result<PdfImage, String> {
    const SIG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIG) {
        return Err("not a PNG file (no signature)".into());
    }
    let mut header = None;
    let mut palette = Vec::new();
    let mut idat = Vec::new();
    for chunk in png_chunks(bytes) {
        match chunk? {
            (b"IHDR", body) if body.len() >= 13 => header = Some(body.to_vec()),
            (b"PLTE", body) => palette = body.to_vec(),
            (b"IDAT", body) => idat.extend_from_slice(body),
            (b"IEND", _) => break,
            _ => {}
        }
    }
    let h = header.ok_or("damaged PNG (no IHDR header)")?;
    let width = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let height = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
    let (depth, color_type, interlace) = (h[8], h[9], h[12]);
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "PNG of {width}×{height} pixels (up to {MAX_SIDE}×{MAX_SIDE})"
        ));
    }
    if interlace != 0 {
        return Err("interlaced PNG (save it without interlacing)".into());
    }
    if idat.is_empty() {
        return Err("damaged PNG (no image data)".into());
    }
    let plain = |color_space: ColorSpace, colors: u8| PdfImage {
        width,
        height,
        color_space,
        bits: depth,
        filter: "FlateDecode",
        predictor: Some((colors, width)),
        data: idat.clone(),
        soft_mask: None,
    };
    match (color_type, depth) {
        (0, 1 | 2 | 4 | 8) => Ok(plain(ColorSpace::Gray, 1)),
        (2, 8) => Ok(plain(ColorSpace::Rgb, 3)),
        (3, 1 | 2 | 4 | 8) if !palette.is_empty() => Ok(plain(ColorSpace::Indexed(palette), 1)),
        (4 | 6, 8) => with_alpha(width, height, color_type, &idat),
        _ => Err(format!(
            "PNG colour type {color_type} at {depth} bits (use 8-bit RGB, RGBA, gray or a palette)"
        )),
    }
}

/// Decode an 8-bit PNG with alpha and split colour from alpha.
fn with_alpha(width: u32, height: u32, color_type: u8, idat: &[u8]) -> Result<PdfImage, String> {
    let colors = if color_type == 6 { 3 } else { 1 };
    let bpp = colors + 1;
    let stride = width as usize * bpp;
    let expected = (stride + 1) * height as usize;
    let mut raw = Vec::with_capacity(expected);
    flate2::read::ZlibDecoder::new(idat)
        .take(expected as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|e| format!("damaged PNG data ({e})"))?;
    if raw.len() != expected {
        return Err("damaged PNG (image data of the wrong length)".into());
    }
    let mut prev = vec![0u8; stride];
    let mut color = Vec::with_capacity(width as usize * colors * height as usize);
    let mut alpha = Vec::with_capacity(width as usize * height as usize);
    for row in raw.chunks_exact(stride + 1) {
        let filter = row[0];
        let mut cur = row[1..].to_vec();
        for x in 0..stride {
            let a = if x >= bpp { cur[x - bpp] as i16 } else { 0 };
            let b = prev[x] as i16;
            let c = if x >= bpp { prev[x - bpp] as i16 } else { 0 };
            let add = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => return Err(format!("damaged PNG (unknown row filter {f})")),
            };
            cur[x] = cur[x].wrapping_add(add as u8);
        }
        for px in cur.chunks_exact(bpp) {
            color.extend_from_slice(&px[..colors]);
            alpha.push(px[colors]);
        }
        prev = cur;
    }
    Ok(PdfImage {
        width,
        height,
        color_space: if colors == 3 {
            ColorSpace::Rgb
        } else {
            ColorSpace::Gray
        },
        bits: 8,
        filter: "FlateDecode",
        predictor: None,
        data: deflate(&color),
        soft_mask: Some(deflate(&alpha)),
    })
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}

/// A PNG from raw rows (filter byte included), for tests.
#[cfg(test)]
pub(crate) fn png_file(width: u32, height: u32, color_type: u8, rows: &[u8]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], body: &[u8]) {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out.extend_from_slice(&[0, 0, 0, 0]); // CRC is not checked
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, color_type, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &deflate(rows));
    chunk(&mut out, b"IEND", &[]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_png_passes_through_with_predictor() {
        let img = prepare("image/png", &png_file(1, 1, 2, &[0, 10, 20, 30])).unwrap();
        assert_eq!((img.width, img.height, img.bits), (1, 1, 8));
        assert_eq!(img.predictor, Some((3, 1)));
        assert!(img.soft_mask.is_none());
    }

    #[test]
    fn rgba_png_is_split_into_colour_and_mask() {
        // Two pixels, Sub filter: second pixel = first + delta.
        let rows = [1, 10, 20, 30, 255, 5, 5, 5, 0];
        let img = prepare("image/png", &png_file(2, 1, 6, &rows)).unwrap();
        let mut color = Vec::new();
        flate2::read::ZlibDecoder::new(&img.data[..])
            .read_to_end(&mut color)
            .unwrap();
        assert_eq!(color, [10, 20, 30, 15, 25, 35]);
        let mut alpha = Vec::new();
        flate2::read::ZlibDecoder::new(&img.soft_mask.unwrap()[..])
            .read_to_end(&mut alpha)
            .unwrap();
        assert_eq!(alpha, [255, 255]);
    }

    #[test]
    fn size_reads_only_the_header() {
        let file = png_file(2, 1, 6, &[0, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(size("image/png", &file), Ok((2, 1)));
        assert!(size("image/png", &file[..20]).is_err());
    }

    #[test]
    fn jpeg_size_comes_from_the_frame_header() {
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
        j.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0, 50, 0, 100, 3, 1, 0x22, 0]);
        j.extend_from_slice(&[0xFF, 0xD9]);
        let img = prepare("image/jpeg", &j).unwrap();
        assert_eq!((img.width, img.height), (100, 50));
        assert_eq!(img.filter, "DCTDecode");
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        for (mime, bytes) in [
            ("image/png", &b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"[..]),
            ("image/png", b"not a png"),
            ("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xC0, 0, 3][..]),
            ("image/jpeg", &[0xFF, 0xD8][..]),
        ] {
            assert!(prepare(mime, bytes).is_err(), "{bytes:?}");
        }
        let mut truncated = png_file(4, 4, 6, &[0; 17 * 4]);
        truncated.truncate(40);
        assert!(prepare("image/png", &truncated).is_err());
    }
}

#[cfg(test)]
mod intact_tests {
    use super::check_intact;

    /// A JPEG's structure: SOI, an optional APP1 holding `app1`, a frame
    /// header with `components`, a scan, and (when `end`) the end marker.
    fn jpeg(components: u8, app1: &[u8], end: bool) -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        if !app1.is_empty() {
            j.extend_from_slice(&[0xFF, 0xE1]);
            j.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
            j.extend_from_slice(app1);
        }
        let sof_len = 8 + 3 * u16::from(components);
        j.extend_from_slice(&[0xFF, 0xC0]);
        j.extend_from_slice(&sof_len.to_be_bytes());
        j.extend_from_slice(&[8, 0, 16, 0, 32, components]);
        for c in 0..components {
            j.extend_from_slice(&[c + 1, 0x11, 0]);
        }
        let sos_len = 6 + 2 * u16::from(components);
        j.extend_from_slice(&[0xFF, 0xDA]);
        j.extend_from_slice(&sos_len.to_be_bytes());
        j.push(components);
        for c in 0..components {
            j.extend_from_slice(&[c + 1, 0]);
        }
        j.extend_from_slice(&[0, 0x3F, 0, 0x12, 0x34, 0xFF, 0x00, 0x56]);
        if end {
            j.extend_from_slice(&[0xFF, 0xD9]);
        }
        j
    }

    #[test]
    fn a_cmyk_jpeg_is_whole_the_pdf_writer_only_leaves_it_out() {
        assert_eq!(
            check_intact("image/jpeg", &jpeg(4, &[], true)),
            Ok((32, 16))
        );
        assert_eq!(
            check_intact("image/jpeg", &jpeg(3, &[], true)),
            Ok((32, 16))
        );
        assert!(super::prepare("image/jpeg", &jpeg(4, &[], true)).is_err());
    }

    #[test]
    fn a_jpeg_cut_short_is_refused_even_with_a_thumbnail() {
        assert!(check_intact("image/jpeg", &jpeg(3, &[], false)).is_err());
        // An EXIF thumbnail carries its own end marker before the scan.
        let thumb = [b"Exif\0\0".as_slice(), &[0xFF, 0xD8, 0x01, 0xFF, 0xD9]].concat();
        assert!(check_intact("image/jpeg", &jpeg(3, &thumb, false)).is_err());
        assert!(check_intact("image/jpeg", &jpeg(3, &thumb, true)).is_ok());
    }
}
