//! Hardening (issue 8): what `hicp` does with hostile profiles, hostile
//! values, hostile override templates and faults, seen from the outside.
//!
//! Every run of the binary goes through [`run_guarded`]: it is killed and the
//! test fails when it takes longer than [`TIME_LIMIT`], its peak memory is
//! measured with `/usr/bin/time -f %M` when that exists, and its stderr must
//! never hold a raw panic ("panicked at", "stack backtrace") — `RUST_BACKTRACE`
//! is set so that a missing panic hook would show. The fuzz reproducers in
//! `fuzz/regressions/` are replayed here through the same library calls the
//! fuzz targets make. `docs/hardening.md` has the matrix of cases.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[path = "../fuzz/fuzz_targets/common.rs"]
mod fuzz_common;

/// Every run must finish within this (the bound).
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// Peak resident memory allowed for one run, in KiB.
const MAX_RSS_KIB: u64 = 200 * 1024;

/// Data segment cap for every child (1 GiB): 5× the bound, far below the machine.
const HARD_CAP_BYTES: libc::rlim_t = 1024 * 1024 * 1024;

const BIN: &str = env!("CARGO_BIN_EXE_hicp");

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir()
        .join(format!("hicp-hardening-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// What one guarded run of the binary produced.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Peak resident set in KiB, when `/usr/bin/time` was available.
    rss_kib: Option<u64>,
    elapsed: Duration,
}

impl Run {
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    fn assert_stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    fn assert_memory_bounded(&self, limit_kib: u64) -> &Self {
        match self.rss_kib {
            Some(kib) => assert!(
                kib < limit_kib,
                "peak memory {kib} KiB is over the {limit_kib} KiB bound\n{}",
                self.stderr
            ),
            None => eprintln!("note: /usr/bin/time not available; memory not measured"),
        }
        self
    }
}

/// A panic must reach a user only as the panic hook's one-line bug-report
/// message, never as Rust's raw report.
fn assert_no_raw_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked at"),
        "raw panic message on stderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("stack backtrace"),
        "backtrace on stderr:\n{stderr}"
    );
    if stderr.contains("internal error") {
        let line = stderr
            .lines()
            .find(|l| l.contains("internal error"))
            .unwrap_or_default();
        assert!(
            line.contains("report it"),
            "the internal-error line must ask for a bug report: {line}"
        );
    }
}

static RUN_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A whole pack build (every format, debug binary, a loaded 2-core CI
/// machine) is real work, not a refusal: it gets a looser bound.
const BUILD_TIME_LIMIT: Duration = Duration::from_secs(120);

/// Run `hicp ARGS` in `cwd` under the time and memory guards.
fn run_guarded(cwd: &Path, args: &[&str]) -> Run {
    run_guarded_within(cwd, args, TIME_LIMIT)
}

/// [`run_guarded`] with an explicit time bound.
fn run_guarded_within(cwd: &Path, args: &[&str], limit: Duration) -> Run {
    let n = RUN_COUNTER.fetch_add(1, Ordering::SeqCst);
    let rss_file =
        std::env::temp_dir().join(format!("hicp-hardening-{}-rss-{n}.txt", std::process::id()));
    let time = Path::new("/usr/bin/time");
    let measured = time.is_file();
    let mut cmd = if measured {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(BIN);
        c
    } else {
        Command::new(BIN)
    };
    cmd.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout kills hicp and not only `time`.
        .process_group(0);
    // A hard cap well above the bound, so a runaway read (a bug this file
    // hunts for) fails the test instead of exhausting a shared machine.
    // SAFETY: setrlimit is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(|| {
            let cap = libc::rlimit {
                rlim_cur: HARD_CAP_BYTES,
                rlim_max: HARD_CAP_BYTES,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &cap) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn hicp");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if start.elapsed() > limit {
            let pgid = i32::try_from(child.id()).expect("pid fits i32");
            // SAFETY: kill(2) on our own child's process group.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
            let _ = child.wait();
            panic!("hicp {args:?} did not finish within {limit:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&out_t.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_t.join().unwrap_or_default()).into_owned();
    let rss_kib = if measured {
        let text = std::fs::read_to_string(&rss_file).unwrap_or_default();
        let _ = std::fs::remove_file(&rss_file);
        // `time` writes "Command exited with non-zero status N" first.
        text.lines().last().and_then(|l| l.trim().parse().ok())
    } else {
        None
    };
    assert_no_raw_panic(&stderr);
    Run {
        code: status.code(),
        stdout,
        stderr,
        rss_kib,
        elapsed,
    }
}

/// A small deterministic generator (xorshift64*), so "random" inputs are the
/// same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next() >> 56) as u8).collect()
    }
}

/// Every file under `dir` (relative path → bytes), sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            v.push((
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            ));
        } else if e.file_type().is_symlink() || e.file_type().is_dir() {
            v.push((
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                Vec::new(),
            ));
        }
    }
    v
}

// ---------------------------------------------------------------------------
// Malformed profiles: exit 1 within 10 s, bounded memory, what and where,
// nothing written.
// ---------------------------------------------------------------------------

/// Write `bytes` as `dir/name`, build it, and check it is refused with every
/// `expect` text in the message and no output folder created.
fn assert_profile_refused(dir: &Path, name: &str, bytes: &[u8], expect: &[&str]) -> Run {
    std::fs::write(dir.join(name), bytes).unwrap();
    assert_refused(dir, name, expect)
}

/// Build the profile `name` (relative to `dir`) and check it is refused.
fn assert_refused(dir: &Path, name: &str, expect: &[&str]) -> Run {
    let out = dir.join("out");
    let run = run_guarded(dir, &["build", name, "-o", "out"]);
    run.assert_code(1).assert_memory_bounded(MAX_RSS_KIB);
    for e in expect {
        run.assert_stderr_has(e);
    }
    assert!(
        run.stderr.contains("error"),
        "no error line:\n{}",
        run.stderr
    );
    assert!(!out.exists(), "an invalid profile must write nothing");
    run
}

