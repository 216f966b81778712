//! What a Word user (and a schema validator) sees in the writer's output.

use std::collections::BTreeMap;

use super::*;
use crate::model::{DocKind, DocMeta, Format, Logo as PackLogo};

fn meta(id: &str, title: &str) -> DocMeta {
    DocMeta {
        id: id.into(),
        title: title.into(),
        kind: DocKind::Procedure,
        audience: "All".into(),
        description: String::new(),
        practices: vec!["1.S.A".into()],
        order: 1,
        version: "1.0".into(),
        status_label: "DRAFT".into(),
        effective_date: "2026-01-28".into(),
        next_review: "2027-01-28".into(),
    }
}

fn pack() -> PackInfo {
    PackInfo {
        organization: "Clínica Añil".into(),
        short_name: "Añil".into(),
        slug: "anil".into(),
        contact_line: String::new(),
        size: "small".into(),
        size_rule: String::new(),
        version: "1.0".into(),
        effective_date: "2026-01-28".into(),
        next_review: "2027-01-28".into(),
        approved: false,
        status_line: "DRAFT".into(),
        paper: PaperSize::Letter,
        accent_color: "#1f5f8b".into(),
        logo: None,
        formats: Format::ALL.to_vec(),
        documents: vec![meta("torture", "Torture"), meta("other", "Other")],
    }
}

/// Every construct the writer knows, the tester's repeated and colliding
/// heading ids, raw HTML, a footnote and a list item of two paragraphs.
const MD: &str = "# Torture\n\n\
| Document control | Detail |\n|:--|--:|\n| Id | torture |\n\n\
## Same heading\n\n## Same heading\n\n## Same heading\n\n\
## Collide one {#x-y}\n\n## Collide two {#x_y}\n\n\
## Dots {#a.b:c}\n\n\
## A very long heading id that certainly exceeds forty characters in total length\n\n\
### Three\n\n#### Four\n\n##### Five\n\n###### Six\n\n\
Links: [dup2](#same-heading-2), [dup3](#same-heading-3), [x-y](#x-y), [x_y](#x_y), [dots](#a.b:c), \
[long](#a-very-long-heading-id-that-certainly-exceeds-forty-characters-in-total-length), \
[other](other.md#same-heading-2), [top](torture.md), [web](https://example.org/?a=1&b=2), \
[js](javascript:alert(1)) and a note.[^1]\n\n\
[^1]: The footnote text with **bold**.\n\n\
Text <b>bold?</b> <span>s</span> <!-- comment --> end <a href=\"javascript:alert(1)\">js</a>.\n\n\
<!-- block comment -->\n\n\
<details><summary>Sum</summary>Hidden body</details>\n\n\
- Bullet *one*\n- Bullet two\n\n  Continuation of two.\n\n  - nested\n\n\
3. three\n4. four\n\n\
> quoted **text**\n\n---\n\n```\ncode <x>\nline 2\n```\n\n\
| A | B | C | D |\n|---|---|---|---|\n| `c` | ~~s~~ | | x |\n";

fn render(md: &str, logo: bool) -> Vec<u8> {
    let mut p = pack();
    if logo {
        p.logo = Some(PackLogo {
            mime: "image/png",
            bytes: png_1x1().into(),
        });
    }
    let doc = RenderedDoc {
        meta: meta("torture", "Torture"),
        markdown: md.into(),
    };
    render_document(&doc, &p).expect("render")
}

/// A valid 2×1 PNG (IHDR is all `image::size` reads).
fn png_1x1() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    v.extend_from_slice(&2u32.to_be_bytes());
    v.extend_from_slice(&1u32.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    v
}

