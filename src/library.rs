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

impl Origin {
    /// The file as a path, without the "(built in)" note: for `--> file:line`.
    pub fn path(&self) -> String {
        match self {
            Origin::Builtin(p) => format!("templates/{p}"),
            Origin::Override(p) => p.display().to_string(),
        }
    }
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
    /// The file line of each front-matter key, so that a value refused
    /// after parsing (an unknown sub-practice, a `when` path) is reported
    /// where it is written.
    pub key_lines: BTreeMap<String, usize>,
}

impl DocTemplate {
    /// The file line of front-matter key `key` (the opening `---` when the
    /// key is not written).
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }
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
    /// The variables and literal calls each template names
    /// ([`crate::render::names`]), by Tera name, worked out once.
    pub template_names: std::sync::OnceLock<BTreeMap<String, crate::render::names::Names>>,
    /// Files of the override folders that look like templates but are not
    /// read (a `document/` folder, a template at the top, a name without
    /// `.md.tera`): each build reports them, since the override they were
    /// meant to be is silently not used.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("{origin}: {message}")]
    Template { origin: String, message: String },
    #[error("template folder {path}: {message}")]
    Folder { path: String, message: String },
    /// A template that parses but says something hicp cannot honour (a
    /// sub-practice, document or glossary term that does not exist, a
    /// `when` it cannot evaluate, a Tera comment), at its file line.
    #[error("{origin}, line {line}: {message}\nhint: {hint}")]
    Check {
        origin: String,
        line: usize,
        message: String,
        hint: String,
    },
}

