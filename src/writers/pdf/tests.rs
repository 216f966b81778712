//! Unit tests of the PDF layout, on display-list coordinates.

use super::display::{Item, LinkTarget, Page};
use super::fonts::{Face, fonts};
use super::layout::{ColumnWants, DocContext, Geometry, Layouter, column_widths};
use crate::blocks::parse;
use crate::model::PaperSize;
use std::collections::BTreeSet;
use std::sync::Arc;

fn lay_out(md: &str, paper: PaperSize) -> (Geometry, Vec<Page>, Layouter<'static>) {
    let f = fonts().expect("fonts");
    let geom = Geometry::for_paper(paper);
    let mut lay = Layouter::new(f, geom, super::DEFAULT_ACCENT);
    lay.document(
        DocContext {
            id: "doc".into(),
            kicker: "Org · Policy".into(),
        },
        &parse(md),
    );
    (geom, lay.pages.clone(), lay)
}

fn hostile_markdown() -> String {
    let mut md = String::from(
        "# A title that is rather long and goes on to wrap over more than one line of the page width\n\n",
    );
    md.push_str("| A | B | C | D | E | F |\n|---|---|---|---|---|---|\n");
    for i in 0..60 {
        md.push_str(&format!(
            "| {i} | averyveryveryverylongwordwithoutanybreakopportunitiesatallinit{i} | mailbox.name.{i}@a-very-long-domain-name.example.org | https://example.org/a/very/long/path/that/keeps/going/{i}?q=1&r=2 | x | Short |\n"
        ));
    }
    md.push_str("\n## Section\n\n");
    for i in 0..40 {
        md.push_str(&format!(
            "Paragraph {i} with https://example.org/{}/end and text.\n\n",
            "segment/".repeat(30)
        ));
        md.push_str("- item with Unbreakable");
        md.push_str(&format!(
            "{}\n  - nested `code {}`\n\n",
            "X".repeat(200),
            "y".repeat(150)
        ));
    }
    md.push_str("```\n");
    md.push_str(&"code line that is very long and has no breaks ".repeat(10));
    md.push_str("\n```\n\n> quote ");
    md.push_str(&"w".repeat(300));
    md.push('\n');
    md
}

#[test]
fn nothing_is_set_outside_the_margins() {
    for paper in [PaperSize::Letter, PaperSize::A4] {
        let (g, pages, _) = lay_out(&hostile_markdown(), paper);
        assert!(pages.len() > 3);
        for (pi, page) in pages.iter().enumerate() {
            for item in &page.items {
                if let Item::Text {
                    x,
                    y,
                    width,
                    text,
                    size,
                    ..
                } = item
                {
                    let right = g.width - g.right;
                    assert!(
                        *x >= g.left - 0.01,
                        "page {pi}: {text:?} starts at {x} left of the margin"
                    );
                    assert!(
                        x + width <= right + 0.01,
                        "page {pi}: {text:?} ends at {} past {right}",
                        x + width
                    );
                    assert!(
                        *y - 0.91 * size >= g.top - 0.01,
                        "page {pi}: {text:?} above the top margin"
                    );
                    assert!(
                        *y <= g.height - g.bottom + 0.01,
                        "page {pi}: {text:?} below the bottom margin at {y}"
                    );
                }
            }
        }
    }
}

/// Baselines of body text per page, in order.
fn baselines(page: &Page) -> Vec<f32> {
    let mut ys: Vec<f32> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text { y, size, .. } if (*size - super::layout::BODY).abs() < 0.01 => Some(*y),
            _ => None,
        })
        .collect();
    ys.dedup_by(|a, b| (*a - *b).abs() < 0.01);
    ys
}

