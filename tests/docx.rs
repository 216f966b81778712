//! DOCX writer checks: the OOXML structure (read straight from the zip, whose
//! parts docx-rs stores uncompressed), an independent reader (pandoc
//! `-f docx -t plain`, skipped with a note when pandoc is missing; CI installs
//! it with `pip install pypandoc-binary`), and deterministic bytes.
//!
//! Set `HICP_DOCX_OUT=/some/dir` to keep the sample files for looking at.

use std::path::PathBuf;
use std::process::Command;

use hicp::model::{DocKind, DocMeta, PackInfo, PaperSize, RenderedDoc};

// The writer is compiled into this test straight from its source file, with
// the three crate paths it uses re-exported, so this test builds whether or
// not `pub mod docx;` is declared in src/writers/mod.rs yet. Once it is, these
// lines can become `use hicp::writers::docx::render_document;`.
mod blocks {
    pub use hicp::blocks::*;
}
mod model {
    pub use hicp::model::*;
}
mod writers {
    pub use hicp::writers::*;
}
#[path = "../src/writers/docx.rs"]
#[allow(dead_code)]
mod docx;
use docx::render_document;

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

/// Heading texts of the sample document, checked in every reader.
const HEADINGS: &[&str] = &[
    "Access Control Policy",
    "Purpose",
    "Scope",
    "Contacts",
    "Procedure",
    "Revision history",
];

/// Profile values (and Unicode) that must survive into the text.
const VALUES: &[&str] = &[
    "Clínica Añil Straße — Family Health",
    "Dr. Zoë Ñúñez, Privacy Officer",
    "privacy-officer@clinica-anil.example.org",
    "“smart quotes”",
    "5 €",
    "§ 164.312",
    "2.M.A, 3.M.B",
    "helpdesk-escalations@clinica-anil.example.org",
    "Role 7",
    "+1 555 010 0007",
    "Fish & <Chips>",
];

fn markdown() -> String {
    let mut md = String::from(
        "# Access Control Policy\n\n\
| Document control | Detail |\n|---|---|\n\
| Organization | Clínica Añil Straße — Family Health |\n\
| Document ID | access-control-policy |\n\
| Status | DRAFT: not yet approved |\n\
| Document owner | Dr. Zoë Ñúñez, Privacy Officer (privacy-officer@clinica-anil.example.org) |\n\
| HICP sub-practices | 2.M.A, 3.M.B |\n\n\
## Purpose {#purpose}\n\n\
This policy sets how **Clínica Añil** grants and removes access to *electronic protected health information* (ePHI), \
with ~~old wording~~ and `code` runs. It uses “smart quotes”, an em dash — an en dash – and costs of 5 € and § 164.312. \
See [the incident plan](incident-response-plan.md#reporting), [the plan itself](incident-response-plan.md), \
[scope](#scope) and <https://www.hhs.gov/about/agencies/asa/ocio/hc3/index.html?a=1&b=2>. Escaped \\*stars\\* stay; \
so does Fish & <Chips> text: Fish &amp; \\<Chips\\>.\n\n\
## Scope\n\n\
- Every workforce member\n\
- Every system that stores ePHI:\n  - the EHR\n  - the practice-management system\n    - nested three deep\n\
- [x] A done task\n\n\
1. First numbered step\n2. Second step, mail helpdesk-escalations@clinica-anil.example.org\n   1. a sub-step\n\n\
Then:\n\n\
3. Third list, starting at three\n\n\
> A quoted requirement from the HICP guidance.\n\n\
---\n\n\
```\nrm -rf /tmp/x  # code\n```\n\n\
### Contacts {#contacts}\n\n\
| Role | Name | E-mail | Phone | Web |\n|---|---|---|---:|---|\n",
    );
    for i in 0..40 {
        md.push_str(&format!(
            "| Role {i} | Zoë Ñúñez {i} | someone{i}@clinica-anil.example.org | +1 555 010 {i:04} | https://intranet.clinica-anil.example.org/contacts/role-{i} |\n"
        ));
    }
    md.push_str("\n## Procedure {#procedure}\n\nAccess is granted on least privilege.[^1]\n\n[^1]: HICP Technical Volume 1.\n\n");
    md.push_str("## Revision history\n\n| Version | Date | Change |\n|---|---|---|\n| 1.0 | 2026-01-28 | Issued |\n");
    md
}

fn doc() -> RenderedDoc {
    RenderedDoc {
        meta: meta(
            "access-control-policy",
            "Access Control Policy",
            DocKind::Policy,
        ),
        markdown: markdown(),
    }
}