/// Document ids a template may not take, because a pack-level file is named
/// after them or readers would take the document for it: `index`
/// (`html/index.html` beside the pack's `index.html`), `manifest`, and any
/// id ending in `-policy-pack` (the binder is `pdf/<slug>-policy-pack.pdf`:
/// `riverbend-policy-pack` would overwrite Riverbend's binder).
fn reserved_id(id: &str) -> Option<&'static str> {
    match id {
        "index" => Some("`index` is the pack's own index page"),
        "manifest" => Some("`manifest` is the pack's manifest"),
        _ if id.ends_with("-policy-pack") => Some(
            "ids ending in `-policy-pack` are kept for the binder, `pdf/<pack folder>-policy-pack.pdf`, which such a document would overwrite",
        ),
        _ => None,
    }
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
            // Front matter is blanked out of the sources but decides what a
            // document is called, also where `doc_link` names a document
            // that is not in the pack.
            for d in self.documents.values() {
                h.update(format!("{:?}", d.front).as_bytes());
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

    /// What each template names, by Tera name.
    pub fn names(&self) -> &BTreeMap<String, crate::render::names::Names> {
        self.template_names.get_or_init(|| {
            self.sources()
                .map(|s| (s.name.clone(), crate::render::names::scan(&s.text)))
                .collect()
        })
    }

    /// Every document's title by id, in the pack or not: `doc_link` prints
    /// the title of a document left out of the pack in italics.
    pub fn titles(&self) -> BTreeMap<String, String> {
        self.documents
            .iter()
            .map(|(id, d)| (id.clone(), d.front.title.clone()))
            .collect()
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
            let (files, warnings) = read_override_folder(dir)?;
            for (rel, text, origin) in files {
                lib.add(&rel, &text, origin)?;
            }
            lib.warnings.extend(warnings);
        }
        let _t = crate::timings::span("library: checks");
        lib.check(false)?;
        Ok(lib)
    }

    /// Whether an override folder supplied any template. The built-in
    /// templates are the same in every build and checked by the test suite
    /// ([`Library::check`] with `builtin_too`, [`crate::render::names`]), so
    /// a build of them alone skips the checks that only an override can
    /// fail (a few milliseconds per build otherwise).
    pub fn has_overrides(&self) -> bool {
        self.sources()
            .any(|s| matches!(s.origin, Origin::Override(_)))
    }

    /// Check what every override template says that does not depend on the
    /// profile, whether or not its document is in a given pack: a typo in a
    /// document left out of this pack would otherwise surface only in the
    /// pack of another organization, or never. `builtin_too` checks the
    /// built-in templates as well (the test suite does).
    pub fn check(&self, builtin_too: bool) -> Result<(), LibraryError> {
        let checked = |o: &Origin| builtin_too || matches!(o, Origin::Override(_));
        let catalog = crate::catalog::Catalog::builtin();
        let sub_ids = || catalog.subpractices.iter().map(|sp| sp.id.as_str());
        let doc_ids = || self.documents.keys().map(String::as_str);
        let did_you_mean =
            |word: &str, candidates: Vec<&str>, then: &str| match crate::suggest::did_you_mean(
                word, candidates,
            ) {
                Some(s) => format!("did you mean `{s}`? {then}"),
                None => then.to_string(),
            };
        const SUB_LIST: &str = "the sub-practice IDs are in templates/catalog/subpractices.yaml (`hicp list` shows which documents carry which)";
        const DOC_LIST: &str = "`hicp list` shows the document ids";
        for d in self.documents.values() {
            if !checked(&d.source.origin) {
                continue;
            }
            let f = &d.front;
            let fail = |key: &str, message: String, hint: String| LibraryError::Check {
                origin: d.source.origin.to_string(),
                line: d.line_of(key),
                message,
                hint,
            };
            if let Some(cond) = &f.when {
                crate::render::when::check(cond).map_err(|e| fail("when", e.message, e.hint))?;
            }
            for id in &f.practices {
                if catalog.subpractice(id).is_none() {
                    return Err(fail(
                        "practices",
                        format!(
                            "front matter names sub-practice `{id}`, which is not in the HICP catalog"
                        ),
                        did_you_mean(id, sub_ids().collect(), SUB_LIST),
                    ));
                }
            }
            for id in &f.related {
                if !self.documents.contains_key(id) {
                    return Err(fail(
                        "related",
                        format!(
                            "front matter lists related document `{id}`, which is not in the template library"
                        ),
                        did_you_mean(id, doc_ids().collect(), DOC_LIST),
                    ));
                }
            }
            for term in &f.definitions {
                if catalog.definition(term).is_none() {
                    return Err(fail(
                        "definitions",
                        format!(
                            "front matter lists definition `{term}`, which is not in the glossary"
                        ),
                        did_you_mean(
                            term,
                            catalog.glossary.keys().map(String::as_str).collect(),
                            "the glossary is templates/catalog/glossary.yaml",
                        ),
                    ));
                }
            }
        }
        if !builtin_too && !self.has_overrides() {
            return Ok(());
        }
        let names = self.names();
        for source in self.sources().filter(|s| checked(&s.origin)) {
            let fail = |line: usize, message: String, hint: String| LibraryError::Check {
                origin: source.origin.to_string(),
                line,
                message,
                hint,
            };
            if let Some(line) = tera_comment_line(&source.text) {
                return Err(fail(
                    line,
                    "`{# … #}` is not a comment in hicp templates: it is printed as it stands".into(),
                    "write template comments as `{/ … /}`; `{#` is left to Markdown, where `{#id}` gives a heading its anchor".into(),
                ));
            }
            let Some(n) = names.get(&source.name) else {
                continue;
            };
            for call in &n.calls {
                for (arg, values) in &call.args {
                    for v in values {
                        let problem = match (call.function.as_str(), arg.as_str()) {
                            ("tag", "ids") if catalog.subpractice(v).is_none() => Some((
                                format!(
                                    "tag(ids=…) names `{v}`, which is not a sub-practice of the HICP catalog"
                                ),
                                did_you_mean(v, sub_ids().collect(), SUB_LIST),
                            )),
                            ("doc_link", "id") if !self.documents.contains_key(v) => Some((
                                format!(
                                    "doc_link(id=\"{v}\") names no document of the template library"
                                ),
                                did_you_mean(v, doc_ids().collect(), DOC_LIST),
                            )),
                            _ => None,
                        };
                        if let Some((message, hint)) = problem {
                            return Err(fail(call.line, message, hint));
                        }
                    }
                }
            }
        }
        Ok(())
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
            let (front, body, key_lines) = parse_front_matter(text, &origin.path()).map_err(err)?;
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
            if let Some(why) = reserved_id(&front.id) {
                return Err(err(format!(
                    "the document id `{}` is reserved: {why}; give the document another id (file name and `id:`)",
                    front.id
                )));
            }
            for (key, value, printed) in [
                ("title", &front.title, "its title as its only `#` heading"),
                (
                    "audience",
                    &front.audience,
                    "its audience as \"Applies to\"",
                ),
            ] {
                if value.trim().is_empty() {
                    let line = key_lines.get(key).copied().unwrap_or(1);
                    return Err(LibraryError::Check {
                        origin: origin.to_string(),
                        line,
                        message: format!("front-matter `{key}` is empty"),
                        hint: format!("every document prints {printed}: write one"),
                    });
                }
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
                    key_lines,
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

/// Files of an override folder read as templates, and warnings.
type FolderFiles = (Vec<(String, String, Origin)>, Vec<String>);

/// Whether a file name is a backup or hidden file, which sits beside
/// templates without being meant as one (`.gitkeep`, `x.md.tera~`).
fn incidental(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".bak")
        || name.ends_with(".orig")
}

/// The warning for a file in `documents/` or `partials/` that is not read
/// because its name does not end in `.md.tera`.
fn not_a_template_name(shown: &Path, name: &str) -> String {
    let stem = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".tera"))
        .or_else(|| name.strip_suffix(".markdown"));
    match stem {
        Some(stem) => format!(
            "{} is not read: a template's file name ends in `.md.tera` (rename it {stem}.md.tera)",
            shown.display()
        ),
        None => format!(
            "{} is not read: only files named `<name>.md.tera` are templates",
            shown.display()
        ),
    }
}

