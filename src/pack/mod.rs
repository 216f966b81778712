//! Pack stage: runs the stages for one profile and writes `OUT/<slug>/`
//! all or nothing.
//!
//! Every output is produced in memory first; only when all documents rendered
//! does anything touch the disk. The new pack is written to a temporary folder
//! beside the old one and swapped in by rename, so a crash or a full disk
//! leaves the previous pack as it was. Files a person put in the pack folder
//! (not listed in the previous manifest) are carried over.

use crate::library::Library;
use crate::model::{Logo, PackInfo, PaperSize, RenderedDoc};
use crate::profile::{self, Loaded};
use crate::render::{self, RenderedPack};
use crate::writers;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod advice;
mod history;
mod manifest;
mod write;

pub use advice::glyph_advice;
use advice::profile_advice;
use history::*;
pub use manifest::*;
pub use write::{WriteStats, write_pack};

pub const GENERATOR_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Fingerprint of the code and assets of this binary (build.rs): part of
/// every key a rebuild reuses output by, so output made by another build
/// of the same version is made again, not taken as this one's.
pub const BUILD_ID: &str = env!("HICP_BUILD_ID");
const MAX_LOGO_BYTES: u64 = 2 * 1024 * 1024;
const DEFAULT_ACCENT: &str = "#0b5394";

/// Output formats (defined with the document model, which records the built ones).
pub use crate::model::Format;

/// Options of one build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub out_dir: PathBuf,
    pub formats: Vec<Format>,
    pub templates: Vec<PathBuf>,
    pub force: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Profile(#[from] profile::Diagnostics),
    #[error("{0}")]
    Library(#[from] crate::library::LibraryError),
    #[error("{0}")]
    Render(render::RenderError),
    #[error("{file}: {message}")]
    Input { file: String, message: String },
    #[error("{document}: PDF: {message}")]
    Pdf { document: String, message: String },
    /// The Word writer failed; its message names the document.
    #[error("{0}")]
    Docx(#[from] writers::docx::DocxError),
    /// Two profiles of one batch name the same pack folder.
    #[error(
        "{profile}: builds the pack folder `{slug}`, as {first} (given before it) does; one batch cannot write a folder twice\nhint: {}",
        if *same_file { "it is the same file given twice: give it once" } else { "give the organizations different `organization.short_name`s, or build them into different -o folders" }
    )]
    SamePack {
        profile: String,
        slug: String,
        first: String,
        /// Both names are the same file (`a.yaml ./a.yaml`).
        same_file: bool,
    },
    #[error("cannot write {path}: {}", crate::io_reason::io_reason(source))]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// A render error that is a fault of the profile's values is reported as
/// the profile's (at file:line:column, exit 1, in `validate`'s list too).
impl From<render::RenderError> for BuildError {
    fn from(e: render::RenderError) -> BuildError {
        match e {
            render::RenderError::Profile(d) => BuildError::Profile(d),
            other => BuildError::Render(other),
        }
    }
}

impl BuildError {
    /// Exit code per DESIGN §2: 1 invalid input, 4 an output could not be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            BuildError::Write { .. } => 4,
            _ => 1,
        }
    }
}

/// What a build did, for the CLI's report.
#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    pub profile: String,
    pub pack: String,
    pub documents: usize,
    pub files_written: usize,
    pub files_unchanged: usize,
    pub files_removed: usize,
    /// The pack's files whose bytes this build wrote (new or changed), and
    /// those it removed, by path in the pack: what changed, file by file.
    pub written: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: bool,
    pub warnings: Vec<String>,
    pub size: String,
    pub size_rule: String,
    pub status: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// `short_name` (or name) as `[a-z0-9-]`, with common Latin accents folded.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        let folded: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                "a"
            }
            'æ' | 'Æ' => "ae",
            'ç' | 'Ç' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
            'ñ' | 'Ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
                "o"
            }
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
            'ý' | 'ÿ' | 'Ý' => "y",
            'ß' => "ss",
            'œ' | 'Œ' => "oe",
            _ => "",
        };
        let piece = if !folded.is_empty() {
            folded.to_string()
        } else if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase().to_string()
        } else {
            String::new()
        };
        if piece.is_empty() {
            dash = true;
            continue;
        }
        if dash && !out.is_empty() {
            out.push('-');
        }
        dash = false;
        out.push_str(&piece);
    }
    out.truncate(60);
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "pack".to_string()
    } else {
        out
    }
}

/// Relative luminance of `#rrggbb`.
fn luminance(rgb: [u8; 3]) -> f64 {
    let ch = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(rgb[0]) + 0.7152 * ch(rgb[1]) + 0.0722 * ch(rgb[2])
}

fn parse_hex(s: &str) -> Option<[u8; 3]> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some([p(0)?, p(2)?, p(4)?])
}

/// The accent colour, darkened until it has at least 4.5:1 contrast on white
/// (WCAG AA for text), so a pale brand colour never makes headings unreadable.
pub fn accessible_accent(requested: Option<&str>) -> String {
    let mut rgb = requested
        .and_then(parse_hex)
        .or_else(|| parse_hex(DEFAULT_ACCENT))
        .unwrap_or([11, 83, 148]);
    for _ in 0..60 {
        if 1.05 / (luminance(rgb) + 0.05) >= 4.5 {
            break;
        }
        rgb = rgb.map(|c| (c as f64 * 0.9) as u8);
    }
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

/// The profile's logo, read and checked (at the `branding.logo` line).
pub fn read_logo(loaded: &Loaded) -> Result<Option<Logo>, BuildError> {
    let Some(rel) = &loaded.profile.branding.logo else {
        return Ok(None);
    };
    let path = beside_profile(loaded, &["branding", "logo"], rel);
    let shown = path.display().to_string();
    // Reported at the `branding.logo` line, like any other profile problem,
    // naming the file it resolved to.
    let err = |message: String| {
        BuildError::Profile(profile::Diagnostics::one(
            loaded
                .diagnostic_at(&["branding", "logo"], None, message)
                .with_hint(format!(
                    "the path is relative to the folder of the profile file that sets it; it names {shown}"
                )),
        ))
    };
    let meta = std::fs::metadata(&path).map_err(|e| {
        err(format!(
            "branding.logo cannot be read: {}",
            crate::io_reason::io_reason(&e)
        ))
    })?;
    // A pipe would block the build and a device would never end.
    if !meta.is_file() {
        return Err(err(
            "branding.logo must be a regular image file (not a folder, pipe or device)".into(),
        ));
    }
    if meta.len() > MAX_LOGO_BYTES {
        return Err(err("branding.logo is larger than the 2 MiB limit".into()));
    }
    // The size may change between the check and the read: never read more
    // than the limit + 1.
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|f| {
            use std::io::Read;
            f.take(MAX_LOGO_BYTES + 1).read_to_end(&mut bytes)
        })
        .map_err(|e| {
            err(format!(
                "branding.logo cannot be read: {}",
                crate::io_reason::io_reason(&e)
            ))
        })?;
    if bytes.len() as u64 > MAX_LOGO_BYTES {
        return Err(err("branding.logo is larger than the 2 MiB limit".into()));
    }
    let mime = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else {
        return Err(err("branding.logo must be a PNG or JPEG image".into()));
    };
    writers::pdf::image::check_intact(mime, &bytes)
        .map_err(|e| err(format!("branding.logo cannot be used: {e}")))?;
    Ok(Some(Logo {
        mime,
        bytes: bytes.into(),
    }))
}

