//! Tests of the document library as a reader meets it: each example profile is
//! built with the real binary (`-f md`) and the Markdown on disk is checked for
//! coverage of the HICP sub-practices, size hygiene, placeholders, conditional
//! documents, pack size, vague wording and the findings the registers drive.
//!
//! The packs are built from the templates on disk (`--templates templates`), so
//! the tests see the current library even when the binary's embedded copy is
//! older than the files.

use hicp::catalog::{Catalog, SizeLetter, applies, id_size_letter};
use hicp::profile::types::Size;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A built pack: its manifest and the Markdown of each document by id.
struct Pack {
    label: String,
    manifest: Value,
    docs: BTreeMap<String, String>,
    size: Size,
}

impl Pack {
    fn doc(&self, id: &str) -> &str {
        self.docs
            .get(id)
            .unwrap_or_else(|| panic!("{}: document `{id}` is not in the pack", self.label))
    }

    /// Ids of the documents whose front matter declares `sp` (this size only).
    fn declaring(&self, sp: &str) -> Vec<String> {
        self.manifest["documents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| {
                d["practices"]
                    .as_array()
                    .is_some_and(|p| p.iter().any(|x| x == sp))
            })
            .filter_map(|d| d["id"].as_str().map(str::to_string))
            .collect()
    }

    fn profile(&self) -> &Value {
        &self.manifest["profile"]["values"]
    }

    fn devices_present(&self) -> bool {
        self.profile()["technology"]["medical_devices"]["present"] == Value::Bool(true)
    }

    fn words(&self) -> usize {
        self.docs.values().map(|t| word_count(t)).sum()
    }
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The template folder the packs are built from: the repository's
/// `templates/`, or `HICP_LIBRARY_TEMPLATES` to check another library (for
/// example an organization's override set) against the same bar.
fn templates_dir() -> PathBuf {
    std::env::var_os("HICP_LIBRARY_TEMPLATES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo("templates"))
}

/// A fresh folder under the system temp dir, unique to this test process.
fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hicp-library-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

/// Build `profile` into a temp folder and read the pack back.
fn build(label: &str, profile: &Path) -> Pack {
    let out = tempdir(label);
    let output = Command::new(env!("CARGO_BIN_EXE_hicp"))
        .env("NO_COLOR", "1")
        .arg("build")
        .arg(profile)
        .arg("--templates")
        .arg(templates_dir())
        .arg("-o")
        .arg(&out)
        .args(["-f", "md", "-q"])
        .output()
        .expect("run hicp");
    assert!(
        output.status.success(),
        "{label}: `hicp build {}` failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        profile.display(),
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let pack_dir = std::fs::read_dir(&out)
        .expect("read output dir")
        .map(|e| e.expect("dir entry").path())
        .find(|p| p.join("manifest.json").is_file())
        .unwrap_or_else(|| {
            panic!(
                "{label}: no pack folder with a manifest.json in {}",
                out.display()
            )
        });
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(pack_dir.join("manifest.json")).expect("read manifest"),
    )
    .expect("manifest.json is JSON");
    let size = match manifest["size"].as_str() {
        Some("small") => Size::Small,
        Some("medium") => Size::Medium,
        Some("large") => Size::Large,
        other => panic!("{label}: manifest size {other:?}"),
    };
    let mut docs = BTreeMap::new();
    for d in manifest["documents"].as_array().expect("documents list") {
        let id = d["id"].as_str().expect("document id").to_string();
        let md = d["outputs"]["md"].as_str().expect("md output path");
        let text = std::fs::read_to_string(pack_dir.join(md)).expect("read md");
        docs.insert(id, text);
    }
    Pack {
        label: label.to_string(),
        manifest,
        docs,
        size,
    }
}

fn small() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| build("small", &repo("profiles/riverbend-clinic.yaml")))
}
fn medium() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| build("medium", &repo("profiles/lakeside-specialty.yaml")))
}
fn large() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| build("large", &repo("profiles/cascadia-regional.yaml")))
}
fn examples() -> [&'static Pack; 3] {
    [small(), medium(), large()]
}