/// Templates (`*.md.tera`) of an override folder outside `documents/` and
/// `partials/`, which are never read: one warning naming up to three of
/// them and where templates go. Only names are read, and symlinks are not
/// followed, so nothing outside the folder is looked at.
fn misplaced_templates(dir: &Path, root: &Path) -> Option<String> {
    const SHOWN: usize = 3;
    // A look near the folder, not a search: files one level down are the
    // usual slips (`document/`, `templates/documents/` one level too deep
    // is two), and a folder such as `/` must not walk the machine.
    const VISITED: usize = 2_000;
    let mut found = Vec::new();
    let walk = walkdir::WalkDir::new(root)
        .follow_links(false)
        .max_depth(3)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.depth() >= 1 && name.starts_with('.'))
                && !(e.depth() == 1 && (name == "documents" || name == "partials"))
        });
    for entry in walk.filter_map(Result::ok).take(VISITED) {
        if entry.file_type().is_file() && entry.file_name().to_string_lossy().ends_with(".md.tera")
        {
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            found.push(dir.join(rel).display().to_string());
        }
    }
    if found.is_empty() {
        return None;
    }
    let more = match found.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    found.truncate(SHOWN);
    Some(format!(
        "{}{more} {} not read: templates go in {}/documents/<id>.md.tera or {}/partials/<name>.md.tera",
        found.join(", "),
        if found.len() == 1 && more.is_empty() {
            "is"
        } else {
            "are"
        },
        dir.display(),
        dir.display()
    ))
}

/// Read `documents/` and `partials/` of an override folder, with warnings
/// for files that look meant as templates but are not read.
fn read_override_folder(dir: &Path) -> Result<FolderFiles, LibraryError> {
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
    let mut warnings = Vec::new();
    let mut has_folder = false;
    for sub in ["documents", "partials"] {
        let base = root.join(sub);
        if !base.is_dir() {
            continue;
        }
        has_folder = true;
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
                if !incidental(&name) {
                    warnings.push(not_a_template_name(&shown, &name));
                }
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
    match misplaced_templates(dir, &root) {
        Some(w) => warnings.push(w),
        None if !has_folder => warnings.push(format!(
            "{} has neither documents/ nor partials/, so no template is read from it",
            dir.display()
        )),
        None => {}
    }
    Ok((out, warnings))
}

/// The line of the first Tera comment opener `{# ` (or `{#-`): hicp turns
/// Tera comments off, so such a comment would be published as it stands.
/// `{#part-e}`, a Markdown heading anchor, has no space after `{#`; text
/// inside hicp's own `{/ … /}` comments is not looked at.
fn tera_comment_line(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == b'{' && b[i + 1] == b'/' {
            match text[i + 2..].find("/}") {
                Some(p) => i += p + 4,
                None => return None,
            }
            continue;
        }
        if b[i] == b'{'
            && b[i + 1] == b'#'
            && (b[i + 2].is_ascii_whitespace() || b[i + 2] == b'-')
            && text[i..].contains("#}")
        {
            return Some(1 + text[..i].matches('\n').count());
        }
        i += 1;
    }
    None
}

