//! End-to-end tests of the `hicp` binary: what a user sees on the terminal and
//! on disk.

use std::path::{Path, PathBuf};

mod common;
use common::{bin, repo, run};

fn tempdir(name: &str) -> PathBuf {
    common::tempdir("cli", name)
}

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    fn walk(base: &Path, dir: &Path, v: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, v);
            } else {
                v.push((
                    p.strip_prefix(base).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    walk(dir, dir, &mut v);
    v
}

#[test]
fn example_pack_has_every_format_and_a_manifest() {
    let out = tempdir("example");
    let (code, _, err) = run(bin()
        .args(["build"])
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("built "), "{err}");
    let pack = out.join("riverbend");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).unwrap()).unwrap();
    for key in [
        "hicp_manifest",
        "generator",
        "template_pack",
        "profile",
        "organization",
        "size",
        "status",
        "documents",
    ] {
        assert!(manifest.get(key).is_some(), "manifest lacks {key}");
    }
    assert_eq!(manifest["organization"], "Riverbend Family Health, P.C.");
    assert_eq!(manifest["size"], "small");
    assert_eq!(manifest["status"], "draft");
    let docs = manifest["documents"].as_array().unwrap();
    assert!(docs.len() >= 3);
    for d in docs {
        for fmt in ["md", "html", "pdf", "docx"] {
            let rel = d["outputs"][fmt].as_str().unwrap();
            let bytes = std::fs::read(pack.join(rel)).unwrap();
            let sha = hicp::pack::sha256_hex(&bytes);
            assert_eq!(d["sha256"][fmt], sha, "{rel}");
        }
    }
    assert!(pack.join("index.html").is_file());
    assert!(pack.join("pdf/riverbend-policy-pack.pdf").is_file());
    // The size rule is stated.
    assert!(
        err.contains("derived from metrics") || err.contains("metrics"),
        "{err}"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let a = tempdir("det-a");
    let b = tempdir("det-b");
    for out in [&a, &b] {
        let (code, _, err) = run(bin()
            .args(["build"])
            .arg(repo("profiles/cascadia-regional.yaml"))
            .arg("-o")
            .arg(out));
        assert_eq!(code, 0, "{err}");
    }
    let fa = files_under(&a);
    let fb = files_under(&b);
    assert_eq!(fa.len(), fb.len());
    for ((pa, ba), (pb, bb)) in fa.iter().zip(fb.iter()) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between two builds");
    }
}

#[test]
fn rebuild_with_nothing_changed_writes_nothing() {
    let out = tempdir("rebuild");
    let profile = repo("profiles/riverbend-clinic.yaml");
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md,html"])
        .arg(&profile)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let user_file = out.join("riverbend/notes-from-auditor.txt");
    std::fs::write(&user_file, "keep me").unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md,html"])
        .arg(&profile)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unchanged"), "{err}");
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md,html", "--force"])
        .arg(&profile)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&user_file).unwrap(),
        "keep me",
        "a user's file must survive rebuilds"
    );
}

#[test]
fn bad_profile_exits_1_and_writes_nothing() {
    let dir = tempdir("bad");
    let p = dir.join("bad.yaml");
    std::fs::write(
        &p,
        "hicp: 1\norganization:\n  name: X\n  type: primary-care\n  size: tiny\n",
    )
    .unwrap();
    let out = dir.join("out");
    let (code, _, err) = run(bin().args(["build"]).arg(&p).arg("-o").arg(&out));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("tiny"), "{err}");
    assert!(
        err.contains("people"),
        "missing required keys are all named: {err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out.exists(), "nothing may be written on bad input");
}

#[test]
fn validate_reports_all_problems_and_good_profiles_pass() {
    let (code, _, err) = run(bin()
        .arg("validate")
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg(repo("profiles/cascadia-regional.yaml"))
        .arg(repo("profiles/lakeside-specialty.yaml")));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("valid"), "{err}");
}

