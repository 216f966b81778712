//! Helpers shared by the integration tests (each test file is its own crate
//! and includes this with `mod common;`; not every file uses every helper).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `hicp` binary, without colour and without a pinned date.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hicp"));
    c.env("NO_COLOR", "1");
    c.env_remove("SOURCE_DATE_EPOCH");
    c
}

/// A fresh, empty folder under the system temp dir for one test.
pub fn tempdir(suite: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hicp-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A path inside the repository.
pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Run a command: exit code, stdout, stderr.
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let o = cmd.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

/// An 8-bit RGBA PNG whose pixels come from `pixel(x, y)`, built by hand
/// (CRCs are left zero: hicp does not check them, and neither do the tests).
pub fn rgba_png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    use std::io::Write;
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0);
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y));
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    let idat = z.finish().unwrap();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [(&b"IHDR"[..], ihdr), (b"IDAT", idat), (b"IEND", Vec::new())] {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(&body);
        out.extend_from_slice(&[0; 4]);
    }
    out
}
