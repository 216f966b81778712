//! Regenerating a pack, as a security officer or a CI job does: which files a
//! one-field change rewrites, files a person added, documents that leave the
//! pack, revision history across versions, batches, shards and `check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

mod common;
use common::{bin, repo, run};

fn tempdir(name: &str) -> PathBuf {
    common::tempdir("regen", name)
}

/// Every file under `dir`: relative path → (bytes, modification time).
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let modified = e.metadata().unwrap().modified().unwrap();
            out.insert(rel, (std::fs::read(e.path()).unwrap(), modified));
        }
    }
    out
}

/// A copy of the small example profile in `dir`, edited by `edit`.
fn profile_in(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, edit(text)).unwrap();
    path
}

fn build(profile: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    run(bin()
        .arg("build")
        .args(extra)
        .arg(profile)
        .arg("-o")
        .arg(out))
}

/// A copy of the small example profile in a fresh folder, its pack built
/// into `out/` with `formats`: (folder, out, profile).
fn built_pack(name: &str, formats: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = tempdir(name);
    let out = dir.join("out");
    let profile = profile_in(&dir, "p.yaml", |t| t);
    let (code, _, err) = build(&profile, &out, &["-f", formats]);
    assert_eq!(code, 0, "{err}");
    (dir, out, profile)
}

/// The rows of a Markdown document's revision-history table.
fn history_rows(markdown: &str) -> Vec<String> {
    let start = markdown
        .find("{#revision-history}")
        .expect("a revision-history section");
    markdown[start..]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Version"))
        .map(str::to_string)
        .collect()
}

#[test]
fn one_field_change_rewrites_exactly_the_documents_that_show_it() {
    let (dir, out, profile) = built_pack("one-field", "md,pdf");
    let pack = out.join("riverbend");
    let before = snapshot(&pack);
    // File systems with coarse timestamps would hide a rewrite.
    std::thread::sleep(std::time::Duration::from_millis(1100));

    // The privacy officer gets a new name; nothing else changes.
    profile_in(&dir, "p.yaml", |t| {
        t.replace("Sam Lee", "Samira Lindqvist-Óg")
    });
    let (code, _, err) = build(&profile, &out, &["-f", "md,pdf"]);
    assert_eq!(code, 0, "{err}");
    let after = snapshot(&pack);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );

    let mut rewritten = Vec::new();
    for (path, (bytes, modified)) in &after {
        let (old_bytes, old_modified) = &before[path];
        if bytes == old_bytes {
            assert_eq!(
                modified, old_modified,
                "{path} has the same content and must not be rewritten"
            );
        } else {
            rewritten.push(path.clone());
        }
    }
    // Exactly the documents whose Markdown shows the new name changed, with
    // their PDFs; plus the binder and the manifest.
    let mut expected: Vec<String> = Vec::new();
    for (path, (bytes, _)) in &after {
        if let Some(id) = path.strip_prefix("md/").and_then(|p| p.strip_suffix(".md")) {
            let text = String::from_utf8_lossy(bytes);
            if text.contains("Samira Lindqvist-Óg") {
                expected.push(path.clone());
                expected.push(format!("pdf/{id}.pdf"));
            } else {
                assert!(
                    !text.contains("Sam Lee"),
                    "{path} still names the old privacy officer"
                );
            }
        }
    }
    expected.push("manifest.json".into());
    expected.push("pdf/riverbend-policy-pack.pdf".into());
    expected.sort();
    rewritten.sort();
    let documents = after.keys().filter(|p| p.starts_with("md/")).count();
    let touched = expected.iter().filter(|p| p.starts_with("md/")).count();
    assert!(
        touched > 3 && touched < documents,
        "the change should touch some documents, not all: {expected:?}"
    );
    assert_eq!(rewritten, expected);
    assert!(err.contains("files written"), "{err}");
}

#[test]
fn files_a_person_added_survive_and_documents_that_leave_are_removed() {
    let (dir, out, profile) = built_pack("own-files", "md,html");
    let pack = out.join("riverbend");
    assert!(pack.join("md/personal-devices.md").is_file());
    std::fs::write(pack.join("auditor-notes.txt"), "keep").unwrap();
    std::fs::write(pack.join("md/local-addendum.md"), "# Ours\n").unwrap();

    // Leave one document out of the pack.
    profile_in(&dir, "p.yaml", |t| {
        t.replace(
            "  paper: letter\n",
            "  paper: letter\n  exclude: [personal-devices]\n",
        )
    });
    let (code, _, err) = build(&profile, &out, &["-f", "md,html"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 removed"), "{err}");
    assert!(!pack.join("md/personal-devices.md").exists());
    assert!(!pack.join("html/personal-devices.html").exists());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).unwrap()).unwrap();
    let ids: Vec<&str> = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"incident-response-plan"));
    assert!(!ids.contains(&"personal-devices"), "{ids:?}");
    for forced in [false, true] {
        let extra: &[&str] = if forced {
            &["-f", "md,html", "--force"]
        } else {
            &["-f", "md,html"]
        };
        let (code, _, err) = build(&profile, &out, extra);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            std::fs::read_to_string(pack.join("auditor-notes.txt")).unwrap(),
            "keep"
        );
        assert_eq!(
            std::fs::read_to_string(pack.join("md/local-addendum.md")).unwrap(),
            "# Ours\n"
        );
    }
    // A format dropped from the build takes its files with it.
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(!pack.join("html").join("index.html").exists());
    assert!(!pack.join("index.html").exists());
    assert!(pack.join("md/local-addendum.md").is_file());
}