#[test]
fn empty_file_is_refused() {
    let d = scratch("empty");
    assert_profile_refused(
        &d,
        "empty.yaml",
        b"",
        &["the profile is empty", "--> empty.yaml"],
    );
    assert_profile_refused(
        &d,
        "comment.yaml",
        b"# only a comment\n\n   \n",
        &["the profile is empty", "--> comment.yaml"],
    );
}

#[test]
fn invalid_utf8_is_refused_at_the_byte() {
    let d = scratch("utf8");
    assert_profile_refused(
        &d,
        "latin1.yaml",
        b"hicp: 1\norganization:\n  name: Caf\xe9 Clinic\n",
        &["not valid UTF-8", "0xe9", "latin1.yaml:3:12"],
    );
    // A UTF-16 file (as some Windows editors save) is not UTF-8 either.
    let utf16: Vec<u8> = "hicp: 1\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let mut bom = vec![0xff, 0xfe];
    bom.extend(utf16);
    assert_profile_refused(
        &d,
        "utf16.yaml",
        &bom,
        &["is UTF-16 (LE), not UTF-8", "utf16.yaml:1:1"],
    );
}

#[test]
fn binary_garbage_is_refused() {
    let d = scratch("garbage");
    for seed in [0x5eed_u64, 42, 0xdead_beef] {
        let bytes = Rng(seed).bytes(64 * 1024);
        let name = format!("garbage-{seed:x}.yaml");
        assert_profile_refused(&d, &name, &bytes, &["not valid UTF-8", &format!("{name}:")]);
    }
}

#[test]
fn text_garbage_is_refused_with_a_location() {
    // Valid UTF-8 made of YAML's own punctuation, letters, controls and
    // non-ASCII: the parser, the span walk and the schema check all see it.
    let alphabet: Vec<char> =
        "{}[]:,&*!|>'\"%@`#-?= \t\n\n\n  abcxyz019.éß€\u{0}\u{7}\u{1b}\u{feff}\u{2028}"
            .chars()
            .collect();
    let d = scratch("text-garbage");
    for seed in 1..=16u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let len = 256 + (rng.next() % 8192) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        let name = format!("text-{seed}.yaml");
        assert_profile_refused(&d, &name, text.as_bytes(), &[&name]);
    }
}

#[test]
fn tabs_for_indentation_are_refused() {
    let d = scratch("tabs");
    assert_profile_refused(
        &d,
        "tabs.yaml",
        b"hicp: 1\norganization:\n\tname: Test Clinic\n",
        &["tabs are not allowed", "tabs.yaml:3:1"],
    );
}

#[test]
fn duplicate_keys_are_refused_at_the_second() {
    let d = scratch("dup");
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml"))
        .unwrap()
        .replace("  paper: letter\n", "  paper: letter\n  paper: a4\n");
    let line = src
        .lines()
        .position(|l| l == "  paper: a4")
        .expect("duplicate inserted")
        + 1;
    assert_profile_refused(
        &d,
        "dup.yaml",
        src.as_bytes(),
        &[
            "duplicate key `paper`",
            &format!("dup.yaml:{line}:3"),
            "documents.paper",
        ],
    );
}

#[test]
fn alias_bomb_is_refused_fast() {
    let d = scratch("bomb");
    let mut s = String::from(
        "hicp: 1\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for w in names.windows(2) {
        let (prev, next) = (w[0], w[1]);
        let items = vec![format!("*{prev}"); 9].join(",");
        s.push_str(&format!("{next}: &{next} [{items}]\n"));
    }
    let run = assert_profile_refused(&d, "bomb.yaml", s.as_bytes(), &["aliases", "bomb.yaml:"]);
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
}

#[test]
fn hundred_thousand_levels_of_nesting_are_refused() {
    let d = scratch("deep");
    const N: usize = 100_000;
    let cases = [
        (
            "flow-seq.yaml",
            format!(
                "hicp: 1\norganization: {}{}\n",
                "[".repeat(N),
                "]".repeat(N)
            ),
        ),
        (
            "flow-map.yaml",
            format!(
                "hicp: 1\norganization: {}1{}\n",
                "{a: ".repeat(N),
                "}".repeat(N)
            ),
        ),
        ("block-seq.yaml", format!("{}1\n", "- ".repeat(N))),
        (
            // Unclosed: the parser must give up on depth, not on the missing ends.
            "unclosed.yaml",
            format!("hicp: 1\norganization: {}\n", "[{a: ".repeat(N / 2)),
        ),
    ];
    for (name, text) in cases {
        let run = assert_profile_refused(&d, name, text.as_bytes(), &[&format!("{name}:")]);
        assert!(
            run.stderr.contains("nesting deeper than") || run.stderr.contains("syntax error"),
            "{name}: {}",
            run.stderr
        );
    }
}

#[test]
fn sixty_megabyte_profile_is_refused_by_size_before_parsing() {
    let d = scratch("huge");
    let path = d.join("huge.yaml");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        f.write_all(b"hicp: 1\n").unwrap();
        let line = b"# padding padding padding padding padding padding padding\n";
        let mut written = 8usize;
        while written < 60 * 1024 * 1024 {
            f.write_all(line).unwrap();
            written += line.len();
        }
    }
    let run = assert_refused(
        &d,
        "huge.yaml",
        &["limited to 4 MiB", "4194304 bytes", "huge.yaml"],
    );
    // Refused before reading: far less memory than the file's 60 MB.
    run.assert_memory_bounded(48 * 1024);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn endless_device_files_are_refused_before_reading() {
    let d = scratch("devices");
    // A profile, or an `extends` parent, that never ends.
    let run = run_guarded(&d, &["build", "/dev/zero", "-o", "out"]);
    run.assert_code(1)
        .assert_stderr_has("not a regular file")
        .assert_memory_bounded(MAX_RSS_KIB);
    assert_profile_refused(
        &d,
        "extends-zero.yaml",
        b"hicp: 1\nextends: /dev/zero\n",
        &["not a profile", "extends-zero.yaml:2:10"],
    );
    assert!(!d.join("out").exists());
}

