//! PDF writer checks against the real tools: poppler's `pdftotext`, `pdfinfo`,
//! `pdffonts` and `qpdf --check`. Where a tool is missing the check says so
//! and is skipped (CI installs poppler-utils and qpdf), so a developer machine
//! without them still runs the in-process checks.
//!
//! Set `HICP_PDF_OUT=/some/dir` to keep the sample PDFs for looking at.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use hicp::model::{DocKind, DocMeta, PackInfo, PaperSize, RenderedDoc};
use hicp::writers::pdf::{render_binder, render_document};

fn meta(id: &str, title: &str, kind: DocKind) -> DocMeta {
    DocMeta {
        id: id.to_string(),
        title: title.to_string(),
        kind,
        audience: "All workforce members".into(),
        description: format!("{title} of Clínica Añil"),
        practices: vec!["2.M.A".into(), "3.M.B".into()],
        order: 1,
        version: "1.0".into(),
        status_label: "DRAFT".into(),
        effective_date: "2026-01-28".into(),
        next_review: "2027-01-28".into(),
    }
}

fn pack(paper: PaperSize) -> PackInfo {
    PackInfo {
        organization: "Clínica Añil Straße — Family Health".into(),
        short_name: "Clínica Añil".into(),
        slug: "clinica-anil".into(),
        contact_line: String::new(),
        size: "medium".into(),
        size_rule: "Medium: 51–500 workforce members".into(),
        version: "1.0".into(),
        effective_date: "2026-01-28".into(),
        next_review: "2027-01-28".into(),
        approved: false,
        status_line: "DRAFT — not yet approved".into(),
        paper,
        accent_color: "#1f5f8b".into(),
        logo: None,
        formats: hicp::model::Format::ALL.to_vec(),
        documents: vec![
            meta(
                "access-control-policy",
                "Access Control Policy",
                DocKind::Policy,
            ),
            meta(
                "incident-response-plan",
                "Incident Response Plan",
                DocKind::Plan,
            ),
        ],
    }
}

/// A document like the templates produce, with every construct and plenty of Unicode.
fn long_markdown() -> String {
    let mut md = String::from(
        "# Access Control Policy\n\n\
| Document control | Detail |\n|---|---|\n\
| Organization | Clínica Añil Straße — Family Health |\n\
| Document ID | access-control-policy |\n\
| Status | DRAFT: not yet approved |\n\
| Document owner | Dr. Zoë Ñúñez, Privacy Officer (privacy-officer@clinica-anil-family-health.example.org) |\n\
| HICP sub-practices | 2.M.A, 3.M.B |\n\n\
## Purpose {#purpose}\n\n\
This policy sets how **Clínica Añil** grants, reviews and removes access to systems holding *electronic protected health information* (ePHI). \
It uses “smart quotes”, an em dash — and an en dash – and costs of 5 € and § 164.312 references. See [the incident plan](incident-response-plan.md#reporting) \
and [scope](#scope) and <https://www.hhs.gov/about/agencies/asa/ocio/hc3/index.html>. Escaped \\*stars\\* and \\<angle\\> stay literal; `code` too.\n\n\
## Scope\n\n\
- Every workforce member, including volunteers and contractors\n\
- Every system that stores ePHI:\n  - the EHR\n  - the practice-management system\n    - nested three deep\n\
- Devices: laptops, tablets and phones\n\n\
1. First numbered step\n2. Second numbered step with a long e-mail address helpdesk-escalations@clinica-anil-family-health.example.org inside it\n\n\
> A quoted requirement from the HICP guidance, set in a block quote so it stands apart from the policy text.\n\n\
---\n\n\
### Contacts {#contacts}\n\n\
| Role | Name | E-mail | Phone | Web |\n|---|---|---|---|---|\n",
    );
    for i in 0..70 {
        md.push_str(&format!(
            "| Role {i} | Zoë Ñúñez-Straße {i} | someone.with.a.very.long.mailbox.name{i}@clinica-anil-family-health.example.org | +1 555 010 {i:04} | https://intranet.clinica-anil.example.org/contacts/role-{i}/details |\n"
        ));
    }
    md.push_str("\n## Procedure {#procedure}\n\n");
    for i in 0..25 {
        md.push_str(&format!(
            "Paragraph {i}: access is granted on the principle of least privilege; managers request it, the security officer approves it, \
and IT provisions it within two business days. Reviews happen quarterly and every finding is tracked to closure, with evidence kept for six years. \
Supercalifragilisticexpialidociousandevenlongerwordwithoutanybreakopportunityatallthatmustbreak{i}.\n\n"
        ));
    }
    md.push_str("## Revision history {#revision-history}\n\n| Version | Date | Change | Approved by |\n|---|---|---|---|\n| 1.0 | 2026-01-28 | Issued | Pending approval (DRAFT) |\n");
    md
}