#[test]
fn a_new_version_adds_history_rows_only_to_documents_that_changed() {
    let (dir, out, profile) = built_pack("history", "md");
    let md = out.join("riverbend/md");
    let read = |id: &str| std::fs::read_to_string(md.join(format!("{id}.md"))).unwrap();
    let first = history_rows(&read("incident-response-plan"));
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].starts_with("| 1.0 | 2026-02-01 | Issued for Riverbend"));

    // Version 1.1: a new IT contact, approved by the managing physician.
    profile_in(&dir, "p.yaml", |t| {
        t.replace("version: \"1.0\"", "version: \"1.1\"")
            .replace(
                "effective_date: 2026-02-01",
                "effective_date: 2026-09-01\n  approved_by: executive_sponsor",
            )
            .replace("Jordan Pike", "Jordan Pike-Ålund")
    });
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    let mut changed = 0;
    let mut kept = 0;
    for entry in std::fs::read_dir(&md).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let rows = history_rows(&text);
        assert_eq!(
            rows[0],
            first[0],
            "{}: the first row is the 1.0 issue, as it was",
            path.display()
        );
        if text.contains("Jordan Pike-Ålund") {
            changed += 1;
            assert_eq!(rows.len(), 2, "{}: {rows:?}", path.display());
            assert!(
                rows[1].starts_with("| 1.1 | 2026-09-01 | Revised: "),
                "{}",
                rows[1]
            );
            assert!(
                rows[1].contains("people.it\\_contact.name"),
                "the row names the profile field: {}",
                rows[1]
            );
            assert!(rows[1].ends_with("| Dr. Maya Chen |"), "{}", rows[1]);
        } else if rows.len() == 2 && rows[1].contains("Reviewed for version 1.1; text unchanged.") {
            // Documents whose text did not change record the review of the
            // new version (some others changed for the new date or
            // approval, and say so).
            assert!(
                rows[1].starts_with("| 1.1 | 2026-09-01 |")
                    && rows[1].ends_with("| Dr. Maya Chen |"),
                "{}",
                rows[1]
            );
            kept += 1;
        }
    }
    assert!(changed >= 3, "documents naming the IT contact changed");
    assert!(
        kept >= 3,
        "documents not naming the IT contact record an unchanged review"
    );

    // The rows name the sections that changed.
    let irp = history_rows(&read("incident-response-plan"));
    assert_eq!(irp.len(), 2, "{irp:?}");
    let manifest = std::fs::read_to_string(out.join("riverbend/manifest.json")).unwrap();
    assert!(
        manifest.contains("\"history\""),
        "history lives in the manifest"
    );

    // Rebuilding changes nothing, and --force keeps the history.
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unchanged, nothing written"), "{err}");
    let (code, _, err) = build(&profile, &out, &["-f", "md", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(history_rows(&read("incident-response-plan")), irp);

    // Version 1.2 with no change to the text: every document records the
    // review, so the history ends at the version the control table shows.
    profile_in(&dir, "p.yaml", |t| {
        t.replace("version: \"1.0\"", "version: \"1.2\"")
            .replace(
                "effective_date: 2026-02-01",
                "effective_date: 2026-09-01\n  approved_by: executive_sponsor",
            )
            .replace("Jordan Pike", "Jordan Pike-Ålund")
    });
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    let rows = history_rows(&read("incident-response-plan"));
    assert_eq!(rows[..2], irp[..], "{rows:?}");
    assert_eq!(
        rows[2],
        "| 1.2 | 2026-09-01 | Reviewed for version 1.2; text unchanged. | Dr. Maya Chen |"
    );
    assert!(read("incident-response-plan").contains("| Version | 1.2 |"));
}

/// Text that changes while the version stays cannot have a row of its own:
/// every build says so, and the manifest keeps the warning for `hicp check`,
/// until the text is back as issued or the version moves on. The next
/// version's row compares with the text as issued, so the change is recorded
/// then.
#[test]
fn text_changed_under_the_same_version_is_warned_until_a_new_version_records_it() {
    const WARNING: &str = "changed text after version 1.0 was issued";
    let approved = |t: String| {
        t.replace(
            "effective_date: 2026-02-01",
            "effective_date: 2026-02-01\n  approved_by: executive_sponsor",
        )
    };
    let (dir, out, profile) = built_pack("reissued", "md");
    let manifest = || std::fs::read_to_string(out.join("riverbend/manifest.json")).unwrap();
    // A DRAFT is not issued yet: its text may change under its version.
    profile_in(&dir, "p.yaml", |t| t.replace("athenaOne", "eClinicalWorks"));
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains(WARNING), "{err}");
    // Approved (the approval and dates are the issue's own facts: no
    // warning), then changed.
    profile_in(&dir, "p.yaml", approved);
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains(WARNING), "{err}");
    profile_in(&dir, "p.yaml", |t| {
        approved(t).replace("athenaOne", "eClinicalWorks")
    });
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(WARNING), "{err}");
    assert!(err.contains("was given for the text as issued"), "{err}");
    assert!(manifest().contains(WARNING), "kept for hicp check");
    // Said again by a build that writes nothing.
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unchanged, nothing written"), "{err}");
    assert!(err.contains(WARNING), "{err}");
    // Back as issued: no warning.
    profile_in(&dir, "p.yaml", approved);
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains(WARNING), "{err}");
    assert!(!manifest().contains(WARNING));
    // A value removed (a vendor) changes text too.
    let removed = move |t: String| {
        approved(t)
            .lines()
            .filter(|l| !l.contains("name: RingCentral"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    profile_in(&dir, "p.yaml", removed);
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(WARNING), "{err}");
    assert!(err.contains("register-vendors"), "{err}");
    // A CI job that asks for an approved pack fails on it.
    let (code, stdout, err) = run(bin()
        .args(["check", "--require-approved", "--json"])
        .arg(&profile)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 3, "{stdout}{err}");
    assert!(
        stdout.contains("changed after version 1.0 was issued and approved (")
            && stdout.contains("register-vendors"),
        "{stdout}"
    );
    // Version 1.1 records the change against the text as issued under 1.0,
    // not as "text unchanged" against the last build.
    profile_in(&dir, "p.yaml", |t| {
        removed(t)
            .replace("version: \"1.0\"", "version: \"1.1\"")
            .replace("effective_date: 2026-02-01", "effective_date: 2026-08-01")
    });
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("was issued ("), "{err}");
    let vendors = std::fs::read_to_string(out.join("riverbend/md/register-vendors.md")).unwrap();
    let last = history_rows(&vendors).pop().unwrap();
    assert!(last.starts_with("| 1.1 | 2026-08-01 | Revised: "), "{last}");
}

