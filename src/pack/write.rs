//! Writing a pack to disk all or nothing: a temporary folder beside the old
//! pack, hard links for unchanged files, an atomic swap, a lock per pack.

use super::*;
use crate::cli::interrupt;

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Write {
        path: path.display().to_string(),
        source,
    }
}

/// What a write did to the pack folder.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WriteStats {
    /// Files whose content is new or changed.
    pub written: usize,
    /// Files kept as they were (same bytes, same modification time).
    pub unchanged: usize,
    /// Files of the previous pack that are no longer part of it.
    pub removed: usize,
    /// Paths (in the pack) of the files written and removed, sorted.
    pub written_paths: Vec<String>,
    pub removed_paths: Vec<String>,
}

/// Write the pack to `out_dir/<slug>/` by building it in a temporary folder
/// beside it and renaming it into place. Files whose bytes did not change are
/// hard-linked from the previous pack, so their modification times stay as
/// they were; a rebuild where nothing changed touches nothing at all.
pub fn write_pack(
    out_dir: &Path,
    slug: &str,
    pack: &PackFiles,
    force: bool,
) -> Result<WriteStats, BuildError> {
    // A build that fails to write leaves nothing behind: not even the
    // output folder and lock file it created for the pack it could not write.
    let created_out = !out_dir.exists();
    let result = write_pack_in(out_dir, slug, pack, force);
    if result.is_err() && created_out {
        let _ = std::fs::remove_file(out_dir.join(format!(".{slug}.lock")));
        let _ = std::fs::remove_dir(out_dir); // only if empty
    }
    result
}