/// The parts of a stored zip, by name, in file order.
fn parts(zip: &[u8]) -> Vec<(String, String)> {
    let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
    let u32_at =
        |i: usize| u32::from_le_bytes([zip[i], zip[i + 1], zip[i + 2], zip[i + 3]]) as usize;
    let mut out = Vec::new();
    let mut at = 0;
    while zip[at..].starts_with(&[0x50, 0x4b, 0x03, 0x04]) {
        assert_eq!(u16_at(at + 8), 0, "stored");
        let size = u32_at(at + 18);
        let (nlen, xlen) = (u16_at(at + 26), u16_at(at + 28));
        let name = String::from_utf8(zip[at + 30..at + 30 + nlen].to_vec()).expect("name");
        let start = at + 30 + nlen + xlen;
        let data = String::from_utf8_lossy(&zip[start..start + size]).into_owned();
        out.push((name, data));
        at = start + size;
    }
    out
}

fn get(parts: &[(String, String)], name: &str) -> String {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, d)| d.clone())
        .unwrap_or_else(|| panic!("no part {name}"))
}

/// A parsed element: name, attributes, children (text dropped).
#[derive(Debug)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    kids: Vec<El>,
}

/// A small parser for the writer's own XML (no comments, CDATA or DTDs).
fn parse_xml(s: &str) -> El {
    let mut stack = vec![El {
        name: "#root".into(),
        attrs: BTreeMap::new(),
        kids: Vec::new(),
    }];
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        let gt = rest[lt..].find('>').expect("tag end") + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let el = stack.pop().expect("open element");
            assert_eq!(el.name, name.trim(), "end tag matches");
            stack.last_mut().expect("parent").kids.push(el);
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/').trim();
        let (name, mut attr_text) = tag.split_once(' ').unwrap_or((tag, ""));
        let mut attrs = BTreeMap::new();
        while let Some(eq) = attr_text.find("=\"") {
            let key = attr_text[..eq].trim().to_string();
            let after = &attr_text[eq + 2..];
            let end = after.find('"').expect("attribute end");
            attrs.insert(key, after[..end].to_string());
            attr_text = &after[end + 1..];
        }
        let el = El {
            name: name.to_string(),
            attrs,
            kids: Vec::new(),
        };
        if self_closing {
            stack.last_mut().expect("parent").kids.push(el);
        } else {
            stack.push(el);
        }
    }
    assert_eq!(stack.len(), 1, "every element closed");
    stack.pop().expect("root")
}

fn walk<'a>(el: &'a El, f: &mut impl FnMut(&'a El)) {
    f(el);
    for k in &el.kids {
        walk(k, f);
    }
}