#[test]
fn build_without_profile_uses_bundled_example_and_says_so() {
    let dir = tempdir("noprofile");
    let (code, _, err) = run(bin().current_dir(&dir).args(["build", "-f", "md"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("bundled example profile"), "{err}");
    assert!(dir.join("out/riverbend/md").is_dir());
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(bin().args(["build", "-f", "pfd"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did you mean `pdf`"), "{err}");
    let (code, _, _) = run(bin().args(["frobnicate"]));
    assert_eq!(code, 2);
}

#[test]
fn init_writes_a_valid_profile_and_never_overwrites() {
    let dir = tempdir("init");
    let p = dir.join("profile.yaml");
    for size in ["small", "medium", "large"] {
        let _ = std::fs::remove_file(&p);
        let (code, _, err) =
            run(bin()
                .arg("init")
                .arg(&p)
                .args(["--size", size, "--name", "Clínica Ñandú"]));
        assert_eq!(code, 0, "{err}");
        let (code, _, err) = run(bin().arg("validate").arg(&p));
        assert_eq!(code, 0, "starter profile for {size} must validate: {err}");
        // ... and say that its people are still placeholders.
        assert!(
            err.contains(
                "warning: people.security_officer is still the starter profile's placeholder"
            ),
            "{err}"
        );
    }
    // The schema its first lines point editors at is written beside it.
    let (code, out, _) = run(bin().arg("schema"));
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(dir.join("profile.schema.json")).unwrap(),
        out
    );
    let (code, _, err) = run(bin().arg("init").arg(&p));
    assert_eq!(code, 1);
    assert!(err.contains("--force"), "{err}");
}

#[test]
fn schema_is_json_and_matches_the_shipped_file() {
    let (code, out, _) = run(bin().arg("schema"));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["$defs"]["Profile"]["properties"]["organization"].is_object());
    let shipped: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo("profiles/profile.schema.json")).unwrap())
            .unwrap();
    assert_eq!(
        v, shipped,
        "profiles/profile.schema.json is stale: run `hicp schema > profiles/profile.schema.json`"
    );
}

#[test]
fn list_with_profile_says_why() {
    let (code, out, err) = run(bin()
        .args(["list", "--profile"])
        .arg(repo("profiles/riverbend-clinic.yaml")));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("incident-response-plan"), "{out}");
    assert!(
        out.contains("condition `technology.medical_devices.present` holds"),
        "{out}"
    );
}

#[test]
fn hostile_values_come_out_literally() {
    let dir = tempdir("hostile");
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let src = src.replace(
        "name: Riverbend Family Health, P.C.",
        "name: \"<script>alert(1)</script> *bold* {{ 7*7 }} [x](javascript:alert(1)) %s%n ${HOME}\"",
    );
    let p = dir.join("hostile.yaml");
    std::fs::write(&p, src).unwrap();
    let out = dir.join("out");
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md,html"])
        .arg(&p)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(out.join("riverbend/html/acceptable-use.html"))
        .unwrap_or_else(|_| {
            std::fs::read_to_string(out.join("riverbend/html/incident-response-plan.html")).unwrap()
        });
    assert!(!html.contains("<script>alert"), "script must be escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; *bold* {{ 7*7 }} [x](javascript:alert(1)) %s%n ${HOME}"));
    assert!(!html.contains("href=\"javascript"), "no javascript link");
    assert!(
        !html.contains(">49<"),
        "template syntax in a value must not be evaluated"
    );
}

