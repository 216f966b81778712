//! The template library: built-in templates embedded in the binary, plus a
//! user's override folders, each document with its front matter.
//!
//! Override folders are walked in sorted order (walkdir) so that discovery,
//! and therefore the pack, does not depend on directory order. A template is
//! only ever read from inside a template folder: symlinks that leave it and
//! ids that are not plain `[a-z0-9-]` are refused.

use crate::model::DocKind;
use include_dir::{Dir, include_dir};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Largest template file we read; a policy template is a few tens of KiB.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// Front matter of a document template (DESIGN §4).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub id: String,
    pub title: String,
    pub kind: DocKind,
    pub audience: String,
    #[serde(default)]
    pub description: String,
    /// Sub-practice IDs of every size; the plan keeps those of the organization's size.
    #[serde(default)]
    pub practices: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    /// A key of `people`; defaults to `security_officer`.
    #[serde(default)]
    pub owner: Option<String>,
    /// A condition on the profile: a dotted path, optionally prefixed with `not `.
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub order: i64,
    /// Glossary terms the document uses.
    #[serde(default)]
    pub definitions: Vec<String>,
}

/// Where a template came from, for messages and for the input hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin(String),
    Override(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Builtin(p) => write!(f, "templates/{p} (built in)"),
            Origin::Override(p) => write!(f, "{}", p.display()),
        }
    }
}

/// One template source: a document (with front matter) or a partial.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// The name Tera knows it by: `documents/<id>.md.tera` or `partials/<name>.md.tera`.
    pub name: String,
    /// Template text. For documents the front matter is replaced by blank
    /// lines so that Tera's line numbers match the file.
    pub text: String,
    pub origin: Origin,
}

/// A document template.
#[derive(Debug, Clone)]
pub struct DocTemplate {
    pub front: FrontMatter,
    pub source: TemplateSource,
}

/// Every template available to a build.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// By id, sorted.
    pub documents: BTreeMap<String, DocTemplate>,
    /// By Tera name, sorted.
    pub partials: BTreeMap<String, TemplateSource>,
    /// The hash of every source, worked out once (a batch of packs shares
    /// one library, and hashing half a megabyte of templates per pack showed
    /// in profiles).
    pub fingerprint: std::sync::OnceLock<String>,
    /// What each template reads ([`crate::render::deps`]), by Tera name,
    /// worked out once.
    pub template_reads: std::sync::OnceLock<BTreeMap<String, crate::render::deps::Reads>>,
}

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("{origin}: {message}")]
    Template { origin: String, message: String },
    #[error("template folder {path}: {message}")]
    Folder { path: String, message: String },
}

impl Library {
    /// sha256 (hex) of every template source and the catalog data: the
    /// manifest's template-pack hash, and part of every rebuild key.
    /// Worked out once per library.
    pub fn fingerprint(&self) -> &str {
        self.fingerprint.get_or_init(|| {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for s in self.sources() {
                h.update(s.name.as_bytes());
                h.update([0]);
                h.update(s.text.as_bytes());
                h.update([0]);
            }
            for (name, text) in crate::catalog::SOURCES {
                h.update(name.as_bytes());
                h.update([0]);
                h.update(text.as_bytes());
            }
            crate::pack::hex(&h.finalize())
        })
    }

    /// What each template reads, by Tera name.
    pub fn reads(&self) -> &BTreeMap<String, crate::render::deps::Reads> {
        self.template_reads.get_or_init(|| {
            self.sources()
                .map(|s| (s.name.clone(), crate::render::deps::scan(&s.text)))
                .collect()
        })
    }

    /// The built-in library, plus each override folder in turn (later folders win).
    pub fn load(overrides: &[PathBuf]) -> Result<Library, LibraryError> {
        let mut lib = Library::default();
        let mut files: Vec<(String, String, Origin)> = Vec::new();
        collect_builtin(&BUILTIN, &mut files);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        for (rel, text, origin) in files {
            lib.add(&rel, &text, origin)?;
        }
        for dir in overrides {
            for (rel, text, origin) in read_override_folder(dir)? {
                lib.add(&rel, &text, origin)?;
            }
        }
        Ok(lib)
    }