#[test]
fn wrong_format_version_is_refused() {
    let d = scratch("version");
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let v2 = src.replace("\nhicp: 1\n", "\nhicp: 2\n");
    assert_ne!(src, v2);
    let line = v2.lines().position(|l| l == "hicp: 2").unwrap() + 1;
    assert_profile_refused(
        &d,
        "v2.yaml",
        v2.as_bytes(),
        &[
            "unsupported profile format version 2",
            &format!("v2.yaml:{line}:7"),
        ],
    );
    let missing = src.replace("\nhicp: 1\n", "\n");
    assert_profile_refused(
        &d,
        "nover.yaml",
        missing.as_bytes(),
        &["`hicp`", "nover.yaml"],
    );
}

#[test]
fn extends_cycles_and_missing_parents_are_refused() {
    let d = scratch("extends");
    // The cycle is spelt differently on the way back (`./sub/../a.yaml`):
    // it is found by the file, not by the spelling.
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("a.yaml"), "hicp: 1\nextends: b.yaml\n").unwrap();
    std::fs::write(d.join("b.yaml"), "hicp: 1\nextends: ./sub/../a.yaml\n").unwrap();
    assert_refused(
        &d,
        "a.yaml",
        &["extends cycle", "a.yaml → b.yaml → a.yaml", "b.yaml:2:10"],
    );
    assert_profile_refused(
        &d,
        "self.yaml",
        b"hicp: 1\nextends: self.yaml\n",
        &["extends cycle", "self.yaml:2:10"],
    );
    assert_profile_refused(
        &d,
        "orphan.yaml",
        b"hicp: 1\nextends: ../no-such-folder/parent.yaml\n",
        &["file not found", "orphan.yaml:2:10", "parent.yaml"],
    );
    std::fs::create_dir_all(d.join("folder.yaml")).unwrap();
    assert_profile_refused(
        &d,
        "to-dir.yaml",
        b"hicp: 1\nextends: folder.yaml\n",
        &["directory", "to-dir.yaml:2:10"],
    );
    // A long chain of distinct files stops at the chain limit.
    for i in 0..40 {
        std::fs::write(
            d.join(format!("chain-{i}.yaml")),
            format!("hicp: 1\nextends: chain-{}.yaml\n", i + 1),
        )
        .unwrap();
    }
    assert_refused(&d, "chain-0.yaml", &["extends chain is longer than"]);
}

/// Regression (finding F2): `extends` may name any readable file, and the
/// diagnostics quote what they found there. A profile from an untrusted pull
/// request could then print the start of a secret file (`.env`, a key file)
/// into CI logs. A parent that is not a hicp profile must be refused without
/// quoting its content. Fails until src/profile/mod.rs checks parents.
#[test]
fn extends_of_a_non_profile_does_not_quote_it() {
    let d = scratch("extends-secret");
    let secret = "ghp_SECRETTOKEN0123456789";
    std::fs::write(d.join(".env"), format!("TOKEN={secret}\n")).unwrap();
    std::fs::write(
        d.join("id_key"),
        format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{secret}\n"),
    )
    .unwrap();
    std::fs::write(d.join("settings.yaml"), format!("api_token: {secret}\n")).unwrap();
    for (i, parent) in [".env", "id_key", "settings.yaml"].into_iter().enumerate() {
        let name = format!("leak-{i}.yaml");
        let run = assert_profile_refused(
            &d,
            &name,
            format!("hicp: 1\nextends: {parent}\n").as_bytes(),
            &[parent],
        );
        assert!(
            !run.stderr.contains(secret),
            "the content of {parent} was printed:\n{}",
            run.stderr
        );
    }
}

/// Regression (finding F4): a FIFO (named pipe) as the profile, as an
/// `extends` parent, as a logo or behind a template symlink must not block
/// the build forever: opening a FIFO for reading waits for a writer.
/// Fails until src/profile/mod.rs, src/pack.rs and src/library.rs refuse
/// files that are not regular files before opening them.
#[test]
fn fifos_never_hang_a_build() {
    let d = scratch("fifo");
    let fifo = d.join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mkfifo not available");
        return;
    }
    assert_refused(&d, "pipe.yaml", &["pipe.yaml"]);
    assert_profile_refused(
        &d,
        "extends-pipe.yaml",
        b"hicp: 1\nextends: pipe.yaml\n",
        &["extends-pipe.yaml:2:10"],
    );
    let src = riverbend_without_branding();
    let text = format!("{src}branding:\n  logo: pipe.yaml\n");
    assert_profile_refused(&d, "logo-pipe.yaml", text.as_bytes(), &["branding.logo"]);
    // A template symlink that stays inside the folder but names a FIFO.
    let t = template_sandbox("fifo-template");
    let tfifo = t.join("tpl/partials/pipe.md.tera.fifo");
    std::process::Command::new("mkfifo")
        .arg(&tfifo)
        .status()
        .unwrap();
    std::os::unix::fs::symlink(&tfifo, t.join("tpl/documents/pipe.md.tera")).unwrap();
    assert_templates_refused(&t, &["pipe.md.tera"]);
}