fn doc() -> RenderedDoc {
    RenderedDoc {
        meta: meta(
            "access-control-policy",
            "Access Control Policy",
            DocKind::Policy,
        ),
        markdown: long_markdown(),
    }
}

fn tool(name: &str) -> bool {
    let ok = Command::new(name).arg("-v").output().is_ok()
        || Command::new(name).arg("--version").output().is_ok();
    if !ok {
        eprintln!("{name} not installed: check skipped");
    }
    ok
}

fn write_tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::var_os("HICP_PDF_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("hicp-pdf-test-{}", std::process::id()))
        });
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write pdf");
    path
}

/// A number attribute (`xMin`, …) of a `<word>` line of `pdftotext -bbox`.
fn bbox_attr(line: &str, name: &str) -> f32 {
    let key = format!("{name}=\"");
    let at = line.find(&key).map(|i| i + key.len()).unwrap_or(0);
    line[at..]
        .split('"')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(f32::NAN)
}

fn run(cmd: &str, args: &[&str], path: &Path) -> String {
    let out = Command::new(cmd)
        .args(args)
        .arg(path)
        .output()
        .expect("run tool");
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn document_text_fonts_and_structure() {
    let out = render_document(&doc(), &pack(PaperSize::Letter)).expect("render");
    assert!(out.bytes.starts_with(b"%PDF-1.7"));
    assert!(
        out.warnings.is_empty(),
        "unexpected warnings: {:?}",
        out.warnings
    );
    let path = write_tmp("access-control-policy.pdf", &out.bytes);
    if tool("pdftotext") {
        let text = run("pdftotext", &["-enc", "UTF-8"], &path);
        let text = String::from_utf8(std::fs::read(path.with_extension("txt")).unwrap_or_default())
            .unwrap_or(text);
        for needle in [
            "Access Control Policy",
            "Purpose",
            "Contacts",
            "Revision history",
            "Clínica Añil Straße — Family Health",
            "“smart quotes”",
            "5 €",
            "§ 164.312",
            "Zoë Ñúñez",
            "*stars*",
            "<angle>",
            "Page 1 of",
            "DRAFT",
        ] {
            assert!(text.contains(needle), "pdftotext output lacks {needle:?}");
        }
        let info = run("pdfinfo", &[], &path);
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("page count");
        assert!(pages > 3, "a long document spans pages, got {pages}");
        assert!(info.contains("612 x 792 pts"), "Letter size: {info}");
        assert!(
            info.contains("Title:           Access Control Policy"),
            "{info}"
        );
        assert!(info.contains("Author:          Clínica Añil"), "{info}");
        let fonts = run("pdffonts", &[], &path);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(rows.len() >= 3, "{fonts}");
        for row in rows {
            assert!(
                row.contains("yes yes yes"),
                "every font embedded, subset, with unicode map: {row}"
            );
            assert!(row.contains("+Liberation"), "{row}");
        }
    }
    if tool("pdftotext") {
        // Every word box inside the text block, furniture inside the page's margin band.
        run("pdftotext", &["-bbox", "-enc", "UTF-8"], &path);
        let html = std::fs::read_to_string(path.with_extension("html")).expect("bbox html");
        let mut words = 0;
        for line in html.lines().filter(|l| l.trim_start().starts_with("<word")) {
            words += 1;
            let (x0, x1, y0, y1) = (
                bbox_attr(line, "xMin"),
                bbox_attr(line, "xMax"),
                bbox_attr(line, "yMin"),
                bbox_attr(line, "yMax"),
            );
            assert!(
                x0 >= 72.0 - 0.5 && x1 <= 612.0 - 72.0 + 0.5,
                "word outside the side margins: {line}"
            );
            assert!(
                y0 >= 72.0 - 30.0 && y1 <= 792.0 - 72.0 + 36.0,
                "word outside the page body and furniture: {line}"
            );
        }
        assert!(words > 1000, "expected many words, got {words}");
    }
    // Links: one jump inside the document, one to the other document's file, web links.
    let lo = lopdf::Document::load_mem(&out.bytes).expect("lopdf parses our output");
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for (_, page_id) in lo.get_pages() {
        let page = lo.get_dictionary(page_id).expect("page");
        let Ok(annots) = page.get(b"Annots").and_then(|a| a.as_array()) else {
            continue;
        };
        for a in annots {
            let dict = match a {
                lopdf::Object::Reference(id) => lo.get_dictionary(*id).expect("annot"),
                lopdf::Object::Dictionary(d) => d,
                _ => continue,
            };
            let action = dict.get(b"A").and_then(|a| a.as_dict()).expect("action");
            let s = action.get(b"S").and_then(|s| s.as_name()).expect("S");
            *kinds
                .entry(String::from_utf8_lossy(s).into_owned())
                .or_default() += 1;
        }
    }
    assert_eq!(kinds.get("GoTo"), Some(&1), "{kinds:?}");
    assert_eq!(kinds.get("GoToR"), Some(&1), "{kinds:?}");
    assert!(kinds.get("URI").copied().unwrap_or(0) >= 1, "{kinds:?}");
    if tool("qpdf") {
        let out = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .expect("qpdf");
        assert!(
            out.status.success(),
            "qpdf --check: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let json = Command::new("qpdf")
            .args(["--json", "--json-key=outlines"])
            .arg(&path)
            .output()
            .expect("qpdf json");
        let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("qpdf json");
        // Pre-order walk: (depth, title).
        fn walk(v: &serde_json::Value, depth: usize, out: &mut Vec<(usize, String)>) {
            for e in v.as_array().into_iter().flatten() {
                out.push((depth, e["title"].as_str().unwrap_or_default().to_string()));
                walk(&e["kids"], depth + 1, out);
            }
        }
        let mut entries = Vec::new();
        walk(&json["outlines"], 0, &mut entries);
        let expect: Vec<(usize, String)> = [
            (0, "Access Control Policy"),
            (1, "Purpose"),
            (1, "Scope"),
            (2, "Contacts"),
            (1, "Procedure"),
            (1, "Revision history"),
        ]
        .iter()
        .map(|(d, t)| (*d, t.to_string()))
        .collect();
        assert_eq!(entries, expect, "nested outline in document order");
    }
}

#[test]
fn binder_has_cover_contents_and_all_documents() {
    let mut p = pack(PaperSize::A4);
    p.contact_line = "Calle Mayor 1, Sevilla 41001 · +34 955 000 000 · anil.example".into();
    let docs = vec![
        doc(),
        RenderedDoc {
            meta: meta("incident-response-plan", "Incident Response Plan", DocKind::Plan),
            markdown: "# Incident Response Plan\n\n## Reporting {#reporting}\n\nReport to the [access policy](access-control-policy.md#purpose).\n".into(),
        },
    ];
    let out = render_binder(&docs, &p).expect("binder");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let path = write_tmp("clinica-anil-policy-pack.pdf", &out.bytes);
    if tool("pdftotext") {
        run("pdftotext", &["-enc", "UTF-8"], &path);
        let text = std::fs::read_to_string(path.with_extension("txt")).expect("text");
        for needle in [
            "Cybersecurity Policy Pack",
            "Contents",
            "Incident Response Plan",
            "Reporting",
            "Clínica Añil Straße",
            "Calle Mayor 1, Sevilla 41001 · +34 955 000 000 · anil.example",
        ] {
            assert!(text.contains(needle), "binder text lacks {needle:?}");
        }
        let info = run("pdfinfo", &[], &path);
        assert!(info.contains("595.28 x 841.89 pts"), "A4: {info}");
    }
    if tool("qpdf") {
        let out = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .expect("qpdf");
        assert!(
            out.status.success(),
            "qpdf --check: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn output_is_byte_identical_across_runs_and_threads() {
    let d = doc();
    let p = pack(PaperSize::Letter);
    let a = render_document(&d, &p).expect("render").bytes;
    let b = render_document(&d, &p).expect("render").bytes;
    assert_eq!(a, b, "two renders in one process differ");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (d, p) = (d.clone(), p.clone());
            std::thread::spawn(move || render_document(&d, &p).map(|o| o.bytes).ok())
        })
        .collect();
    for h in handles {
        assert_eq!(
            h.join().expect("thread").as_deref(),
            Some(a.as_slice()),
            "parallel render differs"
        );
    }
    let b1 = render_binder(std::slice::from_ref(&d), &p)
        .expect("binder")
        .bytes;
    let b2 = render_binder(std::slice::from_ref(&d), &p)
        .expect("binder")
        .bytes;
    assert_eq!(b1, b2);
}

#[test]
fn missing_glyph_is_a_warning_naming_the_document() {
    let mut d = doc();
    d.markdown = "# Title\n\nChinese 中文 text.\n".into();
    let out = render_document(&d, &pack(PaperSize::Letter)).expect("render");
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.warnings[0].contains("access-control-policy"));
    assert!(out.warnings[0].contains("U+4E2D"));
}

/// Characters the bundled fonts lack show as boxes, but their text is still
/// right when copied or searched: every lacking glyph is glyph 0, which the
/// `/ToUnicode` map used to turn back into one of them ("北北北北" for
/// "北京协和"), so the text carries `/ActualText` instead.
#[test]
fn characters_the_fonts_lack_copy_out_as_written() {
    let mut d = doc();
    d.markdown = "# Title\n\nThe 北京协和医院 and 서울병원 clinics.\n".into();
    let out = render_document(&d, &pack(PaperSize::Letter)).expect("render");
    assert!(
        !out.warnings.is_empty(),
        "a warning names the lacking characters"
    );
    let path = write_tmp("lacking-glyphs.pdf", &out.bytes);
    assert_qpdf_clean(&path);
    if !tool("pdftotext") {
        return;
    }
    let text = run("pdftotext", &["-enc", "UTF-8"], &path);
    let text = std::fs::read_to_string(path.with_extension("txt")).unwrap_or(text);
    for want in ["北京协和医院", "서울병원"] {
        assert!(
            text.contains(want),
            "{want} is not in the text layer:\n{text}"
        );
    }
    assert!(!text.contains("北北"), "{text}");
}

/// `qpdf --check` passes (skipped when qpdf is not installed).
fn assert_qpdf_clean(path: &Path) {
    if tool("qpdf") {
        let o = Command::new("qpdf")
            .arg("--check")
            .arg(path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    }
}

#[test]
fn logo_is_drawn_in_the_header_and_on_the_cover() {
    let d = doc();
    let mut p = pack(PaperSize::Letter);
    p.logo = Some(hicp::model::Logo {
        mime: "image/png",
        // A filled square on a transparent field.
        bytes: common::rgba_png(60, 20, |x, y| {
            if x > 15 && x < 45 && y > 5 && y < 15 {
                [200, 30, 30, 255]
            } else {
                [0, 0, 0, 0]
            }
        })
        .into(),
    });
    let out = render_document(&d, &p).expect("render");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let binder = render_binder(std::slice::from_ref(&d), &p).expect("binder");
    for (name, bytes) in [
        ("logo-doc.pdf", &out.bytes),
        ("logo-binder.pdf", &binder.bytes),
    ] {
        let path = write_tmp(name, bytes);
        assert_qpdf_clean(&path);
        if tool("pdfimages") {
            let list = run("pdfimages", &["-list"], &path);
            // One image object, shared by every page, with its soft mask.
            let kind = |l: &str| l.split_whitespace().nth(2).map(str::to_string);
            let pages = list
                .lines()
                .filter(|l| kind(l).as_deref() == Some("image"))
                .count();
            let masks = list
                .lines()
                .filter(|l| kind(l).as_deref() == Some("smask"))
                .count();
            assert!(pages >= 2, "{name}: the logo on every page\n{list}");
            assert_eq!(pages, masks, "{name}\n{list}");
            assert!(list.contains("   60    20  rgb"), "{name}\n{list}");
        }
    }
    // A logo PDF cannot read is a warning, and the PDF is still made.
    p.logo = Some(hicp::model::Logo {
        mime: "image/png",
        bytes: b"\x89PNG\r\n\x1a\nbroken".as_slice().into(),
    });
    let out = render_document(&d, &p).expect("render without the logo");
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("branding.logo is not drawn")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn a_face_used_only_for_characters_the_fonts_lack_still_makes_a_pdf() {
    // The only italic and code text is CJK, which no bundled face has: the
    // PDF must still be made (with .notdef boxes and a warning), not fail.
    let d = RenderedDoc {
        meta: meta("cjk", "Policy", DocKind::Policy),
        markdown: "# Policy\n\nPlain text, then *漢字* and `病院`.\n".into(),
    };
    let p = pack(PaperSize::A4);
    let out = render_document(&d, &p).expect("a PDF despite the missing glyphs");
    assert!(
        out.warnings.iter().any(|w| w.contains('漢')),
        "{:?}",
        out.warnings
    );
    let binder = render_binder(std::slice::from_ref(&d), &p).expect("binder");
    for (name, bytes) in [("cjk.pdf", &out.bytes), ("cjk-binder.pdf", &binder.bytes)] {
        let path = write_tmp(name, bytes);
        assert_qpdf_clean(&path);
        if tool("pdftotext") {
            run("pdftotext", &["-enc", "UTF-8"], &path);
            let text = std::fs::read_to_string(path.with_extension("txt")).unwrap_or_default();
            assert!(text.contains("Plain text, then"), "{name}: {text}");
        }
    }
}

/// A long legal name, short name and version stay inside the page: the
/// capitals above the title wrap (a 107-character name ran past the right
/// edge of the page), the running header and the footer's version are cut
/// with an ellipsis, and the footer's left part never reaches "Page X of Y".
#[test]
fn long_names_and_version_stay_inside_the_margins() {
    let mut p = pack(PaperSize::Letter);
    p.organization = "Riverbend Valley Community Hospital District Family Health and Wellness Associates of Southern Oregon, P.C.".into();
    p.short_name = "Riverbend Valley Community Hospital District Family Health ".repeat(8);
    p.version = "1.0-".repeat(1500);
    let mut d = doc();
    d.meta.version = p.version.clone();
    let out = render_document(&d, &p).expect("render");
    let path = write_tmp("long-names.pdf", &out.bytes);
    if !tool("pdftotext") {
        return;
    }
    run("pdftotext", &["-bbox", "-enc", "UTF-8"], &path);
    let html = std::fs::read_to_string(path.with_extension("html")).expect("bbox html");
    let (mut page, mut saw_oregon, mut footer) = (0, false, Vec::new());
    for line in html.lines() {
        if line.trim_start().starts_with("<page") {
            page += 1;
        }
        if !line.trim_start().starts_with("<word") {
            continue;
        }
        let (x0, x1, y0) = (
            bbox_attr(line, "xMin"),
            bbox_attr(line, "xMax"),
            bbox_attr(line, "yMin"),
        );
        assert!(
            x0 >= 72.0 - 0.5 && x1 <= 612.0 - 72.0 + 0.5,
            "word outside the side margins: {line}"
        );
        saw_oregon |= page == 1 && line.contains(">OREGON,<");
        // The footer band of the first page: its words must not overlap.
        if page == 1 && y0 > 720.0 {
            footer.push((x0, x1, line.to_string()));
        }
    }
    assert!(saw_oregon, "the whole name is above the title, wrapped");
    footer.sort_by(|a, b| a.0.total_cmp(&b.0));
    for pair in footer.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0 + 0.5,
            "footer words overlap:\n{}\n{}",
            pair[0].2,
            pair[1].2
        );
    }
    assert!(
        footer.iter().any(|w| w.2.contains(">Page<")),
        "page number in the footer"
    );
}

/// Text the way some editors write it: accents as separate combining marks
/// (macOS, copy-paste), a soft hyphen, a direction mark, a zero-width joiner
/// and a variation selector. The PDF sets each character as a glyph, so the
/// marks landed on the wrong letter and the invisible ones showed as a
/// hyphen, an arrow or a bar. And a line of code spans: the space before
/// each was set in the mono font's wider space, past the right margin.
#[test]
fn combining_marks_compose_invisible_characters_vanish_and_code_stays_inside() {
    let mut d = doc();
    let mut md = String::from(
        "# Title\n\nOwner: Zoe\u{308} Nun\u{303}ez Ame\u{301}lie of Shred\u{ad}Right\u{200e} Co\u{200d}op\u{fe0f}.\n\n",
    );
    for _ in 0..12 {
        md.push_str("and the approval is recorded in the profile (`documents.approved_by` and `documents.approved_on`) and ");
    }
    md.push('\n');
    d.markdown = md;
    let out = render_document(&d, &pack(PaperSize::Letter)).expect("render");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let path = write_tmp("combining.pdf", &out.bytes);
    if !tool("pdftotext") {
        return;
    }
    run("pdftotext", &["-enc", "UTF-8"], &path);
    let text = std::fs::read_to_string(path.with_extension("txt")).expect("text");
    assert!(text.contains("Zoë Nuñez Amélie"), "{text}");
    assert!(text.contains("ShredRight Coop."), "{text}");
    run("pdftotext", &["-bbox", "-enc", "UTF-8"], &path);
    let html = std::fs::read_to_string(path.with_extension("html")).expect("bbox html");
    for line in html.lines().filter(|l| l.trim_start().starts_with("<word")) {
        assert!(
            bbox_attr(line, "xMax") <= 612.0 - 72.0 + 0.5,
            "word past the right margin: {line}"
        );
    }
}

/// What `pdftotext -layout` reads from the registers that a wide table and
/// long tokens used to break: the asset register's eleven headers whole
/// ("Hostnam" / "e" was read), a 200-character vendor name broken only
/// with hyphens, and every vendor's finding on a few lines of its own
/// column, so that 40 vendors take a few pages (a page held six).
#[test]
fn register_headers_stay_whole_and_long_tokens_break() {
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
        "# Registers\n\n## Assets\n\n| {} |\n|{}\n",
        head.join(" | "),
        "---|".repeat(head.len())
    );
    md.push_str(&format!("|{}\n\n", " |".repeat(head.len())));
    md.push_str("## Vendors\n\n| Vendor | Service | PHI access | BAA signed | Contact | Finding |\n|---|---|---|---|---|---|\n");
    md.push_str(&format!(
        "| {} | hosting | Yes | Yes | {}@vendor.example | BAA on file |\n",
        "V".repeat(200),
        "c".repeat(100)
    ));
    for i in 0..40 {
        md.push_str(&format!(
            "| Vendor {i:02} | service {i} | Yes | No | v{i}@example.com | PHI access without a BAA: no PHI sent until a BAA is signed |\n"
        ));
    }
    for paper in [PaperSize::Letter, PaperSize::A4] {
        let mut d = doc();
        d.markdown = md.clone();
        let out = render_document(&d, &pack(paper)).expect("render");
        let path = write_tmp(&format!("registers-{paper:?}.pdf"), &out.bytes);
        if !tool("pdftotext") {
            return;
        }
        run("pdftotext", &["-layout", "-enc", "UTF-8"], &path);
        let text = std::fs::read_to_string(path.with_extension("txt")).expect("text");
        let words: Vec<&str> = text.split_whitespace().collect();
        for word in head.iter().flat_map(|h| h.split_whitespace()) {
            assert!(
                words.contains(&word),
                "{paper:?}: {word:?} is not whole:\n{text}"
            );
        }
        assert!(
            !words
                .iter()
                .any(|w| ["Hostnam", "Purchas", "Operatin"].contains(w)),
            "{paper:?}:\n{text}"
        );
        let v_parts: Vec<&&str> = words.iter().filter(|w| w.starts_with("VV")).collect();
        assert!(v_parts.len() > 1, "{paper:?}: the name is not broken");
        for part in &v_parts[..v_parts.len() - 1] {
            assert!(
                part.ends_with('-'),
                "{paper:?}: {part:?} broken without a hyphen"
            );
        }
        let pages = text.matches('\u{c}').count();
        assert!(pages <= 5, "{paper:?}: {pages} pages");
    }
}