/// The pack's folder name: the organization's short name (or name) as a slug.
pub fn pack_slug(loaded: &Loaded) -> String {
    let o = &loaded.profile.organization;
    slug(o.short_name.as_deref().unwrap_or(&o.name))
}

/// Facts for the writers.
pub fn pack_info(
    loaded: &Loaded,
    rendered: &RenderedPack,
    formats: &[Format],
    logo: Option<Logo>,
) -> PackInfo {
    let p = &loaded.profile;
    let short = p
        .organization
        .short_name
        .clone()
        .unwrap_or_else(|| p.organization.name.clone());
    let dates = render::context::pack_dates(&p.documents);
    PackInfo {
        organization: p.organization.name.clone(),
        slug: pack_slug(loaded),
        contact_line: contact_line(&p.organization),
        short_name: short,
        size: render::context::size_str(loaded.size).to_string(),
        size_rule: loaded.size_rule.clone(),
        version: p.documents.version.clone(),
        effective_date: dates.effective.to_string(),
        next_review: dates.next_review.to_string(),
        approved: p.documents.approved_by.is_some(),
        status_line: rendered.status_line.clone(),
        paper: match p.documents.paper {
            crate::profile::types::Paper::A4 => PaperSize::A4,
            crate::profile::types::Paper::Letter => PaperSize::Letter,
        },
        accent_color: accessible_accent(p.branding.accent_color.as_deref()),
        logo,
        documents: rendered.documents.iter().map(|d| d.meta.clone()).collect(),
        formats: formats.to_vec(),
    }
}

/// Address, phone and website on one line: "120 Mill Road, Riverbend, OR
/// 97000 · +1 541 555 0100 · riverbend.example" (the website without its
/// scheme, as it is read aloud and printed).
fn contact_line(org: &crate::profile::types::Organization) -> String {
    let mut parts = Vec::new();
    if let Some(a) = &org.address {
        let state_postal = [a.state.as_deref(), a.postal_code.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let address = [
            a.street.as_deref(),
            a.city.as_deref(),
            Some(state_postal.as_str()),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
        if !address.is_empty() {
            parts.push(address);
        }
    }
    if let Some(phone) = &org.phone {
        parts.push(phone.clone());
    }
    if let Some(web) = &org.website {
        let bare = web
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/');
        parts.push(bare.to_string());
    }
    parts.join(" · ")
}

/// A path the profile gives relative to itself, without `.` steps, so a
/// message names `./logo.png` rather than `././logo.png`.
fn beside_profile(loaded: &Loaded, keys: &[&str], rel: impl AsRef<Path>) -> PathBuf {
    let joined = loaded.folder_of(keys).join(rel);
    let mut parts = joined
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir));
    match parts.next() {
        None => PathBuf::from("."),
        Some(first) => {
            let mut path = PathBuf::from(first.as_os_str());
            path.extend(parts);
            // A relative path keeps one leading `./` when it had one, as typed.
            if joined.starts_with(".") && path.is_relative() {
                Path::new(".").join(path)
            } else {
                path
            }
        }
    }
}

/// Template folders for a build, in the order they apply (a later folder's
/// template wins): the profile's `documents.templates` (relative to the
/// profile), then the `--templates` folders, since what is typed on the
/// command line is meant to override what the profile says.
pub fn template_dirs(loaded: &Loaded, cli: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(t) = &loaded.profile.documents.templates {
        dirs.push(beside_profile(loaded, &["documents", "templates"], t));
    }
    dirs.extend(cli.iter().cloned());
    dirs
}

/// A template library, with its whole Tera environment parsed on first use.
struct SharedTemplates {
    library: Library,
    tera: std::sync::Mutex<Option<std::sync::Arc<tera::Tera>>>,
}

impl SharedTemplates {
    /// Templates for the documents `ids`: when most of the pack renders, the
    /// whole library, parsed once and kept; when a few documents do (a
    /// rebuild after one change), just their templates and what they include.
    fn tera_for(&self, ids: &[&str]) -> Result<std::sync::Arc<tera::Tera>, render::RenderError> {
        if ids.len() * 2 <= self.library.documents.len() {
            return render::tera_for_documents(&self.library, ids).map(std::sync::Arc::new);
        }
        let mut slot = self.tera.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = slot.as_ref() {
            return Ok(t.clone());
        }
        let t = std::sync::Arc::new(render::tera_for(&self.library)?);
        *slot = Some(t.clone());
        Ok(t)
    }
}

type Templates = std::sync::Arc<SharedTemplates>;

