//! `hicp diff OLD NEW`: what changes between two profiles or two built packs —
//! the profile fields (YAML paths, old → new), the documents whose text
//! changes, and a unified diff of each document's Markdown.
//!
//! A security officer regenerating a pack must see exactly what changed before
//! signing it again, so the comparison is on the documents' text, not on the
//! bytes of formats that embed layout. Two built packs are also compared file
//! by file (every output their manifests list, as the folders hold it), so a
//! deleted Word file or a changed PDF is a difference too, and the size the
//! organization is assessed at is compared even when it is derived from
//! `metrics` rather than written.

use crate::pack::{self, Format};
use crate::profile;
use serde::Serialize;
use serde_json::Value;
use similar::{ChangeTag, TextDiff};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One side of a comparison, in memory.
pub struct Side {
    pub label: String,
    /// Flattened profile values: YAML path → value as text.
    pub fields: BTreeMap<String, String>,
    /// Document id → (title, Markdown).
    pub documents: BTreeMap<String, (String, String)>,
    /// The organization's size (`small`, `medium`, `large`) and the sentence
    /// saying how it was chosen; `None` when unknown.
    pub size: Option<(String, String)>,
    /// For a built pack: every output file its manifest lists (path in the
    /// pack → sha256 of the file as the folder holds it, `None` when it is
    /// missing). `None` for a profile, whose pack is not built.
    pub files: Option<BTreeMap<String, Option<String>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("{0}")]
    Build(#[from] pack::BuildError),
    #[error("{path}: {message}")]
    Input { path: String, message: String },
}