/// Further people are listed by key, the same on every run: Tera's maps
/// were hash maps, so a loop over `people` came out in a new order each
/// time once a profile had more than one extra person.
#[test]
fn extra_people_come_out_in_one_order_every_run() {
    let dir = tempdir("people-order");
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let src = src.replace(
        "people:\n",
        "people:\n  staff_c: { name: Carol Cruz, title: Nurse, email: c@riverbend.example }\n  \
         staff_a: { name: Alex Abbot, title: Nurse, email: a@riverbend.example }\n  \
         staff_d: { name: Dee Dunn, title: Biller, email: d@riverbend.example }\n  \
         staff_b: { name: Bo Baker, title: Nurse, email: b@riverbend.example }\n",
    );
    let p = dir.join("people.yaml");
    std::fs::write(&p, src).unwrap();
    let mut texts = Vec::new();
    for run_no in 0..3 {
        let out = dir.join(format!("out{run_no}"));
        let (code, _, err) = run(bin()
            .args(["build", "-q", "-f", "md"])
            .arg(&p)
            .arg("-o")
            .arg(&out));
        assert_eq!(code, 0, "{err}");
        texts.push(
            std::fs::read_to_string(out.join("riverbend/md/incident-response-plan.md")).unwrap(),
        );
    }
    let at = |name: &str| {
        texts[0]
            .find(name)
            .unwrap_or_else(|| panic!("{name} is not in the incident response plan"))
    };
    assert!(
        at("Alex Abbot") < at("Bo Baker")
            && at("Bo Baker") < at("Carol Cruz")
            && at("Carol Cruz") < at("Dee Dunn"),
        "extra people are not in key order"
    );
    assert!(
        texts.iter().all(|t| t == &texts[0]),
        "the text differs between runs"
    );
}

/// `validate` passes exactly when `build` would: a document id no template
/// has, or a logo that cannot be read, passed `validate` (exit 0) and failed
/// `build` (exit 1), so a CI gate on `validate` let them through.
#[test]
fn validate_refuses_what_build_refuses() {
    let dir = tempdir("validate-as-build");
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let cases = [
        (
            "exclude.yaml",
            src.replace("documents:\n", "documents:\n  exclude: [acess-control]\n"),
            "did you mean `access-control`?",
        ),
        (
            "logo.yaml",
            src.replace("branding:\n", "branding:\n  logo: missing.png\n"),
            "branding.logo cannot be read",
        ),
    ];
    for (name, text, expect) in cases {
        let p = dir.join(name);
        std::fs::write(&p, &text).unwrap();
        let (code, _, err) = run(bin().arg("validate").arg(&p));
        assert_eq!(code, 1, "{name}: {err}");
        assert!(err.contains(expect), "{name}: {err}");
        if name == "exclude.yaml" {
            // Said where it is written, like any other problem of a profile.
            assert!(err.contains("exclude.yaml:23:13"), "{err}");
            assert!(err.contains("at documents.exclude[0]"), "{err}");
        } else {
            // At the `branding.logo` line, in words (no "os error 2").
            let line = text
                .lines()
                .position(|l| l.contains("logo: missing.png"))
                .unwrap()
                + 1;
            assert!(err.contains(&format!("logo.yaml:{line}:9")), "{err}");
            assert!(err.contains("at branding.logo"), "{err}");
            assert!(
                err.contains("cannot be read: no such file or directory\n"),
                "{err}"
            );
        }
        let (code, out, _) = run(bin().args(["validate", "--json"]).arg(&p));
        assert_eq!(code, 1);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v[0]["valid"], false, "{out}");
        let problem = &v[0]["problems"][0];
        let said = format!("{} {}", problem["message"], problem["hint"]);
        assert!(said.contains(expect), "{out}");
        let (code, _, err) = run(bin()
            .args(["build", "-f", "md"])
            .arg(&p)
            .arg("-o")
            .arg(dir.join("out")));
        assert_eq!(code, 1, "{name}: {err}");
        assert!(err.contains(expect), "{name}: {err}");
    }
    assert!(!dir.join("out").exists(), "a refused build wrote something");
    let (code, _, err) = run(bin()
        .arg("validate")
        .arg(repo("profiles/riverbend-clinic.yaml")));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("valid"), "{err}");
}

