//! Rebuild when embedded templates or assets change: `include_dir!` is not
//! tracked by cargo, and a stale embedded library would build an old pack.
//!
//! Also sets `HICP_BUILD_ID`, a fingerprint of the code, assets and locked
//! dependencies this binary is built from. A rebuild reuses a previous
//! build's Markdown, pages and files only when their keys match, and the
//! keys include it: two binaries that share a version number but lay out
//! or word things differently (a development build, a patched package)
//! must not take each other's output as their own.
use std::path::{Path, PathBuf};

fn main() {
    for watched in ["templates", "assets", "src", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    println!("cargo:rerun-if-changed=profiles/riverbend-clinic.yaml");
    let mut files = Vec::new();
    for dir in ["src", "assets", "templates"] {
        collect(Path::new(dir), &mut files);
    }
    files.push(PathBuf::from("Cargo.lock"));
    files.sort();
    // FNV-1a, 64 bits: the same on every toolchain and platform (std's
    // hasher is not promised to be), and a cache key needs no more.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for f in &files {
        eat(f.to_string_lossy().replace('\\', "/").as_bytes());
        eat(&[0]);
        eat(&std::fs::read(f).unwrap_or_default());
        eat(&[0]);
    }
    println!("cargo:rustc-env=HICP_BUILD_ID={hash:016x}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