impl DiffError {
    pub fn exit_code(&self) -> u8 {
        match self {
            DiffError::Build(e) => e.exit_code(),
            DiffError::Input { .. } => 1,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocChange {
    pub id: String,
    pub title: String,
    /// `added`, `removed` or `changed`.
    pub change: String,
    pub unified_diff: String,
    /// Short human summary, e.g. "3 lines changed".
    pub summary: String,
}

/// The organization's size changed (it may follow from `metrics`, where no
/// field says `size`).
#[derive(Debug, Clone, Serialize)]
pub struct SizeChange {
    pub old: String,
    pub new: String,
    /// How the new size was chosen ("Size medium was derived from metrics: …").
    pub rule: String,
}

/// An output file of two built packs that differs.
#[derive(Debug, Clone, Serialize)]
pub struct FileChange {
    /// Path in the pack, `docx/access-control.docx`.
    pub path: String,
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// Why, when the manifests alone do not say: a file a manifest lists
    /// that is missing from its folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub old: String,
    pub new: String,
    pub fields: Vec<FieldChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<SizeChange>,
    pub documents: Vec<DocChange>,
    /// Output files, when both sides are built packs.
    pub files: Vec<FileChange>,
}

impl DiffReport {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
            && self.size.is_none()
            && self.documents.is_empty()
            && self.files.is_empty()
    }
}

/// Flatten a JSON value into `a.b[2].c` → scalar text.
pub fn flatten(v: &Value, prefix: &str, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(x, &p, out);
            }
        }
        Value::Array(a) => {
            if a.is_empty() {
                out.insert(prefix.to_string(), "[]".to_string());
            }
            // Each entry is named by its `name` (vendors, contacts) or its
            // text (a list of services) when that is unique in the list, so
            // removing one entry reads as that entry removed, not as every
            // later entry edited; an entry without a usable name is keyed by
            // its position (`#2`), without changing how the others are keyed.
            let names: Vec<Option<&str>> = a
                .iter()
                .map(|x| match x {
                    Value::Object(m) => m.get("name").and_then(Value::as_str),
                    Value::String(s) => Some(s.as_str()),
                    _ => None,
                })
                .map(|n| n.filter(|n| !n.is_empty() && !n.contains(['[', ']'])))
                .collect();
            for (i, x) in a.iter().enumerate() {
                let key = match names[i] {
                    Some(n) if names.iter().filter(|m| **m == Some(n)).count() == 1 => {
                        n.to_string()
                    }
                    _ => format!("#{i}"),
                };
                flatten(x, &format!("{prefix}[{key}]"), out);
            }
        }
        Value::Null => {}
        Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Load one side: a pack folder (with manifest.json) or a profile file.
pub fn load_side(path: &Path, templates: &[PathBuf]) -> Result<Side, DiffError> {
    let label = path.display().to_string();
    if path.is_dir() {
        let manifest = pack::read_manifest(path).ok_or_else(|| DiffError::Input {
            path: label.clone(),
            message: "is a folder without a readable manifest.json: not a pack built by hicp"
                .into(),
        })?;
        let mut documents = BTreeMap::new();
        for d in &manifest.documents {
            let Some(rel) = d.outputs.get("md") else {
                return Err(DiffError::Input {
                    path: label.clone(),
                    message: format!(
                        "document {} has no Markdown output; rebuild the pack with -f md",
                        d.id
                    ),
                });
            };
            let text = std::fs::read_to_string(path.join(rel)).map_err(|e| DiffError::Input {
                path: path.join(rel).display().to_string(),
                message: e.to_string(),
            })?;
            documents.insert(d.id.clone(), (d.title.clone(), text));
        }
        let mut fields = BTreeMap::new();
        flatten(&manifest.profile.values, "", &mut fields);
        return Ok(Side {
            label,
            fields,
            documents,
            size: Some((manifest.size.clone(), manifest.size_rule.clone())),
            files: Some(pack_files(path, &manifest)),
        });
    }
    let loaded = profile::load(path).map_err(pack::BuildError::from)?;
    let (files, _) = pack::prepare(&loaded, templates, &[Format::Md], &label)?;
    let mut documents = BTreeMap::new();
    for d in &files.manifest.documents {
        if let Some(rel) = d.outputs.get("md") {
            let text = files
                .files
                .get(rel)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            documents.insert(d.id.clone(), (d.title.clone(), text));
        }
    }
    let mut fields = BTreeMap::new();
    flatten(&loaded.merged, "", &mut fields);
    Ok(Side {
        label,
        fields,
        documents,
        size: Some((
            crate::render::context::size_str(loaded.size).to_string(),
            loaded.size_rule.clone(),
        )),
        files: None,
    })
}

/// Every output file the manifest of the pack in `dir` lists, hashed as the
/// folder holds it (`None`: missing or unreadable). A path that leaves the
/// pack (a manifest edited by hand) is not followed.
fn pack_files(dir: &Path, manifest: &pack::Manifest) -> BTreeMap<String, Option<String>> {
    use rayon::prelude::*;
    let paths: Vec<&String> = manifest
        .documents
        .iter()
        .flat_map(|d| d.outputs.values())
        .chain(manifest.files.values().map(|f| &f.path))
        .collect();
    paths
        .par_iter()
        .map(|rel| {
            let inside = Path::new(rel.as_str())
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            let sha = inside
                .then(|| std::fs::read(dir.join(rel.as_str())).ok())
                .flatten()
                .map(|b| pack::sha256_hex(&b));
            ((*rel).clone(), sha)
        })
        .collect()
}

/// The output files that differ between two packs' folders.
fn file_changes(
    old: &BTreeMap<String, Option<String>>,
    new: &BTreeMap<String, Option<String>>,
) -> Vec<FileChange> {
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for path in paths {
        let missing = |side: &str| {
            Some(format!(
                "the {side} manifest lists it, but the folder has no such file"
            ))
        };
        let (change, note) = match (old.get(path), new.get(path)) {
            (Some(Some(a)), Some(Some(b))) if a == b => continue,
            (Some(Some(_)), Some(Some(_))) => ("changed", None),
            (Some(Some(_)), Some(None)) => ("removed", missing("new")),
            (Some(Some(_)), None) => ("removed", None),
            (Some(None), Some(Some(_))) => ("added", missing("old")),
            (None, Some(Some(_))) => ("added", None),
            // In neither folder (whatever the manifests list): no difference
            // between what the two folders hold.
            _ => continue,
        };
        out.push(FileChange {
            path: path.clone(),
            change: change.to_string(),
            note,
        });
    }
    out
}

/// Compare two sides.
/// The list entry a flattened path belongs to (`vendors[ShredRight]` of
/// `vendors[ShredRight].baa`), if any.
pub fn entry_of(path: &str) -> Option<&str> {
    path.find(']').map(|i| &path[..=i])
}

/// `(entry, how it is shown)` for every list entry present on one side
/// only: shown by its name when it has one.
fn lone_entries<'a>(
    here: &'a BTreeMap<String, String>,
    there: &BTreeMap<String, String>,
) -> BTreeMap<&'a str, String> {
    let theirs: std::collections::BTreeSet<&str> =
        there.keys().filter_map(|t| entry_of(t)).collect();
    let mut out = BTreeMap::new();
    for (k, v) in here {
        let Some(entry) = entry_of(k) else { continue };
        if theirs.contains(entry) {
            continue;
        }
        let shown = out.entry(entry).or_insert_with(|| "an entry".to_string());
        if k.len() == entry.len() || k[entry.len()..] == *".name" {
            *shown = v.clone();
        }
    }
    out
}