/// The entries of a zip file: (name, method, dos time, dos date, data).
struct Entry {
    name: String,
    method: u16,
    time: u16,
    date: u16,
    data: Vec<u8>,
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> usize {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize
}

/// A minimal reader of the central directory (no zip crate in the dependencies).
fn entries(zip: &[u8]) -> Vec<Entry> {
    let eocd = (0..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .expect("end of central directory");
    let count = u16_at(zip, eocd + 10) as usize;
    let mut at = u32_at(zip, eocd + 16);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        assert_eq!(&zip[at..at + 4], &[0x50, 0x4b, 0x01, 0x02], "central entry");
        let method = u16_at(zip, at + 10);
        let time = u16_at(zip, at + 12);
        let date = u16_at(zip, at + 14);
        let csize = u32_at(zip, at + 20);
        let nlen = u16_at(zip, at + 28) as usize;
        let xlen = u16_at(zip, at + 30) as usize;
        let clen = u16_at(zip, at + 32) as usize;
        let local = u32_at(zip, at + 42);
        let name = String::from_utf8(zip[at + 46..at + 46 + nlen].to_vec()).expect("name");
        let lnlen = u16_at(zip, local + 26) as usize;
        let lxlen = u16_at(zip, local + 28) as usize;
        let start = local + 30 + lnlen + lxlen;
        out.push(Entry {
            name,
            method,
            time,
            date,
            data: zip[start..start + csize].to_vec(),
        });
        at += 46 + nlen + xlen + clen;
    }
    out
}

fn part(zip: &[u8], name: &str) -> String {
    let e = entries(zip)
        .into_iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no part {name}"));
    assert_eq!(e.method, 0, "{name} is stored uncompressed");
    String::from_utf8(e.data).expect("utf-8 part")
}

fn write_tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::var_os("HICP_DOCX_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("hicp-docx-test-{}", std::process::id()))
        });
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write docx");
    path
}

/// pandoc: `$PANDOC`, else on the PATH, else the binary bundled by
/// `pip install pypandoc-binary` (which does not put it on the PATH).
fn pandoc() -> Option<PathBuf> {
    let works = |p: &PathBuf| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Some(p) = std::env::var_os("PANDOC").map(PathBuf::from) {
        return works(&p).then_some(p);
    }
    let on_path = PathBuf::from("pandoc");
    if works(&on_path) {
        return Some(on_path);
    }
    let out = Command::new("python3")
        .args(["-c", "import pypandoc; print(pypandoc.get_pandoc_path())"])
        .output()
        .ok()?;
    let p = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    works(&p).then_some(p)
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn word_structure() {
    let bytes = render_document(&doc(), &pack(PaperSize::Letter)).expect("render");
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let document = part(&bytes, "word/document.xml");

    // Heading styles used, and defined as Word's built-in headings with outline levels.
    for n in 1..=3 {
        assert!(
            document.contains(&format!("<w:pStyle w:val=\"Heading{n}\" />")),
            "Heading{n} used"
        );
    }
    let styles = part(&bytes, "word/styles.xml");
    for n in 1..=3 {
        let at = styles
            .find(&format!("w:styleId=\"Heading{n}\""))
            .unwrap_or_else(|| panic!("Heading{n} defined"));
        let def = &styles[at..at + styles[at..].find("</w:style>").expect("end")];
        assert!(
            def.contains(&format!("<w:name w:val=\"heading {n}\" />")),
            "{def}"
        );
        assert!(
            def.contains(&format!("<w:outlineLvl w:val=\"{}\" />", n - 1)),
            "{def}"
        );
        assert!(def.contains("1F5F8B"), "accent colour: {def}");
    }

    // Lists are Word numbering: numPr in paragraphs, definitions with levels.
    assert!(document.contains("<w:numPr>"));
    assert!(
        document.contains("<w:ilvl w:val=\"2\" />"),
        "third list level"
    );
    let numbering = part(&bytes, "word/numbering.xml");
    assert!(numbering.contains("w:abstractNumId=\"2\""));
    assert!(numbering.contains("<w:numFmt w:val=\"bullet\" />"));
    assert!(numbering.contains("<w:numFmt w:val=\"decimal\" />"));
    assert!(
        numbering.contains("<w:startOverride w:val=\"3\" />"),
        "list starting at 3"
    );

    // Tables: every table's first row repeats, has borders and a shaded header.
    let tables = document.matches("<w:tbl>").count();
    assert_eq!(tables, 3, "document control, contacts, revision history");
    assert_eq!(document.matches("<w:tblHeader />").count(), tables);
    assert!(document.contains("<w:tblBorders>"));
    assert!(
        document.contains("w:fill=\"DDE7EE\""),
        "accent tint on header cells"
    );
    assert!(
        document.find("Document control").expect("control table")
            < document.find("Purpose").expect("purpose"),
        "the document-control table comes first"
    );

    // Hyperlinks: external, to another document's bookmark, internal bookmark.
    let rels = part(&bytes, "word/_rels/document.xml.rels");
    assert!(document.contains("<w:hyperlink r:id="));
    assert!(
        rels.contains("Target=\"incident-response-plan.docx\""),
        "{rels}"
    );
    assert!(document.contains("w:anchor=\"reporting\""));
    assert!(document.contains("<w:hyperlink w:anchor=\"scope\""));
    assert!(document.contains("<w:bookmarkStart w:id=\"2\" w:name=\"scope\" />"));
    assert!(
        rels.contains("index.html?a=1&amp;b=2\""),
        "escaped once: {rels}"
    );

    // Runs: bold, italic, strike, code in a monospace character style.
    assert!(document.contains("<w:b />"));
    assert!(document.contains("<w:i />"));
    assert!(document.contains("<w:strike />"));
    assert!(document.contains("<w:rStyle w:val=\"VerbatimChar\" />"));
    assert!(styles.contains("Courier New"));
    assert!(document.contains("<w:pStyle w:val=\"Quote\" />"));
    assert!(
        document.contains("Fish &amp; &lt;Chips&gt;"),
        "escaped text"
    );

    // Header and footer furniture with page fields.
    let header = part(&bytes, "word/header1.xml");
    assert!(header.contains("Clínica Añil") && header.contains("Access Control Policy"));
    let footer = part(&bytes, "word/footer1.xml");
    for s in [
        "access-control-policy",
        "Version 1.0",
        "DRAFT",
        "Page ",
        " of ",
        ">PAGE<",
        ">NUMPAGES<",
    ] {
        assert!(footer.contains(s), "footer has {s:?}: {footer}");
    }

    // Page size and margins.
    assert!(document.contains("<w:pgSz w:w=\"12240\" w:h=\"15840\""));
    assert!(document.contains("w:top=\"1440\""));
    let a4 = render_document(&doc(), &pack(PaperSize::A4)).expect("render a4");
    assert!(part(&a4, "word/document.xml").contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""));

    // Document properties.
    let core = part(&bytes, "docProps/core.xml");
    for s in [
        "<dc:title>Access Control Policy</dc:title>",
        "<dc:creator>Clínica Añil Straße — Family Health</dc:creator>",
        "<dc:subject>HICP cybersecurity policy pack</dc:subject>",
        "<cp:keywords>2.M.A, 3.M.B</cp:keywords>",
        "2026-01-28T00:00:00Z",
    ] {
        assert!(core.contains(s), "core has {s:?}: {core}");
    }
    assert!(!core.contains("1970"), "no epoch dates");
}