#[test]
fn no_single_widow_or_orphan_lines() {
    // Paragraphs of 3–6 lines that fall across page breaks at varying positions.
    let mut md = String::from("# T\n\n");
    for i in 0..80 {
        let words = 40 + (i * 7) % 50;
        md.push_str(&format!(
            "P{i} {}\n\n",
            "lorem ipsum dolor ".repeat(words / 3)
        ));
    }
    let (_, pages, _) = lay_out(&md, PaperSize::Letter);
    // Every page break inside a paragraph leaves >= 2 lines on each side: the
    // first and last two baselines of a page are BODY_LH apart when they
    // belong to the same paragraph (a gap means a paragraph boundary).
    for (pi, page) in pages.iter().enumerate().skip(1) {
        let b = baselines(page);
        if b.len() < 2 {
            continue;
        }
        let lone_top = (b[1] - b[0]) > super::layout::BODY_LH + 0.5;
        let prev = baselines(&pages[pi - 1]);
        let n = prev.len();
        let lone_bottom = n >= 2 && (prev[n - 1] - prev[n - 2]) > super::layout::BODY_LH + 0.5;
        // A lone first line is only allowed when it is the whole paragraph's
        // last line, which the rule forbids: it must not happen.
        let first_is_start = page.items.iter().any(|i| matches!(i, Item::Text { text, y, .. } if text.starts_with('P') && (*y - b[0]).abs() < 0.01));
        assert!(
            !lone_top || first_is_start,
            "page {pi} starts with a widow line"
        );
        let last_is_start = pages[pi - 1]
            .items
            .iter()
            .any(|i| matches!(i, Item::Text { text, y, .. } if text.starts_with('P') && (*y - prev[n - 1]).abs() < 0.01));
        assert!(
            !(lone_bottom && last_is_start),
            "page {} ends with an orphan line",
            pi - 1
        );
    }
}

#[test]
fn headings_are_never_last_on_a_page() {
    let mut md = String::from("# T\n\n");
    for i in 0..60 {
        md.push_str(&format!(
            "## Heading {i}\n\n{}\n\n",
            "text ".repeat(20 + (i * 13) % 90)
        ));
    }
    let (g, pages, _) = lay_out(&md, PaperSize::Letter);
    for (pi, page) in pages.iter().enumerate() {
        let last_heading = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text {
                    y,
                    text,
                    face: Face::Bold,
                    size,
                    ..
                } if *size > 12.0 && text.starts_with("Heading") => Some(*y),
                _ => None,
            })
            .fold(None, |a: Option<f32>, y| Some(a.map_or(y, |a| a.max(y))));
        if let Some(hy) = last_heading {
            let body_after = baselines(page).iter().filter(|y| **y > hy).count();
            assert!(
                body_after >= 2,
                "page {pi}: heading at {hy} has {body_after} lines after it (bottom {})",
                g.body_bottom()
            );
        }
    }
}

#[test]
fn table_header_repeats_on_each_page() {
    let mut md = String::from("# T\n\n| Column one | Column two |\n|---|---|\n");
    for i in 0..150 {
        md.push_str(&format!("| r{i} | value {i} |\n"));
    }
    let (_, pages, _) = lay_out(&md, PaperSize::Letter);
    assert!(pages.len() >= 3);
    for (pi, page) in pages.iter().enumerate() {
        let has = page
            .items
            .iter()
            .any(|i| matches!(i, Item::Text { text, .. } if text == "Column one"));
        assert!(has, "page {pi} lacks the repeated header row");
    }
}

#[test]
fn links_resolve_to_targets() {
    let md = "# T\n\n## Scope {#scope}\n\nSee [scope](#scope), [other](other.md#x) and [web](https://example.org).\n";
    let (_, pages, lay) = lay_out(md, PaperSize::Letter);
    let targets: Vec<&LinkTarget> = pages[0]
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Link { target, .. } => Some(target),
            _ => None,
        })
        .collect();
    assert_eq!(
        targets,
        vec![
            &LinkTarget::Doc {
                doc: "doc".into(),
                anchor: Some("scope".into())
            },
            &LinkTarget::Doc {
                doc: "other".into(),
                anchor: Some("x".into())
            },
            &LinkTarget::Uri("https://example.org".into()),
        ]
    );
    assert!(
        lay.anchors
            .contains_key(&("doc".to_string(), "scope".to_string()))
    );
}

