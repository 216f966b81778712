//! The inline stylesheet and the colour rules behind it.
//!
//! The CSS lives in `assets/html/style.css` (embedded at compile time); this
//! module adds the pack's accent colour as CSS custom properties and the
//! paper size for print. The accent is re-checked here even though the render
//! stage checks it: it ends up inside a `<style>` element, so anything that is
//! not a plain `#rrggbb` must never reach the page, and a colour too light for
//! white text or white background is darkened until it passes WCAG AA.

use crate::model::PaperSize;

const BASE_CSS: &str = include_str!("../../../assets/html/style.css");

/// The accent used when the profile gives none or gives something unusable.
pub const DEFAULT_ACCENT: Rgb = Rgb(0x0b, 0x53, 0x94);

/// WCAG 2 AA contrast for normal-size text.
const AA_TEXT: f64 = 4.5;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Parses `#rrggbb` (or `#rgb`); anything else is `None`.
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.trim().strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok();
        match hex.len() {
            6 => Some(Rgb(
                u8::from_str_radix(&hex[0..2], 16).ok()?,
                u8::from_str_radix(&hex[2..4], 16).ok()?,
                u8::from_str_radix(&hex[4..6], 16).ok()?,
            )),
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG 2 relative luminance.
    pub fn luminance(self) -> f64 {
        fn channel(c: u8) -> f64 {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// Contrast ratio against white, 1..=21.
    pub fn contrast_with_white(self) -> f64 {
        1.05 / (self.luminance() + 0.05)
    }

    /// Mixes `amount` (0..=1) of this colour into white: a tint for backgrounds.
    fn tint(self, amount: f64) -> Rgb {
        let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * amount).round() as u8;
        Rgb(mix(self.0), mix(self.1), mix(self.2))
    }

    fn darken(self, factor: f64) -> Rgb {
        let d = |c: u8| (f64::from(c) * factor).floor() as u8;
        Rgb(d(self.0), d(self.1), d(self.2))
    }
}

/// The accent to use on the page: the profile's colour when it is valid and
/// has AA contrast with white (it is used for headings and links on white and
/// as the background of white masthead text), otherwise a darker shade of it,
/// otherwise [`DEFAULT_ACCENT`].
pub fn usable_accent(requested: &str) -> Rgb {
    let Some(mut c) = Rgb::parse(requested) else {
        return DEFAULT_ACCENT;
    };
    // Darkening by 10% a step reaches AA for any hue well within 30 steps
    // (black has contrast 21); the bound only keeps the loop obviously finite.
    for _ in 0..64 {
        if c.contrast_with_white() >= AA_TEXT {
            return c;
        }
        c = c.darken(0.9);
    }
    DEFAULT_ACCENT
}

/// The complete stylesheet of a page.
pub fn stylesheet(accent: &str, paper: PaperSize) -> String {
    let accent = usable_accent(accent);
    let page = match paper {
        PaperSize::Letter => "letter",
        PaperSize::A4 => "A4",
    };
    format!(
        ":root{{--accent:{};--accent-tint:{};--accent-soft:{}}}\n@page{{size:{page};margin:18mm 16mm}}\n{BASE_CSS}",
        accent.hex(),
        accent.tint(0.10).hex(),
        accent.tint(0.35).hex(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_hex_colours() {
        assert_eq!(Rgb::parse("#0b5394"), Some(Rgb(0x0b, 0x53, 0x94)));
        assert_eq!(Rgb::parse("#fff"), Some(Rgb(255, 255, 255)));
        assert_eq!(Rgb::parse("red"), None);
        assert_eq!(Rgb::parse("#12345g"), None);
        assert_eq!(Rgb::parse("#000;}body{display:none"), None);
    }

    #[test]
    fn light_accent_is_darkened_to_aa() {
        let c = usable_accent("#ffd700");
        assert!(c.contrast_with_white() >= AA_TEXT, "{c:?}");
        assert_eq!(usable_accent("#0b5394"), Rgb(0x0b, 0x53, 0x94));
        assert_eq!(usable_accent("</style><script>"), DEFAULT_ACCENT);
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((Rgb(0, 0, 0).contrast_with_white() - 21.0).abs() < 1e-9);
        assert!((Rgb(0x76, 0x76, 0x76).contrast_with_white() - 4.54).abs() < 0.01);
    }

    #[test]
    fn stylesheet_cannot_be_closed_by_the_accent() {
        let css = stylesheet("#fff</style><script>alert(1)</script>", PaperSize::A4);
        assert!(!css.contains("</style"));
        assert!(css.contains("size:A4"));
    }
}