/// The structure tree of a tagged PDF read back with lopdf: each element's
/// type, in document order with its depth, and the (page, MCID) pairs and
/// annotations it holds; checked against the pages' content streams and
/// the parent tree.
fn check_tagged(bytes: &[u8]) -> Vec<(usize, String)> {
    use lopdf::Object;
    let lo = lopdf::Document::load_mem(bytes).expect("lopdf parses our output");
    let catalog = lo.catalog().expect("catalog");
    let marked = catalog
        .get(b"MarkInfo")
        .and_then(|m| m.as_dict())
        .and_then(|m| m.get(b"Marked"))
        .and_then(|m| m.as_bool());
    assert_eq!(marked.ok(), Some(true), "/MarkInfo <</Marked true>>");
    assert!(catalog.get(b"Metadata").is_ok(), "XMP metadata");
    let root_id = catalog
        .get(b"StructTreeRoot")
        .and_then(|r| r.as_reference())
        .expect("StructTreeRoot");
    let root = lo.get_dictionary(root_id).expect("root");
    let parent_tree = match root.get(b"ParentTree").expect("ParentTree") {
        Object::Reference(id) => lo.get_dictionary(*id).expect("parent tree"),
        Object::Dictionary(d) => d,
        _ => panic!("ParentTree"),
    };
    let nums = parent_tree
        .get(b"Nums")
        .and_then(|n| n.as_array())
        .expect("Nums");
    let mut parents = std::collections::BTreeMap::new();
    for pair in nums.chunks(2) {
        parents.insert(pair[0].as_i64().expect("key"), pair[1].clone());
    }
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().values().copied().collect();
    let page_no = |id: lopdf::ObjectId| pages.iter().position(|p| *p == id).expect("page");
    // Walk the tree.
    let mut order = Vec::new();
    let mut mcrs = std::collections::BTreeMap::<(usize, i64), lopdf::ObjectId>::new();
    let mut objrs = std::collections::BTreeMap::<lopdf::ObjectId, lopdf::ObjectId>::new();
    let mut roles = std::collections::BTreeMap::<lopdf::ObjectId, String>::new();
    #[allow(clippy::too_many_arguments)]
    fn walk(
        lo: &lopdf::Document,
        id: lopdf::ObjectId,
        depth: usize,
        page_no: &dyn Fn(lopdf::ObjectId) -> usize,
        order: &mut Vec<(usize, String)>,
        mcrs: &mut std::collections::BTreeMap<(usize, i64), lopdf::ObjectId>,
        objrs: &mut std::collections::BTreeMap<lopdf::ObjectId, lopdf::ObjectId>,
        roles: &mut std::collections::BTreeMap<lopdf::ObjectId, String>,
    ) {
        let e = lo.get_dictionary(id).expect("element");
        let s =
            String::from_utf8_lossy(e.get(b"S").and_then(|s| s.as_name()).expect("S")).into_owned();
        if s == "TH" {
            let a = e
                .get(b"A")
                .and_then(|a| a.as_dict())
                .expect("TH has attributes");
            assert_eq!(
                a.get(b"Scope").and_then(|s| s.as_name()).ok(),
                Some(&b"Column"[..])
            );
        }
        roles.insert(id, s.clone());
        order.push((depth, s));
        let pg = e.get(b"Pg").and_then(|p| p.as_reference()).ok();
        let kids = match e.get(b"K") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(k) => vec![k.clone()],
            Err(_) => Vec::new(),
        };
        for kid in kids {
            match kid {
                Object::Integer(mcid) => {
                    let key = (page_no(pg.expect("/Pg for an MCID")), mcid);
                    assert!(
                        mcrs.insert(key, id).is_none(),
                        "MCID {key:?} twice in the tree"
                    );
                }
                Object::Reference(k) => {
                    let kd = lo.get_dictionary(k).expect("kid");
                    assert_eq!(kd.get(b"P").and_then(|p| p.as_reference()).ok(), Some(id));
                    walk(lo, k, depth + 1, page_no, order, mcrs, objrs, roles);
                }
                Object::Dictionary(d) => {
                    let t = d.get(b"Type").and_then(|t| t.as_name()).expect("Type");
                    if t == b"OBJR" {
                        objrs.insert(
                            d.get(b"Obj").and_then(|o| o.as_reference()).expect("Obj"),
                            id,
                        );
                    } else {
                        let page = d.get(b"Pg").and_then(|p| p.as_reference()).expect("Pg");
                        let mcid = d.get(b"MCID").and_then(|m| m.as_i64()).expect("MCID");
                        assert!(mcrs.insert((page_no(page), mcid), id).is_none());
                    }
                }
                other => panic!("unexpected kid {other:?}"),
            }
        }
    }
    let kids = match root.get(b"K").expect("K") {
        Object::Array(a) => a.clone(),
        k => vec![k.clone()],
    };
    for k in kids {
        let id = k.as_reference().expect("element ref");
        walk(
            &lo, id, 0, &page_no, &mut order, &mut mcrs, &mut objrs, &mut roles,
        );
    }
    // Every MCID of every page is in the tree once, and the parent tree
    // names the same element; text is drawn only inside marked content.
    let mut seen = 0;
    for (i, page_id) in pages.iter().enumerate() {
        let page = lo.get_dictionary(*page_id).expect("page");
        let key = page
            .get(b"StructParents")
            .and_then(|k| k.as_i64())
            .expect("StructParents");
        assert_eq!(
            page.get(b"Tabs").and_then(|t| t.as_name()).ok(),
            Some(&b"S"[..])
        );
        let content = lo.get_page_content(*page_id);
        let ops = lopdf::content::Content::decode(&content)
            .expect("decode")
            .operations;
        let mut depth = 0;
        for op in &ops {
            match op.operator.as_str() {
                "BDC" | "BMC" => {
                    depth += 1;
                    if let Some(Object::Dictionary(d)) = op.operands.get(1)
                        && let Ok(mcid) = d.get(b"MCID").and_then(|m| m.as_i64())
                    {
                        seen += 1;
                        let el = mcrs
                            .get(&(i, mcid))
                            .unwrap_or_else(|| panic!("page {i} MCID {mcid} not in the tree"));
                        let arr = parents[&key].as_array().expect("page's parent array");
                        assert_eq!(arr[mcid as usize].as_reference().ok(), Some(*el));
                    }
                }
                "EMC" => depth -= 1,
                "TJ" | "Tj" | "Do" => {
                    assert!(depth > 0, "page {i}: content outside marked content")
                }
                _ => {}
            }
        }
        assert_eq!(depth, 0, "balanced marked content");
        // Link annotations: owned by a Link element, with a description.
        if let Ok(annots) = page.get(b"Annots").and_then(|a| a.as_array()) {
            for a in annots {
                let aid = a.as_reference().expect("annot ref");
                let ad = lo.get_dictionary(aid).expect("annot");
                assert!(ad.get(b"Contents").is_ok(), "link without /Contents");
                let sp = ad
                    .get(b"StructParent")
                    .and_then(|s| s.as_i64())
                    .expect("StructParent");
                let el = parents[&sp].as_reference().expect("element");
                assert_eq!(roles.get(&el).map(String::as_str), Some("Link"));
                assert_eq!(
                    objrs.get(&aid),
                    Some(&el),
                    "the Link element holds the annotation"
                );
            }
        }
    }
    assert_eq!(seen, mcrs.len(), "every MCID in the tree is on a page");
    // Headings go down one level at a time.
    let mut last = 0;
    for (_, s) in &order {
        if s == "Sect" {
            last = 0;
        }
        if let Some(n) = s.strip_prefix('H').and_then(|n| n.parse::<u32>().ok()) {
            assert!(n <= last + 1, "H{n} after H{last}");
            last = n;
        }
    }
    order
}