/// Column wants with no per-cell text (widths are shared by natural width).
fn wants(nat: &[f32], min: &[f32], floor: &[f32]) -> ColumnWants {
    ColumnWants {
        nat: nat.to_vec(),
        min: min.to_vec(),
        whole: floor.to_vec(),
        floor: floor.to_vec(),
        cells: Vec::new(),
        pad: 9.5,
    }
}

#[test]
fn narrow_columns_keep_their_natural_width() {
    let min = [30.0, 120.0, 40.0];
    let w = column_widths(&wants(&[40.0, 400.0, 50.0], &min, &min), 400.0);
    assert!((w.iter().sum::<f32>() - 400.0).abs() < 0.1);
    assert_eq!(w[0], 40.0);
    assert_eq!(w[2], 50.0);
}

/// Two columns of long unbroken tokens (minimums 180 each, of a 400 page)
/// and a "Finding" column whose longest word needs 60: the tokens give up
/// width, the word column keeps its word.
#[test]
fn long_tokens_give_up_width_before_ordinary_words() {
    let nat = [600.0, 600.0, 200.0];
    let min = [180.0, 180.0, 60.0];
    let floor = [50.0, 50.0, 60.0];
    let w = column_widths(&wants(&nat, &min, &floor), 400.0);
    assert!((w.iter().sum::<f32>() - 400.0).abs() < 0.1, "{w:?}");
    assert!(w[2] >= 60.0, "{w:?}");
    assert!(w[0] >= 50.0 && w[1] >= 50.0, "{w:?}");
}

/// The same columns with their cells: one row holds a 600-point token in
/// each of the first two columns, forty rows hold 200 points of prose in
/// the third. Width goes where it saves lines: to the prose column, which
/// wraps in every row, not to the tokens that are long in one row.
#[test]
fn width_goes_to_the_column_that_wraps_in_every_row() {
    let mut c = wants(
        &[600.0, 600.0, 200.0],
        &[180.0, 180.0, 60.0],
        &[50.0, 50.0, 60.0],
    );
    c.cells.push(vec![(600.0, 1.0), (600.0, 1.0), (40.0, 1.0)]);
    for _ in 0..40 {
        c.cells.push(vec![(40.0, 1.0), (40.0, 1.0), (190.0, 1.0)]);
    }
    let w = column_widths(&c, 400.0);
    assert!((w.iter().sum::<f32>() - 400.0).abs() < 0.1, "{w:?}");
    assert!(w[2] >= 150.0, "the prose column is squeezed: {w:?}");
    assert!(w[0] >= 50.0 && w[1] >= 50.0, "{w:?}");
}

/// Speed is measured by `scripts/bench.sh`, not asserted here (issue 7).
#[test]
fn hostile_markdown_spans_several_pages() {
    let md = hostile_markdown();
    let (_, pages, _) = lay_out(&md, PaperSize::Letter);
    assert!(pages.len() >= 5, "{} pages", pages.len());
}

/// The facts of a one-document pack, with this accent colour and logo.
fn small_pack(accent: &str, logo: Option<crate::model::Logo>) -> crate::model::PackInfo {
    crate::model::PackInfo {
        organization: "O".into(),
        short_name: "O".into(),
        slug: "o".into(),
        contact_line: String::new(),
        size: "small".into(),
        size_rule: String::new(),
        version: "0.1".into(),
        effective_date: String::new(),
        next_review: String::new(),
        approved: true,
        status_line: String::new(),
        paper: PaperSize::A4,
        accent_color: accent.into(),
        logo,
        formats: crate::model::Format::ALL.to_vec(),
        documents: Vec::new(),
    }
}