/// ECMA-376 Part 1 (transitional schema, wml.xsd) `xsd:sequence` order of
/// the children of each parent element the writer writes, restricted to
/// the children that may appear; `a|b` is a choice, whose members may come
/// in any order at that place (the content of a paragraph, run or cell).
/// Sources: CT_PPrBase + CT_PPr, EG_RPrBase
/// (CT_RPr), CT_NumPr, CT_SectPr (EG_HdrFtrReferences then
/// EG_SectPrContents), CT_TblPrBase, CT_TcPrBase, CT_Tbl, CT_Row, CT_Style,
/// CT_Styles, CT_DocDefaults, CT_Lvl, CT_AbstractNum, CT_Numbering, CT_Num,
/// CT_Settings, CT_PBdr, CT_TblBorders, CT_TblCellMar, CT_Font.
const ORDER: &[(&str, &[&str])] = &[
    (
        "w:pPr",
        &[
            "w:pStyle",
            "w:keepNext",
            "w:keepLines",
            "w:pageBreakBefore",
            "w:framePr",
            "w:widowControl",
            "w:numPr",
            "w:suppressLineNumbers",
            "w:pBdr",
            "w:shd",
            "w:tabs",
            "w:suppressAutoHyphens",
            "w:kinsoku",
            "w:wordWrap",
            "w:overflowPunct",
            "w:topLinePunct",
            "w:autoSpaceDE",
            "w:autoSpaceDN",
            "w:bidi",
            "w:adjustRightInd",
            "w:snapToGrid",
            "w:spacing",
            "w:ind",
            "w:contextualSpacing",
            "w:mirrorIndents",
            "w:suppressOverlap",
            "w:jc",
            "w:textDirection",
            "w:textAlignment",
            "w:textboxTightWrap",
            "w:outlineLvl",
            "w:divId",
            "w:cnfStyle",
            "w:rPr",
            "w:sectPr",
            "w:pPrChange",
        ],
    ),
    (
        "w:rPr",
        &[
            "w:rStyle",
            "w:rFonts",
            "w:b",
            "w:bCs",
            "w:i",
            "w:iCs",
            "w:caps",
            "w:smallCaps",
            "w:strike",
            "w:dstrike",
            "w:outline",
            "w:shadow",
            "w:emboss",
            "w:imprint",
            "w:noProof",
            "w:snapToGrid",
            "w:vanish",
            "w:webHidden",
            "w:color",
            "w:spacing",
            "w:w",
            "w:kern",
            "w:position",
            "w:sz",
            "w:szCs",
            "w:highlight",
            "w:u",
            "w:effect",
            "w:bdr",
            "w:shd",
            "w:fitText",
            "w:vertAlign",
            "w:rtl",
            "w:cs",
            "w:em",
            "w:lang",
            "w:eastAsianLayout",
            "w:specVanish",
            "w:oMath",
        ],
    ),
    ("w:numPr", &["w:ilvl", "w:numId"]),
    (
        "w:sectPr",
        &[
            "w:headerReference",
            "w:footerReference",
            "w:footnotePr",
            "w:endnotePr",
            "w:type",
            "w:pgSz",
            "w:pgMar",
            "w:paperSrc",
            "w:pgBorders",
            "w:lnNumType",
            "w:pgNumType",
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
        ],
    ),
    (
        "w:tblPr",
        &[
            "w:tblStyle",
            "w:tblpPr",
            "w:tblOverlap",
            "w:bidiVisual",
            "w:tblStyleRowBandSize",
            "w:tblStyleColBandSize",
            "w:tblW",
            "w:jc",
            "w:tblCellSpacing",
            "w:tblInd",
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
        ],
    ),
    (
        "w:tcPr",
        &[
            "w:cnfStyle",
            "w:tcW",
            "w:gridSpan",
            "w:hMerge",
            "w:vMerge",
            "w:tcBorders",
            "w:shd",
            "w:noWrap",
            "w:tcMar",
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
        ],
    ),
    ("w:tbl", &["w:tblPr", "w:tblGrid", "w:tr"]),
    ("w:tr", &["w:tblPrEx", "w:trPr", "w:tc"]),
    ("w:tc", &["w:tcPr", "w:p|w:tbl"]),
    (
        "w:p",
        &["w:pPr", "w:r|w:hyperlink|w:bookmarkStart|w:bookmarkEnd"],
    ),
    ("w:hyperlink", &["w:r"]),
    (
        "w:r",
        &[
            "w:rPr",
            "w:t|w:br|w:tab|w:fldChar|w:instrText|w:drawing|w:footnoteReference|w:footnoteRef|w:separator|w:continuationSeparator",
        ],
    ),
    (
        "w:style",
        &[
            "w:name",
            "w:aliases",
            "w:basedOn",
            "w:next",
            "w:link",
            "w:autoRedefine",
            "w:hidden",
            "w:uiPriority",
            "w:semiHidden",
            "w:unhideWhenUsed",
            "w:qFormat",
            "w:locked",
            "w:personal",
            "w:personalCompose",
            "w:personalReply",
            "w:rsid",
            "w:pPr",
            "w:rPr",
            "w:tblPr",
            "w:trPr",
            "w:tcPr",
            "w:tblStylePr",
        ],
    ),
    ("w:styles", &["w:docDefaults", "w:latentStyles", "w:style"]),
    ("w:docDefaults", &["w:rPrDefault", "w:pPrDefault"]),
    (
        "w:lvl",
        &[
            "w:start",
            "w:numFmt",
            "w:lvlRestart",
            "w:pStyle",
            "w:isLgl",
            "w:suff",
            "w:lvlText",
            "w:lvlPicBulletId",
            "w:legacy",
            "w:lvlJc",
            "w:pPr",
            "w:rPr",
        ],
    ),
    (
        "w:abstractNum",
        &[
            "w:nsid",
            "w:multiLevelType",
            "w:tmpl",
            "w:name",
            "w:styleLink",
            "w:numStyleLink",
            "w:lvl",
        ],
    ),
    ("w:numbering", &["w:numPicBullet", "w:abstractNum", "w:num"]),
    ("w:num", &["w:abstractNumId", "w:lvlOverride"]),
    ("w:lvlOverride", &["w:startOverride", "w:lvl"]),
    (
        "w:settings",
        &[
            "w:writeProtection",
            "w:view",
            "w:zoom",
            "w:removePersonalInformation",
            "w:removeDateAndTime",
            "w:doNotDisplayPageBoundaries",
            "w:displayBackgroundShape",
            "w:printPostScriptOverText",
            "w:printFractionalCharacterWidth",
            "w:printFormsData",
            "w:embedTrueTypeFonts",
            "w:embedSystemFonts",
            "w:saveSubsetFonts",
            "w:saveFormsData",
            "w:mirrorMargins",
            "w:alignBordersAndEdges",
            "w:bordersDoNotSurroundHeader",
            "w:bordersDoNotSurroundFooter",
            "w:gutterAtTop",
            "w:hideSpellingErrors",
            "w:hideGrammaticalErrors",
            "w:activeWritingStyle",
            "w:proofState",
            "w:formsDesign",
            "w:attachedTemplate",
            "w:linkStyles",
            "w:stylePaneFormatFilter",
            "w:stylePaneSortMethod",
            "w:documentType",
            "w:mailMerge",
            "w:revisionView",
            "w:trackRevisions",
            "w:doNotTrackMoves",
            "w:doNotTrackFormatting",
            "w:documentProtection",
            "w:autoFormatOverride",
            "w:styleLockTheme",
            "w:styleLockQFSet",
            "w:defaultTabStop",
            "w:autoHyphenation",
            "w:consecutiveHyphenLimit",
            "w:hyphenationZone",
            "w:doNotHyphenateCaps",
            "w:showEnvelope",
            "w:summaryLength",
            "w:clickAndTypeStyle",
            "w:defaultTableStyle",
            "w:evenAndOddHeaders",
            "w:bookFoldRevPrinting",
            "w:bookFoldPrinting",
            "w:bookFoldPrintingSheets",
            "w:drawingGridHorizontalSpacing",
            "w:drawingGridVerticalSpacing",
            "w:displayHorizontalDrawingGridEvery",
            "w:displayVerticalDrawingGridEvery",
            "w:doNotUseMarginsForDrawingGridOrigin",
            "w:drawingGridHorizontalOrigin",
            "w:drawingGridVerticalOrigin",
            "w:doNotShadeFormData",
            "w:noPunctuationKerning",
            "w:characterSpacingControl",
            "w:printTwoOnOne",
            "w:strictFirstAndLastChars",
            "w:noLineBreaksAfter",
            "w:noLineBreaksBefore",
            "w:savePreviewPicture",
            "w:doNotValidateAgainstSchema",
            "w:saveInvalidXml",
            "w:ignoreMixedContent",
            "w:alwaysShowPlaceholderText",
            "w:doNotDemarcateInvalidXml",
            "w:saveXmlDataOnly",
            "w:useXSLTWhenSaving",
            "w:saveThroughXslt",
            "w:showXMLTags",
            "w:alwaysMergeEmptyNamespace",
            "w:updateFields",
            "w:hdrShapeDefaults",
            "w:footnotePr",
            "w:endnotePr",
            "w:compat",
            "w:docVars",
            "w:rsids",
        ],
    ),
    (
        "w:pBdr",
        &[
            "w:top",
            "w:left",
            "w:bottom",
            "w:right",
            "w:between",
            "w:bar",
        ],
    ),
    (
        "w:tblBorders",
        &[
            "w:top",
            "w:left",
            "w:bottom",
            "w:right",
            "w:insideH",
            "w:insideV",
        ],
    ),
    ("w:tblCellMar", &["w:top", "w:left", "w:bottom", "w:right"]),
    (
        "w:font",
        &[
            "w:altName",
            "w:panose1",
            "w:charset",
            "w:family",
            "w:notTrueType",
            "w:pitch",
        ],
    ),
    (
        "wp:inline",
        &[
            "wp:extent",
            "wp:effectExtent",
            "wp:docPr",
            "wp:cNvGraphicFramePr",
            "a:graphic",
        ],
    ),
];

