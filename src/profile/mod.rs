//! Profile stage: loading, `extends`, validation and diagnostics (DESIGN §3).
//!
//! How a profile is loaded, and why in this order:
//!
//! 1. Each file of the `extends` chain is read (refused above 4 MiB before
//!    parsing), decoded as UTF-8 and parsed into a span tree ([`yaml`]) under
//!    serde-saphyr's budgets, so alias bombs and runaway nesting fail fast.
//! 2. The trees are merged (maps key by key, lists and scalars replace), each
//!    node keeping the file it came from.
//! 3. The merged tree is walked against the JSON Schema of [`types::Profile`]
//!    ([`check`]) and checked semantically ([`semantic`]), collecting *every*
//!    problem — serde alone would stop at the first.
//! 4. Only when nothing was found is the profile deserialized into
//!    [`types::Profile`] (with serde-saphyr and `strict_booleans` for a single
//!    file). If that still fails, its error becomes one diagnostic.

pub mod check;
pub mod date;
pub mod diag;
pub mod semantic;
mod starter;
pub mod types;
pub mod yaml;

pub use diag::{Diagnostic, Diagnostics};
pub use starter::{STARTER_EMAILS, STARTER_NAME, starter_profile};

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;
use yaml::{Kind, Node, Pos};

/// Profiles larger than this are refused before parsing.
pub const MAX_PROFILE_BYTES: u64 = 4 * 1024 * 1024;

/// Longest `extends` chain (files), so a chain of distinct files cannot run on.
pub const MAX_EXTENDS_CHAIN: usize = 16;

/// A loaded, merged and validated profile.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Merged (extends applied) and validated.
    pub profile: types::Profile,
    /// The profile file as given.
    pub path: PathBuf,
    /// Its folder: relative paths such as `documents.templates` and
    /// `branding.logo` resolve here.
    pub base_dir: PathBuf,
    /// Every file read (the extends chain), child first, for hashing.
    pub sources: Vec<(PathBuf, Vec<u8>)>,
    /// The merged profile as JSON (for `when` conditions and diffs).
    pub merged: serde_json::Value,
    pub size: types::Size,
    /// The sentence saying how the size was chosen.
    pub size_rule: String,
    /// The merged YAML tree with every value's position, and the files of
    /// the chain: problems found after loading (a document id the library
    /// does not have) are reported where the value was written.
    tree: yaml::Node,
    files: Vec<String>,
}

impl Loaded {
    /// A diagnostic at the value under `keys`, then list item `index` (when
    /// given), in the file of the chain that wrote it; at the profile's
    /// first line when the value cannot be found.
    pub fn diagnostic_at(
        &self,
        keys: &[&str],
        index: Option<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let mut node = Some(&self.tree);
        let mut yaml_path = String::new();
        for k in keys {
            node = node.and_then(|n| n.get(k));
            yaml_path = check::join(&yaml_path, k);
        }
        if let Some(i) = index {
            node = node.and_then(|n| match &n.kind {
                Kind::Seq(items) => items.get(i),
                _ => None,
            });
            yaml_path = format!("{yaml_path}[{i}]");
        }
        let (file, line, column) = match node {
            Some(n) => (
                self.files.get(n.pos.file).cloned().unwrap_or_default(),
                n.pos.line,
                n.pos.column,
            ),
            None => (self.files.first().cloned().unwrap_or_default(), 0, 0),
        };
        Diagnostic::new(file, line, column, yaml_path, message)
    }
}