#[test]
fn odd_input_renders_without_panicking() {
    use crate::model::{DocKind, DocMeta, RenderedDoc};
    let meta = DocMeta {
        id: "odd".into(),
        title: "Odd".into(),
        kind: DocKind::Form,
        audience: String::new(),
        description: String::new(),
        practices: Vec::new(),
        order: 0,
        version: "0.1".into(),
        status_label: "Approved".into(),
        effective_date: "not a date".into(),
        next_review: String::new(),
    };
    let pack = small_pack("not-a-colour", None);
    for md in [
        "",
        "no heading at all",
        "| a |\n|---|\n",
        "- \n- [ ] task\n\n> \n\n```\n```\n\n[dead](#nowhere) [x](missing.md)\n\n<div>html</div>\n\nfoot[^n]\n\n[^n]: note\n",
        "#\n\n##\n\n|||\n|-|-|\n|||\n",
    ] {
        let doc = RenderedDoc {
            meta: meta.clone(),
            markdown: md.to_string(),
        };
        let out = super::render_document(&doc, &pack).expect("renders");
        assert!(out.bytes.starts_with(b"%PDF"));
    }
    let docs = vec![RenderedDoc {
        meta,
        markdown: "# Odd\n\n[dead](#nowhere)\n".into(),
    }];
    let out = super::render_binder(&docs, &pack).expect("binder");
    assert!(
        out.warnings.iter().any(|w| w.contains("nowhere")),
        "{:?}",
        out.warnings
    );
    assert!(matches!(
        super::render_binder(&[], &pack),
        Err(super::PdfError::EmptyBinder)
    ));
}

#[test]
fn a_logo_is_prepared_once_and_a_bad_one_warns_every_time() {
    use crate::model::Logo;
    let pack = |bytes: Vec<u8>| {
        small_pack(
            "#0b5394",
            Some(Logo {
                mime: "image/png",
                bytes: bytes.into(),
            }),
        )
    };
    // Two RGBA pixels; a third pack with other pixels is another logo.
    let red = pack(super::image::png_file(
        2,
        1,
        6,
        &[0, 200, 0, 0, 255, 0, 0, 0, 0],
    ));
    let blue = pack(super::image::png_file(
        2,
        1,
        6,
        &[0, 0, 0, 200, 255, 0, 0, 0, 0],
    ));
    let mut warnings = BTreeSet::new();
    let first = super::logo_image(&red, &mut warnings).expect("a valid logo");
    let again = super::logo_image(&red.clone(), &mut warnings).expect("a valid logo");
    assert!(
        Arc::ptr_eq(&first, &again),
        "the same image is prepared once"
    );
    let other = super::logo_image(&blue, &mut warnings).expect("a valid logo");
    assert_ne!(*first, *other, "another image is another logo");
    assert!(warnings.is_empty(), "{warnings:?}");
    let broken = pack(b"\x89PNG\r\n\x1a\nnot really".to_vec());
    for _ in 0..2 {
        let mut w = BTreeSet::new();
        assert!(super::logo_image(&broken, &mut w).is_none());
        assert!(
            w.iter()
                .any(|m| m.starts_with("branding.logo is not drawn in the PDFs")),
            "{w:?}"
        );
    }
}

/// The text items of the pages, with their position, face and size.
fn texts(page: &Page) -> impl Iterator<Item = (f32, f32, &str, Face, f32)> {
    page.items.iter().filter_map(|i| match i {
        Item::Text {
            x,
            y,
            text,
            face,
            size,
            ..
        } => Some((*x, *y, text.as_str(), *face, *size)),
        _ => None,
    })
}