/// Finding 1: every child of every parent element listed in [`ORDER`], in
/// every XML part, is one the schema allows there and comes in the
/// schema's order.
#[test]
fn element_order() {
    let zip = render(MD, true);
    let order: BTreeMap<&str, &[&str]> = ORDER.iter().copied().collect();
    let mut checked = 0;
    for (name, data) in parts(&zip) {
        if !name.ends_with(".xml") || !name.starts_with("word/") {
            continue;
        }
        let root = parse_xml(&data);
        walk(&root, &mut |el| {
            let Some(allowed) = order.get(el.name.as_str()) else {
                return;
            };
            checked += 1;
            let mut last = 0;
            for kid in &el.kids {
                let at = allowed
                    .iter()
                    .position(|a| a.split('|').any(|a| a == kid.name))
                    .unwrap_or_else(|| panic!("{name}: <{}> may not hold <{}>", el.name, kid.name));
                assert!(
                    at >= last,
                    "{name}: in <{}>, <{}> comes after <{}>: {:?}",
                    el.name,
                    kid.name,
                    allowed[last],
                    el.kids.iter().map(|k| k.name.as_str()).collect::<Vec<_>>()
                );
                last = at;
            }
        });
    }
    assert!(checked > 200, "the sample exercises the writer ({checked})");
}

