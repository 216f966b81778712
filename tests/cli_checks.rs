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