/// Every file the manifest lists exists with the recorded sha256.
fn assert_pack_consistent(pack: &Path) {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).unwrap()).unwrap();
    for d in m["documents"].as_array().unwrap() {
        for (fmt, rel) in d["outputs"].as_object().unwrap() {
            let bytes = std::fs::read(pack.join(rel.as_str().unwrap())).unwrap();
            assert_eq!(
                d["sha256"][fmt],
                hicp::pack::sha256_hex(&bytes),
                "{rel} does not match the manifest"
            );
        }
    }
    for f in m["files"].as_object().unwrap().values() {
        let bytes = std::fs::read(pack.join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(f["sha256"], hicp::pack::sha256_hex(&bytes));
    }
}

#[test]
fn unwritable_output_exits_4_and_says_so() {
    let dir = tempdir("unwritable");
    let blocker = dir.join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md"])
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg("-o")
        .arg(blocker.join("out")));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("cannot write"), "{err}");
    // -o naming the file itself says so, and does not speak of a previous pack.
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md"])
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg("-o")
        .arg(&blocker));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("it is a file, not a folder"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!err.contains("previous pack"), "{err}");
    // Format names are read without regard to case.
    let (code, _, err) = run(bin()
        .args(["build", "-q", "-f", "MD,Html"])
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg("-o")
        .arg(dir.join("upper")));
    assert_eq!(code, 0, "{err}");
    assert!(
        dir.join("upper/riverbend/html/index.html").exists()
            || dir.join("upper/riverbend/index.html").exists()
    );
}

#[test]
fn concurrent_builds_into_one_folder_leave_a_consistent_pack() {
    let out = tempdir("concurrent");
    let a = repo("profiles/riverbend-clinic.yaml");
    let dir = tempdir("concurrent-profile");
    let b = dir.join("riverbend-v2.yaml");
    std::fs::write(
        &b,
        std::fs::read_to_string(&a)
            .unwrap()
            .replace("version: \"1.0\"", "version: \"1.1\""),
    )
    .unwrap();
    let mut children = Vec::new();
    for p in [&a, &b, &a, &b] {
        children.push(
            bin()
                .args(["build", "-q", "-f", "md,html"])
                .arg(p)
                .arg("-o")
                .arg(&out)
                .spawn()
                .unwrap(),
        );
    }
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_pack_consistent(&out.join("riverbend"));
}

#[test]
fn killed_rebuilds_leave_the_old_or_the_new_pack() {
    let out = tempdir("kill");
    let a = repo("profiles/riverbend-clinic.yaml");
    let (code, _, err) = run(bin().args(["build", "-q"]).arg(&a).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    let dir = tempdir("kill-profile");
    let b = dir.join("riverbend-v2.yaml");
    std::fs::write(
        &b,
        std::fs::read_to_string(&a)
            .unwrap()
            .replace("Dana Ortiz", "Dana Ortiz-Nuñez"),
    )
    .unwrap();
    for (i, delay_ms) in [5u64, 20, 40, 80, 120, 200, 300, 500]
        .into_iter()
        .enumerate()
    {
        let p = if i % 2 == 0 { &b } else { &a };
        let mut child = bin()
            .args(["build", "-q", "--force"])
            .arg(p)
            .arg("-o")
            .arg(&out)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            out.join("riverbend/manifest.json").is_file(),
            "pack folder must exist after a kill at {delay_ms} ms"
        );
        assert_pack_consistent(&out.join("riverbend"));
    }
    // The next build cleans up what the killed ones left behind.
    let (code, _, err) = run(bin().args(["build", "-q"]).arg(&a).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn check_reports_stale_due_and_draft() {
    let out = tempdir("check");
    let a = repo("profiles/riverbend-clinic.yaml");
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md"])
        .arg(&a)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    // Fresh pack, review far away: all is well.
    let (code, o, _) = run(bin()
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["check"])
        .arg(&a)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{o}");
    // DRAFT with --require-approved.
    let (code, o, _) = run(bin()
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["check", "--require-approved"])
        .arg(&a)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 3);
    assert!(o.contains("DRAFT"), "{o}");
    // Review due: next review is 2027-02-01; on 2027-01-15 it is due within 30 days.
    let (code, o, _) = run(bin()
        .env("SOURCE_DATE_EPOCH", "1799971200")
        .args(["check", "--due-within", "30"])
        .arg(&a)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 3);
    assert!(o.contains("review due on 2027-02-01"), "{o}");
    // Stale: the profile changed since the build.
    let dir = tempdir("check-profile");
    let b = dir.join("riverbend-clinic.yaml");
    std::fs::write(
        &b,
        std::fs::read_to_string(&a)
            .unwrap()
            .replace("Dana Ortiz", "Dana Ortiz-Nuñez"),
    )
    .unwrap();
    let (code, o, _) = run(bin()
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["check"])
        .arg(&b)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 3);
    assert!(o.contains("stale"), "{o}");
}