/// The library for these override folders, loaded (and, when used whole,
/// parsed) once per process: a batch of a thousand profiles over the same
/// templates parses them once, not a thousand times. The key holds every override file's
/// path, size and modification time, so an edited template is read again.
fn library_and_tera(dirs: &[PathBuf]) -> Result<Templates, BuildError> {
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<BTreeMap<String, Templates>>> = OnceLock::new();
    let mut key = String::new();
    for dir in dirs {
        key.push_str(&dir.to_string_lossy());
        key.push('\n');
        for e in walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            let Ok(meta) = e.metadata() else { continue };
            let modified = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            key.push_str(&format!(
                "{}\t{}\t{modified}\n",
                e.path().to_string_lossy(),
                meta.len()
            ));
        }
    }
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(hit);
    }
    let library = Library::load(dirs)?;
    let shared = std::sync::Arc::new(SharedTemplates {
        library,
        tera: std::sync::Mutex::new(None),
    });
    if let Ok(mut c) = cache.lock() {
        c.insert(key, shared.clone());
    }
    Ok(shared)
}

/// Everything a pack consists of, in memory: relative path → bytes.
pub struct PackFiles {
    pub files: BTreeMap<String, Vec<u8>>,
    pub manifest: Manifest,
    /// The documents' finished PDF pages, for the next build's binder
    /// (`writers::pdf::cache`); written beside the pack, not in it. `None`
    /// when the binder was not set in this build.
    pub page_cache: Option<Vec<u8>>,
    /// Files whose bytes were read back from the previous pack and checked
    /// against its manifest: the write links them without comparing again,
    /// provided the pack is still the one they were read from.
    pub unchanged: BTreeSet<String>,
    /// Warnings about this build rather than the pack (they depend on the
    /// previous pack, so the manifest does not record them): shown once,
    /// by the build that meets them.
    pub notices: Vec<String>,
    /// sha256 of the manifest file of the pack `unchanged` was read from.
    /// Another build may swap the pack between this build's reading and its
    /// write (the lock is held only for the write); then the write compares
    /// every file's bytes instead of trusting `unchanged`.
    pub read_from_manifest: Option<String>,
}

/// Where the page cache of the pack `slug` lives: beside the pack folder,
/// like its lock file, so publishing the pack never publishes the cache.
pub fn page_cache_path(out_dir: &Path, slug: &str) -> PathBuf {
    out_dir.join(format!(".{slug}.pages"))
}

/// Page furniture that every PDF of the pack depends on.
fn furniture_hash(info: &PackInfo) -> Sha256 {
    let mut h = Sha256::new();
    for part in [
        BUILD_ID,
        &info.organization,
        &info.short_name,
        &info.slug,
        &info.contact_line,
        &info.version,
        &info.effective_date,
        &info.next_review,
        &info.status_line,
        &info.accent_color,
        &info.size,
        &info.size_rule,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update([
        info.approved as u8,
        matches!(info.paper, PaperSize::A4) as u8,
    ]);
    if let Some(logo) = &info.logo {
        h.update(&logo.bytes);
    }
    h
}

fn meta_bytes(m: &crate::model::DocMeta) -> Vec<u8> {
    serde_json::to_vec(m).unwrap_or_default()
}

/// sha256 of what a document's own files are made from (its metadata and
/// Markdown), computed once per build and mixed into its PDF key, its page
/// key and the binder's key.
fn doc_digest(doc: &RenderedDoc) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(meta_bytes(&doc.meta));
    h.update([0]);
    h.update(doc.markdown.as_bytes());
    h.finalize().into()
}

/// Outputs of the previous build that may be reused when their inputs are
/// unchanged (PDF typesetting is the expensive step).
pub struct Previous {
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// sha256 of the manifest file as read.
    pub manifest_sha256: String,
    /// Files this build would have reused but found changed on disk since
    /// the previous build (edited by hand): the build replaces them, and says
    /// so, since the edit is lost.
    edited: std::sync::Mutex<BTreeSet<String>>,
}

impl Previous {
    /// The pages kept by the build that wrote this pack, by document id.
    fn cached_pages(&self) -> BTreeMap<String, (String, writers::pdf::DocPages)> {
        let (Some(out_dir), Some(slug)) = (self.dir.parent(), self.dir.file_name()) else {
            return BTreeMap::new();
        };
        let Some(want) = &self.manifest.page_cache_sha256 else {
            return BTreeMap::new();
        };
        std::fs::read(page_cache_path(out_dir, &slug.to_string_lossy()))
            .ok()
            .filter(|b| &sha256_hex(b) == want)
            .and_then(|b| writers::pdf::cache::decode(&b))
            .unwrap_or_default()
    }

    /// The pack in `dir`, None when it has no manifest, and an error when
    /// its manifest cannot be read: it holds the pack's revision history,
    /// which a build must not silently start again.
    pub fn open_checked(dir: &Path) -> Result<Option<Previous>, BuildError> {
        let Some((bytes, manifest)) = read_manifest_bytes(dir)? else {
            return Ok(None);
        };
        Ok(Some(Previous {
            dir: dir.to_path_buf(),
            manifest,
            manifest_sha256: sha256_hex(&bytes),
            edited: Default::default(),
        }))
    }

    /// `bytes` of `rel` were recorded as `recorded` (sha256): true when they
    /// still are; otherwise the file is noted as edited by hand.
    fn intact(&self, rel: &str, bytes: &[u8], recorded: &str) -> bool {
        let same = sha256_hex(bytes) == recorded;
        if !same && let Ok(mut e) = self.edited.lock() {
            e.insert(rel.to_string());
        }
        same
    }

    /// The notice for files edited by hand that this build replaced.
    fn edited_notice(&self) -> Option<String> {
        let edited = self.edited.lock().ok()?;
        if edited.is_empty() {
            return None;
        }
        let n = edited.len();
        let shown: Vec<&str> = edited.iter().take(5).map(String::as_str).collect();
        Some(format!(
            "replaced {n} file(s) changed by hand since the last build ({}{}): a pack is made from the profile and the templates, so put a lasting change there (a template override: README, \"Adding or overriding a template\")",
            shown.join(", "),
            if n > 5 {
                format!(" and {} more", n - 5)
            } else {
                String::new()
            }
        ))
    }

    /// The old bytes of `rel` and their (just checked) sha256, when it was
    /// built from `key` and is intact on disk.
    fn reuse(
        &self,
        rel: &str,
        key: &str,
        recorded: impl Fn(&Manifest) -> Option<(String, String)>,
    ) -> Option<(Vec<u8>, String)> {
        let (old_key, old_sha) = recorded(&self.manifest)?;
        if old_key != key {
            return None;
        }
        let bytes = std::fs::read(self.dir.join(rel)).ok()?;
        self.intact(rel, &bytes, &old_sha)
            .then_some((bytes, old_sha))
    }