/// Pages on which the last heading has nothing after it: a heading is set
/// bold at 11.5 pt or more, or bold italic at 10 pt (level 4); anything else
/// below it (body text, a table's header row) is its content.
fn pages_ending_with_a_heading(
    pages: &[Page],
    outline: &[super::display::OutlineEntry],
) -> Vec<String> {
    let heading = |face: Face, size: f32| {
        (face == Face::Bold && size > 11.4)
            || (face == Face::BoldItalic && (size - 10.0).abs() < 0.01)
    };
    let mut bad = Vec::new();
    for (pi, page) in pages.iter().enumerate() {
        let last = outline
            .iter()
            .filter(|e| e.dest.page == pi)
            .max_by(|a, b| a.dest.y.total_cmp(&b.dest.y));
        if let Some(e) = last {
            let content =
                texts(page).any(|(_, y, _, face, size)| y > e.dest.y && !heading(face, size));
            if !content {
                bad.push(format!("page {}: {:?}", pi + 1, e.title));
            }
        }
    }
    bad
}

/// A heading followed by a table whose first row is three or four lines
/// tall, a paragraph of one to five lines, a list or a one-line lead-in
/// and a table, at every height on the page: the heading always goes with
/// its first content (keep-with-next reserved a fixed 47 pt for a table,
/// so a tall first row moved alone and left the heading at the page foot).
#[test]
fn a_heading_goes_with_its_first_content_at_any_height() {
    let tall = "a cell that wraps over several lines of the narrow column it is set in, \
                and on for a while longer so that the row is three or four lines tall";
    let mut md = String::from("# T\n\n");
    for i in 0..150 {
        md.push_str(&format!(
            "Filler {i} {}\n\n",
            "word ".repeat(3 + (i * 11) % 40)
        ));
        match i % 5 {
            0 => md.push_str(&format!(
                "## Roles {i}\n\n| Role | Person | Duties | Notes |\n|---|---|---|---|\n| Security Officer | Dana Ortiz | {tall} | {tall} |\n| B | C | D | E |\n\n"
            )),
            1 => md.push_str(&format!(
                "## Text {i}\n\n{}\n\n",
                "lorem ipsum dolor ".repeat(1 + (i * 7) % 30)
            )),
            2 => md.push_str(&format!("### List {i}\n\n- one\n- {}\n\n", "two ".repeat(30))),
            3 => md.push_str(&format!(
                "## Lead-in {i}\n\nCircle one answer in each row.\n\n| Q | A | B |\n|---|---|---|\n| {tall} | {tall} | Yes / No |\n\n"
            )),
            _ => md.push_str(&format!("## Then {i}\n\n### Sub {i}\n\n```\ncode\nmore code\n```\n\n")),
        }
    }
    for paper in [PaperSize::Letter, PaperSize::A4] {
        let (_, pages, lay) = lay_out(&md, paper);
        let bad = pages_ending_with_a_heading(&pages, &lay.outline);
        assert!(bad.is_empty(), "{paper:?}: {bad:#?}");
    }
}

