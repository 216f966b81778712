//! A minimal XML writer for the package parts, and the WordprocessingML
//! property sets written in the order the schema requires.
//!
//! ECMA-376 declares most property containers (`w:pPr`, `w:rPr`, `w:tblPr`,
//! `w:sectPr`, `w:style`, `w:settings`…) as `xsd:sequence`s: a child out of
//! place makes the file invalid, and strict readers (Word's "unreadable
//! content" repair, validators) reject or rewrite it. The structs here hold
//! only the properties this writer uses and write them in schema order by
//! construction, so the callers cannot get the order wrong;
//! `super::tests::element_order` checks the output against the schema lists.

/// XML text being built. Empty elements are written `<tag a="v" />`.
#[derive(Default)]
pub struct Xml {
    pub buf: String,
}

impl Xml {
    pub fn new() -> Self {
        Self::default()
    }

    /// The XML declaration every part starts with.
    pub fn declaration() -> Self {
        Self {
            buf: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"),
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            self.buf.push(' ');
            self.buf.push_str(k);
            self.buf.push_str("=\"");
            push_escaped(&mut self.buf, v);
            self.buf.push('"');
        }
    }

    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.buf.push('>');
    }

    pub fn close(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
    }

    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.buf.push_str(" />");
    }

    /// `<w:tag w:val="v" />`, the shape of most WordprocessingML properties.
    pub fn val(&mut self, name: &str, v: &str) {
        self.empty(name, &[("w:val", v)]);
    }

    /// Escaped character data.
    pub fn text(&mut self, s: &str) {
        push_escaped(&mut self.buf, s);
    }

    /// Already-built XML.
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }
}

/// Text safe for XML 1.0: control characters are not allowed there; tabs and
/// newlines become spaces (the block model already turned line structure into
/// breaks), and the noncharacters U+FFFE/U+FFFF are dropped.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            '\u{fffe}' | '\u{ffff}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Escapes (and [`clean`]s) `s` into `out`, for text and attribute values alike.
pub fn push_escaped(out: &mut String, s: &str) {
    for c in clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// One side of a paragraph border (`w:pBdr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Top,
    Bottom,
}

/// A single-line paragraph border: side, width in eighths of a point, space in points.
#[derive(Debug, Clone, Copy)]
pub struct Border {
    pub side: Side,
    pub size: u32,
    pub space: u32,
    pub color: &'static str,
}

/// Paragraph spacing in twips; `line` in 240ths of a line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spacing {
    pub before: Option<u32>,
    pub after: Option<u32>,
    pub line: Option<u32>,
}

/// Paragraph properties (`CT_PPr`), written in schema order:
/// pStyle, keepNext, numPr (ilvl, numId), pBdr, tabs, spacing, ind,
/// contextualSpacing, jc, outlineLvl.
#[derive(Debug, Clone, Default)]
pub struct PPr {
    pub style: Option<&'static str>,
    pub keep_next: bool,
    /// (numId, ilvl)
    pub num: Option<(usize, usize)>,
    pub border: Option<Border>,
    /// A right-aligned tab stop at this position (twips).
    pub right_tab: Option<usize>,
    pub spacing: Option<Spacing>,
    pub left: Option<i32>,
    pub right: Option<i32>,
    pub hanging: Option<i32>,
    pub contextual_spacing: bool,
    pub jc: Option<&'static str>,
    pub outline: Option<usize>,
}

impl PPr {
    pub fn is_empty(&self) -> bool {
        self.style.is_none()
            && !self.keep_next
            && self.num.is_none()
            && self.border.is_none()
            && self.right_tab.is_none()
            && self.spacing.is_none()
            && self.left.is_none()
            && self.right.is_none()
            && self.hanging.is_none()
            && !self.contextual_spacing
            && self.jc.is_none()
            && self.outline.is_none()
    }