    /// [`Previous::reuse`] for document `id`'s file of format `fmt`, whose key
    /// the manifest keeps in the field `key_of` picks.
    fn reuse_doc_file(
        &self,
        id: &str,
        fmt: &str,
        rel: &str,
        key: &str,
        key_of: fn(&ManifestDoc) -> &Option<String>,
    ) -> Option<(Vec<u8>, String)> {
        self.reuse(rel, key, |m| {
            let d = m.documents.iter().find(|d| d.id == id)?;
            Some((key_of(d).clone()?, d.sha256.get(fmt)?.clone()))
        })
    }
}

/// Produce every file of the pack in memory.
pub fn produce(
    loaded: &Loaded,
    library: &Library,
    rendered: &RenderedPack,
    info: &PackInfo,
    formats: &[Format],
    profile_shown: &str,
) -> Result<PackFiles, BuildError> {
    produce_incremental(
        loaded,
        library,
        rendered,
        info,
        formats,
        profile_shown,
        Earlier::default(),
    )
}

/// What the previous build left that this one continues: the pack whose
/// files may be reused, and each document's text as issued under the
/// current version.
#[derive(Default, Clone, Copy)]
pub struct Earlier<'a> {
    pub pack: Option<&'a Previous>,
    pub issued: Option<&'a BTreeMap<String, IssuedText>>,
    pub withdrawn: Option<&'a Vec<WithdrawnDoc>>,
}

