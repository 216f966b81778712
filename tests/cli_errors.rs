//! How the command line fails: `--json` errors, `-j` bounds, `-` as a path,
//! and a build stopped by a signal.

mod common;

use common::{bin, repo, run};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn tempdir(name: &str) -> PathBuf {
    common::tempdir("cli-errors", name)
}

fn riverbend() -> PathBuf {
    repo("profiles/riverbend-clinic.yaml")
}

/// Stdout of a `--json` run that failed: exactly one JSON object, in the
/// shape `build --json` gives an unwritable pack.
fn json_error(out: &str, code: i32) -> serde_json::Map<String, Value> {
    let v: Value = serde_json::from_str(out)
        .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {out:?}"));
    let o = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {out}"))
        .clone();
    assert_eq!(o["ok"], Value::Bool(false), "{out}");
    assert_eq!(o["exit_code"], Value::from(code), "{out}");
    assert!(o["error"].as_str().is_some_and(|e| !e.is_empty()), "{out}");
    o
}

// --- 1. every error is JSON with --json ----------------------------------

#[test]
fn usage_errors_are_json_with_json() {
    let dir = tempdir("usage");
    let base = riverbend();
    let base = base.to_str().unwrap();
    /// Arguments, environment, and what the error names.
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (vec!["validate", "--json"], vec![], "no profile given"),
        (vec!["check", "--json"], vec![], "no profile given"),
        (
            vec!["check", "--json", base],
            vec![("SOURCE_DATE_EPOCH", "x")],
            "SOURCE_DATE_EPOCH",
        ),
        (
            vec!["build", "--json", "-f", "xml", base],
            vec![],
            "unknown format `xml`",
        ),
        (vec!["build", "--json", "-o", "-", base], vec![], "stdout"),
        // clap's own errors, wherever --json stands.
        (vec!["build", "--bogus", "--json"], vec![], "--bogus"),
        (vec!["list", "--bogus", "--json"], vec![], "--bogus"),
        (vec!["build", "--json", "-j", "0", base], vec![], "--jobs"),
        (
            vec!["check", "--json", "--shard", "3/2", base],
            vec![],
            "--shard",
        ),
    ];
    for (args, env, says) in cases {
        let mut cmd = bin();
        cmd.current_dir(&dir).args(&args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let (code, out, err) = run(&mut cmd);
        assert_eq!(code, 2, "hicp {args:?}: {out}{err}");
        let o = json_error(&out, 2);
        assert!(
            o["error"].as_str().unwrap().contains(says),
            "hicp {args:?}: {out}"
        );
        // People still read the error on stderr.
        assert!(err.contains("error:"), "hicp {args:?}: {err}");
    }
    // Nothing was written by any of them.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn usage_errors_without_json_leave_stdout_empty() {
    let dir = tempdir("plain");
    for args in [
        &["validate"][..],
        &["check"][..],
        &["build", "-f", "xml"][..],
        &["build", "--bogus"][..],
    ] {
        let (code, out, err) = run(bin().current_dir(&dir).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains("error:"), "{args:?}: {err}");
    }
}

