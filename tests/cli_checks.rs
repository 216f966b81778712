//! What a user sees from `check`, `validate`, `init` and `diff` when
//! something is wrong: exit codes and the words on stdout and stderr, for
//! the defects testers found (each test fails on the code before its fix).

mod common;

use common::{bin, repo, run};
use std::path::{Path, PathBuf};

fn tempdir(name: &str) -> PathBuf {
    common::tempdir("cli-checks", name)
}

/// The small example profile, copied into `dir` as `name` after `edit`.
fn profile_in(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, edit(text)).unwrap();
    path
}

fn build(profile: &Path, out: &Path, formats: &str) {
    let (code, _, err) = run(bin()
        .args(["build", "-f", formats])
        .arg(profile)
        .arg("-o")
        .arg(out));
    assert_eq!(code, 0, "{err}");
}

// --- 1. check and validate with nothing to check -------------------------

/// In a folder without profile.yaml, `check` checked the bundled example
/// (or nothing) and exited 0, so a CI step with an empty profile list passed.
#[test]
fn check_without_a_profile_fails_and_says_why() {
    let dir = tempdir("no-profile");
    for extra in [&[][..], &["--json"][..]] {
        let (code, out, err) = run(bin()
            .current_dir(&dir)
            .args(["check", "-o", "o"])
            .args(extra));
        assert_eq!(code, 2, "{out}{err}");
        assert!(
            err.contains("error: no profile given and no ./profile.yaml"),
            "{err}"
        );
        assert!(err.contains("hicp check profiles/*.yaml"), "{err}");
        assert!(out.is_empty(), "{out}");
    }
}

// --- 3. SOURCE_DATE_EPOCH ----------------------------------------------

/// An unreadable SOURCE_DATE_EPOCH fell back to the clock: a job pinned to
/// a day the review is overdue passed.
#[test]
fn an_invalid_source_date_epoch_is_an_error_naming_it() {
    let dir = tempdir("epoch");
    let out = dir.join("out");
    let p = profile_in(&dir, "p.yaml", |t| t);
    build(&p, &out, "md");
    for bad in ["2027-03-01", "1801958400.5", "abc"] {
        let (code, stdout, err) = run(bin()
            .env("SOURCE_DATE_EPOCH", bad)
            .arg("check")
            .arg(&p)
            .arg("-o")
            .arg(&out));
        assert_eq!(code, 2, "{bad}: {stdout}{err}");
        assert!(
            err.contains(&format!("error: SOURCE_DATE_EPOCH is `{bad}`")),
            "{err}"
        );
        assert!(err.contains("whole number of seconds"), "{err}");
    }
}

// --- 5. validate reads ./profile.yaml -----------------------------------

#[test]
fn validate_defaults_to_profile_yaml_like_build_and_check() {
    let dir = tempdir("validate-default");
    profile_in(&dir, "profile.yaml", |t| t);
    let (code, _, err) = run(bin().current_dir(&dir).arg("validate"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("profile.yaml: valid"), "{err}");
    let empty = tempdir("validate-nothing");
    let (code, _, err) = run(bin().current_dir(&empty).arg("validate"));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("error: no profile given and no ./profile.yaml"),
        "{err}"
    );
}

// --- 9. diff ------------------------------------------------------------

/// A size derived from metrics that moves from small to medium was not
/// reported (only `organization.metrics.providers` was).
#[test]
fn profile_diff_reports_a_derived_size_change() {
    let dir = tempdir("diff-size");
    let p = dir.join("profile.yaml");
    let (code, _, err) = run(bin()
        .arg("init")
        .arg(&p)
        .args(["--name", "Hillside Pediatrics"]));
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&p).unwrap();
    let with = |providers: u32| {
        let mut out = String::new();
        for line in text.lines() {
            if line.trim_start().starts_with("size: small") {
                out.push_str(&format!("  metrics: {{ providers: {providers} }}\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    };
    let (a, b) = (dir.join("a.yaml"), dir.join("b.yaml"));
    std::fs::write(&a, with(5)).unwrap();
    std::fs::write(&b, with(30)).unwrap();
    let (code, stdout, err) = run(bin().arg("diff").arg(&a).arg(&b).arg("--exit-code"));
    assert_eq!(code, 3, "{err}");
    assert!(
        stdout.contains("organization size: small → medium (Size medium was derived from metrics"),
        "{stdout}"
    );
}

/// Two packs that differ only in a Word or PDF file gave "no differences"
/// and exit 0 with --exit-code.
#[test]
fn pack_diff_reports_removed_and_changed_output_files() {
    let dir = tempdir("diff-files");
    let p = profile_in(&dir, "p.yaml", |t| t);
    let (a, b) = (dir.join("a"), dir.join("b"));
    build(&p, &a, "md,pdf,docx");
    build(&p, &b, "md,pdf,docx");
    let (pa, pb) = (a.join("riverbend"), b.join("riverbend"));
    let (code, stdout, _) = run(bin().arg("diff").arg(&pa).arg(&pb).arg("--exit-code"));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("no differences"), "{stdout}");
    std::fs::remove_file(pb.join("docx/access-control.docx")).unwrap();
    let pdf = pb.join("pdf/network-security.pdf");
    let mut bytes = std::fs::read(&pdf).unwrap();
    bytes.extend_from_slice(b"\n% changed\n");
    std::fs::write(&pdf, bytes).unwrap();
    let (code, stdout, err) = run(bin().arg("diff").arg(&pa).arg(&pb).arg("--exit-code"));
    assert_eq!(code, 3, "{stdout}{err}");
    assert!(stdout.contains("output files that differ (2):"), "{stdout}");
    assert!(
        stdout.contains("  removed docx/access-control.docx (the new manifest lists it, but the folder has no such file)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  changed pdf/network-security.pdf"),
        "{stdout}"
    );
    // A pack built without the Word files: each is reported removed.
    let c = dir.join("c");
    build(&p, &c, "md,pdf");
    let (code, json, _) = run(bin()
        .arg("diff")
        .arg(&pa)
        .arg(c.join("riverbend"))
        .args(["--json", "--exit-code"]));
    assert_eq!(code, 3, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let files = v["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "docx/access-control.docx" && f["change"] == "removed"),
        "{json}"
    );
}
