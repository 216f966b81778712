//! End-to-end tests of the `hicp` binary: what a user sees on the terminal and
//! on disk.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hicp"));
    c.env("NO_COLOR", "1");
    c
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hicp-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output { status, stdout, stderr } = cmd.output().unwrap();
    (status.code().unwrap_or(-1), String::from_utf8_lossy(&stdout).into(), String::from_utf8_lossy(&stderr).into())
}

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    fn walk(base: &Path, dir: &Path, v: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, v);
            } else {
                v.push((p.strip_prefix(base).unwrap().display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut v);
    v
}

#[test]
fn example_pack_has_every_format_and_a_manifest() {
    let out = tempdir("example");
    let (code, _, err) = run(bin().args(["build"]).arg(repo("profiles/riverbend-clinic.yaml")).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("built "), "{err}");
    let pack = out.join("riverbend");
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).unwrap()).unwrap();
    for key in ["hicp_manifest", "generator", "template_pack", "profile", "organization", "size", "status", "documents"] {
        assert!(manifest.get(key).is_some(), "manifest lacks {key}");
    }
    assert_eq!(manifest["organization"], "Riverbend Family Health, P.C.");
    assert_eq!(manifest["size"], "small");
    assert_eq!(manifest["status"], "draft");
    let docs = manifest["documents"].as_array().unwrap();
    assert!(docs.len() >= 3);
    for d in docs {
        for fmt in ["md", "html", "pdf"] {
            let rel = d["outputs"][fmt].as_str().unwrap();
            let bytes = std::fs::read(pack.join(rel)).unwrap();
            let sha = hicp::pack::sha256_hex(&bytes);
            assert_eq!(d["sha256"][fmt], sha, "{rel}");
        }
    }
    assert!(pack.join("index.html").is_file());
    assert!(pack.join("pdf/riverbend-policy-pack.pdf").is_file());
    // The size rule is stated.
    assert!(err.contains("derived from metrics") || err.contains("metrics"), "{err}");
}

#[test]
fn two_builds_are_byte_identical() {
    let a = tempdir("det-a");
    let b = tempdir("det-b");
    for out in [&a, &b] {
        let (code, _, err) = run(bin().args(["build"]).arg(repo("profiles/cascadia-regional.yaml")).arg("-o").arg(out));
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
    let (code, _, err) = run(bin().args(["build", "-f", "md,html"]).arg(&profile).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    let user_file = out.join("riverbend/notes-from-auditor.txt");
    std::fs::write(&user_file, "keep me").unwrap();
    let (code, _, err) = run(bin().args(["build", "-f", "md,html"]).arg(&profile).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unchanged"), "{err}");
    let (code, _, err) = run(bin().args(["build", "-f", "md,html", "--force"]).arg(&profile).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&user_file).unwrap(), "keep me", "a user's file must survive rebuilds");
}

#[test]
fn bad_profile_exits_1_and_writes_nothing() {
    let dir = tempdir("bad");
    let p = dir.join("bad.yaml");
    std::fs::write(&p, "hicp: 1\norganization:\n  name: X\n  type: primary-care\n  size: tiny\n").unwrap();
    let out = dir.join("out");
    let (code, _, err) = run(bin().args(["build"]).arg(&p).arg("-o").arg(&out));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("tiny"), "{err}");
    assert!(err.contains("people"), "missing required keys are all named: {err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out.exists(), "nothing may be written on bad input");
}

#[test]
fn validate_reports_all_problems_and_good_profiles_pass() {
    let (code, _, err) = run(bin().arg("validate").arg(repo("profiles/riverbend-clinic.yaml")).arg(repo("profiles/cascadia-regional.yaml")).arg(repo("profiles/lakeside-specialty.yaml")));
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
        let (code, _, err) = run(bin().arg("init").arg(&p).args(["--size", size, "--name", "Clínica Ñandú"]));
        assert_eq!(code, 0, "{err}");
        let (code, _, err) = run(bin().arg("validate").arg(&p));
        assert_eq!(code, 0, "starter profile for {size} must validate: {err}");
    }
    let (code, _, err) = run(bin().arg("init").arg(&p));
    assert_eq!(code, 1);
    assert!(err.contains("--force"), "{err}");
}

#[test]
fn schema_is_json_and_matches_the_shipped_file() {
    let (code, out, _) = run(bin().arg("schema"));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["properties"]["organization"].is_object());
    let shipped: serde_json::Value = serde_json::from_slice(&std::fs::read(repo("profiles/profile.schema.json")).unwrap()).unwrap();
    assert_eq!(v, shipped, "profiles/profile.schema.json is stale: run `hicp schema > profiles/profile.schema.json`");
}

#[test]
fn list_with_profile_says_why() {
    let (code, out, err) = run(bin().args(["list", "--profile"]).arg(repo("profiles/riverbend-clinic.yaml")));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("incident-response-plan"), "{out}");
    assert!(out.contains("condition `technology.medical_devices.present` holds"), "{out}");
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
    let (code, _, err) = run(bin().args(["build", "-f", "md,html"]).arg(&p).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(out.join("riverbend/html/acceptable-use.html")).unwrap_or_else(|_| {
        std::fs::read_to_string(out.join("riverbend/html/incident-response-plan.html")).unwrap()
    });
    assert!(!html.contains("<script>alert"), "script must be escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; *bold* {{ 7*7 }} [x](javascript:alert(1)) %s%n ${HOME}"));
    assert!(!html.contains("href=\"javascript"), "no javascript link");
    assert!(!html.contains(">49<"), "template syntax in a value must not be evaluated");
}