/// Versions only move forward, and an approval belongs to the version it
/// was given for: each is refused at its profile line, with nothing written.
#[test]
fn versions_move_forward_and_an_old_approval_does_not_approve_a_new_version() {
    let (dir, out, profile) = built_pack("versions", "md");
    let v11 = |t: String| {
        t.replace("version: \"1.0\"", "version: \"1.1\"")
            .replace("effective_date: 2026-02-01", "effective_date: 2026-08-01")
    };
    profile_in(&dir, "p.yaml", v11);
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(out.join("riverbend/manifest.json")).unwrap();
    let refused = |edit: &dyn Fn(String) -> String, needle: &str, at: &str| {
        profile_in(&dir, "p.yaml", edit);
        let (code, _, err) = build(&profile, &out, &["-f", "md"]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(needle), "{err}");
        assert!(err.contains(at), "{err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert_eq!(
            std::fs::read(out.join("riverbend/manifest.json")).unwrap(),
            before
        );
    };
    refused(
        &|t| t,
        "version 1.0 was already issued (versions issued in this pack: 1.0, 1.1; last built at 1.1)",
        "at documents.version",
    );
    refused(
        &|t| {
            v11(t)
                .replace("version: \"1.1\"", "version: \"1.2\"")
                .replace("effective_date: 2026-08-01", "effective_date: 2026-07-01")
        },
        "version 1.2 takes effect on 2026-07-01, before version 1.1 (in effect from 2026-08-01)",
        "at documents.effective_date",
    );
    refused(
        &|t| {
            v11(t).replace(
                "effective_date: 2026-08-01",
                "effective_date: 2026-08-01\n  approved_by: executive_sponsor\n  approved_on: 2026-01-20",
            )
        },
        "the approval is dated 2026-01-20, before version 1.0 took effect (2026-02-01): it approved an earlier version, not version 1.1",
        "at documents.approved_on",
    );
}

/// A damaged manifest holds the revision history: the build refuses rather
/// than start the history again.
#[test]
fn a_damaged_manifest_is_not_built_over() {
    let (_dir, out, profile) = built_pack("damaged", "md");
    let path = out.join("riverbend/manifest.json");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.insert_str(1, ",,");
    std::fs::write(&path, &text).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["-f", "md"];
        args.extend_from_slice(extra);
        let (code, _, err) = build(&profile, &out, &args);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("the pack's manifest is damaged"), "{err}");
        assert!(err.contains("revision history"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
    // Deleted: the pack is still not replaced, and the message says why.
    std::fs::remove_file(&path).unwrap();
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("it looks like a pack but has no manifest.json (deleted?"),
        "{err}"
    );
    assert!(out.join("riverbend/md/access-control.md").is_file());
}