/// Produce every file of the pack in memory, reusing PDFs of `previous`
/// whose inputs did not change.
pub fn produce_incremental(
    loaded: &Loaded,
    library: &Library,
    rendered: &RenderedPack,
    info: &PackInfo,
    formats: &[Format],
    profile_shown: &str,
    earlier: Earlier<'_>,
) -> Result<PackFiles, BuildError> {
    let previous = earlier.pack;
    let furniture = furniture_hash(info);
    let template_hash = library.fingerprint().to_string();
    // HTML and Word pages also show the document list and link the formats built.
    let page_base = {
        let mut h = furniture.clone();
        h.update(b"\0pages\0");
        h.update(serde_json::to_vec(&info.documents).unwrap_or_default());
        h.update(format!("{:?}", info.formats).as_bytes());
        h
    };
    let mut profile_hasher = Sha256::new();
    for (_, bytes) in &loaded.sources {
        profile_hasher.update(bytes);
    }
    let profile_sha = sha256_hex(&profile_hasher.finalize());

    /// One output file of a document with its sha256: the one it was just
    /// checked against when taken from the previous pack (`reused`), else
    /// hashed where it was made, on the document's thread.
    struct OutFile {
        path: String,
        bytes: Vec<u8>,
        sha256: String,
        reused: bool,
    }
    impl OutFile {
        fn made(path: String, bytes: Vec<u8>) -> OutFile {
            OutFile {
                sha256: sha256_hex(&bytes),
                path,
                bytes,
                reused: false,
            }
        }
        fn reused(path: String, (bytes, sha256): (Vec<u8>, String)) -> OutFile {
            OutFile {
                path,
                bytes,
                sha256,
                reused: true,
            }
        }
    }
    struct DocOut {
        files: Vec<OutFile>,
        /// sha256 of the document's metadata and Markdown (see [`doc_digest`]).
        digest: [u8; 32],
        warnings: Vec<String>,
        page_key: String,
        pdf_key: Option<String>,
        /// Its pages as content streams, shared by its PDF and the binder.
        pages: Option<writers::pdf::DocPages>,
        /// Where its PDF goes, when it must be written (not reused).
        pdf_to_write: Option<String>,
        /// What its PDF could not show (glyphs the fonts lack): made when the
        /// PDF is written, carried from the previous manifest when reused, so
        /// a rebuild says and records what a build from nothing does.
        pdf_warnings: Vec<String>,
    }
    let t = crate::timings::span("documents (md/html/layout)");
    let outs: Vec<Result<DocOut, BuildError>> = rendered
        .documents
        .par_iter()
        .map(|doc: &RenderedDoc| {
            let mut files = Vec::new();
            let warnings = Vec::new();
            let mut pdf_key = None;
            let mut pdf_warnings = Vec::new();
            // The document's own inputs, hashed once for every key below.
            let digest = doc_digest(doc);
            let page_key = {
                let mut h = page_base.clone();
                h.update(digest);
                sha256_hex(&h.finalize())
            };
            let id = doc.meta.id.as_str();
            let reuse =
                |fmt: &str, rel: &str, key: &str, key_of: fn(&ManifestDoc) -> &Option<String>| {
                    previous.and_then(|p| p.reuse_doc_file(id, fmt, rel, key, key_of))
                };
            // An HTML or Word file: reused by its page key, else made.
            let page_file = |fmt: &str,
                             make: &dyn Fn() -> Result<Vec<u8>, BuildError>|
             -> Result<OutFile, BuildError> {
                let rel = format!("{fmt}/{id}.{fmt}");
                Ok(match reuse(fmt, &rel, &page_key, |d| &d.page_key) {
                    Some(old) => OutFile::reused(rel, old),
                    None => OutFile::made(rel, make()?),
                })
            };
            let mut pages = None;
            let mut pdf_to_write = None;
            for f in formats {
                match f {
                    Format::Md => files.push(OutFile::made(
                        format!("md/{id}.md"),
                        writers::markdown::render_document(doc),
                    )),
                    Format::Html => files.push(page_file("html", &|| {
                        Ok(writers::html::render_document(doc, info).into_bytes())
                    })?),
                    Format::Docx => files.push(page_file("docx", &|| {
                        Ok(writers::docx::render_document(doc, info)?)
                    })?),
                    Format::Pdf => {
                        let rel = format!("pdf/{}.pdf", doc.meta.id);
                        let mut h = furniture.clone();
                        h.update(digest);
                        let key = sha256_hex(&h.finalize());
                        match reuse("pdf", &rel, &key, |d| &d.pdf_key) {
                            Some(old) => {
                                files.push(OutFile::reused(rel, old));
                                pdf_warnings = previous
                                    .and_then(|p| p.manifest.documents.iter().find(|d| d.id == id))
                                    .map(|d| d.pdf_warnings.clone())
                                    .unwrap_or_default();
                            }
                            None => {
                                // Laid out here; written below, beside the binder.
                                let pdf_error = |e: writers::pdf::PdfError| BuildError::Pdf {
                                    document: doc.meta.id.clone(),
                                    message: e.to_string(),
                                };
                                let l = writers::pdf::lay_out(doc, info).map_err(pdf_error)?;
                                pages = Some(
                                    writers::pdf::doc_pages(doc, &l, info).map_err(pdf_error)?,
                                );
                                pdf_to_write = Some(rel);
                            }
                        }
                        pdf_key = Some(key);
                    }
                }
            }
            Ok(DocOut {
                files,
                digest,
                warnings,
                page_key,
                pdf_key,
                pages,
                pdf_to_write,
                pdf_warnings,
            })
        })
        .collect();

    let mut outs = outs
        .into_iter()
        .collect::<Result<Vec<DocOut>, BuildError>>()?;
    drop(t);
    let t = crate::timings::span("pdf write + binder");

    // The documents' PDFs and the binder are written side by side: the binder
    // is the longest single task, and it needs only the layouts made above.
    let binder_path = format!("pdf/{}-policy-pack.pdf", info.slug);
    let binder_key = {
        let mut h = furniture.clone();
        for out in &outs {
            h.update(out.digest);
        }
        sha256_hex(&h.finalize())
    };
    /// A PDF written in this build, hashed on its own thread, and its warnings.
    type Written = Result<Option<(OutFile, Vec<String>)>, BuildError>;
    /// The binder (reused, or set in this build with its warnings) and, when
    /// set, the page cache for the next build with its sha256.
    type Binder = Result<Option<(OutFile, Vec<String>, Option<(Vec<u8>, String)>)>, BuildError>;
    let (doc_pdfs, binder): (Vec<Written>, Binder) = rayon::join(
        || {
            outs.par_iter()
                .zip(rendered.documents.par_iter())
                .map(|(out, doc)| match (&out.pdf_to_write, &out.pages) {
                    (Some(rel), Some(pages)) => {
                        writers::pdf::write_document(doc, pages, info, out.pdf_key.as_deref())
                            .map(|pdf| Some((OutFile::made(rel.clone(), pdf.bytes), pdf.warnings)))
                            .map_err(|e| BuildError::Pdf {
                                document: doc.meta.id.clone(),
                                message: e.to_string(),
                            })
                    }
                    _ => Ok(None),
                })
                .collect()
        },
        || {
            if !formats.contains(&Format::Pdf) {
                return Ok(None);
            }
            let reused = previous.and_then(|p| {
                p.reuse(&binder_path, &binder_key, |m| {
                    let f = m.files.get("binder")?;
                    Some((f.key.clone()?, f.sha256.clone()))
                })
            });
            if let Some(old) = reused {
                let said = previous
                    .and_then(|p| p.manifest.files.get("binder"))
                    .map(|f| f.warnings.clone())
                    .unwrap_or_default();
                return Ok(Some((
                    OutFile::reused(binder_path.clone(), old),
                    said,
                    None,
                )));
            }
            let pdf_error = |e: writers::pdf::PdfError| BuildError::Pdf {
                document: "binder".into(),
                message: e.to_string(),
            };
            // Documents whose PDF was reused were not set above: their
            // pages come from the previous build's page cache when their key
            // matches, else they are set again.
            let t = crate::timings::span("binder: read page cache");
            let mut cached = previous.map(Previous::cached_pages).unwrap_or_default();
            drop(t);
            let missing: Vec<Result<Option<writers::pdf::DocPages>, BuildError>> = outs
                .iter()
                .zip(&rendered.documents)
                .map(|(out, doc)| {
                    if out.pages.is_some() {
                        return Ok(None);
                    }
                    match (cached.remove(&doc.meta.id), &out.pdf_key) {
                        (Some((key, pages)), Some(want)) if &key == want => Ok(Some(pages)),
                        _ => Err(doc),
                    }
                })
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|r| match r {
                    Ok(p) => Ok(p),
                    Err(doc) => {
                        let laid = writers::pdf::lay_out(doc, info).map_err(pdf_error)?;
                        writers::pdf::doc_pages(doc, &laid, info)
                            .map(Some)
                            .map_err(pdf_error)
                    }
                })
                .collect();
            let missing = missing.into_iter().collect::<Result<Vec<_>, _>>()?;
            let mut page_refs = Vec::with_capacity(outs.len());
            let mut keyed = Vec::with_capacity(outs.len());
            for (out, extra) in outs.iter().zip(&missing) {
                if let Some(p) = out.pages.as_ref().or(extra.as_ref()) {
                    page_refs.push(p);
                    keyed.push((out.pdf_key.as_deref().unwrap_or_default(), p));
                }
            }
            let t = crate::timings::span("binder: encode page cache");
            let cache = writers::pdf::cache::encode(&keyed);
            drop(t);
            let _t = crate::timings::span("binder: assemble");
            writers::pdf::render_laid_binder(
                &rendered.documents,
                &page_refs,
                info,
                Some(&binder_key),
            )
            .map(|out| {
                let cache_sha = sha256_hex(&cache);
                Some((
                    OutFile::made(binder_path.clone(), out.bytes),
                    out.warnings,
                    Some((cache, cache_sha)),
                ))
            })
            .map_err(pdf_error)
        },
    );
    for (out, written) in outs.iter_mut().zip(doc_pdfs) {
        if let Some((file, pdf_warnings)) = written? {
            out.pdf_warnings = pdf_warnings;
            out.files.push(file);
        }
        out.pdf_to_write = None;
        out.pages = None;
    }

    drop(t);
    let _t = crate::timings::span("manifest");
    let mut files = BTreeMap::new();
    let mut unchanged = BTreeSet::new();
    let mut warnings = Vec::new();
    let mut documents = Vec::new();
    for (doc, out) in rendered.documents.iter().zip(outs) {
        warnings.extend(out.warnings);
        warnings.extend(out.pdf_warnings.iter().cloned());
        let mut outputs = BTreeMap::new();
        let mut hashes = BTreeMap::new();
        for f in out.files {
            let fmt = f.path.split('/').next().unwrap_or_default().to_string();
            if f.reused {
                unchanged.insert(f.path.clone());
            }
            hashes.insert(fmt.clone(), f.sha256);
            outputs.insert(fmt, f.path.clone());
            files.insert(f.path, f.bytes);
        }
        let ctx = rendered
            .context_sha256
            .get(&doc.meta.id)
            .cloned()
            .unwrap_or_default();
        let mut h = Sha256::new();
        h.update(GENERATOR_VERSION.as_bytes());
        h.update([0]);
        h.update(template_hash.as_bytes());
        h.update([0]);
        h.update(ctx.as_bytes());
        let (body_sha256, sections) = rendered
            .fingerprints
            .get(&doc.meta.id)
            .cloned()
            .unwrap_or_default();
        let as_issued = earlier
            .issued
            .and_then(|m| m.get(&doc.meta.id))
            .cloned()
            .unwrap_or_default();
        documents.push(ManifestDoc {
            issued_sha256: as_issued.sha256,
            issued_sections: as_issued.sections,
            changed_after_issue: as_issued.changed_after_issue,
            deps_sha256: rendered.deps_sha256.get(&doc.meta.id).cloned(),
            markdown_sha256: Some(sha256_hex(doc.markdown.as_bytes())),
            body_sha256: Some(body_sha256),
            sections,
            history: rendered
                .history
                .get(&doc.meta.id)
                .cloned()
                .unwrap_or_default(),
            id: doc.meta.id.clone(),
            title: doc.meta.title.clone(),
            kind: doc.meta.kind.as_str().to_string(),
            practices: doc.meta.practices.clone(),
            input_sha256: sha256_hex(&h.finalize()),
            outputs,
            sha256: hashes,
            pdf_key: out.pdf_key,
            page_key: Some(out.page_key),
            pdf_warnings: out.pdf_warnings,
        });
    }
    let mut pack_files = BTreeMap::new();
    if formats.contains(&Format::Html) {
        let bytes = writers::html::render_index(info).into_bytes();
        pack_files.insert(
            "index".to_string(),
            FileEntry {
                path: "index.html".into(),
                sha256: sha256_hex(&bytes),
                key: None,
                warnings: Vec::new(),
            },
        );
        files.insert("index.html".to_string(), bytes);
    }
    let mut page_cache = None;
    if let Some((file, binder_warnings, cache)) = binder? {
        if file.reused {
            unchanged.insert(file.path.clone());
        }
        page_cache = cache;
        warnings.extend(binder_warnings.iter().cloned());
        pack_files.insert(
            "binder".to_string(),
            FileEntry {
                path: file.path.clone(),
                sha256: file.sha256,
                key: Some(binder_key),
                warnings: binder_warnings,
            },
        );
        files.insert(file.path, file.bytes);
    }
    if info.logo.as_ref().is_some_and(|l| l.mime != "image/png") && formats.contains(&Format::Docx)
    {
        warnings.push(
            "branding.logo is a JPEG: the HTML pages and PDFs show it, the Word files carry a PNG logo only"
                .to_string(),
        );
    }
    warnings.extend(changed_after_issue_warning(info, &documents));
    warnings.extend(rendered.template_warnings.iter().cloned());
    warnings.extend(profile_advice(loaded));
    warnings.sort();
    warnings.dedup();
    let manifest = Manifest {
        hicp_manifest: 1,
        generator: Generator {
            name: "hicp".into(),
            version: GENERATOR_VERSION.into(),
        },
        template_pack: TemplatePack {
            version: GENERATOR_VERSION.into(),
            sha256: template_hash,
        },
        profile: ProfileRef {
            path: profile_shown.replace('\\', "/"),
            sha256: profile_sha,
            values: loaded.merged.clone(),
        },
        organization: loaded.profile.organization.name.clone(),
        size: info.size.clone(),
        size_rule: info.size_rule.clone(),
        status: if info.approved {
            "approved".into()
        } else {
            "draft".into()
        },
        version: info.version.clone(),
        effective_date: info.effective_date.clone(),
        next_review: info.next_review.clone(),
        documents,
        files: pack_files,
        // A binder reused whole means every document's pages are as the
        // previous build left them, so its cache still holds.
        page_cache_sha256: match &page_cache {
            Some((_, sha)) => Some(sha.clone()),
            None if formats.contains(&Format::Pdf) => {
                previous.and_then(|p| p.manifest.page_cache_sha256.clone())
            }
            None => None,
        },
        warnings,
        withdrawn: earlier.withdrawn.cloned().unwrap_or_default(),
    };
    Ok(PackFiles {
        files,
        manifest,
        page_cache: page_cache.map(|(bytes, _)| bytes),
        unchanged,
        notices: rendered
            .warnings
            .iter()
            .cloned()
            .chain(previous.and_then(Previous::edited_notice))
            .chain(previous.and_then(|p| dropped_formats_notice(p, formats)))
            .collect(),
        read_from_manifest: previous.map(|p| p.manifest_sha256.clone()),
    })
}