/// Split the YAML front matter at byte 0 (`---` line … `---` line). The body
/// keeps one blank line per front-matter line so template line numbers match
/// the file.
pub fn split_front_matter(text: &str) -> Result<(FrontMatter, String), String> {
    parse_front_matter(text, "<input>").map(|(front, body, _)| (front, body))
}

/// [`split_front_matter`], with errors located at the line of the file
/// `shown` (not of the YAML block), and each key's file line.
fn parse_front_matter(
    text: &str,
    shown: &str,
) -> Result<(FrontMatter, String, BTreeMap<String, usize>), String> {
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
    // One line in front for the opening `---`: the parser's lines are then
    // the file's.
    let lined = format!("\n{yaml}");
    refuse_tags(&lined)?;
    let front: FrontMatter = serde_saphyr::from_str(&lined).map_err(|e| {
        let message = e.to_string();
        let message = message.strip_prefix("error: ").unwrap_or(&message);
        format!(
            "front matter: {}",
            message.replace("--> <input>:", &format!("--> {shown}:"))
        )
    })?;
    let key_lines = yaml
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let (key, _) = line.split_once(':')?;
            let plain =
                !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            plain.then(|| (key.to_string(), i + 2))
        })
        .collect();
    let blank_lines = 2 + yaml.matches('\n').count();
    let mut body = "\n".repeat(blank_lines);
    body.push_str(&rest[body_start..]);
    Ok((front, body, key_lines))
}

/// Refuse YAML tags in front matter. `when: !technology.byod.allowed` is
/// read as the tag `!technology.byod.allowed` on an empty value, so the
/// condition vanishes and the document is always included; a tag on any
/// other key changes how the value is read. `lined` has the file's lines.
fn refuse_tags(lined: &str) -> Result<(), String> {
    use serde_saphyr::granit_parser::{Event, Parser, StrInput};
    let parser = Parser::with_options(
        StrInput::new(lined),
        serde_saphyr::granit_parser::Options::default(),
    );
    for item in parser {
        // A syntax error is reported by the deserializer, with its snippet.
        let Ok((event, span)) = item else {
            return Ok(());
        };
        let tag = match &event {
            Event::Scalar(_, _, _, tag) => tag.as_deref(),
            Event::SequenceStart(_, _, tag) | Event::MappingStart(_, _, tag) => tag.as_deref(),
            _ => None,
        };
        let Some(tag) = tag else { continue };
        let written = format!("{}{}", tag.original_handle(), tag.suffix());
        let line = span.start.line();
        let on_when = lined
            .lines()
            .nth(line.saturating_sub(1))
            .is_some_and(|l| l.trim_start().starts_with("when:"));
        return Err(if on_when {
            format!(
                "front matter, line {line}: `when: {written}` is read by YAML as the tag `{written}` on an empty value, so the condition would vanish and the document always be included\nhint: negate with `not`: `when: not {}`",
                written.trim_start_matches('!')
            )
        } else {
            format!(
                "front matter, line {line}: YAML tags (`{written}`) are not supported in front matter\nhint: remove the tag; quote the value if it must start with `!`"
            )
        });
    }
    Ok(())
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
    fn builtin_templates_pass_the_library_checks() {
        // Builds skip these for the built-in templates (`has_overrides`).
        let lib = Library::load(&[]).unwrap();
        assert!(!lib.has_overrides());
        lib.check(true).unwrap();
    }

    #[test]
    fn tera_comments_are_found_and_anchors_are_not() {
        assert_eq!(tera_comment_line("## A {#part-e}\n{/ {# x #} /}\n"), None);
        assert_eq!(tera_comment_line("a\n\nb {# note #}"), Some(3));
        assert_eq!(tera_comment_line("{#- note -#}"), Some(1));
    }

    #[test]
    fn reserved_ids_are_refused() {
        assert!(reserved_id("riverbend-policy-pack").is_some());
        assert!(reserved_id("index").is_some());
        assert!(reserved_id("policy-pack-overview").is_none());
    }

    #[test]
    fn ids_are_plain() {
        assert!(valid_id("access-control"));
        assert!(!valid_id("../etc"));
        assert!(!valid_id("a/b"));
        assert!(!valid_id(""));
    }
}
