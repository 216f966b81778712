//! The backend-neutral display list: pages of positioned items.
//!
//! Layout produces this and the content-stream writer consumes it, so the layout
//! can be tested by looking at coordinates (nothing outside the margins) and a
//! different PDF library could be swapped in without touching layout.
//! Coordinates are points from the page's top-left corner, y growing down.

use super::fonts::Face;

/// An sRGB colour, components 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    pub const TEXT: Rgb = Rgb(0.11, 0.11, 0.12);
    pub const MUTED: Rgb = Rgb(0.38, 0.40, 0.43);
    pub const RULE: Rgb = Rgb(0.72, 0.74, 0.77);
    pub const SHADE: Rgb = Rgb(0.93, 0.94, 0.96);
    pub const CODE_BG: Rgb = Rgb(0.955, 0.957, 0.965);
    pub const DRAFT: Rgb = Rgb(0.70, 0.10, 0.10);

    /// Parse `#rrggbb`; anything else gives `None`.
    pub fn from_hex(s: &str) -> Option<Rgb> {
        let h = s.strip_prefix('#')?;
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let c = |i: usize| {
            u8::from_str_radix(&h[i..i + 2], 16)
                .ok()
                .map(|v| f32::from(v) / 255.0)
        };
        Some(Rgb(c(0)?, c(2)?, c(4)?))
    }

    /// This colour mixed with white (`t` = share of white).
    pub fn tint(self, t: f32) -> Rgb {
        Rgb(
            self.0 + (1.0 - self.0) * t,
            self.1 + (1.0 - self.1) * t,
            self.2 + (1.0 - self.2) * t,
        )
    }
}

/// Where a link goes, before pages are known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum LinkTarget {
    Uri(String),
    /// A heading (or, with no anchor, the start) of a document of the pack.
    Doc {
        doc: String,
        anchor: Option<String>,
    },
}

/// One positioned item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A run of text in one face; `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        text: String,
        face: Face,
        size: f32,
        color: Rgb,
        width: f32,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        target: LinkTarget,
    },
    /// The organization's logo; `y` is its top edge.
    Logo { x: f32, y: f32, w: f32, h: f32 },
    /// Start of a structure element of the tagged PDF (or of an artifact),
    /// closed by the next unmatched [`Item::End`]; the items between are
    /// its content. Draws nothing.
    Begin(Role),
    /// End of the innermost [`Item::Begin`].
    End,
}

/// What a run of items is to a reader (tagged PDF structure types).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Role {
    /// A document of the binder, or the binder's cover.
    Sect,
    /// A heading, level 1–6.
    H(u8),
    P,
    /// A list; `ordered` for a numbered one.
    L {
        ordered: bool,
    },
    LI,
    /// A list item's bullet or number.
    Lbl,
    LBody,
    Table,
    TR,
    /// A header cell of a table's (column) header row.
    TH,
    TD,
    Link,
    BlockQuote,
    /// A footnote.
    Note,
    Code,
    TOC,
    TOCI,
    /// An image with its text alternative.
    Figure(String),
    /// Not content: running header or footer, or drawn for the look.
    Artifact(Artifact),
}

/// The kind of an artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Artifact {
    /// Running header (pagination).
    Header,
    /// Running footer, page number (pagination).
    Footer,
    /// Rules, backgrounds, repeated table headers, leaders.
    Layout,
}

/// A heading's place, for links and the outline.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dest {
    /// 0-based page index.
    pub page: usize,
    /// Top of the heading, points from the top of the page.
    pub y: f32,
}

/// An outline (bookmark) entry, in document order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OutlineEntry {
    /// Nesting depth, 1 = top level.
    pub level: u8,
    pub title: String,
    pub dest: Dest,
}

/// A link's area on a page of a document and where it goes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinkArea {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub target: LinkTarget,
}

/// A laid-out page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
}