/// The small example without its `branding` section, for tests that give
/// it a logo of their own.
fn riverbend_without_branding() -> String {
    std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml"))
        .unwrap()
        .lines()
        .filter(|l| {
            !l.starts_with("branding:")
                && !l.trim_start().starts_with("logo:")
                && !l.trim_start().starts_with("accent_color:")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A logo that is not an image is refused (and not embedded anywhere).
#[test]
fn logo_that_is_not_an_image_is_refused() {
    let d = scratch("logo");
    let src = riverbend_without_branding();
    for (i, logo) in ["/etc/passwd", "../outside.png", "/dev/zero"]
        .into_iter()
        .enumerate()
    {
        let name = format!("logo-{i}.yaml");
        std::fs::write(d.join("../outside.png"), "not a picture").unwrap();
        let text = format!("{src}branding:\n  logo: {logo}\n");
        let run = assert_profile_refused(&d, &name, text.as_bytes(), &["branding.logo"]);
        assert!(!run.stderr.contains("root:x:0:0"), "{}", run.stderr);
    }
}

/// A logo the PDF writer cannot use because it is cut short or claims a
/// huge size was left out of the PDFs with a warning but still embedded in
/// every HTML page and Word file (60000×60000 pixels: gigabytes for a
/// browser to decode). It is refused for the whole pack.
#[test]
fn logo_cut_short_or_oversized_is_refused() {
    let d = scratch("logo-damaged");
    let src = riverbend_without_branding();
    // A whole 2×2 PNG: signature, IHDR, IDAT, IEND (CRCs are not checked).
    let chunk = |kind: &[u8], body: &[u8]| {
        let mut c = (body.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(body);
        c.extend_from_slice(&[0; 4]);
        c
    };
    let png = |w: u32, h: u32, end: bool| {
        let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        p.extend(chunk(b"IHDR", &ihdr));
        p.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
        if end {
            p.extend(chunk(b"IEND", &[]));
        }
        p
    };
    for (name, bytes, expect) in [
        ("huge.png", png(60_000, 60_000, true), "60000×60000 pixels"),
        ("cut.png", png(2, 2, false), "cut short"),
    ] {
        std::fs::write(d.join(name), bytes).unwrap();
        let text = format!("{src}branding:\n  logo: {name}\n");
        assert_profile_refused(
            &d,
            &format!("{name}.yaml"),
            text.as_bytes(),
            &["branding.logo cannot be used", expect],
        );
    }
    // The same PNG whole and of a sane size is accepted.
    std::fs::write(d.join("fine.png"), png(2, 2, true)).unwrap();
    let text = format!("{src}branding:\n  logo: fine.png\n");
    std::fs::write(d.join("fine.yaml"), text).unwrap();
    let run = run_guarded(&d, &["validate", "fine.yaml"]);
    run.assert_code(0);
}

/// Sizes that are legal YAML but not a profile: 24,000 vendors (1.6 MB)
/// took 1.7 GB of memory and a megabyte name 1 GB, since every value is set
/// in many documents and pages. Lists, maps and text values are bounded and
/// refused at their place, fast and in little memory.
#[test]
fn oversized_lists_and_values_are_refused_at_their_place() {
    let d = scratch("oversized");
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml")).unwrap();
    let vendors: String = (0..1001)
        .map(|i| format!("  - {{ name: V{i}, service: s, phi_access: false, baa: false }}\n"))
        .collect();
    let many = src.replace("vendors:\n", &format!("vendors:\n{vendors}"));
    assert_profile_refused(
        &d,
        "many-vendors.yaml",
        many.as_bytes(),
        &["`vendors` lists 1005 entries; at most 1000", "at vendors"],
    );
    let long = src.replace(
        "name: Riverbend Family Health, P.C.",
        &format!("name: \"{}\"", "R".repeat(1001)),
    );
    assert_profile_refused(
        &d,
        "long-name.yaml",
        long.as_bytes(),
        &["`organization.name` is 1001 characters long; a value holds at most 1000"],
    );
    let people: String = (0..200)
        .map(|i| format!("  staff_{i}: {{ name: P{i}, title: T, email: p{i}@x.example }}\n"))
        .collect();
    let crowd = src.replace("people:\n", &format!("people:\n{people}"));
    assert_profile_refused(&d, "many-people.yaml", crowd.as_bytes(), &["at most 200"]);
}

#[test]
fn missing_or_folder_profile_is_refused() {
    let d = scratch("not-a-file");
    std::fs::create_dir_all(d.join("dir.yaml")).unwrap();
    assert_refused(&d, "dir.yaml", &["directory"]);
    assert_refused(&d, "nowhere.yaml", &["not found", "nowhere.yaml"]);
}

// ---------------------------------------------------------------------------
// Hostile values: literal in every format, never executed, linked or re-rendered.
// ---------------------------------------------------------------------------

/// The hostile values of `tests/fixtures/hostile/hostile-values.yaml`, as a
/// reader must see them.
const HOSTILE: [&str; 8] = [
    "<script>alert(1)</script>",
    "Dana [x](javascript:alert(1)) Ortiz",
    "Zq{{ 7*7 }}qZ {% raw %}",
    "%s%n ${HOME} `backticks` $(id)",
    "| pipes | Cascade",
    "# not a heading",
    "1. not a list",
    "- not a bullet",
];

/// What `{{ 7*7 }}` would have become had the value been rendered as a template.
const EVALUATED: &str = "Zq49qZ";

/// Build the hostile-values fixture once per test into `dir/out`.
fn build_hostile(dir: &Path, formats: &str) -> PathBuf {
    std::fs::copy(
        repo("tests/fixtures/hostile/hostile-values.yaml"),
        dir.join("hostile.yaml"),
    )
    .unwrap();
    let run = run_guarded_within(
        dir,
        &["build", "hostile.yaml", "-f", formats, "-o", "out"],
        BUILD_TIME_LIMIT,
    );
    run.assert_code(0).assert_memory_bounded(MAX_RSS_KIB);
    // The short name tries to climb out of the output folder; the slug keeps
    // the pack inside it.
    let packs: Vec<PathBuf> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(packs.len(), 1, "{packs:?}");
    let name = packs[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "slug {name}"
    );
    let entries: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut entries = entries;
    entries.sort();
    assert_eq!(
        entries,
        ["hostile.yaml", "out"],
        "nothing written beside the pack"
    );
    packs[0].clone()
}

fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// The text a reader sees in Markdown, block by block, plus every problem
/// found on the way (raw HTML, javascript links, blocks made from values).
fn markdown_text(md: &str) -> (String, Vec<String>) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut text = String::new();
    let mut problems = Vec::new();
    let mut heading: Option<String> = None;
    let mut item_depth = 0usize;
    let mut item_text = String::new();
    for ev in Parser::new_ext(md, hicp::writers::markdown_options()) {
        match ev {
            Event::Text(t) => {
                text.push_str(&t);
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
                if item_depth > 0 {
                    item_text.push_str(&t);
                }
            }
            Event::Code(c) => {
                // A value's backticks must not open a code span; keep the
                // text without them so a literal check would fail.
                text.push_str(&c);
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if h.to_ascii_lowercase().contains("<script") {
                    problems.push(format!("raw HTML from Markdown: {h}"));
                }
                text.push_str(&h);
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                let d = dest_url.trim().to_ascii_lowercase();
                if d.starts_with("javascript:")
                    || d.starts_with("data:")
                    || d.starts_with("vbscript:")
                {
                    problems.push(format!("dangerous link: {dest_url}"));
                }
            }
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take()
                    && (h.contains("not a heading") || h.contains("Zq"))
                {
                    problems.push(format!("a value became a heading: {h}"));
                }
                text.push('\n');
            }
            Event::Start(Tag::Item) => {
                item_depth += 1;
                item_text.clear();
            }
            Event::End(TagEnd::Item) => {
                item_depth = item_depth.saturating_sub(1);
                if item_text.starts_with("not a list") || item_text.starts_with("not a bullet") {
                    problems.push(format!("a value became a list item: {item_text}"));
                }
                text.push('\n');
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(_) => text.push('\n'),
            _ => {}
        }
    }
    (text, problems)
}

#[test]
fn hostile_values_come_out_literally_in_markdown() {
    let d = scratch("hostile-md");
    let pack = build_hostile(&d, "md");
    let mut all = String::new();
    for f in files_with_ext(&pack.join("md"), "md") {
        let md = std::fs::read_to_string(&f).unwrap();
        assert!(
            !md.contains(EVALUATED),
            "{}: a value was rendered as a template",
            f.display()
        );
        let (text, problems) = markdown_text(&md);
        assert!(problems.is_empty(), "{}: {problems:#?}", f.display());
        all.push_str(&text);
    }
    for v in HOSTILE {
        assert!(all.contains(v), "no document shows {v:?} literally");
    }
    assert!(!all.contains(EVALUATED));
}

/// Element text of an HTML page, entities decoded (enough for our pages).
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[test]
fn hostile_values_come_out_escaped_in_html() {
    // The same pack from the unmodified profile: any <script> it has is the
    // writer's own, not data.
    let base = scratch("hostile-html-base");
    let run = run_guarded(
        &base,
        &[
            "build",
            repo("profiles/riverbend-clinic.yaml").to_str().unwrap(),
            "-f",
            "html",
            "-o",
            "out",
        ],
    );
    run.assert_code(0);
    let base_pack = base.join("out/riverbend");

    let d = scratch("hostile-html");
    let pack = build_hostile(&d, "html");
    let mut all = String::new();
    let mut pages = files_with_ext(&pack.join("html"), "html");
    pages.push(pack.join("index.html"));
    for f in pages {
        let html = std::fs::read_to_string(&f).unwrap();
        let lower = html.to_ascii_lowercase();
        let rel = f.strip_prefix(&pack).unwrap();
        assert!(!lower.contains("<script>alert"), "{}", rel.display());
        let urls = fuzz_common::script_urls_in_tags(&html);
        assert!(urls.is_empty(), "{}: script URLs {urls:?}", rel.display());
        let own = std::fs::read_to_string(base_pack.join(rel))
            .map(|b| b.to_ascii_lowercase().matches("<script").count())
            .unwrap_or(0);
        assert_eq!(
            lower.matches("<script").count(),
            own,
            "{}: a <script> element came from data",
            rel.display()
        );
        assert!(!html.contains(EVALUATED), "{}", rel.display());
        all.push_str(&html_text(&html));
    }
    for v in HOSTILE {
        assert!(all.contains(v), "no page shows {v:?} literally");
    }
}

#[test]
fn hostile_values_come_out_literally_in_pdf() {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!("skipped: pdftotext is not installed");
        return;
    }
    let d = scratch("hostile-pdf");
    let pack = build_hostile(&d, "pdf");
    let mut all = String::new();
    for f in files_with_ext(&pack.join("pdf"), "pdf") {
        let raw = std::fs::read(&f).unwrap();
        for bad in [&b"/JavaScript"[..], b"/JS ", b"/JS(", b"(javascript:"] {
            assert!(
                !raw.windows(bad.len()).any(|w| w == bad),
                "{}: holds {}",
                f.display(),
                String::from_utf8_lossy(bad)
            );
        }
        let out = Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&f)
            .arg("-")
            .output()
            .unwrap();
        assert!(out.status.success(), "pdftotext failed on {}", f.display());
        let text = String::from_utf8_lossy(&out.stdout);
        // Lines wrap anywhere there is a space: compare with spaces collapsed.
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!flat.contains(EVALUATED), "{}", f.display());
        all.push_str(&flat);
        all.push(' ');
    }
    for v in HOSTILE {
        let flat: String = v.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(all.contains(&flat), "no PDF shows {v:?} literally");
    }
}