/// A file of the pack changed by hand is replaced, and the build says so.
#[test]
fn a_file_edited_by_hand_is_replaced_and_named() {
    let (_dir, out, profile) = built_pack("edited", "md,html");
    let md = out.join("riverbend/md/access-control.md");
    let mut text = std::fs::read_to_string(&md).unwrap();
    text.push_str("Our own addition.\n");
    std::fs::write(&md, &text).unwrap();
    let (code, _, err) = build(&profile, &out, &["-f", "md,html"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "replaced 1 file(s) changed by hand since the last build (md/access-control.md)"
        ),
        "{err}"
    );
    assert!(
        !std::fs::read_to_string(&md)
            .unwrap()
            .contains("Our own addition.")
    );
    // Put back as built: the manifest's bytes are the same, so it is not
    // rewritten (one file written, not two).
    assert!(err.contains("; 1 file written,"), "{err}");
    // Fewer formats than the pack had: the build says it removes the rest.
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "this build makes md only: the pack's html files from the previous build are removed"
        ),
        "{err}"
    );
}

#[test]
fn a_batch_builds_every_good_profile_and_reports_the_bad_one() {
    let dir = tempdir("batch");
    let out = dir.join("out");
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "hicp: 1\norganization:\n  name: [not, a, name]\n").unwrap();
    let (code, stdout, err) = run(bin()
        .args(["build", "-f", "md", "-j", "2", "--json"])
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg(&bad)
        .arg(repo("profiles/lakeside-specialty.yaml"))
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 1, "a bad profile makes the batch fail: {err}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    let entries = report.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let ok: Vec<bool> = entries.iter().map(|e| e["ok"] == true).collect();
    assert_eq!(ok, [true, false, true]);
    assert!(
        entries[1]["profile"]
            .as_str()
            .unwrap()
            .ends_with("bad.yaml")
    );
    assert!(
        entries[1]["error"]
            .as_str()
            .unwrap()
            .contains("organization.name")
    );
    // The problems one by one, as `validate --json` gives them.
    let problems = entries[1]["problems"].as_array().expect("problems");
    assert!(
        problems.iter().any(|p| p["path"] == "organization.name"
            && p["line"] == 3
            && p["column"].as_u64() > Some(0)),
        "{problems:?}"
    );
    assert_eq!(entries[0]["report"]["files_written"], 37);
    assert_eq!(entries[0]["report"]["files_removed"], 0);
    assert!(
        entries[0]["report"]["pack"]
            .as_str()
            .unwrap()
            .ends_with("riverbend")
    );
    assert!(out.join("riverbend/manifest.json").is_file());
    assert!(out.join("lakeside-ortho/manifest.json").is_file());
    assert_eq!(
        std::fs::read_dir(&out)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_dir())
            .count(),
        2
    );

    // Without --json: a line per pack, the bad profile's diagnostic, a tally.
    let (code, stdout, err) = run(bin()
        .args(["build", "-f", "md"])
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg(&bad)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(err.contains("bad.yaml:3"), "{err}");
    assert!(err.contains("1 pack(s) built, 1 failed"), "{err}");
}

#[test]
fn shards_split_a_batch_without_overlap() {
    let dir = tempdir("shards");
    let profiles = [
        repo("profiles/riverbend-clinic.yaml"),
        repo("profiles/lakeside-specialty.yaml"),
        repo("profiles/cascadia-regional.yaml"),
    ];
    let mut built: Vec<String> = Vec::new();
    for k in 0..2 {
        let out = dir.join(format!("shard-{k}"));
        let (code, stdout, err) = run(bin()
            .args(["build", "-f", "md", "--json", "--shard", &format!("{k}/2")])
            .args(&profiles)
            .arg("-o")
            .arg(&out));
        assert_eq!(code, 0, "{err}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        for e in report.as_array().unwrap() {
            built.push(e["report"]["profile"].as_str().unwrap().to_string());
        }
    }
    // Path order: cascadia, lakeside, riverbend → shard 0 gets 1st and 3rd.
    let names: Vec<&str> = built
        .iter()
        .map(|p| Path::new(p).file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "cascadia-regional.yaml",
            "riverbend-clinic.yaml",
            "lakeside-specialty.yaml"
        ]
    );
    for bad in ["2/2", "1", "a/3", "0/0"] {
        let (code, _, err) = run(bin().args(["build", "--shard", bad, "x.yaml"]));
        assert_eq!(code, 2, "--shard {bad}: {err}");
        assert!(err.contains("--shard"), "{err}");
    }
}