#[test]
fn diff_lists_fields_documents_and_lines() {
    let dir = tempdir("diff");
    let a = repo("profiles/riverbend-clinic.yaml");
    let b = dir.join("new.yaml");
    std::fs::write(
        &b,
        std::fs::read_to_string(&a)
            .unwrap()
            .replace("Dana Ortiz", "Dana Ortiz-Nuñez"),
    )
    .unwrap();
    let html = dir.join("redline.html");
    let (code, o, err) = run(bin()
        .arg("diff")
        .arg(&a)
        .arg(&b)
        .arg("--html")
        .arg(&html)
        .arg("--exit-code"));
    assert_eq!(code, 3, "{err}");
    assert!(
        o.contains("people.security_officer.name: Dana Ortiz → Dana Ortiz-Nuñez"),
        "{o}"
    );
    assert!(o.contains("+| Document owner | Dana Ortiz-Nuñez"), "{o}");
    assert!(std::fs::read_to_string(&html).unwrap().contains("<del>"));
    let (code, o, _) = run(bin().arg("diff").arg(&a).arg(&a));
    assert_eq!(code, 0);
    assert!(o.contains("no differences"), "{o}");
}

/// Documents are prepared in parallel; a template error must still be the
/// first failing document in pack order, the same on every run, and write
/// nothing.
#[test]
fn a_template_naming_an_unknown_owner_fails_on_the_first_document_every_time() {
    let templates = tempdir("unknown-owner-templates");
    std::fs::create_dir_all(templates.join("documents")).unwrap();
    for id in ["acceptable-use", "access-control"] {
        let src =
            std::fs::read_to_string(repo(&format!("templates/documents/{id}.md.tera"))).unwrap();
        let with_owner = src.replacen("\norder: ", "\nowner: nobody_here\norder: ", 1);
        assert_ne!(src, with_owner, "{id} has an order line");
        std::fs::write(
            templates.join(format!("documents/{id}.md.tera")),
            with_owner,
        )
        .unwrap();
    }
    let out = tempdir("unknown-owner-out");
    let mut messages = Vec::new();
    for _ in 0..3 {
        let (code, _, err) = run(bin()
            .args(["build", "-f", "md"])
            .arg(repo("profiles/riverbend-clinic.yaml"))
            .arg("--templates")
            .arg(&templates)
            .arg("-o")
            .arg(&out));
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("acceptable-use.md.tera")
                && err.contains("owner `nobody_here`, who is not in the profile's people"),
            "{err}"
        );
        assert!(!err.contains("access-control"), "{err}");
        messages.push(err);
    }
    assert!(messages.windows(2).all(|w| w[0] == w[1]), "{messages:?}");
    assert!(!out.join("riverbend").exists(), "nothing is written");
}

/// A broken override of a built-in partial is named by its own file: Tera
/// only knows the name it replaces (`partials/doc_footer.md.tera`), which
/// pointed the user at the built-in template instead of theirs.
#[test]
fn a_broken_override_partial_is_named_by_its_file() {
    let dir = tempdir("override-partial");
    let tpl = dir.join("mine");
    std::fs::create_dir_all(tpl.join("partials")).unwrap();
    std::fs::write(
        tpl.join("partials/doc_footer.md.tera"),
        "Footer.\n{{ people.nobody.name }}\n",
    )
    .unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md", "--templates"])
        .arg(&tpl)
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg("-o")
        .arg(dir.join("out")));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("--> partials/doc_footer.md.tera:2:")
            && err.contains(&format!(
                "(the override {})",
                tpl.join("partials/doc_footer.md.tera").display()
            )),
        "{err}"
    );
    assert!(!dir.join("out").exists());
}