/// The profile fields that differ between two flattened profiles (see
/// [`flatten`]), in path order; a list entry on one side only is one change.
pub fn field_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    // A list entry on one side only is one change, not one per field.
    let removed = lone_entries(old, new);
    let added = lone_entries(new, old);
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for k in keys {
        if entry_of(k).is_some_and(|e| removed.contains_key(e) || added.contains_key(e)) {
            continue;
        }
        let (a, b) = (old.get(k), new.get(k));
        if a != b {
            fields.push(FieldChange {
                path: k.clone(),
                old: a.cloned(),
                new: b.cloned(),
            });
        }
    }
    for (entry, shown) in removed {
        fields.push(FieldChange {
            path: entry.to_string(),
            old: Some(format!("{shown} (entry removed)")),
            new: None,
        });
    }
    for (entry, shown) in added {
        fields.push(FieldChange {
            path: entry.to_string(),
            old: None,
            new: Some(format!("{shown} (entry added)")),
        });
    }
    fields.sort_by(|a, b| a.path.cmp(&b.path));
    fields
}

pub fn compare(old: &Side, new: &Side) -> DiffReport {
    let fields = field_changes(&old.fields, &new.fields);
    // A size written in the profile shows as the field `organization.size`;
    // one derived from metrics shows only here.
    let size = match (&old.size, &new.size) {
        (Some((a, _)), Some((b, rule)))
            if a != b && !fields.iter().any(|f| f.path == "organization.size") =>
        {
            Some(SizeChange {
                old: a.clone(),
                new: b.clone(),
                rule: rule.clone(),
            })
        }
        _ => None,
    };
    let files = match (&old.files, &new.files) {
        (Some(a), Some(b)) => file_changes(a, b),
        _ => Vec::new(),
    };
    let mut documents = Vec::new();
    let ids: std::collections::BTreeSet<&String> =
        old.documents.keys().chain(new.documents.keys()).collect();
    for id in ids {
        let (a, b) = (old.documents.get(id), new.documents.get(id));
        let (change, title) = match (a, b) {
            (Some(x), Some(y)) if x.1 == y.1 => continue,
            (Some(_), Some(y)) => ("changed", y.0.clone()),
            (None, Some(y)) => ("added", y.0.clone()),
            (Some(x), None) => ("removed", x.0.clone()),
            (None, None) => continue,
        };
        let empty = String::new();
        let at = a.map(|x| &x.1).unwrap_or(&empty);
        let bt = b.map(|x| &x.1).unwrap_or(&empty);
        let diff = TextDiff::from_lines(at.as_str(), bt.as_str());
        let (mut added, mut removed) = (0, 0);
        for c in diff.iter_all_changes() {
            match c.tag() {
                ChangeTag::Insert => added += 1,
                ChangeTag::Delete => removed += 1,
                ChangeTag::Equal => {}
            }
        }
        let unified = diff
            .unified_diff()
            .context_radius(2)
            // Git-style paths for tools (`patch -p1`), each side's label
            // after a tab, where unified diffs put a file's date.
            .header(
                &format!("a/md/{id}.md\t{}", old.label),
                &format!("b/md/{id}.md\t{}", new.label),
            )
            .to_string();
        documents.push(DocChange {
            id: id.clone(),
            title,
            change: change.to_string(),
            unified_diff: unified,
            summary: format!("{added} line(s) added, {removed} removed"),
        });
    }
    DiffReport {
        old: old.label.clone(),
        new: new.label.clone(),
        fields,
        size,
        documents,
        files,
    }
}