#[test]
fn check_names_documents_due_and_reports_json() {
    let (dir, out, profile) = built_pack("check", "md");
    let check = |epoch: &str, extra: &[&str]| {
        run(bin()
            .env("SOURCE_DATE_EPOCH", epoch)
            .arg("check")
            .arg(&profile)
            .arg("-o")
            .arg(&out)
            .args(extra))
    };
    // 2026-06-01: the next review (2027-02-01) is far off.
    let (code, stdout, err) = check("1780272000", &["--due-within", "30"]);
    assert_eq!(code, 0, "{stdout}{err}");
    // 2027-01-20: due in 12 days, named per document.
    let (code, stdout, _) = check("1800403200", &["--due-within", "30"]);
    assert_eq!(code, 3);
    assert!(
        stdout.contains(
            "incident-response-plan (Incident Response Plan) review due on 2027-02-01 (in 12 days)"
        ),
        "{stdout}"
    );
    // 2027-03-01: overdue counts even with a short window.
    let (code, stdout, _) = check("1803859200", &["--due-within", "1", "--json"]);
    assert_eq!(code, 3);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ok"], false);
    let reasons = report["reasons"].as_array().unwrap();
    assert!(reasons.iter().any(|r| {
        r.as_str()
            .unwrap()
            .contains("review overdue since 2027-02-01 (28 days ago)")
    }));
    // The same, structured: which profile, pack, kind and document.
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), reasons.len());
    assert!(findings.iter().any(|f| f["kind"] == "overdue"
        && f["subject"] == "incident-response-plan"
        && f["pack"].as_str().unwrap().ends_with("riverbend")
        && f["profile"].as_str().unwrap().ends_with("p.yaml")));
    // A value changes: the pack is stale until rebuilt.
    profile_in(&dir, "p.yaml", |t| {
        t.replace("Dana Ortiz", "Dana Ortiz-Brennan")
    });
    let (code, stdout, _) = check("1780272000", &[]);
    assert_eq!(code, 3);
    assert!(
        stdout.contains(
            "because: profile field people.security_officer.name changed: Dana Ortiz → Dana Ortiz-Brennan"
        ),
        "{stdout}"
    );
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    let (code, stdout, err) = check("1780272000", &[]);
    assert_eq!(code, 0, "{stdout}{err}");
    // Overdue fails without --due-within too.
    let (code, stdout, _) = check("1803859200", &[]);
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.contains("review overdue since"), "{stdout}");
}

/// `check` names only the documents a rebuild would change (it said every
/// document was stale after any change), and fails on a pack whose files
/// were edited by hand or deleted (it passed).
#[test]
fn check_names_only_changed_documents_and_edited_or_missing_files() {
    let (dir, out, profile) = built_pack("check-precise", "md,html");
    let check = || {
        run(bin()
            .env("SOURCE_DATE_EPOCH", "1780272000")
            .arg("check")
            .arg(&profile)
            .arg("-o")
            .arg(&out))
    };
    let (code, stdout, err) = check();
    assert_eq!(code, 0, "{stdout}{err}");
    // The EHR's name is not in every document.
    profile_in(&dir, "p.yaml", |t| t.replace("athenaOne", "eClinicalWorks"));
    let (code, stdout, _) = check();
    assert_eq!(code, 3);
    let stale: Vec<&str> = stdout.lines().filter(|l| l.contains("is stale")).collect();
    assert!(!stale.is_empty(), "{stdout}");
    assert!(
        !stdout.contains("document crosswalk is stale"),
        "the crosswalk does not name the EHR:\n{stdout}"
    );
    let (code, report, err) = build(&profile, &out, &["-f", "md,html"]);
    assert_eq!(code, 0, "{err}");
    // Only some of the documents were stale.
    let written_md = std::fs::read_dir(out.join("riverbend/md")).unwrap().count();
    assert!(
        stale.len() < written_md,
        "{} of {written_md}: {report}",
        stale.len()
    );
    let (code, stdout, err) = check();
    assert_eq!(code, 0, "{stdout}{err}");
    // A file edited by hand, another deleted.
    let edited = out.join("riverbend/html/access-control.html");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("<!-- edited -->");
    std::fs::write(&edited, text).unwrap();
    std::fs::remove_file(out.join("riverbend/md/network-security.md")).unwrap();
    let (code, stdout, _) = check();
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.contains("html/access-control.html differs from the manifest"),
        "{stdout}"
    );
    assert!(
        stdout.contains("md/network-security.md is missing"),
        "{stdout}"
    );
}

#[test]
fn a_second_build_waits_for_the_lock_and_says_so() {
    let dir = tempdir("lock");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let profile = profile_in(&dir, "p.yaml", |t| t);
    // Another build holds the pack's lock.
    let lock = std::fs::File::create(out.join(".riverbend.lock")).unwrap();
    lock.lock().unwrap();
    let mut child = bin()
        .args(["build", "-f", "md"])
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the second build must wait while the lock is held"
    );
    assert!(!out.join("riverbend/manifest.json").exists());
    drop(lock);
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("waiting for another hicp build of"), "{err}");
    assert!(out.join("riverbend/manifest.json").is_file());
}