// ---------------------------------------------------------------------------
// Hostile override templates: refused with exit 1 and a message; nothing
// written outside the pack folder; nothing read outside the template folders.
// ---------------------------------------------------------------------------

/// Text that lives only in files outside the template folders.
const CANARY: &str = "CANARY-OUTSIDE-3f9c1d";

fn front(id: &str) -> String {
    format!("---\nid: {id}\ntitle: Override\nkind: policy\naudience: All workforce members\n---\n")
}

/// A folder with a canary template and a canary folder outside `tpl/`, and
/// `tpl/documents/` to fill.
fn template_sandbox(name: &str) -> PathBuf {
    let d = scratch(name);
    std::fs::write(
        d.join("secret.md.tera"),
        format!("{}{CANARY}\n", front("secret")),
    )
    .unwrap();
    std::fs::create_dir_all(d.join("outside/documents")).unwrap();
    std::fs::write(
        d.join("outside/documents/acceptable-use.md.tera"),
        format!("{}{CANARY}\n", front("acceptable-use")),
    )
    .unwrap();
    std::fs::create_dir_all(d.join("tpl/documents")).unwrap();
    std::fs::create_dir_all(d.join("tpl/partials")).unwrap();
    d
}

/// Build the example profile with `--templates tpl` in `d`; it must be refused
/// with `expect` in the message, write nothing and never show the canary.
fn assert_templates_refused(d: &Path, expect: &[&str]) {
    let before = snapshot(d);
    let profile = repo("profiles/riverbend-clinic.yaml");
    let run = run_guarded(
        d,
        &[
            "build",
            profile.to_str().unwrap(),
            "-f",
            "md",
            "-o",
            "out",
            "--templates",
            "tpl",
        ],
    );
    run.assert_code(1).assert_memory_bounded(MAX_RSS_KIB);
    for e in expect {
        run.assert_stderr_has(e);
    }
    assert!(!run.stderr.contains(CANARY) && !run.stdout.contains(CANARY));
    assert!(!run.stderr.contains("root:x:0:0"), "/etc/passwd leaked");
    assert_eq!(
        snapshot(d),
        before,
        "a refused build must not write anything"
    );
}

