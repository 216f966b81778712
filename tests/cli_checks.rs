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

/// `hicp check` with the date pinned to 2026-06-01 (the example's next
/// review, 2027-02-01, is far off).
fn check(profile: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    run(bin()
        .env("SOURCE_DATE_EPOCH", "1780272000")
        .arg("check")
        .arg(profile)
        .arg("-o")
        .arg(out)
        .args(extra))
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
        if extra.is_empty() {
            assert!(out.is_empty(), "{out}");
        } else {
            // With --json, the error object (tests/cli_errors.rs).
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["exit_code"], 2, "{out}");
        }
    }
}

/// `check --json` listed no profile or pack: a report of nothing checked
/// looked like a clean one.
#[test]
fn check_json_lists_the_profiles_and_packs_it_checked() {
    let dir = tempdir("json-checked");
    let out = dir.join("out");
    let p = profile_in(&dir, "p.yaml", |t| t);
    build(&p, &out, "md");
    let (code, stdout, err) = check(&p, &out, &["--json"]);
    assert_eq!(code, 0, "{stdout}{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["ok"], true);
    let checked = v["checked"].as_array().unwrap();
    assert_eq!(checked.len(), 1, "{stdout}");
    assert_eq!(checked[0]["profile"], p.display().to_string());
    assert_eq!(
        checked[0]["pack"],
        out.join("riverbend").display().to_string()
    );
    assert_eq!(checked[0]["ok"], true);
}

// --- 2. stale: what changed, and the command that fixes it ---------------

/// A stale pack was 36 identical lines "its inputs changed since the pack
/// was built", naming no field and no fix.
#[test]
fn stale_is_one_summary_naming_the_fields_and_the_fix() {
    let dir = tempdir("stale-summary");
    let out = dir.join("out");
    let p = profile_in(&dir, "p.yaml", |t| t);
    build(&p, &out, "md,html");
    profile_in(&dir, "p.yaml", |t| t.replace("athenaOne", "eClinicalWorks"));
    let (code, stdout, err) = check(&p, &out, &[]);
    assert_eq!(code, 3, "{stdout}{err}");
    let stale: Vec<&str> = stdout.lines().filter(|l| l.contains("is stale")).collect();
    assert_eq!(stale.len(), 1, "one summary per pack:\n{stdout}");
    assert!(
        stale[0].starts_with(&format!(
            "{}: pack {} is stale: a rebuild changes ",
            p.display(),
            out.join("riverbend").display()
        )),
        "{stdout}"
    );
    assert!(
        stale[0].contains("of its 36 documents (md, html)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  because: profile field technology.ehr.name changed: athenaOne → eClinicalWorks"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "  fix: run `hicp build {} -o {} -f md,html`",
            p.display(),
            out.display()
        )),
        "{stdout}"
    );
    // Per-document lines only with -v.
    assert!(!stdout.contains("document acceptable-use"), "{stdout}");
    let (code, verbose, _) = run(bin()
        .env("SOURCE_DATE_EPOCH", "1780272000")
        .args(["check", "-v"])
        .arg(&p)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 3);
    assert!(
        verbose.contains("  document acceptable-use: a rebuild changes its md, html"),
        "{verbose}"
    );
    // The same in --json: one finding, why, the documents and the fix.
    let (_, json, _) = check(&p, &out, &["--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    let f = &findings[0];
    assert_eq!(f["kind"], "stale");
    assert!(
        f["because"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b.as_str().unwrap().contains("technology.ehr.name")),
        "{json}"
    );
    assert!(
        f["documents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == "acceptable-use" && d["change"] == "changed"),
        "{json}"
    );
    assert!(
        f["fix"].as_str().unwrap().starts_with("hicp build "),
        "{json}"
    );
    // After the fix, nothing to say.
    build(&p, &out, "md,html");
    let (code, stdout, err) = check(&p, &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");
}

/// A value set in a parent profile (`extends`) is named with its file, and
/// a template override that changed is named as a cause.
#[test]
fn stale_names_the_parent_file_and_changed_templates() {
    let dir = tempdir("stale-parent");
    let out = dir.join("out");
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    let parent = dir.join("shared/parent.yaml");
    std::fs::write(
        &parent,
        "hicp: 1\ntechnology:\n  ehr: { name: athenaOne, hosting: cloud }\n",
    )
    .unwrap();
    let p = profile_in(&dir, "p.yaml", |t| {
        t.replace("hicp: 1\n", "hicp: 1\nextends: shared/parent.yaml\n")
            .replace("  ehr: { name: athenaOne, hosting: cloud }\n", "")
    });
    let templates = dir.join("tpl");
    std::fs::create_dir_all(templates.join("documents")).unwrap();
    let template = templates.join("documents/acceptable-use.md.tera");
    let builtin =
        std::fs::read_to_string(repo("templates/documents/acceptable-use.md.tera")).unwrap();
    std::fs::write(&template, &builtin).unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md"])
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .arg("--templates")
        .arg(&templates));
    assert_eq!(code, 0, "{err}");
    std::fs::write(
        &parent,
        "hicp: 1\ntechnology:\n  ehr: { name: eClinicalWorks, hosting: cloud }\n",
    )
    .unwrap();
    std::fs::write(&template, format!("{builtin}\nOne more line.\n")).unwrap();
    let (code, stdout, _) = check(&p, &out, &["--templates", templates.to_str().unwrap()]);
    assert_eq!(code, 3, "{stdout}");
    let shown_parent = dir.join("shared/parent.yaml");
    assert!(
        stdout.contains(&format!(
            "because: profile field technology.ehr.name changed: athenaOne → eClinicalWorks (set in {}:3)",
            shown_parent.display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("because: templates changed"), "{stdout}");
    assert!(
        stdout.contains(&format!("--templates {}`", templates.display())),
        "the fix builds with the same templates:\n{stdout}"
    );
}

/// A pack built by another hicp says so.
#[test]
fn stale_names_the_hicp_version_that_built_the_pack() {
    let dir = tempdir("stale-version");
    let out = dir.join("out");
    let p = profile_in(&dir, "p.yaml", |t| t);
    build(&p, &out, "md");
    let manifest = out.join("riverbend/manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    m["generator"]["version"] = "0.0.1".into();
    std::fs::write(&manifest, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    profile_in(&dir, "p.yaml", |t| {
        t.replace("Dana Ortiz", "Dana Ortiz-Brennan")
    });
    let (code, stdout, _) = check(&p, &out, &[]);
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.contains("because: hicp changed: the pack was built by hicp 0.0.1, this is hicp "),
        "{stdout}"
    );
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

// --- 4. check's words ---------------------------------------------------

/// A deleted file was `kind: "edited"`; every line starts with the profile
/// (stale and edited lines started with the pack folder).
#[test]
fn a_deleted_file_is_missing_and_every_line_starts_with_the_profile() {
    let dir = tempdir("missing");
    let out = dir.join("out");
    let p = profile_in(&dir, "p.yaml", |t| t);
    build(&p, &out, "md,html");
    std::fs::remove_file(out.join("riverbend/md/network-security.md")).unwrap();
    let edited = out.join("riverbend/html/access-control.html");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("<!-- edited -->");
    std::fs::write(&edited, text).unwrap();
    let (code, json, _) = check(&p, &out, &["--json", "--require-approved"]);
    assert_eq!(code, 3, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let kind_of = |subject: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["subject"] == subject)
            .map(|f| f["kind"].clone())
    };
    assert_eq!(kind_of("md/network-security.md"), Some("missing".into()));
    assert_eq!(kind_of("html/access-control.html"), Some("edited".into()));
    let (_, stdout, _) = check(&p, &out, &["--require-approved"]);
    let prefix = format!("{}: ", p.display());
    for line in stdout.lines().filter(|l| !l.starts_with("  ")) {
        assert!(line.starts_with(&prefix), "{line}\n{stdout}");
    }
    assert!(
        stdout.contains(&format!(
            "{prefix}pack {}: md/network-security.md is missing",
            out.join("riverbend").display()
        )),
        "{stdout}"
    );
    // One fix for the pack, after its last line.
    assert_eq!(
        stdout.matches("  fix: run `hicp build").count(),
        1,
        "{stdout}"
    );
}

/// "in 0 days", "in 1 days": the day counts read as words.
#[test]
fn review_dates_read_today_in_1_day_and_1_day_ago() {
    let dir = tempdir("days");
    let out = dir.join("out");
    let p = profile_in(&dir, "p.yaml", |t| t);
    build(&p, &out, "md");
    // The next review is 2027-02-01.
    for (epoch, words) in [
        ("1801353600", "review due on 2027-02-01 (in 1 day)"),
        ("1801440000", "review due on 2027-02-01 (today)"),
        ("1801526400", "review overdue since 2027-02-01 (1 day ago)"),
    ] {
        let (code, stdout, _) = run(bin()
            .env("SOURCE_DATE_EPOCH", epoch)
            .args(["check", "--due-within", "30"])
            .arg(&p)
            .arg("-o")
            .arg(&out));
        assert_eq!(code, 3, "{stdout}");
        assert!(stdout.contains(words), "{words}:\n{stdout}");
        assert!(
            !stdout.contains(" 0 days") && !stdout.contains(" 1 days"),
            "{stdout}"
        );
    }
}

/// `check --help` showed PROFILES, --out, --templates and --json without a
/// word; every argument of every command now says what it is.
#[test]
fn every_argument_of_every_command_has_help() {
    for command in [
        "build", "validate", "init", "list", "schema", "check", "diff",
    ] {
        let (code, help, err) = run(bin().args([command, "--help"]));
        assert_eq!(code, 0, "{err}");
        let mut in_list = false;
        for line in help.lines() {
            if line == "Arguments:" || line == "Options:" {
                in_list = true;
                continue;
            }
            if line.is_empty() {
                in_list = false;
                continue;
            }
            if !in_list || !line.starts_with("  ") {
                continue;
            }
            let t = line.trim();
            if !(t.starts_with('-') || t.starts_with('[') || t.starts_with('<')) {
                continue; // a wrapped description
            }
            // After the argument, two spaces and its description; clap
            // pads an argument without one, or shows only `[default: …]`.
            let description = t.split_once("  ").map_or("", |(_, d)| d.trim());
            assert!(
                !description.is_empty() && !description.starts_with('['),
                "`hicp {command}`: `{t}` has no description:\n{help}"
            );
        }
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

// --- 6. init refuses what validate would refuse -------------------------

#[test]
fn init_refuses_a_name_the_loader_refuses_and_writes_nothing() {
    let dir = tempdir("init-name");
    let p = dir.join("profile.yaml");
    let long = "a".repeat(1500);
    for (name, says) in [
        ("", "error: --name: the name is empty"),
        ("   ", "error: --name: the name is empty"),
        (
            long.as_str(),
            "error: --name: the name is 1500 characters long; a value holds at most 1000",
        ),
        (
            "Bad\u{1}Name",
            "error: --name: the name contains U+0001 at character 4, a control character",
        ),
    ] {
        let (code, _, err) = run(bin().arg("init").arg(&p).args(["--name", name]));
        assert_eq!(code, 2, "{name:?}: {err}");
        assert!(err.contains(says), "{name:?}: {err}");
        assert!(!p.exists(), "{name:?}: nothing may be written");
    }
    // At the limit it is a name, and the profile validates.
    let (code, _, err) = run(bin().arg("init").arg(&p).args(["--name", &long[..1000]]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(bin().arg("validate").arg(&p));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn init_into_a_folder_says_to_give_a_file() {
    let dir = tempdir("init-folder");
    let folder = dir.join("d");
    std::fs::create_dir_all(&folder).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let (code, _, err) = run(bin().arg("init").arg(&folder).args(extra));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!(
                "error: {} is a folder; give a file path such as {}",
                folder.display(),
                folder.join("profile.yaml").display()
            )),
            "{err}"
        );
    }
    assert!(!folder.join("profile.yaml").exists());
}

// --- 7. starter examples left in a profile -------------------------------

/// `init`'s profile with its incident-response example uncommented as is.
fn starter_with_insurer(dir: &Path) -> PathBuf {
    let p = dir.join("profile.yaml");
    let (code, _, err) = run(bin().arg("init").arg(&p));
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut out = String::new();
    let mut block = false;
    for line in text.lines() {
        if line.starts_with("# incident_response:") || line.starts_with("  # website:") {
            block = true;
        } else if line.is_empty() || line.starts_with("  # hipaa_role") {
            block = false;
        }
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        let uncomment = block
            && t.starts_with("# ")
            && !t[2..].trim_start().starts_with('#')
            && t.contains(':');
        if uncomment {
            out.push_str(indent);
            out.push_str(&t[2..]);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    std::fs::write(&p, out).unwrap();
    p
}

#[test]
fn starter_examples_left_in_are_warned_by_path() {
    let dir = tempdir("starter-examples");
    let p = starter_with_insurer(&dir);
    let (code, _, err) = run(bin().arg("validate").arg(&p));
    assert_eq!(code, 0, "{err}");
    for path in [
        "organization.name",
        "organization.website",
        "incident_response.report_to.email",
        "incident_response.external_contacts[0].name",
        "incident_response.external_contacts[0].reference",
    ] {
        assert!(
            err.contains(&format!(
                "warning: {path} is still the starter profile's example value `"
            )),
            "{path}:\n{err}"
        );
    }
    assert!(
        err.contains(
            "organization.name is still the starter profile's example value `Example Health Clinic`"
        ),
        "{err}"
    );
    // `build` says the same, and still builds.
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md", "-o"])
        .arg(dir.join("out"))
        .arg(&p));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: incident_response.external_contacts[0].name is still the starter profile's example value `Example Mutual`"),
        "{err}"
    );
    // A value of the organization's own is not an example.
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("Example Health Clinic", "Hillside Pediatrics");
    std::fs::write(&p, text).unwrap();
    let (_, _, err) = run(bin().arg("validate").arg(&p));
    assert!(!err.contains("organization.name is still"), "{err}");
}

/// The bundled examples hold real-looking values of their own: none is
/// taken for a starter example.
#[test]
fn the_example_profiles_have_no_starter_examples() {
    for p in [
        "profiles/riverbend-clinic.yaml",
        "profiles/lakeside-specialty.yaml",
        "profiles/cascadia-regional.yaml",
    ] {
        let (code, _, err) = run(bin().arg("validate").arg(repo(p)));
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("starter profile's example"), "{p}:\n{err}");
    }
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