/// Help and version are not errors: no JSON error object for them.
#[test]
fn help_with_json_is_still_help() {
    let (code, out, _) = run(bin().args(["build", "--json", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("Usage:"), "{out}");
}

fn bad_profile(dir: &Path) -> PathBuf {
    let src = std::fs::read_to_string(riverbend()).unwrap();
    let bad = src.replace("  security_officer:", "  securty_officer:");
    assert_ne!(src, bad);
    let p = dir.join("bad.yaml");
    std::fs::write(&p, bad).unwrap();
    p
}

/// A profile's problems carry their place and hint, as `validate --json`.
fn assert_problems(o: &serde_json::Map<String, Value>, out: &str) {
    let problems = o["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems: {out}"));
    let typo = problems
        .iter()
        .find(|p| p["path"].as_str() == Some("people.securty_officer"))
        .unwrap_or_else(|| panic!("no problem at people.securty_officer: {out}"));
    assert!(
        typo["file"].as_str().unwrap().ends_with("bad.yaml"),
        "{out}"
    );
    assert!(typo["line"].as_u64().unwrap() > 0, "{out}");
    assert!(typo["column"].as_u64().unwrap() > 0, "{out}");
    assert!(typo["message"].as_str().is_some(), "{out}");
    assert!(
        typo["hint"]
            .as_str()
            .is_some_and(|h| h.contains("security_officer")),
        "{out}"
    );
}

#[test]
fn list_with_a_bad_profile_is_json_with_its_problems() {
    let dir = tempdir("list-bad");
    let bad = bad_profile(&dir);
    let (code, out, err) = run(bin().args(["list", "--json", "--profile"]).arg(&bad));
    assert_eq!(code, 1, "{out}{err}");
    let o = json_error(&out, 1);
    assert_eq!(o["profile"].as_str(), bad.to_str(), "{out}");
    assert_problems(&o, &out);
    assert!(err.contains("securty_officer"), "{err}");
    // The same problems `validate --json` gives.
    let (_, vout, _) = run(bin().args(["validate", "--json"]).arg(&bad));
    let v: Value = serde_json::from_str(&vout).unwrap();
    assert_eq!(v[0]["problems"], o["problems"]);
}

#[test]
fn diff_errors_are_json() {
    let dir = tempdir("diff");
    let (code, out, err) = run(bin()
        .args(["diff", "--json"])
        .arg(riverbend())
        .arg(dir.join("nonexistent.yaml")));
    assert_eq!(code, 1, "{out}{err}");
    let o = json_error(&out, 1);
    assert!(
        o["error"].as_str().unwrap().contains("nonexistent.yaml"),
        "{out}"
    );

    let bad = bad_profile(&dir);
    let (code, out, _) = run(bin().args(["diff", "--json"]).arg(riverbend()).arg(&bad));
    assert_eq!(code, 1, "{out}");
    assert_problems(&json_error(&out, 1), &out);

    // A redline page that cannot be written: one JSON value, not the
    // report followed by an error.
    let (code, out, err) = run(bin()
        .args(["diff", "--json", "--html"])
        .arg(dir.join("no/such/folder/x.html"))
        .arg(riverbend())
        .arg(riverbend()));
    assert_eq!(code, 4, "{out}{err}");
    json_error(&out, 4);
}

// --- 2. -j bounds ----------------------------------------------------------

#[test]
fn jobs_out_of_bounds_are_usage_errors() {
    let dir = tempdir("jobs");
    for j in ["0", "257", "1000", "100000", "many"] {
        let t = Instant::now();
        let (code, out, err) = run(bin()
            .current_dir(&dir)
            .args(["build", "-o", "o", "-j", j])
            .arg(riverbend()));
        assert_eq!(code, 2, "-j {j}: {out}{err}");
        assert!(err.contains("--jobs"), "-j {j}: {err}");
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "-j {j} was not refused at once"
        );
        assert!(!dir.join("o").exists(), "-j {j} wrote");
    }
    let (_, _, err) = run(bin().args(["build", "-j", "1000"]).arg(riverbend()));
    assert!(err.contains("at most 256"), "{err}");
    let (_, _, err) = run(bin().args(["build", "-j", "0"]).arg(riverbend()));
    assert!(err.contains("at least 1"), "{err}");
    // The bound itself is accepted.
    let (code, _, err) = run(bin()
        .current_dir(&dir)
        .args(["build", "-q", "-f", "md", "-o", "o", "-j", "256"])
        .arg(riverbend()));
    assert_eq!(code, 0, "{err}");
}

// --- 3. `-` as a path --------------------------------------------------------