fn write_pack_in(
    out_dir: &Path,
    slug: &str,
    pack: &PackFiles,
    force: bool,
) -> Result<WriteStats, BuildError> {
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(write_err(out_dir)(std::io::Error::other(
            "it is a file, not a folder (-o names the folder the pack folders are written into)",
        )));
    }
    std::fs::create_dir_all(out_dir).map_err(write_err(out_dir))?;
    // hicp keeps its lock file beside every pack it built: one already there
    // tells a pack whose manifest was deleted from a folder of the user's.
    let built_here_before = out_dir.join(format!(".{slug}.lock")).is_file();
    let _lock = lock_pack(out_dir, slug)?;
    recover(out_dir, slug);
    let target = out_dir.join(slug);
    refuse_foreign(&target, built_here_before)?;
    let manifest_bytes = manifest_json(&pack.manifest);
    // The pack as it is now, under the lock (read once for every use below).
    let old_manifest_bytes = std::fs::read(target.join("manifest.json")).ok();
    // Nothing changed: leave every file (and its modification time) alone.
    if !force
        && let Some(old) = &old_manifest_bytes
        && *old == manifest_bytes
        && pack
            .files
            .iter()
            .all(|(p, b)| std::fs::read(target.join(p)).is_ok_and(|x| &x == b))
    {
        return Ok(WriteStats {
            written: 0,
            unchanged: pack.files.len() + 1,
            ..WriteStats::default()
        });
    }
    std::fs::create_dir_all(out_dir).map_err(write_err(out_dir))?;
    let tmp = out_dir.join(format!(".{slug}.tmp-{}", std::process::id()));
    // Made (and tracked) as one step, so that Ctrl-C removes it
    // (`cli::interrupt`); so is every folder made inside it.
    interrupt::step(|| {
        interrupt::track(&tmp);
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp)
    })
    .map_err(write_err(&tmp))?;
    let old_manifest: Option<Manifest> = old_manifest_bytes
        .as_deref()
        .and_then(|b| serde_json::from_slice(b).ok());
    // Files read back during this build may be linked unread only if no
    // other build swapped the pack since they were read.
    let trust_unchanged = pack.read_from_manifest.is_some()
        && old_manifest_bytes.as_deref().map(sha256_hex) == pack.read_from_manifest;
    let mut stats = WriteStats::default();
    if let Some(old) = &old_manifest {
        stats.removed_paths = manifest_paths(old)
            .into_iter()
            .filter(|p| p.as_str() != "manifest.json" && !pack.files.contains_key(p.as_str()))
            .collect();
        stats.removed_paths.sort();
        stats.removed = stats.removed_paths.len();
    }
    let result = (|| -> Result<(), BuildError> {
        // Folders first, then the files from every thread (a pack is a
        // hundred files and several megabytes: writing them one after
        // another was a tenth of a full build).
        let parents: BTreeSet<PathBuf> = pack
            .files
            .keys()
            .filter_map(|rel| tmp.join(rel).parent().map(Path::to_path_buf))
            .collect();
        interrupt::step(|| -> Result<(), BuildError> {
            for parent in &parents {
                std::fs::create_dir_all(parent).map_err(write_err(parent))?;
            }
            Ok(())
        })?;
        let linked: Vec<Result<bool, BuildError>> = pack
            .files
            .par_iter()
            .map(|(rel, bytes)| {
                let path = tmp.join(rel);
                let old_path = target.join(rel);
                let same = !force
                    && (trust_unchanged && pack.unchanged.contains(rel)
                        || std::fs::metadata(&old_path)
                            .is_ok_and(|m| m.len() == bytes.len() as u64)
                            && std::fs::read(&old_path).is_ok_and(|old| &old == bytes));
                if same && std::fs::hard_link(&old_path, &path).is_ok() {
                    return Ok(true);
                }
                std::fs::write(&path, bytes).map_err(write_err(&path))?;
                Ok(false)
            })
            .collect();
        // The first failure in path order, whichever thread met it first.
        for (r, rel) in linked.into_iter().zip(pack.files.keys()) {
            if r? {
                stats.unchanged += 1;
            } else {
                stats.written += 1;
                stats.written_paths.push(rel.clone());
            }
        }
        let mpath = tmp.join("manifest.json");
        // A manifest with the same bytes (a hand-edited file put back) is
        // linked, keeping its modification time, and not reported as written.
        if old_manifest_bytes.as_deref() == Some(manifest_bytes.as_slice())
            && std::fs::hard_link(target.join("manifest.json"), &mpath).is_ok()
        {
            stats.unchanged += 1;
        } else {
            std::fs::write(&mpath, &manifest_bytes).map_err(write_err(&mpath))?;
            stats.written += 1;
            stats.written_paths.push("manifest.json".into());
        }
        stats.written_paths.sort();
        // Carry over files a person put in the old pack folder.
        if target.is_dir() {
            let owned: Vec<String> = old_manifest
                .as_ref()
                .map(manifest_paths)
                .unwrap_or_default();
            for entry in walkdir::WalkDir::new(&target)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&target) else {
                    continue;
                };
                let rel_s = rel.to_string_lossy().replace('\\', "/");
                if owned.contains(&rel_s)
                    || pack.files.contains_key(&rel_s)
                    || rel_s == "manifest.json"
                {
                    continue;
                }
                let dest = tmp.join(rel);
                if let Some(parent) = dest.parent() {
                    interrupt::step(|| std::fs::create_dir_all(parent))
                        .map_err(write_err(parent))?;
                }
                if std::fs::hard_link(entry.path(), &dest).is_err() {
                    std::fs::copy(entry.path(), &dest).map_err(write_err(&dest))?;
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        // After Ctrl-C this is where a thread whose writes failed waits for
        // the process to end, so no error about them is printed.
        interrupt::step(|| interrupt::untrack(&tmp));
        return Err(e);
    }
    swap_into_place(&tmp, &target)?;
    write_page_cache(out_dir, slug, pack.page_cache.as_deref());
    Ok(stats)
}

/// Keep the pages for the next build (temporary file, then rename, so a
/// reader never sees half a cache). A cache that cannot be written only
/// makes the next build slower, so failure is not an error.
fn write_page_cache(out_dir: &Path, slug: &str, bytes: Option<&[u8]>) {
    let Some(bytes) = bytes else { return };
    let path = page_cache_path(out_dir, slug);
    let tmp = out_dir.join(format!(".{slug}.pages.tmp-{}", std::process::id()));
    // Created as a step, written outside one (it may be megabytes: Ctrl-C
    // does not wait for it), renamed as a step.
    let created = interrupt::step(|| {
        interrupt::track(&tmp);
        std::fs::File::create(&tmp)
    });
    let written = created.and_then(|mut f| {
        use std::io::Write;
        f.write_all(bytes)
    });
    interrupt::step(|| {
        if written.is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        interrupt::untrack(&tmp);
    });
}

/// Exchange two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`), so the
/// pack folder always exists and is always either the old or the new pack.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both pointers are valid NUL-terminated paths for the duration of the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Move the finished temporary folder to `target`.
/// The pack is swapped in whole, so whatever stands at its path is
/// replaced: refuse unless that is a pack (it has a manifest) or an empty
/// folder. `-o ~` would otherwise replace a folder of the user's that
/// happens to bear the pack's name, files and all.
fn refuse_foreign(target: &Path, built_here_before: bool) -> Result<(), BuildError> {
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(()); // nothing there
    };
    let is_pack_or_empty = || {
        target.join("manifest.json").is_file()
            || std::fs::read_dir(target).is_ok_and(|mut d| d.next().is_none())
    };
    let why = if !meta.is_dir() {
        "it exists and is not a folder"
    } else if is_pack_or_empty() {
        return Ok(());
    } else if built_here_before {
        // A pack whose manifest was deleted: its revision history went with it.
        "it looks like a pack but has no manifest.json (deleted? the documents' revision history was kept there; restore it to keep the history)"
    } else {
        "it is a folder hicp did not write (it has no manifest.json)"
    };
    Err(write_err(target)(std::io::Error::other(format!(
        "{why}, and building would replace it; move it away, or write the pack elsewhere with -o"
    ))))
}