    fn add(&mut self, rel: &str, text: &str, origin: Origin) -> Result<(), LibraryError> {
        let err = |message: String| LibraryError::Template {
            origin: origin.to_string(),
            message,
        };
        if let Some(file) = rel.strip_prefix("documents/") {
            let Some(stem) = file.strip_suffix(".md.tera") else {
                return Ok(());
            };
            let (front, body) = split_front_matter(text).map_err(err)?;
            if !valid_id(&front.id) {
                return Err(err(format!(
                    "front-matter id `{}` is not allowed: use lowercase letters, digits and `-` only",
                    front.id
                )));
            }
            if front.id != stem {
                return Err(err(format!(
                    "front-matter id `{}` does not match the file name `{stem}.md.tera`",
                    front.id
                )));
            }
            let name = format!("documents/{}.md.tera", front.id);
            self.documents.insert(
                front.id.clone(),
                DocTemplate {
                    front,
                    source: TemplateSource {
                        name,
                        text: body,
                        origin,
                    },
                },
            );
        } else if let Some(file) = rel.strip_prefix("partials/") {
            if !file.ends_with(".md.tera") {
                return Ok(());
            }
            let stem = file.trim_end_matches(".md.tera");
            if !valid_id(&stem.replace('_', "-")) {
                return Err(err(format!("partial name `{file}` is not allowed")));
            }
            self.partials.insert(
                rel.to_string(),
                TemplateSource {
                    name: rel.to_string(),
                    text: text.to_string(),
                    origin,
                },
            );
        }
        Ok(())
    }