#[test]
fn init_dash_writes_the_starter_to_stdout() {
    let dir = tempdir("init-dash");
    let (code, out, err) =
        run(bin()
            .current_dir(&dir)
            .args(["init", "-", "--name", "Dash Clinic"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("hicp: 1"), "{out}");
    assert!(out.contains("Dash Clinic"), "{out}");
    assert!(!err.contains("wrote"), "{err}");
    // Nothing written: no file named `-`, no schema file.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    // It is the same starter `init FILE` writes, and it validates.
    let (code, _, err) =
        run(bin()
            .current_dir(&dir)
            .args(["init", "p.yaml", "--name", "Dash Clinic"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("p.yaml")).unwrap(), out);
    let (code, _, err) = run(bin().current_dir(&dir).args(["validate", "p.yaml"]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn build_into_dash_is_refused() {
    let dir = tempdir("out-dash");
    let (code, out, err) = run(bin()
        .current_dir(&dir)
        .args(["build", "-o", "-"])
        .arg(riverbend()));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("a pack is a folder"), "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(!dir.join("-").exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

// --- 4. a build stopped by a signal ------------------------------------------

/// Riverbend with 1,000 vendors (the most a profile may list): a pack of
/// tens of megabytes, so a signal can land while it is being written.
fn big_profile(dir: &Path, version: &str) -> PathBuf {
    let src = std::fs::read_to_string(riverbend()).unwrap();
    let vendors: String = (0..996)
        .map(|i| {
            format!(
                "  - {{ name: Vendor number {i} of the clinic, service: billing and claims service {i}, phi_access: true, baa: {} }}\n",
                i % 3 == 0
            )
        })
        .collect();
    let big = src
        .replace("vendors:\n", &format!("vendors:\n{vendors}"))
        .replace("version: \"1.0\"", &format!("version: \"{version}\""));
    let p = dir.join("big.yaml");
    std::fs::write(&p, big).unwrap();
    p
}

fn leftovers(out: &Path) -> Vec<String> {
    std::fs::read_dir(out)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
                .collect()
        })
        .unwrap_or_default()
}

/// The pack folder holds a whole pack: every file its manifest lists, with
/// the manifest's sha256. Gives the manifest's bytes.
fn intact(pack: &Path) -> Vec<u8> {
    let m = hicp::pack::read_manifest(pack).expect("the pack has a readable manifest");
    let bad = hicp::pack::verify_files(pack, &m);
    assert!(
        bad.is_empty(),
        "pack {} is not whole: {bad:?}",
        pack.display()
    );
    std::fs::read(pack.join("manifest.json")).unwrap()
}

fn signal(child: &std::process::Child, sig: i32) {
    // SAFETY: sends a signal to our own child process.
    let rc = unsafe { libc::kill(child.id() as i32, sig) };
    assert_eq!(rc, 0);
}

/// The signals the main thread of process `pid` blocks (Linux: hicp blocks
/// those it takes, on every thread but the one that waits for them).
fn blocked_signals(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("SigBlk:"))?;
    u64::from_str_radix(line["SigBlk:".len()..].trim(), 16).ok()
}

fn bit(sig: i32) -> u64 {
    1 << (sig - 1)
}

/// Wait (at most 10 s) until the child has its signal handling in place,
/// so that a signal sent early tests hicp, not how fast it starts. Gives
/// the signals its main thread then blocks.
fn wait_for_handler(child: &mut std::process::Child) -> u64 {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) && child.try_wait().unwrap().is_none() {
        // hicp itself (a shell before it, or the test before `exec`, may
        // block signals for a moment of its own).
        let is_hicp = std::fs::read_to_string(format!("/proc/{}/comm", child.id()))
            .is_ok_and(|c| c.trim() == "hicp");
        // SIGINT blocked, but not everything: a thread starting a thread
        // blocks every signal for a moment.
        if let Some(b) = blocked_signals(child.id())
            && is_hicp
            && b & bit(libc::SIGINT) != 0
            && b & bit(libc::SIGUSR1) == 0
        {
            return b;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    0
}

/// What a stopped build did: exit code, stdout, stderr, and whether its
/// temporary pack folder was there when the signal was sent.
struct Stopped {
    code: i32,
    stdout: String,
    stderr: String,
    tmp_seen: bool,
}

/// Start a build, wait (for the temporary pack folder to appear, if
/// `wait_for_tmp`, then for `delay`), send `sig`, and say what happened.
fn build_and_stop(
    profile: &Path,
    out: &Path,
    extra: &[&str],
    wait_for_tmp: bool,
    delay: Duration,
    sig: i32,
) -> Stopped {
    let mut child = bin()
        .args(["build", "-q", "-o"])
        .arg(out)
        .args(extra)
        .arg(profile)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_handler(&mut child);
    if wait_for_tmp {
        let start = Instant::now();
        while leftovers(out).is_empty() && start.elapsed() < Duration::from_secs(60) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    std::thread::sleep(delay);
    let mut tmp_seen = false;
    if child.try_wait().unwrap().is_none() {
        tmp_seen = !leftovers(out).is_empty();
        signal(&child, sig);
    }
    let o = child.wait_with_output().unwrap();
    Stopped {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
        tmp_seen,
    }
}

#[test]
fn a_signal_during_a_build_leaves_no_temporary_folder_and_the_pack_whole() {
    let dir = tempdir("signal");
    let out = dir.join("out");
    let pack = out.join("riverbend");
    let v1 = big_profile(&dir, "1.0");
    let (code, _, err) = run(bin().args(["build", "-q", "-o"]).arg(&out).arg(&v1));
    assert_eq!(code, 0, "{err}");
    let old = intact(&pack);

    // A new version changes every document, so a rebuild writes every file.
    let v2 = big_profile(&dir, "1.1");
    let (mut stopped, mut stopped_writing) = (0, 0);
    let moments: &[(bool, u64)] = &[
        (false, 5),   // still loading and rendering: nothing to clean
        (false, 150), // rendering
        (true, 0),    // the temporary folder has just been made
        (true, 5),
        (true, 30),
        (true, 100),
        (true, 300),
    ];
    for &(wait_for_tmp, ms) in moments {
        let s = build_and_stop(
            &v2,
            &out,
            &[],
            wait_for_tmp,
            Duration::from_millis(ms),
            libc::SIGINT,
        );
        let (code, err) = (s.code, s.stderr);
        let now = intact(&pack);
        assert!(
            leftovers(&out).is_empty(),
            "{:?} left after SIGINT at {ms} ms: {err}",
            leftovers(&out)
        );
        if code == 0 {
            // The build finished before the signal: the new pack, whole.
            assert_ne!(now, old);
            break;
        }
        assert_eq!(code, 130, "SIGINT at {ms} ms: {err}");
        assert!(err.contains("interrupted by SIGINT"), "{err}");
        stopped += 1;
        stopped_writing += usize::from(s.tmp_seen);
        if now != old {
            // The swap was done when the signal came: the new pack is in.
            break;
        }
    }
    assert!(stopped > 0, "no build was stopped");
    assert!(
        stopped_writing > 0,
        "no build was stopped while writing its temporary pack folder"
    );
}

#[test]
fn sigterm_and_sighup_end_a_build_with_128_plus_the_signal() {
    let dir = tempdir("sigterm");
    let out = dir.join("out");
    let pack = out.join("riverbend");
    let v1 = big_profile(&dir, "1.0");
    let (code, _, err) = run(bin()
        .args(["build", "-q", "-f", "md,html,pdf", "-o"])
        .arg(&out)
        .arg(&v1));
    assert_eq!(code, 0, "{err}");
    intact(&pack);
    let v2 = big_profile(&dir, "1.1");
    for (sig, code_wanted, name) in [
        (libc::SIGTERM, 143, "SIGTERM"),
        (libc::SIGHUP, 129, "SIGHUP"),
    ] {
        let s = build_and_stop(
            &v2,
            &out,
            &["-f", "md,html,pdf", "--json"],
            true,
            Duration::from_millis(2),
            sig,
        );
        let (code, stdout, err) = (s.code, s.stdout, s.stderr);
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
        intact(&pack);
        if code == 0 {
            continue; // finished first; nothing to learn
        }
        assert_eq!(code, code_wanted, "{name}: {err}");
        assert!(err.contains(name), "{err}");
        // With --json, the interruption is the JSON error object.
        let o = json_error(&stdout, code_wanted);
        assert!(o["error"].as_str().unwrap().contains(name), "{stdout}");
    }
}

/// A signal before anything is written exits 130 too: the handler is in
/// place from the start, and there is nothing to clean up.
#[test]
fn sigint_before_writing_exits_130() {
    let dir = tempdir("early");
    let out = dir.join("out");
    let v1 = big_profile(&dir, "1.0");
    let s = build_and_stop(&v1, &out, &[], false, Duration::ZERO, libc::SIGINT);
    assert_eq!(s.code, 130, "{}", s.stderr);
    assert!(!out.join("riverbend").exists());
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

/// `nohup hicp build` keeps ignoring SIGHUP: a signal ignored when hicp
/// starts stays ignored.
#[test]
fn an_ignored_sighup_stays_ignored() {
    let dir = tempdir("nohup");
    let out = dir.join("out");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("trap '' HUP; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_hicp"))
        .args(["build", "-q", "-f", "md", "-o"])
        .arg(&out)
        .arg(big_profile(&dir, "1.0"))
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let blocked = wait_for_handler(&mut child);
    assert_eq!(blocked & bit(libc::SIGINT), bit(libc::SIGINT));
    assert_eq!(
        blocked & bit(libc::SIGHUP),
        0,
        "SIGHUP is taken, not left ignored"
    );
    signal(&child, libc::SIGHUP);
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    intact(&out.join("riverbend"));
}