/// docs/templates.md: Tera 2 has no macros; a component reuses text, and a
/// Tera 1 `{% macro %}` is answered with that hint.
#[test]
fn components_work_and_a_tera_1_macro_gets_a_hint() {
    let dir = tempdir("components");
    let doc = |body: &str| {
        format!(
            "---\nid: local-visitor-policy\ntitle: Local Visitor Policy\nkind: policy\naudience: all workforce members\ndescription: How visitors are received.\n---\n{body}\n{{% include \"partials/doc_header.md.tera\" %}}\n\n## Purpose {{#purpose}}\n\nVisitors sign in with {{{{ <contact person={{people.security_officer}} /> }}}}.\n\n{{% include \"partials/doc_footer.md.tera\" %}}\n"
        )
    };
    let good = dir.join("good/documents");
    std::fs::create_dir_all(&good).unwrap();
    std::fs::write(
        good.join("local-visitor-policy.md.tera"),
        doc("{% component contact(person) %}{{ person.name }}, {{ person.title }}{% endcomponent contact %}"),
    )
    .unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-q", "-f", "md", "--templates"])
        .arg(dir.join("good"))
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg("-o")
        .arg(dir.join("out")));
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(dir.join("out/riverbend/md/local-visitor-policy.md")).unwrap();
    assert!(
        md.contains("Visitors sign in with Dana Ortiz, Practice Administrator."),
        "{md}"
    );
    let old = dir.join("old/documents");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(
        old.join("local-visitor-policy.md.tera"),
        doc("{% macro contact(person) %}{{ person.name }}{% endmacro contact %}"),
    )
    .unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-q", "-f", "md", "--templates"])
        .arg(dir.join("old"))
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg("-o")
        .arg(dir.join("out2")));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("hint: Tera 2 has no `macro` or `import`"),
        "{err}"
    );
}

/// docs/templates.md lists `cpgs` and `subpractices` on each of `practices`;
/// a template reading them failed ("undefined").
#[test]
fn practices_carry_their_subpractices_and_cpgs() {
    let dir = tempdir("practices-context");
    let docs = dir.join("tpl/documents");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(
        docs.join("zz-probe.md.tera"),
        "---\nid: zz-probe\ntitle: Probe\nkind: policy\naudience: all\ndescription: probe\n---\n{% include \"partials/doc_header.md.tera\" %}\n\n## Purpose {#purpose}\n\n{% for p in practices %}P{{ p.number }}: {{ p.subpractices | join(sep=\", \") }} / {{ p.cpgs | join(sep=\", \") }}\n{% endfor %}\nRole: {{ org.hipaa_role }} ({{ org.hipaa_role_label }})\n\n{% include \"partials/doc_footer.md.tera\" %}\n",
    )
    .unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-q", "-f", "md", "--templates"])
        .arg(dir.join("tpl"))
        .arg(repo("profiles/riverbend-clinic.yaml"))
        .arg("-o")
        .arg(dir.join("out")));
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(dir.join("out/riverbend/md/zz-probe.md")).unwrap();
    // Practice 1 of a small organization: its three sub-practices.
    assert!(md.contains("P1: 1.S.A, 1.S.B, 1.S.C / E"), "{md}");
    assert_eq!(
        md.lines().filter(|l| l.starts_with('P')).count(),
        10,
        "{md}"
    );
    assert!(md.contains("Role: covered-entity (covered entity)"), "{md}");
    // A business associate that does not say its HIPAA role is one.
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let ba = dir.join("ba.yaml");
    let src: String = src
        .replace("type: primary-care", "type: business-associate")
        .lines()
        .filter(|l| !l.trim_start().starts_with("hipaa_role:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&ba, src).unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-q", "-f", "md", "--templates"])
        .arg(dir.join("tpl"))
        .arg(&ba)
        .arg("-o")
        .arg(dir.join("out-ba")));
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(dir.join("out-ba/riverbend/md/zz-probe.md")).unwrap();
    assert!(
        md.contains("Role: business-associate (business associate)"),
        "{md}"
    );
}