/// Load, render and produce a pack in memory (no disk writes).
pub fn prepare(
    loaded: &Loaded,
    cli_templates: &[PathBuf],
    formats: &[Format],
    profile_shown: &str,
) -> Result<(PackFiles, PackInfo), BuildError> {
    prepare_with(loaded, cli_templates, formats, profile_shown, None, None)
}

/// As [`prepare`], reusing unchanged PDFs of the pack in `out_dir` (if any)
/// and carrying on the revision history recorded in the pack under
/// `history_dir` (if any).
pub fn prepare_with(
    loaded: &Loaded,
    cli_templates: &[PathBuf],
    formats: &[Format],
    profile_shown: &str,
    out_dir: Option<&Path>,
    history_dir: Option<&Path>,
) -> Result<(PackFiles, PackInfo), BuildError> {
    let t = crate::timings::span("library");
    let shared = library_and_tera(&template_dirs(loaded, cli_templates));
    drop(t);
    let logo = read_logo(loaded);
    // The profile's problems that show only against the library and the
    // disk (a document id, its template folder, its logo) are reported
    // together, as `validate` promises, not one stage at a time.
    let mut problems = Vec::new();
    if let Err(BuildError::Profile(d)) = &logo {
        problems.extend(d.items.iter().cloned());
    }
    match &shared {
        Ok(s) => problems.extend(render::document_id_problems(loaded, &s.library)),
        Err(BuildError::Library(crate::library::LibraryError::Folder { path, message })) => {
            if let Some(t) = &loaded.profile.documents.templates
                && beside_profile(loaded, &["documents", "templates"], t)
                    .display()
                    .to_string()
                    == *path
            {
                problems.insert(
                    0,
                    loaded.diagnostic_at(
                        &["documents", "templates"],
                        None,
                        format!("template folder {path}: {message}"),
                    ),
                );
            }
        }
        Err(_) => {}
    }
    if !problems.is_empty() {
        // In the order they stand in the profile.
        problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        return Err(BuildError::Profile(profile::Diagnostics {
            items: problems,
        }));
    }
    let shared = shared?;
    let logo = logo?;
    let library = &shared.library;
    let t = crate::timings::span("render markdown");
    // Revision history: the rows depend on the text, so the pack is rendered
    // with the rows the previous manifest recorded (first-issue rows when
    // there is none), the rows are worked out from the text, and the
    // documents whose rows differ are rendered again.
    let slug = pack_slug(loaded);
    // The pack in `out_dir`, whose files may be reused; its manifest is read
    // once and serves the history too when both folders are the same.
    let previous = match out_dir {
        Some(o) => Previous::open_checked(&o.join(&slug))?,
        None => None,
    };
    let history_read;
    let history_manifest = match (history_dir, &previous) {
        (Some(h), Some(p)) if Some(h) == out_dir => Some(&p.manifest),
        (Some(h), _) => {
            history_read = read_manifest_bytes(&h.join(&slug))?.map(|(_, m)| m);
            history_read.as_ref()
        }
        (None, _) => None,
    };
    let recorded_rows: BTreeMap<String, Vec<crate::revision::RevisionEntry>> = history_manifest
        .iter()
        .flat_map(|m| {
            m.withdrawn
                .iter()
                .map(|w| (&w.id, &w.history))
                .chain(m.documents.iter().map(|d| (&d.id, &d.history)))
        })
        .filter(|(_, h)| !h.is_empty())
        .map(|(id, h)| (id.clone(), h.clone()))
        .collect();
    // A document whose dependency hash is the one the pack in `out_dir` was
    // rendered from has the same text: read it back (checked against the
    // manifest) instead of rendering it.
    let from_previous = |id: &str, deps: &str| -> Option<String> {
        let p = previous.as_ref()?;
        let (dir, d) = (&p.dir, p.manifest.documents.iter().find(|d| d.id == id)?);
        if d.deps_sha256.as_deref() != Some(deps) {
            return None;
        }
        let rel = d.outputs.get("md")?;
        let bytes = std::fs::read(dir.join(rel)).ok()?;
        p.intact(rel, &bytes, d.markdown_sha256.as_deref()?)
            .then(|| String::from_utf8(bytes).ok())?
    };
    let tera_for = |ids: &[&str]| shared.tera_for(ids);
    let render_with = |rows: &BTreeMap<String, Vec<crate::revision::RevisionEntry>>,
                       reuse: render::Reuse<'_>| {
        render::render_pack_reusing(
            loaded,
            library,
            render::TeraSource::OnDemand(&tera_for),
            rows,
            reuse,
        )
    };
    let mut rendered = render_with(&recorded_rows, &from_previous)?;
    drop(t);
    let t = crate::timings::span("revision history");
    let mut issued_texts: BTreeMap<String, IssuedText> = BTreeMap::new();
    if let Some(prev) = history_manifest {
        let issue = render::issue(loaded);
        check_issue_against_history(loaded, prev, &issue)?;
        // Text is issued by an approval: while the pack is a DRAFT, or in the
        // build that approves it, the text as issued is this build's.
        let approved = loaded.profile.documents.approved_by.is_some() && prev.status == "approved";
        let (mut before_values, mut after_values) = (BTreeMap::new(), BTreeMap::new());
        crate::diff::flatten(&prev.profile.values, "", &mut before_values);
        crate::diff::flatten(&loaded.merged, "", &mut after_values);
        // Did anything but the issue's own facts change since the last
        // build: a profile value (added, changed or removed), the templates,
        // or hicp itself? Only then is new text a change of content.
        let content_values = |m: &BTreeMap<String, String>| -> Vec<(String, String)> {
            m.iter()
                .filter(|(k, _)| !ISSUE_FACTS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let inputs_changed = content_values(&before_values) != content_values(&after_values)
            || prev.template_pack.sha256 != library.fingerprint()
            || prev.generator.version != GENERATOR_VERSION;
        let entries_before: BTreeSet<&str> = before_values
            .keys()
            .filter_map(|k| crate::diff::entry_of(k))
            .collect();
        let changed_values: Vec<(&String, &String)> = after_values
            .iter()
            // Version, dates and approval are the issue's own facts, shown
            // in the document-control table and the row itself.
            .filter(|(k, v)| !k.starts_with("documents.") && before_values.get(*k) != Some(*v))
            // A list entry new in this version (added or renamed) is named by
            // its name alone, not by every field it has.
            .filter(|(k, _)| match crate::diff::entry_of(k) {
                Some(entry) => {
                    k.len() == entry.len() || k.ends_with(".name") || entries_before.contains(entry)
                }
                None => true,
            })
            .collect();
        let mut rows = BTreeMap::new();
        for doc in &rendered.documents {
            let Some((body, sections)) = rendered.fingerprints.get(&doc.meta.id) else {
                continue;
            };
            let before_doc = prev.documents.iter().find(|d| d.id == doc.meta.id);
            // The text as issued under the last recorded version: what the
            // next version's row compares with. A document back from being
            // withdrawn continues the history it had.
            let returning = prev.withdrawn.iter().find(|w| w.id == doc.meta.id);
            let before = match (before_doc, returning) {
                (Some(d), _) => Some(crate::revision::PreviousDoc {
                    history: &d.history,
                    body_sha256: d.issued_sha256.as_deref().or(d.body_sha256.as_deref()),
                    sections: if d.issued_sha256.is_some() {
                        &d.issued_sections
                    } else {
                        &d.sections
                    },
                }),
                (None, Some(w)) => Some(crate::revision::PreviousDoc {
                    history: &w.history,
                    body_sha256: w.body_sha256.as_deref(),
                    sections: &w.sections,
                }),
                (None, None) => None,
            };
            // Only approved text is issued: a DRAFT may change freely under
            // its version (an office manager iterating on a first pack), so
            // its text as issued follows the text and nothing is warned.
            if let (Some(d), Some(b)) = (before_doc, &before)
                && approved
                && b.history.last().is_some_and(|r| r.version == issue.version)
                && let Some(issued) = b.body_sha256
                && issued != body
            {
                let changed_now = d.body_sha256.as_deref() != Some(body.as_str()) && inputs_changed;
                issued_texts.insert(
                    doc.meta.id.clone(),
                    IssuedText {
                        sha256: Some(issued.to_string()),
                        sections: b.sections.to_vec(),
                        changed_after_issue: d.changed_after_issue || changed_now,
                    },
                );
            }
            // Profile fields whose new value the document now shows: the
            // likely reason its text changed, named in the new row.
            let fields: Vec<String> = changed_values
                .iter()
                .filter(|(_, v)| v.chars().count() >= 3 && doc.markdown.contains(v.as_str()))
                .map(|(k, _)| (*k).clone())
                .collect();
            rows.insert(
                doc.meta.id.clone(),
                crate::revision::rows_for(before.as_ref(), &issue, body, sections, &fields),
            );
        }
        if rows != rendered.history {
            // Only the documents whose rows changed render again; the others
            // keep the text just rendered (same dependency hash).
            let first = &rendered;
            let from_first = |id: &str, deps: &str| -> Option<String> {
                (first.deps_sha256.get(id).map(String::as_str) == Some(deps))
                    .then(|| first.documents.iter().find(|d| d.meta.id == id))?
                    .map(|d| d.markdown.clone())
            };
            rendered = render_with(&rows, &from_first)?;
        }
    }
    let withdrawn = match history_manifest {
        Some(prev) => {
            let issue = render::issue(loaded);
            let now = withdrawn_docs(prev, &rendered, &issue.version, &issue.date);
            let newly: Vec<&str> = now
                .iter()
                .filter(|w| prev.documents.iter().any(|d| d.id == w.id))
                .map(|w| w.id.as_str())
                .collect();
            if !newly.is_empty() {
                rendered.warnings.push(format!(
                    "{} document(s) left the pack ({}): their files are removed; their revision history is kept in manifest.json (`withdrawn`) and continues if they return; keep the issued copies for as long as your retention rules require (HIPAA: 6 years)",
                    newly.len(),
                    newly.join(", ")
                ));
            }
            now
        }
        None => Vec::new(),
    };
    drop(t);
    let info = pack_info(loaded, &rendered, formats, logo);
    let _t = crate::timings::span("produce");
    let files = produce_incremental(
        loaded,
        library,
        &rendered,
        &info,
        formats,
        profile_shown,
        Earlier {
            pack: previous.as_ref(),
            issued: Some(&issued_texts),
            withdrawn: Some(&withdrawn),
        },
    )?;
    Ok((files, info))
}

/// Build one profile's pack end to end.
pub fn build(
    loaded: &Loaded,
    opts: &BuildOptions,
    profile_shown: &str,
) -> Result<BuildReport, BuildError> {
    refuse_output_in_templates(loaded, opts)?;
    let reuse_dir = (!opts.force).then_some(opts.out_dir.as_path());
    let (files, info) = prepare_with(
        loaded,
        &opts.templates,
        &opts.formats,
        profile_shown,
        reuse_dir,
        Some(opts.out_dir.as_path()),
    )?;
    let t = crate::timings::span("write pack");
    let stats = write_pack(&opts.out_dir, &info.slug, &files, opts.force)?;
    drop(t);
    Ok(BuildReport {
        profile: profile_shown.to_string(),
        pack: opts.out_dir.join(&info.slug).display().to_string(),
        documents: files.manifest.documents.len(),
        files_written: stats.written,
        files_unchanged: stats.unchanged,
        files_removed: stats.removed,
        written: stats.written_paths.clone(),
        removed: stats.removed_paths.clone(),
        unchanged: stats.written == 0,
        warnings: files
            .notices
            .iter()
            .chain(&files.manifest.warnings)
            .cloned()
            .collect(),
        size: info.size.clone(),
        size_rule: info.size_rule.clone(),
        status: info.status_line.clone(),
    })
}

/// A pack written inside a template folder's `documents/` or `partials/`
/// is read back by the next build as files that are not templates (and
/// warned about, file by file, for ever). Beside them is fine: a
/// repository with `documents/` at its root may build into `packs/`.
fn refuse_output_in_templates(loaded: &Loaded, opts: &BuildOptions) -> Result<(), BuildError> {
    let out = resolved(&opts.out_dir);
    for dir in template_dirs(loaded, &opts.templates) {
        let root = resolved(&dir);
        if ["documents", "partials"]
            .iter()
            .any(|sub| out.starts_with(root.join(sub)))
        {
            return Err(BuildError::Input {
                file: opts.out_dir.display().to_string(),
                message: format!(
                    "the output folder is inside the template folder {}'s documents/ or partials/: the next build would read the pack's files there as templates\nhint: build into a folder outside them (-o)",
                    dir.display()
                ),
            });
        }
    }
    Ok(())
}

/// `path` with its longest existing part resolved (symlinks, `..`), the
/// rest appended: comparable for a folder the build has not made yet.
fn resolved(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        if let Ok(real) = at.canonicalize() {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
            }
            _ => return path.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Riverbend"), "riverbend");
        assert_eq!(
            slug("Clínica Sañta Müller & Co."),
            "clinica-santa-muller-co"
        );
        assert_eq!(slug("!!!"), "pack");
    }

    #[test]
    fn accent_is_darkened_until_readable() {
        assert_eq!(accessible_accent(Some("#0b5394")), "#0b5394");
        let pale = accessible_accent(Some("#ffff00"));
        let rgb = parse_hex(&pale).unwrap();
        assert!(1.05 / (luminance(rgb) + 0.05) >= 4.5, "{pale}");
    }
}