/// After one value changes, the binder is assembled from the page cache
/// the previous build left beside the pack; the result must be the same
/// bytes a build from nothing gives, and a damaged cache must be ignored
/// (same bytes again), never trusted.
#[test]
fn incremental_binder_from_the_page_cache_equals_a_full_build() {
    let (dir, out, profile) = built_pack("page-cache", "md,html,pdf");
    let cache = out.join(".riverbend.pages");
    assert!(cache.is_file(), "the build keeps its pages beside the pack");
    assert!(
        !out.join("riverbend").join(".riverbend.pages").exists(),
        "the cache is not part of the pack"
    );
    let before = std::fs::read(&cache).unwrap();
    let edit = |t: String| t.replace("Sam Lee", "Samira Lindqvist-Óg");
    profile_in(&dir, "p.yaml", edit);
    let (code, _, err) = build(&profile, &out, &["-f", "md,html,pdf"]);
    assert_eq!(code, 0, "{err}");
    assert_ne!(
        std::fs::read(&cache).unwrap(),
        before,
        "cache follows the pack"
    );

    let fresh = dir.join("fresh");
    let (code, _, err) = build(&profile, &fresh, &["-f", "md,html,pdf", "--force"]);
    assert_eq!(code, 0, "{err}");
    let binder = "riverbend/pdf/riverbend-policy-pack.pdf";
    let incremental = std::fs::read(out.join(binder)).unwrap();
    assert_eq!(
        incremental,
        std::fs::read(fresh.join(binder)).unwrap(),
        "binder from cached pages = binder set from nothing"
    );
    assert_eq!(
        snapshot(&out.join("riverbend")).len(),
        snapshot(&fresh.join("riverbend")).len()
    );
    for (rel, (bytes, _)) in snapshot(&fresh.join("riverbend")) {
        if rel == "manifest.json" {
            continue; // records the profile path and the revision rows
        }
        let mine = std::fs::read(out.join("riverbend").join(&rel)).unwrap();
        assert!(mine == bytes, "{rel} differs from a full build");
    }

    // A damaged cache (page streams cut short, then garbage) is not used.
    for damage in [
        before[..before.len() / 2].to_vec(),
        b"HICP-PAGES 1\n\xff\xff".to_vec(),
    ] {
        profile_in(&dir, "p.yaml", |t| t.replace("Sam Lee", "Samuel Lee"));
        build(&profile, &out, &["-f", "md,html,pdf"]);
        std::fs::write(&cache, &damage).unwrap();
        profile_in(&dir, "p.yaml", edit);
        let (code, _, err) = build(&profile, &out, &["-f", "md,html,pdf"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(std::fs::read(out.join(binder)).unwrap(), incremental);
    }

    // A lost cache: a rebuild with nothing changed leaves the pack alone
    // (it does not set every page just to remake the cache); the next build
    // that changes something sets the pages, writes the cache again, and
    // still gives the bytes of a build from nothing.
    std::fs::remove_file(&cache).unwrap();
    let before_pack = snapshot(&out.join("riverbend"));
    let (code, _, err) = build(&profile, &out, &["-f", "md,html,pdf"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        snapshot(&out.join("riverbend")),
        before_pack,
        "pack untouched"
    );
    profile_in(&dir, "p.yaml", |t| t.replace("Sam Lee", "Samuel Lee"));
    let (code, _, err) = build(&profile, &out, &["-f", "md,html,pdf"]);
    assert_eq!(code, 0, "{err}");
    assert!(cache.is_file(), "cache written again");
    let (code, _, err) = build(&profile, &fresh, &["-f", "md,html,pdf", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(out.join(binder)).unwrap(),
        std::fs::read(fresh.join(binder)).unwrap()
    );
}

/// A rebuild renders again only the documents whose inputs changed; the
/// others' Markdown is read back. Whatever way a template reaches a value
/// (a `set` alias, a subscript, a partial it includes), changing the value
/// must re-render it: the rebuilt pack equals a build from nothing.
#[test]
fn rebuild_renders_what_a_value_reaches_however_the_template_reads_it() {
    let dir = tempdir("selective");
    let tpl = dir.join("tpl");
    std::fs::create_dir_all(tpl.join("documents")).unwrap();
    std::fs::create_dir_all(tpl.join("partials")).unwrap();
    std::fs::write(
        tpl.join("partials/who.md.tera"),
        "{% set folks = people %}Privacy contact: {{ folks[\"privacy_officer\"].name }}.\n",
    )
    .unwrap();
    std::fs::write(
        tpl.join("documents/zz-indirect.md.tera"),
        "---\nid: zz-indirect\ntitle: Indirect Reads\nkind: procedure\naudience: Everyone\ndescription: Reads values indirectly.\npractices: [1.S.A]\n---\n\
         {% include \"partials/doc_header.md.tera\" %}\n\
         ## Contacts {#contacts}\n\n{% include \"partials/who.md.tera\" %}\n\n\
         {% include \"partials/doc_footer.md.tera\" %}\n",
    )
    .unwrap();
    let out = dir.join("out");
    let profile = profile_in(&dir, "p.yaml", |t| t);
    let args = ["-f", "md,html,pdf", "--templates", tpl.to_str().unwrap()];
    let (code, _, err) = build(&profile, &out, &args);
    assert_eq!(code, 0, "{err}");
    let md = out.join("riverbend/md/zz-indirect.md");
    assert!(std::fs::read_to_string(&md).unwrap().contains("Sam Lee"));

    profile_in(&dir, "p.yaml", |t| {
        t.replace("Sam Lee", "Samira Lindqvist-Óg")
    });
    let (code, _, err) = build(&profile, &out, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .contains("Samira Lindqvist-Óg"),
        "the alias-and-partial read was followed"
    );
    let fresh = dir.join("fresh");
    let mut fresh_args = args.to_vec();
    fresh_args.push("--force");
    let (code, _, err) = build(&profile, &fresh, &fresh_args);
    assert_eq!(code, 0, "{err}");
    for (rel, (bytes, _)) in snapshot(&fresh.join("riverbend")) {
        if rel == "manifest.json" {
            continue;
        }
        let mine = std::fs::read(out.join("riverbend").join(&rel)).unwrap();
        assert!(mine == bytes, "{rel} differs from a full build");
    }
    // The manifest records each document's dependency hash, and a document
    // that does not show the privacy officer kept its hash.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("riverbend/manifest.json")).unwrap())
            .unwrap();
    let docs = manifest["documents"].as_array().unwrap();
    assert!(docs.iter().all(|d| d["deps_sha256"].is_string()));

    // A template edit re-renders (the template hash is part of every hash).
    let path = tpl.join("partials/who.md.tera");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Privacy contact", "Privacy lead")).unwrap();
    let (code, _, err) = build(&profile, &out, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .contains("Privacy lead: Samira")
    );
}

/// Every file the pack's manifest lists has the sha256 it records.
fn manifest_holds(pack: &Path) -> Result<(), String> {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).unwrap()).unwrap();
    let mut listed = Vec::new();
    for d in m["documents"].as_array().unwrap() {
        for (fmt, path) in d["outputs"].as_object().unwrap() {
            listed.push((path.as_str().unwrap().to_string(), d["sha256"][fmt].clone()));
        }
    }
    for f in m["files"].as_object().unwrap().values() {
        listed.push((f["path"].as_str().unwrap().to_string(), f["sha256"].clone()));
    }
    for (path, want) in listed {
        let got = hicp::pack::sha256_hex(&std::fs::read(pack.join(&path)).unwrap());
        if want.as_str() != Some(got.as_str()) {
            return Err(format!("{path}: manifest says {want}, file is {got}"));
        }
    }
    Ok(())
}

/// A build reads the previous pack (to reuse its unchanged files) before it
/// takes the pack's lock to write. When another build swaps the pack in
/// between, the files this build read must not be taken from the new pack
/// by link: the written pack must still match its own manifest, file for
/// file, and equal a build of its profile from nothing.
#[test]
fn a_pack_swapped_by_another_build_between_reading_and_writing_is_not_trusted() {
    use hicp::pack::{self, Format};
    let (dir, out, _) = built_pack("swapped-between", "md,html,pdf");
    // This build changes a vendor's contact; the other one the privacy
    // officer, which other documents show.
    let mine = profile_in(&dir, "mine.yaml", |t| {
        t.replace(
            "contact: support@athena.example",
            "contact: desk@athena.example",
        )
    });
    let theirs = profile_in(&dir, "theirs.yaml", |t| {
        t.replace("name: Sam Lee", "name: Samantha Lee-Okafor")
    });
    let loaded = hicp::profile::load(&mine).unwrap();
    let formats = [Format::Md, Format::Html, Format::Pdf];
    let (files, info) =
        pack::prepare_with(&loaded, &[], &formats, "mine.yaml", Some(&out), Some(&out)).unwrap();
    assert!(
        files.unchanged.len() > 20,
        "most files were read back: {}",
        files.unchanged.len()
    );
    let (code, _, err) = build(&theirs, &out, &["-f", "md,html,pdf"]);
    assert_eq!(code, 0, "{err}");
    pack::write_pack(&out, &info.slug, &files, false).unwrap();
    let written = out.join(&info.slug);
    manifest_holds(&written).unwrap();

    let fresh = dir.join("fresh");
    let (code, _, err) = build(&mine, &fresh, &["-f", "md,html,pdf", "--force"]);
    assert_eq!(code, 0, "{err}");
    let strip = |snap: BTreeMap<String, (Vec<u8>, SystemTime)>| -> BTreeMap<String, Vec<u8>> {
        snap.into_iter()
            .filter(|(k, _)| k != "manifest.json")
            .map(|(k, (b, _))| (k, b))
            .collect()
    };
    let (a, b) = (
        strip(snapshot(&written)),
        strip(snapshot(&fresh.join(&info.slug))),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs from a build from nothing");
    }
}

/// Two profiles of one batch that name the same pack folder: the first in
/// the order given builds, the other fails naming it (exit 1), whatever the
/// thread timing; swapping the order swaps the outcome.
#[test]
fn a_batch_refuses_a_second_profile_for_the_same_pack_folder() {
    let dir = tempdir("same-pack-folder");
    let a = profile_in(&dir, "a.yaml", |t| t);
    let b = profile_in(&dir, "b.yaml", |t| {
        t.replace("name: Sam Lee", "name: Sam Leeward")
    });
    for (first, second) in [(&a, &b), (&b, &a)] {
        let out = dir.join(format!(
            "out-{}",
            first.file_stem().unwrap().to_string_lossy()
        ));
        let (code, _, err) = run(bin()
            .args(["build", "-f", "md", "-j", "2"])
            .arg(first)
            .arg(second)
            .arg("-o")
            .arg(&out));
        assert_eq!(code, 1, "{err}");
        let expected = format!(
            "{}: builds the pack folder `riverbend`, as {} (given before it) does",
            second.display(),
            first.display()
        );
        assert!(err.contains(&expected), "{err}");
        assert!(err.contains("give the organizations different"), "{err}");
        assert!(err.contains("1 pack(s) built, 1 failed"), "{err}");
        let manifest = std::fs::read_to_string(out.join("riverbend/manifest.json")).unwrap();
        assert!(
            manifest.contains(&format!("\"path\": \"{}\"", first.display())),
            "the pack is the first profile's: {manifest}"
        );
    }
}

/// The same file named twice (`a.yaml ./a.yaml`) is said to be that.
#[test]
fn the_same_profile_given_twice_is_named_as_such() {
    let dir = tempdir("same-file-twice");
    let a = profile_in(&dir, "a.yaml", |t| t);
    let again = dir.join(".").join("a.yaml");
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md"])
        .arg(&a)
        .arg(&again)
        .arg("-o")
        .arg(dir.join("out")));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("it is the same file given twice: give it once"),
        "{err}"
    );
}