/// Bookmark names and link anchors in `word/document.xml`.
fn bookmarks_and_anchors(document: &str) -> (Vec<String>, Vec<String>) {
    let root = parse_xml(document);
    let (mut names, mut anchors) = (Vec::new(), Vec::new());
    walk(&root, &mut |el| match el.name.as_str() {
        "w:bookmarkStart" => names.push(el.attrs["w:name"].clone()),
        "w:hyperlink" => {
            if let Some(a) = el.attrs.get("w:anchor") {
                anchors.push(a.clone());
            }
        }
        _ => {}
    });
    (names, anchors)
}

/// Finding 2: a bookmark per heading, named from the id the HTML page gives
/// it, so each link of the page lands on the same heading in Word.
#[test]
fn every_heading_has_its_own_bookmark_and_links_land() {
    let zip = render(MD, false);
    let p = parts(&zip);
    let (names, anchors) = bookmarks_and_anchors(&get(&p, "word/document.xml"));
    let headings = MD.lines().filter(|l| l.starts_with('#')).count();
    assert_eq!(names.len(), headings, "{names:?}");
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "unique: {names:?}");
    for n in &names {
        assert!(n.len() <= 40, "{n}");
        assert!(n.starts_with(|c: char| c.is_ascii_alphabetic()), "{n}");
        assert!(
            n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{n}"
        );
    }
    for n in ["same_heading", "same_heading_2", "same_heading_3", "x_y"] {
        assert!(names.contains(&n.to_string()), "{n} in {names:?}");
    }
    // `{#x_y}` is not `{#x-y}`.
    assert!(names.contains(&bookmark_name("x_y")) && bookmark_name("x_y") != "x_y");
    // Every in-document link lands on a bookmark (or Word's own top).
    for a in &anchors {
        assert!(
            names.contains(a) || a == TOP,
            "link to {a} lands: {names:?}"
        );
    }
    assert!(anchors.contains(&"same_heading_2".to_string()));
    assert!(anchors.contains(&"same_heading_3".to_string()));
    // The link into the other document names that heading's bookmark.
    let rels = get(&p, "word/_rels/document.xml.rels");
    assert!(rels.contains("Target=\"other.docx\""), "{rels}");
    assert!(anchors.contains(&"same_heading_2".to_string()));
    // A script link is text only, as on the HTML page.
    assert!(!rels.contains("javascript"), "{rels}");
}