impl Loaded {
    /// The folder of the file in the `extends` chain that wrote the value
    /// under `keys`: a relative path in a shared parent (its logo, its
    /// template folder) means what it says beside that parent, wherever the
    /// child profile lives.
    pub fn folder_of(&self, keys: &[&str]) -> PathBuf {
        let mut node = Some(&self.tree);
        for k in keys {
            node = node.and_then(|n| n.get(k));
        }
        match node.map(|n| n.pos.file) {
            Some(i) if i > 0 => self
                .sources
                .get(i)
                .and_then(|(p, _)| p.parent())
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            _ => self.base_dir.clone(),
        }
    }
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
enum ReadError {
    #[error("file not found")]
    NotFound,
    #[error("cannot read the file: {}", crate::io_reason::io_reason(.0))]
    Io(std::io::Error),
    #[error("the file is {size} bytes; profiles are limited to 4 MiB ({MAX_PROFILE_BYTES} bytes)")]
    TooLarge { size: u64 },
    #[error("it is not a regular file (a pipe, socket or device); save the profile as a file")]
    NotAFile,
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ReadError> {
    // Checked before opening: opening a FIFO blocks until a writer comes,
    // and a device such as /dev/zero never ends.
    let kind = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(e),
    })?;
    if kind.is_dir() {
        return Err(ReadError::Io(std::io::Error::other("it is a directory")));
    }
    if !kind.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(e),
    })?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Io(std::io::Error::other("it is a directory")));
    }
    if meta.len() > MAX_PROFILE_BYTES {
        return Err(ReadError::TooLarge { size: meta.len() });
    }
    // The metadata may lie (pipes, /proc); never read more than the limit + 1.
    let mut bytes = Vec::new();
    file.take(MAX_PROFILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > MAX_PROFILE_BYTES {
        return Err(ReadError::TooLarge { size: len });
    }
    Ok(bytes)
}

/// Decode UTF-8 (dropping a byte-order mark); on failure, say where.
fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Box<Diagnostic>> {
    // Windows editors save "Unicode" as UTF-16, which starts with a
    // byte-order mark: say so, rather than "byte 0xff at offset 0".
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let order = if bytes[0] == 0xFF { "LE" } else { "BE" };
        return Err(Diagnostic::new(
            file,
            1,
            1,
            "",
            format!("the file is UTF-16 ({order}), not UTF-8"),
        )
        .with_hint("save the profile as UTF-8 (in Notepad: Save as → Encoding: UTF-8)")
        .into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| -> Box<Diagnostic> {
        let offset = e.valid_up_to();
        let valid = bytes.get(..offset).unwrap_or_default();
        // The prefix is valid UTF-8 by construction.
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let byte = bytes.get(offset).copied().unwrap_or_default();
        Diagnostic::new(
            file,
            line,
            column,
            "",
            format!("the file is not valid UTF-8 (byte 0x{byte:02x} at byte offset {offset})"),
        )
        .with_hint("save the profile as UTF-8")
        .into()
    })
}

/// Lexically tidy a path for display (`a/./b/../c` → `a/c`), keeping it relative.
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// The schema of [`types::Profile`], built once per process.
fn schema() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(json_schema)
}

/// The profile's JSON Schema (draft 2020-12), derived from [`types::Profile`].
pub fn json_schema() -> serde_json::Value {
    schemars::schema_for!(types::Profile).to_value()
}