/// `-v` and `--json` say which files a rebuild wrote and removed, not only
/// how many: the security officer sees what changed, file by file.
#[test]
fn a_rebuild_lists_the_files_it_wrote_and_removed() {
    let (dir, out, profile) = built_pack("written-list", "md");
    profile_in(&dir, "p.yaml", |t| t.replace("athenaOne", "eClinicalWorks"));
    let (code, _, err) = build(&profile, &out, &["-f", "md", "-v"]);
    assert_eq!(code, 0, "{err}");
    let written: Vec<&str> = err
        .lines()
        .filter_map(|l| l.trim().strip_prefix("written: "))
        .collect();
    assert!(written.contains(&"manifest.json"), "{err}");
    assert!(written.iter().any(|w| w.starts_with("md/")), "{err}");
    assert!(
        !written.contains(&"md/crosswalk.md"),
        "unchanged files are not listed: {err}"
    );
    // Leaving a document out removes its file, and says so.
    profile_in(&dir, "p.yaml", |t| {
        t.replace("athenaOne", "eClinicalWorks")
            .replace("documents:\n", "documents:\n  exclude: [crosswalk]\n")
    });
    let (code, stdout, err) = build(&profile, &out, &["-f", "md", "--json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report[0]["report"]["removed"],
        serde_json::json!(["md/crosswalk.md"]),
        "{stdout}"
    );
}

#[test]
fn a_folder_or_file_hicp_did_not_write_is_never_replaced() {
    let dir = tempdir("foreign");
    let out = dir.join("out");
    let profile = profile_in(&dir, "p.yaml", |t| t);
    // A folder of the user's that bears the pack's name, with a file at a
    // path the pack writes.
    std::fs::create_dir_all(out.join("riverbend/md")).unwrap();
    std::fs::write(out.join("riverbend/md/access-control.md"), "our own text").unwrap();
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("it is a folder hicp did not write (it has no manifest.json), and building would replace it"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("riverbend/md/access-control.md")).unwrap(),
        "our own text"
    );
    // A file there is refused the same way, and left as it was.
    std::fs::remove_dir_all(out.join("riverbend")).unwrap();
    std::fs::write(out.join("riverbend"), "a file").unwrap();
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("it exists and is not a folder"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("riverbend")).unwrap(),
        "a file"
    );
    let stray: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    // An empty folder is taken.
    std::fs::remove_file(out.join("riverbend")).unwrap();
    std::fs::create_dir(out.join("riverbend")).unwrap();
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("riverbend/manifest.json").is_file());
}