/// The swap is one step (`cli::interrupt`): Ctrl-C waits for its renames,
/// so the pack folder is never left without a pack (the fallback's two
/// renames are not separated by an interruption either). What it leaves to
/// delete, the previous pack, is deleted outside the step, and by the
/// interruption if one comes meanwhile.
fn swap_into_place(tmp: &Path, target: &Path) -> Result<(), BuildError> {
    if let Some(previous) = interrupt::step(|| swap_step(tmp, target))? {
        let _ = std::fs::remove_dir_all(&previous);
        interrupt::step(|| interrupt::untrack(&previous));
    }
    Ok(())
}

/// The renames of `swap_into_place`; gives the folder that holds the
/// previous pack, if there was one, still tracked, for deleting.
fn swap_step(tmp: &Path, target: &Path) -> Result<Option<PathBuf>, BuildError> {
    if !target.exists() {
        return match std::fs::rename(tmp, target) {
            Ok(()) => {
                interrupt::untrack(tmp);
                Ok(None)
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(tmp);
                interrupt::untrack(tmp);
                Err(write_err(target)(e))
            }
        };
    }
    if exchange(tmp, target).is_ok() {
        // `tmp` now holds the previous pack.
        return Ok(Some(tmp.to_path_buf()));
    }
    // Fallback: two renames; `recover` restores the old pack if we die between them.
    let old = tmp.with_file_name(
        tmp.file_name()
            .map(|n| n.to_string_lossy().replace(".tmp-", ".old-"))
            .unwrap_or_else(|| ".old".into()),
    );
    if let Err(e) = std::fs::rename(target, &old) {
        let _ = std::fs::remove_dir_all(tmp);
        interrupt::untrack(tmp);
        return Err(write_err(target)(e));
    }
    if let Err(e) = std::fs::rename(tmp, target) {
        let _ = std::fs::rename(&old, target);
        let _ = std::fs::remove_dir_all(tmp);
        interrupt::untrack(tmp);
        return Err(write_err(target)(e));
    }
    interrupt::untrack(tmp);
    interrupt::track(&old);
    Ok(Some(old))
}

/// Clean up after a build that was killed: restore a previous pack left
/// aside by the two-rename fallback, and delete abandoned temporary folders.
/// Runs under the pack lock, so no other build is using them.
fn recover(out_dir: &Path, slug: &str) {
    let target = out_dir.join(slug);
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let path = out_dir.join(&name);
        if name.starts_with(&format!(".{slug}.old-")) {
            if !target.exists() {
                let _ = std::fs::rename(&path, &target);
            } else {
                let _ = std::fs::remove_dir_all(&path);
            }
        } else if name.starts_with(&format!(".{slug}.tmp-")) {
            let _ = std::fs::remove_dir_all(&path);
        } else if name.starts_with(&format!(".{slug}.pages.tmp-")) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// An exclusive lock on one pack folder for the whole write, so two builds
/// into the same folder take turns instead of interleaving. The OS releases
/// it if the process dies.
fn lock_pack(out_dir: &Path, slug: &str) -> Result<std::fs::File, BuildError> {
    let path = out_dir.join(format!(".{slug}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(write_err(&path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another hicp build of {} to finish (lock file {})",
                out_dir.join(slug).display(),
                path.display()
            );
            file.lock().map_err(write_err(&path))?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(write_err(&path)(e)),
    }
    Ok(file)
}