/// The JSON Schema as published for editors (`hicp schema`,
/// `profiles/profile.schema.json`): [`json_schema`] with two changes an
/// editor needs. A profile with `extends` may leave out what its parent
/// gives, so such a profile is checked against a copy of the schema with no
/// `required` keys anywhere (`PartialProfile`, its definitions suffixed
/// `Partial`); dates carry a pattern for the years hicp accepts
/// (1900–2999), since editors do not check `format`; and text carries the
/// length limit the checker applies ([`check::MAX_VALUE_CHARS`]) and a
/// pattern refusing blank text, as the checker does.
pub fn published_schema() -> serde_json::Value {
    use serde_json::{Map, Value};
    const DATE: &str = "^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
    fn dates(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.get("format").and_then(Value::as_str) == Some("date") {
                    m.insert("pattern".into(), Value::String(DATE.into()));
                }
                let is_text = match m.get("type") {
                    Some(Value::String(t)) => t == "string",
                    Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                    _ => false,
                };
                if is_text && !m.contains_key("maxLength") {
                    m.insert("maxLength".into(), Value::from(check::MAX_VALUE_CHARS));
                }
                // Blank text is refused (check_string); dates and colours
                // carry patterns of their own that already exclude it.
                if is_text && !m.contains_key("pattern") {
                    m.insert("pattern".into(), Value::String(r"\S".into()));
                }
                m.values_mut().for_each(dates);
            }
            Value::Array(a) => a.iter_mut().for_each(dates),
            _ => {}
        }
    }
    fn partial(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| k.as_str() != "required")
                    .map(|(k, v)| match (k.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => (k.clone(), Value::String(format!("{r}Partial"))),
                        _ => (k.clone(), partial(v)),
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(partial).collect()),
            other => other.clone(),
        }
    }
    let mut full = json_schema();
    dates(&mut full);
    let Value::Object(mut root) = full else {
        return full;
    };
    let mut defs = match root.remove("$defs") {
        Some(Value::Object(d)) => d,
        _ => Map::new(),
    };
    let head: Vec<(String, Value)> = ["$schema", "title", "description"]
        .iter()
        .filter_map(|k| root.remove(*k).map(|v| (k.to_string(), v)))
        .collect();
    let partial_defs: Vec<(String, Value)> = defs
        .iter()
        .map(|(k, v)| (format!("{k}Partial"), partial(v)))
        .collect();
    defs.extend(partial_defs);
    let body = Value::Object(root);
    defs.insert("PartialProfile".into(), partial(&body));
    defs.insert("Profile".into(), body);
    let mut out: Map<String, Value> = head.into_iter().collect();
    out.insert("if".into(), serde_json::json!({ "required": ["extends"] }));
    out.insert(
        "then".into(),
        serde_json::json!({ "$ref": "#/$defs/PartialProfile" }),
    );
    out.insert(
        "else".into(),
        serde_json::json!({ "$ref": "#/$defs/Profile" }),
    );
    out.insert("$defs".into(), Value::Object(defs));
    Value::Object(out)
}

/// serde-saphyr options: YAML 1.2 booleans only, default budgets on.
fn saphyr_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        budget: Some(serde_saphyr::Budget::default()),
        with_snippet: false,
    }
}

fn limits() -> yaml::Limits {
    yaml::Limits::from_budget(&serde_saphyr::Budget::default())
}

/// Load, merge and validate the profile at `path`.
pub fn load(path: &Path) -> Result<Loaded, Diagnostics> {
    load_inner(path, None)
}

/// Load a profile from a string; `name` is used in diagnostics and as the
/// base for a relative `extends`.
pub fn load_str(name: &str, src: &str) -> Result<Loaded, Diagnostics> {
    load_inner(Path::new(name), Some(src.as_bytes().to_vec()))
}

/// One parsed file of the chain.
struct ChainFile {
    display: String,
    read_path: PathBuf,
    bytes: Vec<u8>,
    root: Node,
}