/// The small example with one line of its YAML replaced, built as `label`.
fn small_variant(label: &str, line_start: &str, replacement: &str) -> Pack {
    let src =
        std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).expect("read profile");
    let mut found = false;
    let text: String = src
        .lines()
        .map(|l| {
            if l.trim_start().starts_with(line_start) {
                found = true;
                replacement.to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        found,
        "the small example has no line starting with `{line_start}`"
    );
    let dir = tempdir(&format!("{label}-profile"));
    let path = dir.join("profile.yaml");
    std::fs::write(&path, text + "\n").expect("write profile");
    build(label, &path)
}

fn no_devices() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| {
        small_variant(
            "small-no-devices",
            "medical_devices:",
            "  medical_devices: { present: false }",
        )
    })
}

/// Words as a reader counts them: whitespace-separated tokens holding at
/// least one letter or digit, so table pipes, empty answer cells and lines of
/// underscores on the forms do not inflate the size of a pack.
fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Every token of the form `N.X.Y` (N = 1–2 digits, X = S/M/L, Y = A–Z) that is
/// not part of a longer token, in order of appearance.
fn find_ids(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let is_id = j - i <= 2
            && j + 3 < b.len()
            && b[j] == b'.'
            && matches!(b[j + 1], b'S' | b'M' | b'L')
            && b[j + 2] == b'.'
            && b[j + 3].is_ascii_uppercase()
            && (j + 4 == b.len() || !b[j + 4].is_ascii_alphanumeric());
        if is_id {
            out.push(text[i..j + 4].to_string());
            i = j + 4;
        } else {
            i = j;
        }
    }
    out
}