#[test]
fn template_id_with_parent_or_slash_is_refused() {
    for (i, id) in ["../evil", "a/b", "/etc/passwd", "..", "Evil"]
        .into_iter()
        .enumerate()
    {
        let d = template_sandbox(&format!("tpl-id-{i}"));
        std::fs::write(
            d.join("tpl/documents/evil.md.tera"),
            format!("---\nid: \"{id}\"\ntitle: Evil\nkind: policy\naudience: all\n---\nx\n"),
        )
        .unwrap();
        assert_templates_refused(&d, &["evil.md.tera", "is not allowed"]);
    }
}

#[test]
fn a_looping_template_is_stopped_by_the_output_budget() {
    // 10^10 iterations that each write: the 8 MiB budget stops it at once.
    let d = template_sandbox("tpl-loop");
    std::fs::write(
        d.join("tpl/documents/acceptable-use.md.tera"),
        format!(
            "{}{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}loop {{{{ i }}}} {{{{ j }}}}\n{{% endfor %}}{{% endfor %}}\n",
            front("acceptable-use")
        ),
    )
    .unwrap();
    assert_templates_refused(
        &d,
        &["acceptable-use.md.tera", "passed 8 MiB", "loop without end"],
    );
}

#[test]
fn include_of_absolute_or_outside_path_is_refused() {
    for (i, target) in [
        "/etc/passwd",
        "../../secret.md.tera",
        "../secret.md.tera",
        "../../../secret.md.tera",
        "partials/../../secret.md.tera",
        "secret.md.tera",
    ]
    .into_iter()
    .enumerate()
    {
        let d = template_sandbox(&format!("tpl-include-{i}"));
        std::fs::write(
            d.join("tpl/documents/acceptable-use.md.tera"),
            format!("{}{{% include \"{target}\" %}}\n", front("acceptable-use")),
        )
        .unwrap();
        assert_templates_refused(&d, &["acceptable-use.md.tera", target]);
    }
}

#[test]
fn symlinks_leaving_the_template_folder_are_refused() {
    use std::os::unix::fs::symlink;
    // A file symlink to a template outside.
    let d = template_sandbox("tpl-link-file");
    symlink(
        d.join("secret.md.tera"),
        d.join("tpl/documents/secret.md.tera"),
    )
    .unwrap();
    assert_templates_refused(&d, &["symlink", "outside the template folder"]);
    // A relative symlink climbing out.
    let d = template_sandbox("tpl-link-rel");
    symlink(
        "../../secret.md.tera",
        d.join("tpl/documents/secret.md.tera"),
    )
    .unwrap();
    assert_templates_refused(&d, &["symlink", "outside the template folder"]);
    // A folder symlink inside documents/.
    let d = template_sandbox("tpl-link-dir");
    symlink(d.join("outside/documents"), d.join("tpl/documents/more")).unwrap();
    assert_templates_refused(&d, &["symlink", "outside the template folder"]);
    // documents/ itself a symlink to a folder outside.
    let d = template_sandbox("tpl-link-docs");
    std::fs::remove_dir_all(d.join("tpl/documents")).unwrap();
    symlink(d.join("outside/documents"), d.join("tpl/documents")).unwrap();
    assert_templates_refused(&d, &["symlink", "outside the template folder"]);
    // A partial symlinked to /etc/passwd.
    let d = template_sandbox("tpl-link-passwd");
    symlink("/etc/passwd", d.join("tpl/partials/doc_header.md.tera")).unwrap();
    assert_templates_refused(&d, &["symlink", "outside the template folder"]);
}