/// A document left out of the pack keeps its revision history in the
/// manifest, and continues it when it returns.
#[test]
fn a_withdrawn_document_keeps_its_history_and_continues_it_on_return() {
    let (dir, out, profile) = built_pack("withdrawn", "md");
    profile_in(&dir, "p.yaml", |t| {
        t.replace("version: \"1.0\"", "version: \"1.1\"").replace(
            "effective_date: 2026-02-01",
            "effective_date: 2026-08-01\n  exclude: [form-exception-request]",
        )
    });
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 document(s) left the pack (form-exception-request)"),
        "{err}"
    );
    assert!(!out.join("riverbend/md/form-exception-request.md").exists());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("riverbend/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["withdrawn"][0]["id"], "form-exception-request");
    assert_eq!(m["withdrawn"][0]["withdrawn_in"], "1.1");
    profile_in(&dir, "p.yaml", |t| {
        t.replace("version: \"1.0\"", "version: \"1.2\"")
            .replace("effective_date: 2026-02-01", "effective_date: 2026-10-01")
    });
    let (code, _, err) = build(&profile, &out, &["-f", "md"]);
    assert_eq!(code, 0, "{err}");
    let rows = history_rows(
        &std::fs::read_to_string(out.join("riverbend/md/form-exception-request.md")).unwrap(),
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].starts_with("| 1.0 | 2026-02-01 | Issued"),
        "{rows:?}"
    );
    assert!(rows[1].starts_with("| 1.2 | 2026-10-01 |"), "{rows:?}");
}