/// The plain-text report printed on stdout.
pub fn render_text(r: &DiffReport) -> String {
    let mut s = String::new();
    if r.is_empty() {
        s.push_str(&format!("no differences between {} and {}\n", r.old, r.new));
        return s;
    }
    if !r.fields.is_empty() {
        s.push_str(&format!("profile fields changed ({}):\n", r.fields.len()));
        for f in &r.fields {
            s.push_str(&format!(
                "  {}: {} → {}\n",
                f.path,
                f.old.as_deref().unwrap_or("(absent)"),
                f.new.as_deref().unwrap_or("(absent)")
            ));
        }
    }
    if let Some(size) = &r.size {
        s.push_str(&format!(
            "organization size: {} → {} ({})\n",
            size.old, size.new, size.rule
        ));
    }
    if !r.documents.is_empty() {
        s.push_str(&format!(
            "documents whose text changes ({}):\n",
            r.documents.len()
        ));
        for d in &r.documents {
            s.push_str(&format!(
                "  {} {} ({}): {}\n",
                d.change, d.id, d.title, d.summary
            ));
        }
    }
    if !r.files.is_empty() {
        s.push_str(&format!("output files that differ ({}):\n", r.files.len()));
        for f in &r.files {
            match &f.note {
                Some(note) => s.push_str(&format!("  {} {} ({note})\n", f.change, f.path)),
                None => s.push_str(&format!("  {} {}\n", f.change, f.path)),
            }
        }
    }
    for d in &r.documents {
        s.push('\n');
        s.push_str(&d.unified_diff);
    }
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A self-contained redline page.
pub fn render_html(r: &DiffReport) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<title>Changes: {} → {}</title>\n",
        esc(&r.old),
        esc(&r.new)
    ));
    h.push_str("<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;font-size:.85rem;border:1px solid #ddd;padding:.5rem}del{background:#fde2e2;color:#8a1010;text-decoration:line-through}ins{background:#dcf5dc;color:#0f5a0f;text-decoration:none}.ctx{color:#555}</style>\n</head>\n<body>\n<main>\n");
    h.push_str(&format!(
        "<h1>Changes between {} and {}</h1>\n",
        esc(&r.old),
        esc(&r.new)
    ));
    if r.is_empty() {
        h.push_str("<p>No differences.</p>\n");
    }
    if !r.fields.is_empty() {
        h.push_str("<h2>Profile fields</h2>\n<table>\n<thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Old</th><th scope=\"col\">New</th></tr></thead>\n<tbody>\n");
        for f in &r.fields {
            h.push_str(&format!(
                "<tr><td>{}</td><td><del>{}</del></td><td><ins>{}</ins></td></tr>\n",
                esc(&f.path),
                esc(f.old.as_deref().unwrap_or("(absent)")),
                esc(f.new.as_deref().unwrap_or("(absent)"))
            ));
        }
        h.push_str("</tbody>\n</table>\n");
    }
    if let Some(size) = &r.size {
        h.push_str(&format!(
            "<h2>Organization size</h2>\n<p><del>{}</del> → <ins>{}</ins> ({})</p>\n",
            esc(&size.old),
            esc(&size.new),
            esc(&size.rule)
        ));
    }
    if !r.files.is_empty() {
        h.push_str("<h2>Output files</h2>\n<table>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Change</th></tr></thead>\n<tbody>\n");
        for f in &r.files {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}{}</td></tr>\n",
                esc(&f.path),
                esc(&f.change),
                f.note
                    .as_deref()
                    .map(|n| format!(" ({})", esc(n)))
                    .unwrap_or_default()
            ));
        }
        h.push_str("</tbody>\n</table>\n");
    }
    if !r.documents.is_empty() {
        h.push_str("<h2>Documents</h2>\n");
        for d in &r.documents {
            h.push_str(&format!(
                "<h3>{} ({}, {})</h3>\n<pre>",
                esc(&d.title),
                esc(&d.id),
                esc(&d.change)
            ));
            for line in d.unified_diff.lines() {
                if line.starts_with("+++") || line.starts_with("---") {
                    continue;
                }
                let (open, close) = match line.chars().next() {
                    Some('+') => ("<ins>", "</ins>"),
                    Some('-') => ("<del>", "</del>"),
                    _ => ("<span class=\"ctx\">", "</span>"),
                };
                h.push_str(&format!("{open}{}{close}\n", esc(line)));
            }
            h.push_str("</pre>\n");
        }
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(label: &str, fields: &[(&str, &str)], docs: &[(&str, &str)]) -> Side {
        Side {
            label: label.into(),
            fields: fields
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            documents: docs
                .iter()
                .map(|(a, b)| (a.to_string(), (a.to_uppercase(), b.to_string())))
                .collect(),
            size: None,
            files: None,
        }
    }

    #[test]
    fn reports_fields_and_documents() {
        let a = side(
            "a",
            &[("people.security_officer.name", "Dana")],
            &[("x", "one\ntwo\n"), ("gone", "g\n")],
        );
        let b = side(
            "b",
            &[("people.security_officer.name", "Lee")],
            &[("x", "one\nthree\n"), ("new", "n\n")],
        );
        let r = compare(&a, &b);
        assert_eq!(r.fields.len(), 1);
        assert_eq!(r.fields[0].old.as_deref(), Some("Dana"));
        let kinds: Vec<_> = r
            .documents
            .iter()
            .map(|d| (d.id.as_str(), d.change.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![("gone", "removed"), ("new", "added"), ("x", "changed")]
        );
        let text = render_text(&r);
        assert!(text.contains("people.security_officer.name: Dana → Lee"));
        assert!(text.contains("-two\n+three"));
        // Git-style paths, the side's label after a tab.
        assert!(text.contains("--- a/md/"), "{text}");
        assert!(text.contains("+++ b/md/"), "{text}");
        let html = render_html(&r);
        assert!(html.contains("<del>-two</del>"));
    }

    #[test]
    fn flatten_paths() {
        let mut m = BTreeMap::new();
        flatten(
            &serde_json::json!({"a": {"b": [1, {"c": "x"}]}}),
            "",
            &mut m,
        );
        assert_eq!(m.get("a.b[#0]").map(String::as_str), Some("1"));
        assert_eq!(m.get("a.b[#1].c").map(String::as_str), Some("x"));
        // A duplicate name is keyed by position; the other entries keep theirs.
        let mut m = BTreeMap::new();
        flatten(
            &serde_json::json!({"v": [{"name": "A"}, {"name": "B"}, {"name": "B"}, {"name": "C [EU]"}]}),
            "",
            &mut m,
        );
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["v[#1].name", "v[#2].name", "v[#3].name", "v[A].name"]
        );
        // Entries with unique names are keyed by them.
        let mut m = BTreeMap::new();
        flatten(
            &serde_json::json!({"v": [{"name": "A", "baa": true}, {"name": "B"}], "s": ["x", "y"]}),
            "",
            &mut m,
        );
        assert_eq!(m.get("v[A].baa").map(String::as_str), Some("true"));
        assert_eq!(m.get("v[B].name").map(String::as_str), Some("B"));
        assert_eq!(m.get("s[y]").map(String::as_str), Some("y"));
    }

    #[test]
    fn a_removed_entry_is_one_change() {
        let side = |vendors: serde_json::Value| {
            let mut fields = BTreeMap::new();
            flatten(&serde_json::json!({ "vendors": vendors }), "", &mut fields);
            Side {
                label: "x".into(),
                fields,
                documents: BTreeMap::new(),
                size: None,
                files: None,
            }
        };
        let old = side(serde_json::json!([
            {"name": "A", "service": "s"}, {"name": "B", "service": "t"}, {"name": "C", "service": "u"}
        ]));
        let new = side(serde_json::json!([
            {"name": "A", "service": "s"}, {"name": "C", "service": "v"}, {"name": "D"}
        ]));
        let r = compare(&old, &new);
        let lines: Vec<String> = r
            .fields
            .iter()
            .map(|f| format!("{}: {:?} -> {:?}", f.path, f.old, f.new))
            .collect();
        assert_eq!(
            lines,
            [
                "vendors[B]: Some(\"B (entry removed)\") -> None",
                "vendors[C].service: Some(\"u\") -> Some(\"v\")",
                "vendors[D]: None -> Some(\"D (entry added)\")",
            ]
        );
    }
}