    /// A Tera message with each template name in its locations (`--> name:l:c`,
    /// `called from name:l:c`) followed by the file it came from when that
    /// is an override: a broken partial of `--templates` is otherwise shown
    /// under the built-in name it replaces.
    pub fn name_files(&self, message: &str) -> String {
        let overrides: Vec<(&str, String)> = self
            .sources()
            .filter_map(|s| match &s.origin {
                Origin::Override(p) => Some((s.name.as_str(), p.display().to_string())),
                Origin::Builtin(_) => None,
            })
            .collect();
        if overrides.is_empty() {
            return message.to_string();
        }
        message
            .lines()
            .map(|line| {
                let at = line
                    .find("--> ")
                    .map(|i| i + 4)
                    .or_else(|| line.find("called from ").map(|i| i + 12));
                let Some(at) = at else {
                    return line.to_string();
                };
                match overrides
                    .iter()
                    .find(|(n, _)| line[at..].starts_with(&format!("{n}:")))
                {
                    Some((_, file)) => format!("{line}  (the override {file})"),
                    None => line.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A digest input of every template source, by name, for the manifest.
    pub fn sources(&self) -> impl Iterator<Item = &TemplateSource> {
        self.partials
            .values()
            .chain(self.documents.values().map(|d| &d.source))
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

fn collect_builtin(dir: &Dir<'static>, out: &mut Vec<(String, String, Origin)>) {
    for file in dir.files() {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        if let Some(text) = file.contents_utf8() {
            out.push((rel.clone(), text.to_string(), Origin::Builtin(rel)));
        }
    }
    for sub in dir.dirs() {
        collect_builtin(sub, out);
    }
}

/// Read `documents/` and `partials/` of an override folder.
fn read_override_folder(dir: &Path) -> Result<Vec<(String, String, Origin)>, LibraryError> {
    let folder_err = |message: String| LibraryError::Folder {
        path: dir.display().to_string(),
        message,
    };
    let root = dir
        .canonicalize()
        .map_err(|e| folder_err(format!("cannot open: {}", crate::io_reason::io_reason(&e))))?;
    if !root.is_dir() {
        return Err(folder_err("is not a folder".into()));
    }
    let mut out = Vec::new();
    for sub in ["documents", "partials"] {
        let base = root.join(sub);
        if !base.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&base)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| folder_err(e.to_string()))?;
            let path = entry.path();
            let shown = dir.join(path.strip_prefix(&root).unwrap_or(path));
            if entry.path_is_symlink() {
                let target = path.canonicalize().map_err(|e| {
                    folder_err(format!(
                        "{}: broken symlink: {}",
                        shown.display(),
                        crate::io_reason::io_reason(&e)
                    ))
                })?;
                if !target.starts_with(&root) {
                    return Err(folder_err(format!(
                        "{} is a symlink to {}, outside the template folder; refusing to read it",
                        shown.display(),
                        target.display()
                    )));
                }
                if target.is_dir() {
                    continue;
                }
                // A FIFO or device behind the link would block or never end.
                if !target.is_file() && shown.to_string_lossy().ends_with(".md.tera") {
                    return Err(folder_err(format!(
                        "{} points at {}, which is not a regular file; refusing to read it",
                        shown.display(),
                        target.display()
                    )));
                }
            } else if !entry.file_type().is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().to_string();
            if !name.ends_with(".md.tera") {
                continue;
            }
            if entry.depth() != 1 {
                return Err(folder_err(format!(
                    "{}: templates must sit directly in {sub}/",
                    shown.display()
                )));
            }
            let meta = std::fs::metadata(path).map_err(|e| {
                folder_err(format!(
                    "{}: {}",
                    shown.display(),
                    crate::io_reason::io_reason(&e)
                ))
            })?;
            if meta.len() > MAX_TEMPLATE_BYTES {
                return Err(folder_err(format!(
                    "{} is larger than the 1 MiB limit for a template",
                    shown.display()
                )));
            }
            let bytes = std::fs::read(path).map_err(|e| {
                folder_err(format!(
                    "{}: {}",
                    shown.display(),
                    crate::io_reason::io_reason(&e)
                ))
            })?;
            let text = String::from_utf8(bytes).map_err(|e| {
                folder_err(format!(
                    "{}: not valid UTF-8 (byte {})",
                    shown.display(),
                    e.utf8_error().valid_up_to()
                ))
            })?;
            out.push((format!("{sub}/{name}"), text, Origin::Override(shown)));
        }
    }
    Ok(out)
}

/// Split the YAML front matter at byte 0 (`---` line … `---` line). The body
/// keeps one blank line per front-matter line so template line numbers match
/// the file.
pub fn split_front_matter(text: &str) -> Result<(FrontMatter, String), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or_else(|| {
            "a document template must start with a `---` front-matter block".to_string()
        })?;
    let mut offset = 0;
    let mut end = None;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (yaml_end, body_start) =
        end.ok_or_else(|| "the front-matter block is not closed by a `---` line".to_string())?;
    let yaml = &rest[..yaml_end];
    let front: FrontMatter =
        serde_saphyr::from_str(yaml).map_err(|e| format!("front matter: {e}"))?;
    let blank_lines = 2 + yaml.matches('\n').count();
    let mut body = "\n".repeat(blank_lines);
    body.push_str(&rest[body_start..]);
    Ok((front, body))
}

/// The title of a built-in document, for references to documents that are not
/// in this pack (printed as plain text rather than a dead link).
pub fn builtin_title(id: &str) -> Option<String> {
    let file = BUILTIN.get_file(format!("documents/{id}.md.tera"))?;
    let (front, _) = split_front_matter(file.contents_utf8()?).ok()?;
    Some(front.title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_keeps_line_numbers() {
        let src = "---\nid: a\ntitle: A\nkind: policy\naudience: all\n---\nline seven\n";
        let (fm, body) = split_front_matter(src).unwrap();
        assert_eq!(fm.id, "a");
        assert_eq!(body.lines().nth(6), Some("line seven"));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(split_front_matter("---\nid: a\n").is_err());
        assert!(split_front_matter("no front matter").is_err());
    }

    #[test]
    fn ids_are_plain() {
        assert!(valid_id("access-control"));
        assert!(!valid_id("../etc"));
        assert!(!valid_id("a/b"));
        assert!(!valid_id(""));
    }
}