    /// `<w:pPr>…</w:pPr>`, or nothing when no property is set.
    pub fn write(&self, x: &mut Xml) {
        if self.is_empty() {
            return;
        }
        x.open("w:pPr", &[]);
        if let Some(s) = self.style {
            x.val("w:pStyle", s);
        }
        if self.keep_next {
            x.empty("w:keepNext", &[]);
        }
        if let Some((num, lvl)) = self.num {
            x.open("w:numPr", &[]);
            x.val("w:ilvl", &lvl.to_string());
            x.val("w:numId", &num.to_string());
            x.close("w:numPr");
        }
        if let Some(b) = self.border {
            x.open("w:pBdr", &[]);
            let side = match b.side {
                Side::Top => "w:top",
                Side::Bottom => "w:bottom",
            };
            x.empty(
                side,
                &[
                    ("w:val", "single"),
                    ("w:sz", &b.size.to_string()),
                    ("w:space", &b.space.to_string()),
                    ("w:color", b.color),
                ],
            );
            x.close("w:pBdr");
        }
        if let Some(pos) = self.right_tab {
            x.open("w:tabs", &[]);
            x.empty("w:tab", &[("w:val", "right"), ("w:pos", &pos.to_string())]);
            x.close("w:tabs");
        }
        if let Some(s) = self.spacing {
            let mut attrs: Vec<(&str, String)> = Vec::new();
            if let Some(v) = s.before {
                attrs.push(("w:before", v.to_string()));
            }
            if let Some(v) = s.after {
                attrs.push(("w:after", v.to_string()));
            }
            if let Some(v) = s.line {
                attrs.push(("w:line", v.to_string()));
                attrs.push(("w:lineRule", "auto".into()));
            }
            let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            x.empty("w:spacing", &attrs);
        }
        if self.left.is_some() || self.right.is_some() || self.hanging.is_some() {
            let mut attrs: Vec<(&str, String)> = Vec::new();
            if let Some(v) = self.left {
                attrs.push(("w:left", v.to_string()));
            }
            if let Some(v) = self.right {
                attrs.push(("w:right", v.to_string()));
            }
            if let Some(v) = self.hanging {
                attrs.push(("w:hanging", v.to_string()));
            }
            let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            x.empty("w:ind", &attrs);
        }
        if self.contextual_spacing {
            x.empty("w:contextualSpacing", &[]);
        }
        if let Some(j) = self.jc {
            x.val("w:jc", j);
        }
        if let Some(o) = self.outline {
            x.val("w:outlineLvl", &o.to_string());
        }
        x.close("w:pPr");
    }
}

/// Run properties (`CT_RPr`), written in schema order:
/// rStyle, rFonts, b, bCs, i, iCs, strike, color, sz, szCs, u, vertAlign.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RPr {
    pub style: Option<&'static str>,
    /// One font for every script.
    pub font: Option<&'static str>,
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub color: Option<String>,
    /// Half-points.
    pub size: Option<usize>,
    pub underline: bool,
    pub superscript: bool,
}

impl RPr {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `<w:rPr>…</w:rPr>`, or nothing when no property is set.
    pub fn write(&self, x: &mut Xml) {
        if self.is_empty() {
            return;
        }
        x.open("w:rPr", &[]);
        if let Some(s) = self.style {
            x.val("w:rStyle", s);
        }
        if let Some(f) = self.font {
            x.empty(
                "w:rFonts",
                &[
                    ("w:ascii", f),
                    ("w:hAnsi", f),
                    ("w:eastAsia", f),
                    ("w:cs", f),
                ],
            );
        }
        if self.bold {
            x.empty("w:b", &[]);
            x.empty("w:bCs", &[]);
        }
        if self.italic {
            x.empty("w:i", &[]);
            x.empty("w:iCs", &[]);
        }
        if self.strike {
            x.empty("w:strike", &[]);
        }
        if let Some(c) = &self.color {
            x.val("w:color", c);
        }
        if let Some(s) = self.size {
            x.val("w:sz", &s.to_string());
            x.val("w:szCs", &s.to_string());
        }
        if self.underline {
            x.val("w:u", "single");
        }
        if self.superscript {
            x.val("w:vertAlign", "superscript");
        }
        x.close("w:rPr");
    }
}