fn load_inner(path: &Path, given: Option<Vec<u8>>) -> Result<Loaded, Diagnostics> {
    let mut files: Vec<String> = Vec::new();
    let mut chain: Vec<ChainFile> = Vec::new();
    let mut canon: Vec<PathBuf> = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    let limits = limits();

    let mut next: Option<(PathBuf, Option<Vec<u8>>)> = Some((path.to_path_buf(), given));
    // Where the current `extends` was written: (file index, value position, value).
    let mut extends_at: Option<(Pos, String)> = None;

    while let Some((read_path, given)) = next.take() {
        let idx = chain.len();
        let shown = display(&tidy(&read_path));
        let chain_text = |extra: &str| -> String {
            let mut names: Vec<&str> = chain.iter().map(|c| c.display.as_str()).collect();
            names.push(extra);
            names.join(" → ")
        };
        // A parent is named by a profile that may come from anyone (a pull
        // request in CI): refuse files that are not YAML before reading them,
        // so a diagnostic can never quote `.env` or a key file.
        if let Some((pos, value)) = &extends_at {
            let is_yaml = read_path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
            if !is_yaml {
                let parent = files.get(pos.file).cloned().unwrap_or_default();
                problems.push(
                    Diagnostic::new(
                        parent,
                        pos.line,
                        pos.column,
                        "extends",
                        format!("`{value}` named by `extends` is not a profile: extends must name a .yaml or .yml file"),
                    )
                    .with_hint(format!("extends chain: {}", chain_text(&shown))),
                );
                return Err(finish(problems, &files));
            }
        }
        let bytes = match given {
            Some(b) => b,
            None => match read_limited(&read_path) {
                Ok(b) => b,
                Err(e) => {
                    let not_found = matches!(e, ReadError::NotFound);
                    let d = match &extends_at {
                        // `-` is the usual name for standard input, which a
                        // profile cannot come from (it is read twice, and
                        // `extends` needs a folder to resolve against).
                        None if not_found && read_path == Path::new("-") => Diagnostic::file_level(
                            "-",
                            "a profile cannot be read from standard input",
                        )
                        .with_hint("save the profile to a file and give its path"),
                        None => Diagnostic::file_level(display(&read_path), e.to_string()),
                        Some((pos, value)) => {
                            let parent = files.get(pos.file).cloned().unwrap_or_default();
                            let d = Diagnostic::new(
                                parent,
                                pos.line,
                                pos.column,
                                "extends",
                                format!("cannot load `{value}` named by `extends` ({shown}): {e}"),
                            );
                            if not_found && value.contains("://") {
                                d.with_hint("`extends` names a file on this machine, relative to the profile's folder; download a shared parent profile first")
                            } else {
                                d.with_hint(format!("extends chain: {}", chain_text(&shown)))
                            }
                        }
                    };
                    problems.push(d);
                    return Err(finish(problems, &files));
                }
            },
        };
        // Cycle detection on the real file identity.
        let id = std::fs::canonicalize(&read_path).unwrap_or_else(|_| tidy(&read_path));
        if let Some(first) = canon.iter().position(|c| *c == id) {
            if let Some((pos, _)) = &extends_at {
                let parent = files.get(pos.file).cloned().unwrap_or_default();
                let names: Vec<&str> = chain
                    .iter()
                    .skip(first)
                    .map(|c| c.display.as_str())
                    .chain(std::iter::once(shown.as_str()))
                    .collect();
                problems.push(
                    Diagnostic::new(
                        parent,
                        pos.line,
                        pos.column,
                        "extends",
                        format!("extends cycle: {}", names.join(" → ")),
                    )
                    .with_hint("a profile cannot extend itself, directly or through others; remove one `extends`"),
                );
            }
            return Err(finish(problems, &files));
        }
        if idx >= MAX_EXTENDS_CHAIN {
            if let Some((pos, _)) = &extends_at {
                let parent = files.get(pos.file).cloned().unwrap_or_default();
                problems.push(Diagnostic::new(
                    parent,
                    pos.line,
                    pos.column,
                    "extends",
                    format!("the extends chain is longer than {MAX_EXTENDS_CHAIN} files"),
                ));
            }
            return Err(finish(problems, &files));
        }
        canon.push(id);
        files.push(shown.clone());

        let text = match decode(&shown, &bytes) {
            Ok(t) => t,
            Err(d) => {
                problems.push(*d);
                return Err(finish(problems, &files));
            }
        };
        let parsed = match yaml::parse(text, idx, &shown, limits) {
            Ok(p) => p,
            Err(d) => {
                problems.push(*d);
                return Err(finish(problems, &files));
            }
        };
        // A parent that is YAML but not a hicp profile (a settings file full
        // of tokens) is refused at the `extends` line, without a word of its
        // content.
        if let Some((pos, value)) = &extends_at {
            let is_profile = parsed
                .root
                .as_ref()
                .is_some_and(|r| r.as_map().is_some() && r.entry("hicp").is_some());
            if !is_profile {
                let parent = files.get(pos.file).cloned().unwrap_or_default();
                problems.push(
                    Diagnostic::new(
                        parent,
                        pos.line,
                        pos.column,
                        "extends",
                        format!("`{value}` named by `extends` is not a hicp profile (it has no `hicp:` key)"),
                    )
                    .with_hint("a parent profile starts with `hicp: 1`, like any profile"),
                );
                return Err(finish(problems, &files));
            }
        }
        problems.extend(parsed.problems);
        let root = match parsed.root {
            Some(r) if !r.is_null() => r,
            _ => {
                problems.push(
                    Diagnostic::file_level(&shown, "the profile is empty")
                        .with_hint("run `hicp init` to write a starter profile"),
                );
                return Err(finish(problems, &files));
            }
        };
        if root.as_map().is_none() {
            problems.push(
                Diagnostic::new(
                    &shown,
                    root.pos.line,
                    root.pos.column,
                    "",
                    "a profile must be a mapping of keys (hicp:, organization:, …)",
                )
                .with_expected_found("a mapping (key: value)", root.describe()),
            );
            return Err(finish(problems, &files));
        }

        // Follow `extends`, relative to this file's folder.
        if let Some(e) = root.entry("extends") {
            match &e.value.kind {
                Kind::Null => {}
                Kind::Scalar { value, .. } if !value.trim().is_empty() => {
                    let dir = read_path.parent().unwrap_or(Path::new(""));
                    next = Some((dir.join(value), None));
                    extends_at = Some((e.value.pos, value.clone()));
                }
                // Any other value (a list, blank text) in the profile named
                // on the command line is reported by the schema walk of the
                // merged profile; a parent's is overridden in the merge by
                // its child's `extends`, so it is reported here.
                _ if chain.is_empty() => {}
                _ => {
                    problems.push(
                        Diagnostic::new(
                            &shown,
                            e.value.pos.line,
                            e.value.pos.column,
                            "extends",
                            "wrong type for `extends`",
                        )
                        .with_expected_found(
                            "a path to a parent profile (text)",
                            e.value.describe(),
                        ),
                    );
                }
            }
        }
        chain.push(ChainFile {
            display: shown,
            read_path,
            bytes,
            root,
        });
    }

    // `accent_color: #0b5394` unquoted is a key with a YAML comment after
    // it: the colour is silently null. Said here, where the line's text is.
    for file in &chain {
        let Some(e) = file
            .root
            .get("branding")
            .and_then(|b| b.entry("accent_color"))
        else {
            continue;
        };
        let line_text = std::str::from_utf8(&file.bytes)
            .ok()
            .and_then(|t| t.lines().nth(e.key_pos.line.saturating_sub(1)))
            .unwrap_or_default();
        let after_key = line_text
            .split_once("accent_color")
            .and_then(|(_, rest)| rest.trim_start().strip_prefix(':'))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_default();
        if e.value.is_null() && after_key.starts_with('#') && after_key.len() > 1 {
            problems.push(
                Diagnostic::new(
                    &file.display,
                    e.key_pos.line,
                    e.key_pos.column,
                    "branding.accent_color",
                    format!(
                        "`branding.accent_color` is empty: the unquoted `{after_key}` is read as a YAML comment"
                    ),
                )
                .with_hint(format!("quote the colour: accent_color: \"{after_key}\"")),
            );
        }
    }

    // A parent's own `hicp:` is overridden by its child's in the merge, so
    // it is checked here: a parent written for another format version is
    // not read as this one.
    for parent in chain.iter().skip(1) {
        let Some(e) = parent.root.entry("hicp") else {
            continue; // refused above as "not a hicp profile"
        };
        if e.value.as_u64() != Some(semantic::FORMAT_VERSION) {
            problems.push(
                Diagnostic::new(
                    &parent.display,
                    e.value.pos.line,
                    e.value.pos.column,
                    "hicp",
                    format!(
                        "`hicp:` in the parent profile is {}; this hicp reads format version {}",
                        e.value.describe(),
                        semantic::FORMAT_VERSION
                    ),
                )
                .with_hint(
                    "write `hicp: 1` in the parent, or use the hicp release that reads its version",
                ),
            );
        }
    }

    // Merge: the root-most parent first, each child over it.
    let mut roots = chain.iter().rev().map(|c| c.root.clone());
    let Some(mut merged_tree) = roots.next() else {
        return Err(finish(problems, &files));
    };
    for child in roots {
        merged_tree = merge(merged_tree, child);
    }

    let mut checker = check::Checker::new(schema(), &files);
    let root_pos = Pos {
        file: 0,
        line: 1,
        column: 1,
    };
    let merged = checker.walk(&merged_tree, schema(), "", root_pos);
    problems.append(&mut checker.diags);
    let size = semantic::check(
        &merged_tree,
        &files,
        crate::catalog::Catalog::builtin,
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(finish(problems, &files));
    }

    let first = chain.first().map(|c| c.display.clone()).unwrap_or_default();
    // The schema walk found nothing, so the typed JSON it built is
    // authoritative. A single file is still read by serde-saphyr (with
    // `strict_booleans` and its budgets) as a second opinion; where serde's
    // flattened maps (`people`'s extra keys) refuse a number written as text
    // that the schema accepts, the walker's typed JSON decides. Only when both
    // fail is serde-saphyr's error reported, at its location.
    let from_json = || serde_json::from_value::<types::Profile>(merged.clone());
    let profile: types::Profile = if chain.len() == 1 {
        let text = chain
            .first()
            .and_then(|c| decode(&c.display, &c.bytes).ok())
            .unwrap_or_default();
        match serde_saphyr::from_str_with_options(text, saphyr_options()) {
            Ok(p) => p,
            Err(e) => from_json().map_err(|_| {
                let (line, column) = e.location().map_or((0, 0), |l| {
                    (
                        usize::try_from(l.line()).unwrap_or(0),
                        usize::try_from(l.column()).unwrap_or(0),
                    )
                });
                let msg = e.without_snippet().to_string();
                let msg = strip_location(&msg);
                finish(
                    vec![Diagnostic::new(&first, line, column, "", msg.to_string())],
                    &files,
                )
            })?,
        }
    } else {
        from_json().map_err(|e| {
            finish(
                vec![Diagnostic::file_level(
                    &first,
                    format!("the merged profile does not match the format: {e}"),
                )],
                &files,
            )
        })?
    };
    let Some((size, size_rule)) = size else {
        // The semantic checks report a missing size; reaching here means the
        // checks and the types disagree, which is a defect worth reporting.
        return Err(finish(
            vec![Diagnostic::file_level(
                &first,
                "organization.size or organization.metrics is required",
            )],
            &files,
        ));
    };

    let base_dir = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(Loaded {
        profile,
        path: path.to_path_buf(),
        base_dir,
        sources: chain.into_iter().map(|c| (c.read_path, c.bytes)).collect(),
        merged,
        size,
        size_rule,
        tree: merged_tree,
        files,
    })
}