#[test]
fn bookmark_names_are_word_safe_and_distinct() {
    assert_eq!(bookmark_name("purpose"), "purpose");
    assert_eq!(bookmark_name("same-heading-2"), "same_heading_2");
    let cases = [
        "1-purpose-scope",
        "x_y",
        "x-y",
        "MixedCase",
        "mixedcase",
        "a.b:c",
        "a-b-c",
        "_hidden",
        "ünïcödé",
        &"very-long-anchor-".repeat(5),
        &"very-long-anchor-".repeat(6),
    ];
    let names: BTreeSet<String> = cases
        .iter()
        .map(|c| bookmark_name(c).to_ascii_lowercase())
        .collect();
    assert_eq!(names.len(), cases.len(), "{names:?}");
    for c in cases {
        let n = bookmark_name(c);
        assert!(
            n.len() <= 40 && n.starts_with(|c: char| c.is_ascii_alphabetic()),
            "{n}"
        );
        assert_eq!(n, bookmark_name(c), "stable");
    }
}

/// The text of every `w:t` in a part, concatenated per paragraph.
fn paragraphs(xml: &str) -> Vec<String> {
    xml.split("<w:p>")
        .skip(1)
        .map(|p| {
            let p = &p[..p.find("</w:p>").unwrap_or(p.len())];
            p.split("<w:t xml:space=\"preserve\">")
                .skip(1)
                .map(|t| &t[..t.find("</w:t>").unwrap_or(0)])
                .collect::<String>()
        })
        .collect()
}

/// Finding 3: raw HTML is shown as typed, as on the HTML page.
#[test]
fn raw_html_is_shown_as_text() {
    let zip = render(MD, false);
    let paras = paragraphs(&get(&parts(&zip), "word/document.xml"));
    for want in [
        "Text &lt;b&gt;bold?&lt;/b&gt; &lt;span&gt;s&lt;/span&gt; &lt;!-- comment --&gt; end &lt;a href=&quot;javascript:alert(1)&quot;&gt;js&lt;/a&gt;.",
        "&lt;!-- block comment --&gt;",
        "&lt;details&gt;&lt;summary&gt;Sum&lt;/summary&gt;Hidden body&lt;/details&gt;",
    ] {
        assert!(paras.iter().any(|p| p == want), "{want} in {paras:#?}");
    }
}

/// Finding 4: heading levels 5 and 6 keep their level; a footnote is a Word
/// footnote; a list item's second paragraph stays in the item.
#[test]
fn deep_headings_footnotes_and_list_paragraphs() {
    let zip = render(MD, false);
    let p = parts(&zip);
    let document = get(&p, "word/document.xml");
    let styles = get(&p, "word/styles.xml");
    for n in 5..=6 {
        assert!(document.contains(&format!("<w:pStyle w:val=\"Heading{n}\" />")));
        assert!(styles.contains(&format!("<w:name w:val=\"heading {n}\" />")));
        assert!(styles.contains(&format!("<w:outlineLvl w:val=\"{}\" />", n - 1)));
    }

    // The footnote: a reference in the text, its text in footnotes.xml.
    assert!(document.contains("<w:footnoteReference w:id=\"1\" />"));
    let paras = paragraphs(&document);
    assert!(
        !paras.iter().any(|t| t.contains("The footnote text")),
        "the footnote text is not a body paragraph"
    );
    let notes = get(&p, "word/footnotes.xml");
    assert!(notes.contains("<w:footnote w:id=\"1\">"), "{notes}");
    assert!(notes.contains("<w:footnoteRef />"), "{notes}");
    assert!(notes.contains("The footnote text with ") && notes.contains(">bold<"));
    assert!(get(&p, "word/_rels/document.xml.rels").contains("Target=\"footnotes.xml\""));
    assert!(get(&p, "[Content_Types].xml").contains("/word/footnotes.xml"));

    // "Continuation of two." is in the list item: list style, the item's
    // text indent, no number of its own.
    let at = document.find("Continuation of two.").expect("continuation");
    let para = &document[document[..at].rfind("<w:p>").expect("its paragraph")..at];
    assert!(
        para.contains("<w:pStyle w:val=\"ListParagraph\" />"),
        "{para}"
    );
    assert!(!para.contains("<w:numPr>"), "{para}");
    let item = &document[..document.find("Bullet two").expect("item")];
    let item = &item[item.rfind("<w:p>").expect("item paragraph")..];
    assert!(
        item.contains("<w:ind w:left=\"720\" w:hanging=\"360\" />"),
        "{item}"
    );
    assert!(para.contains("<w:ind w:left=\"720\" />"), "{para}");
}