#[test]
fn document_and_binder_are_tagged() {
    let out = render_document(&doc(), &pack(PaperSize::Letter)).expect("render");
    let order = check_tagged(&out.bytes);
    let has = |s: &str| order.iter().any(|(_, r)| r == s);
    for role in [
        "Document",
        "H1",
        "H2",
        "H3",
        "P",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "Link",
        "BlockQuote",
    ] {
        assert!(has(role), "no {role} element");
    }
    let path = write_tmp("tagged-access-control-policy.pdf", &out.bytes);
    if tool("pdfinfo") {
        let info = run("pdfinfo", &[], &path);
        assert!(info.contains("Tagged:          yes"), "{info}");
        // The tree's text: headings inside their elements, no running
        // header or footer (artifacts).
        let tree = run("pdfinfo", &["-struct-text"], &path);
        let lines: Vec<&str> = tree.lines().collect();
        // An element's text follows it (after its attributes, if any).
        let after = |role: &str, text: &str| {
            (0..lines.len()).any(|i| {
                lines[i].trim_start().starts_with(role)
                    && lines[i + 1..(i + 4).min(lines.len())]
                        .iter()
                        .any(|l| l.contains(text))
            })
        };
        assert!(after("H1", "Access Control Policy"), "{tree}");
        assert!(after("H2", "Purpose"), "{tree}");
        assert!(after("H3", "Contacts"), "{tree}");
        assert!(after("TH", "Role"), "{tree}");
        assert!(!tree.contains("Page 1 of"), "the footer is an artifact");
    }

    let docs = vec![
        doc(),
        RenderedDoc {
            meta: meta("incident-response-plan", "Incident Response Plan", DocKind::Plan),
            markdown: "# Incident Response Plan\n\n## Reporting {#reporting}\n\nReport to the [access policy](access-control-policy.md#purpose).\n\n#### Skipped level\n\nText.\n".into(),
        },
    ];
    let out = render_binder(&docs, &pack(PaperSize::A4)).expect("binder");
    let order = check_tagged(&out.bytes);
    // One tree: the cover, the contents, then a section per document.
    let top: Vec<&str> = order
        .iter()
        .filter(|(d, _)| *d == 1)
        .map(|(_, s)| s.as_str())
        .collect();
    assert_eq!(top, ["Sect", "Sect", "Sect", "Sect"], "{order:?}");
    assert!(order.iter().any(|(_, s)| s == "TOC"));
    assert!(order.iter().filter(|(_, s)| s == "TOCI").count() >= 2);
    // The outline opens on one line per part: documents' headings closed.
    let lo = lopdf::Document::load_mem(&out.bytes).expect("lopdf");
    let outlines = lo
        .catalog()
        .and_then(|c| c.get(b"Outlines"))
        .and_then(|o| o.as_reference())
        .and_then(|id| lo.get_dictionary(id))
        .expect("outline");
    assert_eq!(
        outlines.get(b"Count").and_then(|c| c.as_i64()).ok(),
        Some(4)
    );
    if tool("qpdf") {
        assert_qpdf_clean(&write_tmp("tagged-binder.pdf", &out.bytes));
    }
}