/// Drop serde-saphyr's "line N column M: " prefix and " at line N, column M"
/// suffix (the location has its own line).
fn strip_location(msg: &str) -> &str {
    let mut msg = msg;
    if let Some(rest) = msg.strip_prefix("line ")
        && let Some((_, tail)) = rest.split_once(": ")
    {
        msg = tail;
    }
    if let Some(i) = msg.rfind(" at line ") {
        msg = msg.get(..i).unwrap_or(msg);
    }
    msg
}

/// Order diagnostics by file (child first), line and column.
fn finish(mut items: Vec<Diagnostic>, files: &[String]) -> Diagnostics {
    let rank = |f: &str| files.iter().position(|x| x == f).unwrap_or(usize::MAX);
    items.sort_by_key(|d| (rank(&d.file), d.line, d.column));
    items.dedup();
    Diagnostics { items }
}

/// Merge `over` onto `base`: maps merge key by key; lists and scalars replace.
fn merge(base: Node, over: Node) -> Node {
    match (base.kind, over.kind) {
        (Kind::Map(mut entries), Kind::Map(over_entries)) => {
            for oe in over_entries {
                if let Some(be) = entries.iter_mut().find(|e| e.key == oe.key) {
                    let old = std::mem::replace(
                        &mut be.value,
                        Node {
                            pos: oe.value.pos,
                            kind: Kind::Null,
                        },
                    );
                    be.value = merge(old, oe.value);
                    be.key_pos = oe.key_pos;
                } else {
                    entries.push(oe);
                }
            }
            Node {
                pos: over.pos,
                kind: Kind::Map(entries),
            }
        }
        (_, kind) => Node {
            pos: over.pos,
            kind,
        },
    }
}