/// Finding 1 (package): no part is left unreferenced, every relationship
/// and content type names a part that is there.
#[test]
fn package_parts_are_all_referenced() {
    for md in [MD, "# Plain\n\nNo footnote.\n"] {
        let zip = render(md, true);
        let p = parts(&zip);
        let names: BTreeSet<&str> = p.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(p[0].0, "[Content_Types].xml");
        let types = get(&p, "[Content_Types].xml");
        let mut reached: BTreeSet<String> = BTreeSet::new();
        for (name, data) in &p {
            let Some(source) = name.strip_suffix(".rels") else {
                continue;
            };
            let base = source
                .replace("_rels/", "")
                .rsplit_once('/')
                .map(|(d, _)| format!("{d}/"))
                .unwrap_or_default();
            for target in data.split("Target=\"").skip(1) {
                let target = &target[..target.find('"').expect("quote")];
                if data.contains(&format!("Target=\"{target}\" TargetMode=\"External\"")) {
                    continue;
                }
                let full = format!("{base}{target}");
                assert!(names.contains(full.as_str()), "{name} → {full}");
                reached.insert(full);
            }
        }
        for name in &names {
            if name.ends_with(".rels") || *name == "[Content_Types].xml" {
                continue;
            }
            assert!(reached.contains(*name), "{name} is referenced");
            if name.ends_with(".xml") {
                assert!(
                    types.contains(&format!("PartName=\"/{name}\"")),
                    "{name} type"
                );
            }
        }
        for over in types.split("PartName=\"/").skip(1) {
            let part = &over[..over.find('"').expect("quote")];
            assert!(names.contains(part), "override for {part}");
        }
        assert!(!names.contains("word/comments.xml"));
        assert_eq!(
            names.contains("word/footnotes.xml"),
            md.contains("[^1]"),
            "footnotes part only with footnotes"
        );
    }
}

/// Finding 5: default styles, and a decorative logo.
#[test]
fn default_styles_and_decorative_logo() {
    let zip = render(MD, true);
    let p = parts(&zip);
    let styles = get(&p, "word/styles.xml");
    for s in [
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">",
        "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">",
        "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">",
    ] {
        assert!(styles.contains(s), "{s}");
    }
    let header = get(&p, "word/header1.xml");
    assert!(header.contains("<adec:decorative"), "{header}");
    assert!(header.contains("uri=\"{C183D7F6-B498-43B3-948B-1728B52AA6E4}\""));
}

#[test]
fn same_input_same_bytes() {
    assert_eq!(render(MD, true), render(MD, true));
}

#[test]
fn tint_and_accent() {
    assert_eq!(accent_hex("#0b5394"), "0B5394");
    assert_eq!(accent_hex("blue"), DEFAULT_ACCENT);
    assert_eq!(tint("000000", 1.0), "FFFFFF");
    assert_eq!(tint("FF0000", 0.5), "FF8080");
}
