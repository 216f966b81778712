//! manifest.json: what a pack holds, file by file, with the hashes a
//! rebuild reuses and the revision history the next build continues.

use super::*;

/// manifest.json (DESIGN §6).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub hicp_manifest: u32,
    pub generator: Generator,
    pub template_pack: TemplatePack,
    pub profile: ProfileRef,
    pub organization: String,
    pub size: String,
    pub size_rule: String,
    pub status: String,
    pub version: String,
    pub effective_date: String,
    pub next_review: String,
    pub documents: Vec<ManifestDoc>,
    /// Pack-level files (index, binder).
    pub files: BTreeMap<String, FileEntry>,
    /// sha256 of the page cache kept beside the pack (`.<slug>.pages`), so
    /// the next build uses only the cache this build left, checked whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_cache_sha256: Option<String>,
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Documents the pack once had and no longer has (`documents.exclude`,
    /// a `when` now false): their revision history is kept, so the record of
    /// what was issued survives and a document that returns continues it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withdrawn: Vec<WithdrawnDoc>,
}

/// A document withdrawn from the pack (`Manifest::withdrawn`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WithdrawnDoc {
    pub id: String,
    pub title: String,
    /// The pack's version and effective date when it was first left out.
    pub withdrawn_in: String,
    pub withdrawn_on: String,
    pub history: Vec<crate::revision::RevisionEntry>,
    /// Its text as last issued, for the row it gains if it returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<crate::revision::SectionHash>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generator {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TemplatePack {
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProfileRef {
    pub path: String,
    pub sha256: String,
    /// The merged profile (extends applied), so `hicp diff` can compare two
    /// built packs field by field.
    #[serde(default)]
    pub values: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    /// For the binder: hash of everything it is typeset from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// For the binder: what it could not show, said again when it is reused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestDoc {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub practices: Vec<String>,
    pub input_sha256: String,
    pub outputs: BTreeMap<String, String>,
    pub sha256: BTreeMap<String, String>,
    /// Hash of everything the document's PDF is typeset from (its Markdown,
    /// its metadata, the page furniture, the generator), so a rebuild can
    /// reuse the previous PDF instead of typesetting it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_key: Option<String>,
    /// Hash of everything the document's HTML and Word files are made from
    /// (its Markdown and metadata, the pack's facts and document list, the
    /// formats built, the generator), so a rebuild can reuse them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_key: Option<String>,
    /// Hash of the document's text without its revision-history section:
    /// a new version adds a history row only when this changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
    /// The same text section by section, so a new row names what changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<crate::revision::SectionHash>,
    /// Hash of everything the document's text follows from (the values its
    /// template reads, the templates, its rows): a rebuild with the same
    /// hash reads the Markdown back instead of rendering it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deps_sha256: Option<String>,
    /// sha256 of the rendered Markdown, to check the text read back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown_sha256: Option<String>,
    /// The revision-history rows the document was issued with; kept here
    /// because earlier versions cannot be recomputed from today's profile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<crate::revision::RevisionEntry>,
    /// `body_sha256` as it was when the current version's row was written,
    /// when the text has changed since (absent: the same as `body_sha256`).
    /// The next version's row compares with the text as issued, not with
    /// the last build, so a change made under the old version is not lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_sha256: Option<String>,
    /// `sections` as issued, when different (see `issued_sha256`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issued_sections: Vec<crate::revision::SectionHash>,
    /// The text changed after the current version was issued because an
    /// input other than the issue's own facts (`documents.*`) changed: the
    /// version and its approval no longer describe it. Kept until the
    /// version moves on or the text is back as issued.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub changed_after_issue: bool,
    /// What the document's PDF could not show (characters without a glyph),
    /// kept so a rebuild that reuses the PDF says it again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pdf_warnings: Vec<String>,
}

/// A document's text as issued under the current version, carried from
/// build to build in the manifest (`ManifestDoc::issued_sha256`).
#[derive(Debug, Clone, Default)]
pub struct IssuedText {
    pub sha256: Option<String>,
    pub sections: Vec<crate::revision::SectionHash>,
    pub changed_after_issue: bool,
}

/// Files of the pack in `pack_dir` that are not as its manifest records
/// them: (path, "is missing" | "differs from the manifest …"), in path order.
pub fn verify_files(pack_dir: &Path, manifest: &Manifest) -> Vec<(String, String)> {
    let mut wanted: Vec<(&str, &str)> = manifest
        .documents
        .iter()
        .flat_map(|d| {
            d.outputs
                .iter()
                .filter_map(|(fmt, rel)| Some((rel.as_str(), d.sha256.get(fmt)?.as_str())))
        })
        .chain(
            manifest
                .files
                .values()
                .map(|f| (f.path.as_str(), f.sha256.as_str())),
        )
        .collect();
    wanted.sort();
    wanted
        .par_iter()
        .filter_map(|(rel, sha)| {
            // A manifest on disk is input: a path that leaves the pack is not followed.
            let inside = Path::new(rel)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            let what = if !inside {
                "is not a path inside the pack (the manifest was changed by hand)".to_string()
            } else {
                match std::fs::read(pack_dir.join(rel)) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => "is missing".to_string(),
                    Err(e) => format!("cannot be read ({})", crate::io_reason::io_reason(&e)),
                    Ok(b) if sha256_hex(&b) != *sha => {
                        "differs from the manifest (changed by hand since it was built?)"
                            .to_string()
                    }
                    Ok(_) => return None,
                }
            };
            Some((rel.to_string(), what))
        })
        .collect()
}

/// Read a pack's manifest, if it has one that parses.
pub fn read_manifest(pack_dir: &Path) -> Option<Manifest> {
    read_manifest_bytes(pack_dir).ok().flatten().map(|(_, m)| m)
}

/// A pack's manifest and its bytes: None when there is no manifest.json,
/// an error naming the file and the fault when it cannot be read or parsed.
pub fn read_manifest_bytes(pack_dir: &Path) -> Result<Option<(Vec<u8>, Manifest)>, BuildError> {
    let path = pack_dir.join("manifest.json");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        // No pack there (the folder, or a folder on its path, is missing or
        // is a file: the write reports that).
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => {
            return Err(BuildError::Input {
                file: path.display().to_string(),
                message: format!(
                    "cannot read the pack's manifest: {}",
                    crate::io_reason::io_reason(&e)
                ),
            });
        }
    };
    match serde_json::from_slice(&bytes) {
        Ok(m) => Ok(Some((bytes, m))),
        Err(e) => Err(BuildError::Input {
            file: path.display().to_string(),
            message: format!(
                "the pack's manifest is damaged ({e}); it holds the documents' revision history, which a build would lose\nhint: restore manifest.json (from version control or the published pack), or move {} away to start a new history",
                pack_dir.display()
            ),
        }),
    }
}

pub(super) fn manifest_paths(m: &Manifest) -> Vec<String> {
    let mut v: Vec<String> = m
        .documents
        .iter()
        .flat_map(|d| d.outputs.values().cloned())
        .collect();
    v.extend(m.files.values().map(|f| f.path.clone()));
    v.push("manifest.json".into());
    v
}

pub fn manifest_json(m: &Manifest) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(m).unwrap_or_default();
    v.push(b'\n');
    v
}