/// The riverbend profile with what a hostile profile has: a 200-character
/// vendor name, a 100-character e-mail address and 60 vendors.
fn hostile_profile() -> (String, String) {
    let path = format!(
        "{}/profiles/riverbend-clinic.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let src = std::fs::read_to_string(&path).expect("riverbend profile");
    let start = src.find("vendors:\n").expect("vendors") + "vendors:\n".len();
    let end = start + src[start..].find("\n\n").expect("end of vendors") + 1;
    let mut vendors = format!(
        "  - {{ name: {}, service: long vendor name test, phi_access: true, baa: true, contact: {}@vendor.example }}\n",
        "V".repeat(200),
        "c".repeat(100)
    );
    for i in 0..60 {
        vendors.push_str(&format!(
            "  - {{ name: \"Vendor {i:02} Łódź Ünïcödé\", service: service number {i}, phi_access: {}, baa: {}, contact: v{i}@example.com }}\n",
            i % 2 == 0,
            i % 3 == 0
        ));
    }
    (path, format!("{}{vendors}{}", &src[..start], &src[end..]))
}

/// Every document of a profile's pack, laid out.
fn laid_pack(path: &str, src: &str) -> Vec<super::LaidOut> {
    use crate::model::Format;
    let loaded = crate::profile::load_str(path, src).unwrap_or_else(|e| panic!("{path}: {e}"));
    let library = crate::library::Library::load(&[]).expect("library");
    let tera = crate::render::tera_for(&library).expect("templates");
    let rendered = crate::render::render_pack(&loaded, &library, &tera).expect("renders");
    let logo = crate::pack::read_logo(&loaded).expect("logo");
    let info = crate::pack::pack_info(&loaded, &rendered, &[Format::Pdf], logo);
    rendered
        .documents
        .iter()
        .map(|d| super::lay_out(d, &info).expect("lays out"))
        .collect()
}

/// No page of the example packs, or of a hostile profile's, ends with a
/// heading (riverbend's access-control, backup and incident-response-plan,
/// cascadia's data-classification, lakeside's roles policy and the hostile
/// vendor register did: their tables moved to the next page alone).
#[test]
fn no_page_of_the_example_packs_ends_with_a_heading() {
    let mut profiles: Vec<(String, String)> = [
        "riverbend-clinic",
        "cascadia-regional",
        "lakeside-specialty",
    ]
    .iter()
    .map(|p| {
        let path = format!("{}/profiles/{p}.yaml", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).expect("profile");
        (path, src)
    })
    .collect();
    profiles.push(hostile_profile());
    let mut bad = Vec::new();
    for (path, src) in &profiles {
        for doc in laid_pack(path, src) {
            for b in pages_ending_with_a_heading(&doc.pages, &doc.outline) {
                bad.push(format!("{path} {}: {b}", doc.id));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The words set below the title (not the kicker above it) in text no larger
/// than `max_size`, bold only when `bold`.
fn table_tokens(page: &Page, max_size: f32, bold: bool) -> Vec<(String, f32)> {
    let title = texts(page).find(|t| t.4 > 19.0).map_or(0.0, |t| t.1);
    texts(page)
        .filter(|t| t.1 > title && t.4 <= max_size && (!bold || t.3 == Face::Bold))
        .flat_map(|(_, _, text, _, size)| {
            text.split_whitespace()
                .map(move |t| (t.to_string(), size))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The asset register's eleven columns were set at 8.5 pt with every
/// column narrower than its longest word: "Hostnam/e", "Purchas/e Order",
/// "Operatin/g System". The table is now set a size smaller, so every
/// header word is whole, on Letter and on A4 (narrower).
#[test]
fn a_wide_register_keeps_its_header_words_whole() {
    let head = [
        "Asset ID",
        "Hostname",
        "Purchase Order",
        "Operating System",
        "MAC Address",
        "IP Address",
        "Deployed to (User)",
        "Last Logged on User",
        "Purchase Date",
        "Cost",
        "Physical Location",
    ];
    let mut md = format!(
        "# Register\n\n| {} |\n|{}\n",
        head.join(" | "),
        "---|".repeat(head.len())
    );
    for _ in 0..5 {
        md.push_str(&format!("|{}\n", " |".repeat(head.len())));
    }
    let words: BTreeSet<&str> = head.iter().flat_map(|h| h.split_whitespace()).collect();
    for paper in [PaperSize::Letter, PaperSize::A4] {
        let (_, pages, _) = lay_out(&md, paper);
        let tokens = table_tokens(&pages[0], 8.5, true);
        assert!(!tokens.is_empty(), "{paper:?}: no header row");
        for (t, size) in &tokens {
            assert!(
                words.contains(t.as_str()),
                "{paper:?}: header word broken: {t:?} ({tokens:?})"
            );
            assert!(*size >= 7.0, "{paper:?}: set at {size} pt");
        }
        let set: BTreeSet<&str> = tokens.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(set, words, "{paper:?}");
    }
}

/// Columns too many for their words even at 7 pt: words are broken with a
/// visible hyphen, at a syllable-like point ("Host-name"), never silently.
#[test]
fn words_that_cannot_fit_are_hyphenated() {
    let n = 13;
    let mut md = format!(
        "# T\n\n|{}\n|{}\n",
        " Hostname |".repeat(n),
        "---|".repeat(n)
    );
    md.push_str(&format!("|{}\n", " Purchase |".repeat(n)));
    let (_, pages, _) = lay_out(&md, PaperSize::Letter);
    let tokens: Vec<String> = table_tokens(&pages[0], 8.5, false)
        .into_iter()
        .map(|t| t.0)
        .collect();
    assert!(tokens.iter().any(|t| t.ends_with('-')), "{tokens:?}");
    for t in &tokens {
        assert!(
            ["Hostname", "Host-", "name", "Purchase", "Pur-", "chase"].contains(&t.as_str()),
            "{t:?} in {tokens:?}"
        );
    }
}

/// A 200-character vendor name and a 100-character e-mail address in one
/// row of the vendor register squeezed its "Finding" column to a word's
/// width (a finding took 14 lines, six vendors a page). The long tokens
/// break (the name with hyphens, the e-mail address at any character, as
/// addresses do, without one) and give up width; the findings keep theirs.
#[test]
fn long_tokens_do_not_squeeze_a_prose_column() {
    let finding = "PHI access without a BAA: no PHI sent until a BAA is signed; BAA or end of service within 30 days";
    let mut md = String::from(
        "# Register\n\n| Vendor | Service | PHI access | BAA signed | Contact | Finding |\n|---|---|---|---|---|---|\n",
    );
    md.push_str(&format!(
        "| {} | long vendor name test | Yes | Yes | {}@vendor.example | BAA on file; review at renewal |\n",
        "V".repeat(200),
        "c".repeat(100)
    ));
    for i in 0..60 {
        md.push_str(&format!(
            "| Vendor {i:02} Łódź Ünïcödé | service number {i} | Yes | No | v{i}@example.com | {finding} |\n"
        ));
    }
    for paper in [PaperSize::Letter, PaperSize::A4] {
        let (g, pages, _) = lay_out(&md, paper);
        assert!(pages.len() <= 6, "{paper:?}: {} pages", pages.len());
        let finding_x = texts(&pages[0])
            .find(|(_, _, t, _, _)| *t == "Finding")
            .map(|(x, ..)| x)
            .expect("Finding header");
        let column = g.width - g.right - finding_x;
        assert!(
            column >= 0.25 * g.content_width(),
            "{paper:?}: Finding column {column} pt"
        );
        let all: Vec<&str> = pages.iter().flat_map(|p| texts(p).map(|t| t.2)).collect();
        assert!(
            all.iter()
                .any(|t| t.starts_with("VVV") && t.ends_with("V-")),
            "the name breaks with a hyphen"
        );
        assert!(
            all.contains(&"v7@example.com"),
            "a short e-mail address is whole"
        );
        assert!(
            !all.iter().any(|t| t.starts_with("ccc") && t.ends_with('-')),
            "an e-mail address is not hyphenated"
        );
    }
}

#[test]
fn practices_sort_by_number_then_letters() {
    let mut ids = vec!["10.S.A", "2.S.A", "1.S.B", "1.S.A", "1.M.A"];
    ids.sort_by(|a, b| {
        super::practice_order(a)
            .cmp(&super::practice_order(b))
            .then_with(|| a.cmp(b))
    });
    assert_eq!(ids, ["1.M.A", "1.S.A", "1.S.B", "2.S.A", "10.S.A"]);
}

#[test]
fn font_subset_tags_follow_the_glyphs() {
    use super::fonts::subset_tag;
    let a = subset_tag(Face::Regular, &[(3, ' '), (36, 'A')]);
    let b = subset_tag(Face::Regular, &[(3, ' '), (37, 'B')]);
    assert_eq!(a.len(), 6);
    assert!(a.bytes().all(|c| c.is_ascii_uppercase()), "{a}");
    assert_ne!(a, b);
    assert_eq!(a, subset_tag(Face::Regular, &[(3, ' '), (36, 'A')]));
    assert_ne!(a, subset_tag(Face::Bold, &[(3, ' '), (36, 'A')]));
}