#[test]
fn profile_template_folder_reads_only_inside_that_folder() {
    use std::os::unix::fs::symlink;
    let d = template_sandbox("profile-templates");
    // The profile sits two levels down and names ../../somewhere.
    std::fs::create_dir_all(d.join("a/b")).unwrap();
    let src = std::fs::read_to_string(repo("profiles/riverbend-clinic.yaml"))
        .unwrap()
        .replace(
            "  paper: letter\n",
            "  paper: letter\n  templates: ../../somewhere\n",
        );
    std::fs::write(d.join("a/b/profile.yaml"), src).unwrap();
    std::fs::create_dir_all(d.join("somewhere/documents")).unwrap();
    // A canary beside the profile: inside no template folder.
    std::fs::write(
        d.join("a/canary.md.tera"),
        format!("{}{CANARY}\n", front("canary")),
    )
    .unwrap();

    // 1. A legitimate override there is used.
    std::fs::write(
        d.join("somewhere/documents/acceptable-use.md.tera"),
        format!(
            "{}# Our own acceptable use policy\n\nOVERRIDE-USED-81b2\n",
            front("acceptable-use")
        ),
    )
    .unwrap();
    let run = run_guarded(&d, &["build", "a/b/profile.yaml", "-f", "md", "-o", "out"]);
    run.assert_code(0);
    let md = std::fs::read_to_string(d.join("out/riverbend/md/acceptable-use.md")).unwrap();
    assert!(md.contains("OVERRIDE-USED-81b2"), "{md}");
    for (p, bytes) in snapshot(&d.join("out")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(CANARY),
            "{} shows the canary",
            p.display()
        );
    }
    std::fs::remove_dir_all(d.join("out")).unwrap();

    // 2. An include climbing out of it is refused.
    std::fs::write(
        d.join("somewhere/documents/acceptable-use.md.tera"),
        format!(
            "{}{{% include \"../a/canary.md.tera\" %}}\n",
            front("acceptable-use")
        ),
    )
    .unwrap();
    let before = snapshot(&d);
    let run = run_guarded(&d, &["build", "a/b/profile.yaml", "-f", "md", "-o", "out"]);
    run.assert_code(1).assert_stderr_has("../a/canary.md.tera");
    assert!(!run.stderr.contains(CANARY));
    assert_eq!(snapshot(&d), before);

    // 3. A symlink in it to the canary is refused.
    std::fs::write(
        d.join("somewhere/documents/acceptable-use.md.tera"),
        format!("{}Fine.\n", front("acceptable-use")),
    )
    .unwrap();
    symlink(
        d.join("a/canary.md.tera"),
        d.join("somewhere/documents/canary.md.tera"),
    )
    .unwrap();
    let before = snapshot(&d);
    let run = run_guarded(&d, &["build", "a/b/profile.yaml", "-f", "md", "-o", "out"]);
    run.assert_code(1)
        .assert_stderr_has("outside the template folder");
    assert!(!run.stderr.contains(CANARY));
    assert_eq!(snapshot(&d), before);
}

// ---------------------------------------------------------------------------
// Faults.
// ---------------------------------------------------------------------------

/// Makes a folder unwritable for the test's lifetime, even for root (who
/// ignores permission bits): `chattr +i` when running as root, `chmod 555`
/// otherwise. Undone on drop, also when the test fails.
struct Unwritable {
    path: PathBuf,
    root: bool,
}

impl Unwritable {
    fn new(path: &Path) -> Option<Unwritable> {
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        if root {
            let ok = Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return None;
            }
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o555)).ok()?;
        }
        // Prove it: a probe file must not be creatable.
        let probe = path.join(".probe");
        if std::fs::write(&probe, b"x").is_ok() {
            let _ = std::fs::remove_file(&probe);
            drop(Unwritable {
                path: path.to_path_buf(),
                root,
            });
            return None;
        }
        Some(Unwritable {
            path: path.to_path_buf(),
            root,
        })
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        if self.root {
            let _ = Command::new("chattr").arg("-i").arg(&self.path).status();
        } else {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o755));
        }
    }
}

fn hashes(dir: &Path) -> Vec<(PathBuf, String)> {
    snapshot(dir)
        .into_iter()
        .map(|(p, b)| (p, hicp::pack::sha256_hex(&b)))
        .collect()
}

#[test]
fn unwritable_output_exits_4_and_keeps_the_previous_pack() {
    let d = scratch("unwritable");
    let v1 = repo("profiles/riverbend-clinic.yaml");
    let run = run_guarded(
        &d,
        &["build", v1.to_str().unwrap(), "-f", "md,html", "-o", "out"],
    );
    run.assert_code(0);
    let src = std::fs::read_to_string(&v1).unwrap();
    let v2 = src.replace("version: \"1.0\"", "version: \"1.1\"");
    assert_ne!(src, v2);
    std::fs::write(d.join("v2.yaml"), v2).unwrap();

    let before = hashes(&d.join("out"));
    assert!(before.iter().any(|(p, _)| p.ends_with("manifest.json")));
    let Some(guard) = Unwritable::new(&d.join("out")) else {
        eprintln!("skipped: cannot make a folder unwritable here (no chattr, or not supported)");
        return;
    };
    let run = run_guarded(&d, &["build", "v2.yaml", "-f", "md,html", "-o", "out"]);
    drop(guard);
    run.assert_code(4).assert_stderr_has("cannot write");
    assert!(
        run.stderr.contains("out"),
        "the message names the path: {}",
        run.stderr
    );
    assert_eq!(hashes(&d.join("out")), before, "the previous pack changed");

    // The pack folder itself unwritable: the exchange must fail cleanly too.
    let Some(guard) = Unwritable::new(&d.join("out/riverbend")) else {
        return;
    };
    let run = run_guarded(&d, &["build", "v2.yaml", "-f", "md,html", "-o", "out"]);
    drop(guard);
    assert!(
        run.code == Some(4) || run.code == Some(0),
        "exit {:?}: {}",
        run.code,
        run.stderr
    );
    if run.code == Some(4) {
        assert_eq!(hashes(&d.join("out/riverbend")), {
            before
                .iter()
                .filter_map(|(p, h)| {
                    p.strip_prefix("riverbend")
                        .ok()
                        .map(|p| (p.to_path_buf(), h.clone()))
                })
                .collect::<Vec<_>>()
        });
    }
}