/// `check --json` on a profile that does not load said `ok: false` with
/// empty `reasons` and `findings`: the why went to stderr only.
#[test]
fn check_json_carries_the_problems_of_a_profile_it_cannot_check() {
    let dir = tempdir("check-json-problems");
    let p = dir.join("bad.yaml");
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    std::fs::write(
        &p,
        src.replace("  size: small\n", "  size: tiny\n")
            .replace("metrics:", "metrics_x:"),
    )
    .unwrap();
    let (code, out, _) = run(bin()
        .args(["check", "--json", "-o"])
        .arg(dir.join("out"))
        .arg(&p));
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    let problems = v["problems"].as_array().unwrap();
    assert!(!problems.is_empty(), "{out}");
    for problem in problems {
        assert_eq!(problem["profile"], p.display().to_string(), "{out}");
        assert!(problem["line"].as_u64().unwrap() > 0, "{out}");
        assert!(
            problem["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{out}"
        );
    }
}

/// A role of the profile's own one letter from an optional built-in role the
/// profile leaves out builds, with a warning naming the role it may mean.
#[test]
fn a_custom_role_near_a_built_in_one_is_a_warning() {
    let dir = tempdir("near-role");
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let p = dir.join("p.yaml");
    std::fs::write(
        &p,
        src.replace("  it_contact:", "  IT_contact:")
            .replace("owner: it_contact", "owner: IT_contact"),
    )
    .unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md", "-o"])
        .arg(dir.join("out"))
        .arg(&p));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: people.IT_contact is a role of this profile's own, and the built-in `it_contact` is not set"),
        "{err}"
    );
}

#[test]
fn command_line_templates_win_over_the_profile_folder() {
    let dir = tempdir("template-precedence");
    let profile = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let profile = profile.replacen("documents:\n", "documents:\n  templates: ./ta\n", 1);
    std::fs::write(dir.join("p.yaml"), profile).unwrap();
    let source =
        std::fs::read_to_string(repo("templates/documents/acceptable-use.md.tera")).unwrap();
    for (folder, word) in [("ta", "FROM-PROFILE-FOLDER"), ("tb", "FROM-COMMAND-LINE")] {
        std::fs::create_dir_all(dir.join(folder).join("documents")).unwrap();
        std::fs::write(
            dir.join(folder).join("documents/acceptable-use.md.tera"),
            source.replacen("## Purpose", &format!("## Purpose {word}"), 1),
        )
        .unwrap();
    }
    // A document only the profile's folder overrides keeps that override.
    let irp = std::fs::read_to_string(repo("templates/documents/incident-reporting.md.tera"))
        .unwrap()
        .replacen("## Purpose", "## Purpose ONLY-IN-PROFILE-FOLDER", 1);
    std::fs::write(dir.join("ta/documents/incident-reporting.md.tera"), irp).unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md", "-q"])
        .arg(dir.join("p.yaml"))
        .arg("-o")
        .arg(dir.join("out"))
        .arg("--templates")
        .arg(dir.join("tb")));
    assert_eq!(code, 0, "{err}");
    let read =
        |id: &str| std::fs::read_to_string(dir.join(format!("out/riverbend/md/{id}.md"))).unwrap();
    assert!(read("acceptable-use").contains("FROM-COMMAND-LINE"));
    assert!(!read("acceptable-use").contains("FROM-PROFILE-FOLDER"));
    assert!(read("incident-reporting").contains("ONLY-IN-PROFILE-FOLDER"));
}