/// The text of a document without its document-control row that lists the
/// sub-practices, so that "named in the text" means a statement names it.
fn body(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("| HICP sub-practices |"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cells of a Markdown table row, trimmed, with Markdown escapes removed.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner
        .split('|')
        .map(|c| c.replace('\\', "").trim().to_string())
        .collect()
}

/// Check 1 for one pack: each sub-practice of the size is declared in some
/// document's front matter and named in that document's text.
fn coverage_problems(pack: &Pack) -> Vec<String> {
    let mut problems = Vec::new();
    for sp in Catalog::builtin().subpractices_for(pack.size) {
        if sp.practice == 9 && !pack.devices_present() {
            continue;
        }
        let declaring = pack.declaring(&sp.id);
        if declaring.is_empty() {
            problems.push(format!(
                "{}: {} ({}) is declared by no document",
                pack.label, sp.id, sp.name
            ));
            continue;
        }
        for id in &declaring {
            if !find_ids(&body(pack.doc(id))).contains(&sp.id) {
                problems.push(format!(
                    "{}: {id} declares {} in its front matter but its text never names it",
                    pack.label, sp.id
                ));
            }
        }
    }
    problems
}

#[test]
fn every_subpractice_of_the_size_is_declared_and_named() {
    let mut problems = Vec::new();
    for pack in examples() {
        problems.extend(coverage_problems(pack));
    }
    problems.extend(coverage_problems(no_devices()));
    assert!(
        problems.is_empty(),
        "{} coverage problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn no_document_prints_an_id_of_another_size() {
    let catalog = Catalog::builtin();
    let mut problems = Vec::new();
    for pack in examples().into_iter().chain([no_devices()]) {
        for (id, text) in &pack.docs {
            for token in find_ids(text) {
                let Some(letter) = id_size_letter(&token) else {
                    continue;
                };
                if catalog.subpractice(&token).is_none() {
                    problems.push(format!(
                        "{}: {id} prints {token}, which is not an HICP sub-practice",
                        pack.label
                    ));
                } else if !applies(letter, pack.size) {
                    let size = match letter {
                        SizeLetter::S => "small",
                        SizeLetter::M => "medium",
                        SizeLetter::L => "large",
                    };
                    problems.push(format!(
                        "{}: {id} prints {token}, a {size}-organization sub-practice",
                        pack.label
                    ));
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_placeholders_or_template_syntax() {
    let exact = ["{{", "{%", "%}", "}}", "TBD", "XXX"];
    let folded = ["[insert", "lorem"];
    let mut problems = Vec::new();
    for pack in examples().into_iter().chain([no_devices()]) {
        for (id, text) in &pack.docs {
            let lower = text.to_lowercase();
            for (n, line) in text.lines().enumerate() {
                for pat in exact {
                    if line.contains(pat) {
                        problems.push(format!(
                            "{}: {id}:{}: `{pat}` in: {line}",
                            pack.label,
                            n + 1
                        ));
                    }
                }
            }
            for pat in folded {
                if lower.contains(pat) {
                    problems.push(format!("{}: {id}: contains `{pat}`", pack.label));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A table whose header row follows another table's last row renders as one
/// broken table: the template needs a paragraph between the two.
#[test]
fn no_two_tables_run_together() {
    let mut problems = Vec::new();
    for pack in examples() {
        for (id, text) in &pack.docs {
            let lines: Vec<&str> = text.lines().collect();
            for i in 2..lines.len() {
                let is_delim = lines[i].starts_with('|')
                    && lines[i].contains("---")
                    && lines[i].chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
                if is_delim && lines[i - 2].starts_with('|') {
                    problems.push(format!(
                        "{}: {id}:{}: table header `{}` directly follows another table",
                        pack.label,
                        i,
                        lines[i - 1]
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn medical_device_documents_follow_the_profile() {
    let conditional = ["medical-device-security", "playbook-medical-device-attack"];
    for pack in examples() {
        assert!(
            pack.devices_present(),
            "{}: example has devices",
            pack.label
        );
        for id in conditional {
            assert!(
                pack.docs.contains_key(id),
                "{}: `{id}` missing although medical devices are present",
                pack.label
            );
        }
    }
    let pack = no_devices();
    for id in conditional {
        assert!(
            !pack.docs.contains_key(id),
            "{}: `{id}` present although medical_devices.present is false",
            pack.label
        );
    }
    for id in conditional {
        let link = format!("]({id}.md");
        for (doc, text) in &pack.docs {
            assert!(
                !text.contains(&link),
                "{}: {doc} links to `{id}`, which is not in the pack",
                pack.label
            );
        }
    }
}

#[test]
fn personal_devices_wording_follows_byod() {
    let prohibited = small();
    assert_eq!(
        prohibited.profile()["technology"]["byod"]["allowed"],
        Value::Bool(false),
        "the small example prohibits personal devices"
    );
    let allowed = small_variant("small-byod", "byod:", "  byod: { allowed: true }");
    let a = body(prohibited.doc("personal-devices"));
    let b = body(allowed.doc("personal-devices"));
    assert!(
        a != b,
        "personal-devices reads the same whether or not technology.byod.allowed is set"
    );
    let changed = a.lines().filter(|l| !b.lines().any(|m| m == *l)).count();
    assert!(
        changed >= 3,
        "personal-devices changes only {changed} lines between prohibited and allowed BYOD"
    );
}

#[test]
fn packs_reach_their_word_floor() {
    let floors = [(small(), 12_000), (medium(), 20_000), (large(), 28_000)];
    let mut report = Vec::new();
    let mut failed = false;
    for (pack, floor) in floors {
        let words = pack.words();
        report.push(format!("{}: {words} words (floor {floor})", pack.label));
        if words < floor {
            failed = true;
            let mut per_doc: Vec<(usize, &String)> = pack
                .docs
                .iter()
                .map(|(id, t)| (word_count(t), id))
                .collect();
            per_doc.sort();
            for (w, id) in per_doc.iter().take(10) {
                report.push(format!("    {id}: {w}"));
            }
        }
    }
    assert!(!failed, "pack below its word floor:\n{}", report.join("\n"));
}

/// Words and phrases that state no measure (the writing bar of the library).
const VAGUE: &[&str] = &[
    "appropriate",
    "appropriately",
    "as needed",
    "as necessary",
    "proper",
    "properly",
    "adequate",
    "adequately",
    "reasonable",
    "reasonably",
    "timely",
    "periodically",
    "regularly",
    "sufficient",
    "sufficiently",
    "promptly",
    "where possible",
    "if possible",
    "as soon as possible",
    "best effort",
    "etc",
    "and/or",
];

/// Occurrences of each vague phrase in `text`, whole words only, ignoring
/// case and line breaks.
fn vague_hits(text: &str) -> BTreeMap<&'static str, usize> {
    let norm = format!(
        " {} ",
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    );
    let b = norm.as_bytes();
    let mut hits = BTreeMap::new();
    for phrase in VAGUE {
        let mut n = 0;
        let mut from = 0;
        while let Some(pos) = norm[from..].find(phrase) {
            let start = from + pos;
            let end = start + phrase.len();
            let before_ok = !b[start - 1].is_ascii_alphanumeric();
            let after_ok = end >= b.len() || !b[end].is_ascii_alphanumeric();
            if before_ok && after_ok {
                n += 1;
            }
            from = start + 1;
        }
        if n > 0 {
            hits.insert(*phrase, n);
        }
    }
    hits
}

#[test]
fn vague_words_stay_under_the_lint_limit() {
    const LIMIT_PER_1000: f64 = 1.5;
    let mut failures = Vec::new();
    for pack in examples() {
        let words = pack.words().max(1);
        let mut total = 0;
        let mut per_doc: Vec<(usize, String, String)> = Vec::new();
        let mut per_word: BTreeMap<&str, usize> = BTreeMap::new();
        for (id, text) in &pack.docs {
            let hits = vague_hits(text);
            let n: usize = hits.values().sum();
            total += n;
            for (w, c) in &hits {
                *per_word.entry(w).or_default() += c;
            }
            if n > 0 {
                let list = hits
                    .iter()
                    .map(|(w, c)| format!("{w} ×{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                per_doc.push((n, id.clone(), list));
            }
        }
        let rate = total as f64 * 1000.0 / words as f64;
        if rate > LIMIT_PER_1000 {
            per_doc.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut msg = format!(
                "{}: {total} vague words in {words} words = {rate:.2} per 1,000 (limit {LIMIT_PER_1000})\n  words: {}\n  worst documents:",
                pack.label,
                per_word
                    .iter()
                    .map(|(w, c)| format!("{w} ×{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            for (n, id, list) in per_doc.iter().take(8) {
                msg.push_str(&format!("\n    {id}: {n} ({list})"));
            }
            failures.push(msg);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn vague_word_matching_is_whole_word() {
    let hits = vague_hits("The property is proper.\nAct as\nneeded; etc. Sufficiently and/or");
    assert_eq!(hits.get("proper"), Some(&1));
    assert_eq!(hits.get("as needed"), Some(&1));
    assert_eq!(hits.get("etc"), Some(&1));
    assert_eq!(hits.get("sufficiently"), Some(&1));
    assert_eq!(hits.get("sufficient"), None);
    assert_eq!(hits.get("and/or"), Some(&1));
}

#[test]
fn id_scanner_finds_whole_ids_only() {
    assert_eq!(
        find_ids("Tags (HICP 10.S.A, 3.M.B) and 1.L.Alpha, v2.1.S.A, 123.S.A, 4.S.C."),
        vec![
            "10.S.A".to_string(),
            "3.M.B".to_string(),
            "4.S.C".to_string()
        ]
    );
}

// The register adds the due date ("… by March 3, 2026"); the self-assessment gives it its own column.
const BAA_FLAG: &str =
    "PHI access without a BAA: no PHI sent until a BAA is signed; BAA or end of service";

#[test]
fn vendor_without_a_baa_is_flagged() {
    for pack in examples() {
        let vendors = pack.profile()["vendors"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let register = pack.doc("register-vendors");
        let assessment = pack.doc("self-assessment");
        let rows: Vec<Vec<String>> = register
            .lines()
            .filter(|l| l.starts_with('|'))
            .map(cells)
            .collect();
        let mut missing = 0;
        for v in &vendors {
            let name = v["name"].as_str().expect("vendor name");
            let flagged = v["phi_access"] == Value::Bool(true) && v["baa"] != Value::Bool(true);
            let row = rows
                .iter()
                .find(|r| r.first().is_some_and(|c| c == name))
                .unwrap_or_else(|| {
                    panic!("{}: register-vendors has no row for {name}", pack.label)
                });
            let row_flagged = row.iter().any(|c| c.contains(BAA_FLAG));
            assert_eq!(
                row_flagged, flagged,
                "{}: register-vendors row for {name} flagged={row_flagged}, expected {flagged}: {row:?}",
                pack.label
            );
            if flagged {
                missing += 1;
                let line = assessment
                    .lines()
                    .map(|l| l.replace('\\', ""))
                    .find(|l| l.contains(name) && l.contains(BAA_FLAG));
                assert!(
                    line.is_some(),
                    "{}: self-assessment does not flag {name}",
                    pack.label
                );
            }
        }
        assert!(
            missing > 0,
            "{}: the example should have a vendor with PHI access and no BAA",
            pack.label
        );
    }
}

#[test]
fn unmentioned_subpractices_are_not_assessed_never_implemented() {
    for pack in examples() {
        let practices = pack.profile()["practices"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let text = pack.doc("self-assessment");
        let rows: Vec<Vec<String>> = text
            .lines()
            .filter(|l| l.starts_with('|'))
            .map(cells)
            .collect();
        let mut unmentioned = 0;
        for sp in Catalog::builtin().subpractices_for(pack.size) {
            let own_rows: Vec<&Vec<String>> = rows
                .iter()
                .filter(|r| r.first().is_some_and(|c| c == &sp.id))
                .collect();
            assert!(
                !own_rows.is_empty(),
                "{}: self-assessment has no row for {}",
                pack.label,
                sp.id
            );
            let declared = practices
                .get(&sp.id)
                .and_then(|e| e["status"].as_str())
                .map(str::to_string);
            for row in &own_rows {
                match declared.as_deref() {
                    None => {
                        assert!(
                            row.iter().any(|c| c == "Not assessed"),
                            "{}: {} is not in the profile but its row does not say Not assessed: {row:?}",
                            pack.label,
                            sp.id
                        );
                        assert!(
                            !row.iter().any(|c| c == "Implemented"),
                            "{}: {} is not in the profile but shows Implemented: {row:?}",
                            pack.label,
                            sp.id
                        );
                    }
                    Some("implemented") => assert!(
                        row.iter().any(|c| c == "Implemented"),
                        "{}: {} is implemented in the profile but its row says otherwise: {row:?}",
                        pack.label,
                        sp.id
                    ),
                    Some(_) => assert!(
                        !row.iter()
                            .any(|c| c == "Implemented" || c == "Not assessed"),
                        "{}: {} has a declared status that is not implemented: {row:?}",
                        pack.label,
                        sp.id
                    ),
                }
            }
            if declared.is_none() {
                unmentioned += 1;
            }
        }
        assert!(
            unmentioned > 0,
            "{}: the example should leave some sub-practice unmentioned",
            pack.label
        );
    }
}

/// A profile that leaves out the executive sponsor and the incident
/// commander (both default to the security officer) must not produce
/// sentences such as "Dana Ortiz reports on to Dana Ortiz" or "completed by
/// Dana Ortiz or the Incident Commander, Dana Ortiz": the documents word
/// those duties for one person holding several roles.
#[test]
fn one_person_in_several_roles_is_not_named_twice_in_a_sentence() {
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let src: String = src
        .lines()
        .filter(|l| !l.trim_start().starts_with("executive_sponsor:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = tempdir("one-person");
    let profile = dir.join("p.yaml");
    std::fs::write(&profile, src).unwrap();
    let pack = build("one person", &profile);
    let mut found = Vec::new();
    for (id, md) in &pack.docs {
        let text: String = md
            .lines()
            .filter(|l| !l.trim_start().starts_with('|'))
            .collect::<Vec<_>>()
            .join(" ");
        for sentence in text.split(". ") {
            if sentence.matches("Dana Ortiz").count() >= 2 {
                found.push(format!("{id}: {sentence}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