/// A small tmpfs mounted for the life of the value (root only).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(dir).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then(|| SmallDisk(dir.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn full_disk_exits_4_and_keeps_the_previous_pack() {
    let d = scratch("full-disk");
    let Some(disk) = SmallDisk::mount(&d.join("out"), "1m") else {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    };
    let v1 = repo("profiles/riverbend-clinic.yaml");
    let run = run_guarded(
        &d,
        &["build", v1.to_str().unwrap(), "-f", "md", "-o", "out"],
    );
    run.assert_code(0);
    let before = hashes(&d.join("out"));
    assert!(before.iter().any(|(p, _)| p.ends_with("manifest.json")));
    // The same pack with PDFs needs several MiB: the disk fills mid-build.
    let run = run_guarded(
        &d,
        &["build", v1.to_str().unwrap(), "-f", "md,pdf", "-o", "out"],
    );
    run.assert_code(4).assert_stderr_has("cannot write");
    assert!(
        run.stderr.contains("No space left on device") || run.stderr.contains("space"),
        "the message says the disk is full: {}",
        run.stderr
    );
    let after: Vec<_> = hashes(&d.join("out"))
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().ends_with(".lock"))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().ends_with(".lock"))
        .collect();
    assert_eq!(
        after, before,
        "the previous pack changed, or staging files were left behind"
    );
    drop(disk);
}

#[test]
fn output_path_through_a_file_exits_4() {
    let d = scratch("through-file");
    std::fs::write(d.join("blocker"), b"user data").unwrap();
    let v1 = repo("profiles/riverbend-clinic.yaml");
    let run = run_guarded(
        &d,
        &[
            "build",
            v1.to_str().unwrap(),
            "-f",
            "md",
            "-o",
            "blocker/out",
        ],
    );
    run.assert_code(4).assert_stderr_has("cannot write");
    assert_eq!(std::fs::read(d.join("blocker")).unwrap(), b"user data");
}

// ---------------------------------------------------------------------------
// Panics.
// ---------------------------------------------------------------------------

/// Spawn `hicp ARGS` with its stdout already closed (as `hicp schema | head -c0`
/// would leave it) and return (exit code, stderr).
fn run_with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "full")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("hicp {args:?} hung on a closed stdout");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (status.code(), err)
}

/// Writing to a closed pipe makes `println!` panic, which is the one way the
/// suite can reach the panic hook from outside: it must print the short
/// bug-report line, exit non-zero and show no backtrace even with
/// `RUST_BACKTRACE=full`.
#[test]
fn a_panic_prints_the_short_bug_report_line() {
    let (code, err) = run_with_closed_stdout(&["schema"]);
    assert_no_raw_panic(&err);
    if err.contains("internal error") {
        assert_ne!(code, Some(0), "a panic must not exit 0");
        assert_eq!(err.trim_end().lines().count(), 1, "one short line: {err}");
        assert!(err.contains("Nothing was written"), "{err}");
    }
}

/// Regression: `hicp schema | head -1` (stdout closed early) is not a bug in
/// hicp and must not ask the user to report one. Fails until src/cli.rs
/// handles a broken pipe (see docs/hardening.md, finding F1).
#[test]
fn closed_stdout_is_not_an_internal_error() {
    for args in [&["schema"][..], &["list", "--json"][..], &["list"][..]] {
        let (_, err) = run_with_closed_stdout(args);
        assert_no_raw_panic(&err);
        assert!(
            !err.contains("internal error"),
            "hicp {args:?} with a closed stdout reports an internal error: {err}"
        );
    }
}

// ---------------------------------------------------------------------------
// Fuzz reproducers, replayed through the fuzz targets' own calls.
// ---------------------------------------------------------------------------

/// Every file in `fuzz/regressions/<target>/` (sorted).
fn reproducers(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = repo("fuzz/regressions").join(target);
    let mut v: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
                .map(|p| {
                    let b = std::fs::read(&p).unwrap();
                    (p, b)
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Run `f` on every reproducer of `target`, collecting the ones that panic.
fn replay(target: &str, f: fn(&[u8])) {
    let mut failed = Vec::new();
    for (path, bytes) in reproducers(target) {
        if std::panic::catch_unwind(|| f(&bytes)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: these reproducers still panic: {failed:#?}"
    );
}

fn profile_load_target(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = hicp::profile::load_str("fuzz.yaml", text);
    }
}

fn markdown_pdf_target(data: &[u8]) {
    if let Ok(md) = std::str::from_utf8(data) {
        let _ = hicp::blocks::parse(md);
        let (doc, pack) = fuzz_common::doc(md);
        if let Ok(out) = hicp::writers::pdf::render_document(&doc, &pack) {
            assert!(out.bytes.starts_with(b"%PDF-"));
        }
    }
}

fn html_writer_target(data: &[u8]) {
    if let Ok(md) = std::str::from_utf8(data) {
        let (doc, pack) = fuzz_common::doc(md);
        let html = hicp::writers::html::render_document(&doc, &pack);
        let urls = fuzz_common::script_urls_in_tags(&html);
        assert!(urls.is_empty(), "script URL emitted: {urls:?}");
        let own = fuzz_common::script_tags(&hicp::writers::html::render_document(
            &fuzz_common::doc("").0,
            &pack,
        ));
        assert_eq!(fuzz_common::script_tags(&html), own, "script from content");
    }
}

#[test]
fn fuzz_regressions_profile_load() {
    replay("profile_load", profile_load_target);
}

#[test]
fn fuzz_regressions_markdown_pdf() {
    replay("markdown_pdf", markdown_pdf_target);
}

#[test]
fn fuzz_regressions_html_writer() {
    replay("html_writer", html_writer_target);
}

/// The committed corpora must keep passing too (they are small).
#[test]
fn fuzz_corpora_do_not_panic() {
    for (target, f) in [
        ("profile_load", profile_load_target as fn(&[u8])),
        ("markdown_pdf", markdown_pdf_target),
        ("html_writer", html_writer_target),
    ] {
        let dir = repo("fuzz/corpus").join(target);
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        // Bound the time: every 7th file of big corpora.
        let step = if files.len() > 300 { 7 } else { 1 };
        for p in files.iter().step_by(step) {
            if let Ok(bytes) = std::fs::read(p) {
                let ok = std::panic::catch_unwind(|| f(&bytes)).is_ok();
                assert!(ok, "{target}: corpus file {} panics", p.display());
            }
        }
    }
}