#[test]
fn deterministic_bytes() {
    let d = doc();
    let p = pack(PaperSize::Letter);
    let first = render_document(&d, &p).expect("render");
    assert_eq!(first, render_document(&d, &p).expect("render again"));
    // Parallel renders (other documents interleaved) give the same bytes.
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let (d, p) = (d.clone(), p.clone());
            std::thread::spawn(move || {
                if i % 2 == 0 {
                    let other = RenderedDoc {
                        meta: meta("other", "Other", DocKind::Form),
                        markdown: "# Other\n\n[x](https://x.example) [y](https://y.example)\n"
                            .into(),
                    };
                    render_document(&other, &p).expect("other");
                }
                render_document(&d, &p).expect("render in thread")
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread"), first);
    }
    // Fixed zip timestamps (1980-01-01 00:00) and a fixed entry order.
    let es = entries(&first);
    for e in &es {
        assert_eq!((e.date, e.time), (0x21, 0), "{} timestamp", e.name);
    }
    let names: Vec<&str> = es.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names[..4], ["word/", "word/_rels/", "_rels/", "docProps/"]);
    assert_eq!(names[4], "[Content_Types].xml");
}

#[test]
fn pandoc_reads_every_heading_and_value() {
    let bytes = render_document(&doc(), &pack(PaperSize::Letter)).expect("render");
    let path = write_tmp("access-control-policy.docx", &bytes);
    let Some(pandoc) = pandoc() else {
        eprintln!("pandoc not installed: reader check skipped (CI: pip install pypandoc-binary)");
        return;
    };
    let out = Command::new(&pandoc)
        .args(["-f", "docx", "-t", "plain", "--wrap=none"])
        .arg(&path)
        .output()
        .expect("run pandoc");
    assert!(
        out.status.success(),
        "pandoc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let flat = squash(&text);
    for h in HEADINGS {
        assert!(
            text.lines().any(|l| l.trim() == *h),
            "heading {h:?} in:\n{text}"
        );
    }
    for v in VALUES {
        assert!(flat.contains(v), "value {v:?} in:\n{text}");
    }
    // Lists came through as lists (pandoc prints its own markers).
    let item = |marker: &str, body: &str| {
        text.lines().any(|l| {
            l.trim_start()
                .strip_prefix(marker)
                .is_some_and(|rest| rest.trim_start().starts_with(body))
        })
    };
    assert!(item("-", "Every workforce member"), "{text}");
    assert!(item("-", "nested three deep"), "{text}");
    assert!(item("2.", "Second step"), "{text}");
    assert!(item("a.", "a sub-step"), "{text}");
    assert!(item("3.", "Third list"), "{text}");
    assert!(
        flat.contains("~~old wording~~"),
        "strikethrough kept: {text}"
    );
}
