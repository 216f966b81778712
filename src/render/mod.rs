//! Render stage: choose the pack's documents (the plan), build the context,
//! and run Tera to produce each document's Markdown.
//!
//! One Tera environment holds the built-in and override templates. Autoescape
//! is on for every template with a Markdown escape function, so profile values
//! are always data: they are printed, never parsed as Markdown or Tera.

pub mod context;
pub mod deps;
pub mod escape;
pub mod names;
pub mod syntax_hint;
pub mod when;

use crate::catalog::{self, Catalog};
use crate::library::{DocTemplate, Library};
use crate::model::{DocMeta, RenderedDoc};
use crate::profile::Loaded;
use context::{PackContext, pack_context, pack_dates, people_map};
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {origin}:\n{message}")]
    Template { origin: String, message: String },
    /// Values of the profile that name documents the library does not have,
    /// each at its place in the profile.
    #[error("{0}")]
    Profile(crate::profile::Diagnostics),
    /// A template names a variable, or a key of a context object, that the
    /// context does not have ([`names`]): Tera would read it as false in
    /// `{% if %}` and drop the text without a word.
    #[error("template {origin}, line {line}: {problem}\nhint: {hint}")]
    UnknownName {
        origin: String,
        line: usize,
        name: String,
        problem: String,
        hint: String,
    },
    /// A document rendered to no text for this profile: it would be an
    /// empty page in the index, the binder and every format.
    #[error(
        "template {origin}: the document `{id}` renders to no text for this profile\nhint: write its body (it starts with `{{% include \"partials/doc_header.md.tera\" %}}`), or give it a `when` condition that leaves it out of packs it has nothing to say to"
    )]
    EmptyDocument { origin: String, id: String },
}

/// Why a document is in the pack (or not), for `hicp list --profile`.
#[derive(Debug, Clone)]
pub struct Selection {
    pub id: String,
    pub included: bool,
    pub reason: String,
}

/// Evaluate a front-matter `when` condition against the merged profile
/// ([`when::eval`]; the library has checked it with [`when::check`]).
pub fn eval_when(cond: &str, profile: &Value) -> bool {
    when::eval(cond, profile)
}

/// Problems with the document ids a profile names: an id the library does
/// not have (with a did-you-mean), and an id both included and excluded
/// (exclude would win without a word), each at its list item.
pub fn document_id_problems(loaded: &Loaded, library: &Library) -> Vec<crate::profile::Diagnostic> {
    let docs = &loaded.profile.documents;
    let mut unknown = Vec::new();
    for (list, ids) in [("include", &docs.include), ("exclude", &docs.exclude)] {
        for (i, id) in ids.iter().enumerate() {
            if library.documents.contains_key(id) {
                continue;
            }
            let hint =
                crate::suggest::did_you_mean(id, library.documents.keys().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`? (`hicp list` shows the ids)"))
                    .unwrap_or_else(|| "`hicp list` shows the ids".to_string());
            unknown.push(
                loaded
                    .diagnostic_at(
                        &["documents", list],
                        Some(i),
                        format!("`{id}` is not a document of the library"),
                    )
                    .with_hint(hint),
            );
        }
    }
    for (i, id) in docs.include.iter().enumerate() {
        if docs.exclude.contains(id) && library.documents.contains_key(id) {
            unknown.push(
                loaded
                    .diagnostic_at(
                        &["documents", "include"],
                        Some(i),
                        format!("`{id}` is in both documents.include and documents.exclude"),
                    )
                    .with_hint("keep it in one list: include to add it, exclude to leave it out"),
            );
        }
    }
    unknown
}

/// Decide which documents the pack holds, in pack order (`order`, then id).
pub fn plan<'a>(
    loaded: &Loaded,
    library: &'a Library,
) -> Result<(Vec<&'a DocTemplate>, Vec<Selection>), RenderError> {
    let unknown = document_id_problems(loaded, library);
    if !unknown.is_empty() {
        return Err(RenderError::Profile(crate::profile::Diagnostics {
            items: unknown,
        }));
    }
    let docs = &loaded.profile.documents;
    let mut chosen = Vec::new();
    let mut selections = Vec::new();
    for (id, t) in &library.documents {
        let (included, reason) = if docs.exclude.contains(id) {
            (false, "excluded by documents.exclude".to_string())
        } else if docs.include.contains(id) {
            (true, "added by documents.include".to_string())
        } else if let Some(cond) = &t.front.when {
            let ok = eval_when(cond, &loaded.merged);
            (
                ok,
                if ok {
                    format!("condition `{cond}` holds")
                } else {
                    format!("condition `{cond}` does not hold")
                },
            )
        } else {
            (true, "always part of the pack".to_string())
        };
        if included {
            chosen.push(t);
        }
        selections.push(Selection {
            id: id.clone(),
            included,
            reason,
        });
    }
    chosen.sort_by(|a, b| (a.front.order, &a.front.id).cmp(&(b.front.order, &b.front.id)));
    Ok((chosen, selections))
}

/// The tera environment for a library.
pub fn tera_for(library: &Library) -> Result<tera::Tera, RenderError> {
    tera_with(library, |_| true)
}

/// The tera environment holding the library's templates that `keep` accepts.
fn tera_with(library: &Library, keep: impl Fn(&str) -> bool) -> Result<tera::Tera, RenderError> {
    let mut tera = tera::Tera::new();
    // Markdown heading ids are written `{#id}`, which is Tera's default comment
    // opener; template comments use `{/ … /}` instead.
    tera.set_delimiters(tera::Delimiters {
        comment_start: "{/".into(),
        comment_end: "/}".into(),
        ..tera::Delimiters::default()
    })
    .map_err(|e| RenderError::Template {
        origin: "library".into(),
        message: tera_message(&e),
    })?;
    tera.set_escape_fn(escape::markdown_escape_fn);
    tera.autoescape_on(vec![".md.tera"]);
    register_functions(&mut tera, std::sync::Arc::new(library.titles()));
    let sources: Vec<(String, String)> = library
        .sources()
        .filter(|s| keep(&s.name))
        .map(|s| (s.name.clone(), s.text.clone()))
        .collect();
    tera.add_raw_templates(sources).map_err(|e| {
        let origin = library
            .sources()
            .find(|s| e.to_string().contains(&s.name))
            .map(|s| s.origin.to_string())
            .unwrap_or_else(|| "library".to_string());
        let mut message = library.name_files(&tera_message(&e));
        if let Some(h) = parse_error_hint(library, &message) {
            message.push_str(&format!("\nhint: {h}"));
        }
        RenderError::Template { origin, message }
    })?;
    Ok(tera)
}

/// The most Markdown one document may render to. The largest built-in
/// document is under 100 KiB; a template that writes more is looping.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// How long one document may take to render (it normally takes a
/// millisecond). Checked whenever the template writes output.
pub const MAX_DOCUMENT_RENDER: std::time::Duration = std::time::Duration::from_secs(15);

/// Tera's output sink for one document, with a size and time budget, so an
/// override template that loops fails with a message instead of filling
/// memory or running for hours. Only limits: the output of a template
/// within budget is the same bytes as `Tera::render`'s.
struct BudgetWriter {
    bytes: Vec<u8>,
    started: std::time::Instant,
    /// Tera writes in small pieces; the clock is read every 256th write.
    writes: u32,
    exceeded: Option<String>,
}

impl BudgetWriter {
    fn new() -> Self {
        BudgetWriter {
            bytes: Vec::new(),
            started: std::time::Instant::now(),
            writes: 0,
            exceeded: None,
        }
    }
}

impl std::io::Write for BudgetWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_DOCUMENT_BYTES {
            self.exceeded = Some(format!(
                "the document's Markdown passed {} MiB",
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            ));
        } else if self.writes.is_multiple_of(256) && self.started.elapsed() > MAX_DOCUMENT_RENDER {
            self.exceeded = Some(format!(
                "rendering the document took longer than {} s",
                MAX_DOCUMENT_RENDER.as_secs()
            ));
        }
        self.writes = self.writes.wrapping_add(1);
        if let Some(why) = &self.exceeded {
            return Err(std::io::Error::other(why.clone()));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn tera_message(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(&format!("\ncaused by: {s}"));
        src = s.source();
    }
    // Templates written for Tera 1 meet tags Tera 2 dropped.
    if msg.contains("Unknown tag") && (msg.contains("{% macro") || msg.contains("{% import")) {
        msg.push_str(
            "\nhint: Tera 2 has no `macro` or `import`: use a partial (`{% include %}`) or a component (`{% component name(arg) %}…{% endcomponent name %}`, called as `{{ <name arg={value} /> }}`); see docs/templates.md",
        );
    }
    msg
}

/// [`syntax_hint::hint`] for a parse error message, which names the
/// template and position on its `--> name:line:column` line.
fn parse_error_hint(library: &Library, message: &str) -> Option<String> {
    let at = message
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let at = at.split_whitespace().next()?;
    let mut parts = at.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let source = library.sources().find(|s| s.name == name)?;
    syntax_hint::hint(&source.text, line, column, message)
}

/// A date the templates compute from a profile date: `value` (`YYYY-MM-DD`)
/// plus `days` (negative counts back). Never the clock, so a pack rebuilt
/// later prints the same deadline.
fn add_days_filter(value: &str, days: i64) -> Result<String, String> {
    crate::dates::Date::parse(value.trim())
        .map(|d| d.add_days(days).to_string())
        .ok_or_else(|| format!("add_days: `{value}` is not a date (YYYY-MM-DD)"))
}

/// `YYYY-MM-DD` as "March 3, 2026".
fn long_date_filter(value: &str) -> Result<String, String> {
    crate::dates::Date::parse(value.trim())
        .map(crate::dates::Date::long)
        .ok_or_else(|| format!("long_date: `{value}` is not a date (YYYY-MM-DD)"))
}

/// `tag` and `doc_link`, and the date filters `add_days(days=N)` and
/// `long_date` (docs/templates.md). `titles` holds every document of the
/// library by id, so that `doc_link` to one left out of this pack, built in
/// or added by an override folder, prints its title in italics.
fn register_functions(tera: &mut tera::Tera, titles: std::sync::Arc<BTreeMap<String, String>>) {
    // {{ pack.effective_date | add_days(days=30) }}: a deadline as a date.
    tera.register_filter(
        "add_days",
        |value: &str, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let days: i64 = kwargs.must_get("days")?;
            add_days_filter(value, days).map_err(tera::Error::message)
        },
    );
    // {{ some_date | long_date }}: "March 3, 2026".
    tera.register_filter(
        "long_date",
        |value: &str, _: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            long_date_filter(value).map_err(tera::Error::message)
        },
    );
    // tag(ids=[...]): the IDs of the organization's size, as " (HICP …)".
    tera.register_function(
        "tag",
        |kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<tera::Value> {
            let ids: Vec<String> = kwargs.must_get("ids")?;
            let size: String = state.get("size")?.unwrap_or_default();
            let catalog = Catalog::builtin();
            // The library refuses literal unknown IDs; this catches computed ones.
            if let Some(bad) = ids.iter().find(|id| catalog.subpractice(id).is_none()) {
                let hint = crate::suggest::did_you_mean(
                    bad,
                    catalog.subpractices.iter().map(|sp| sp.id.as_str()),
                )
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
                return Err(tera::Error::message(format!(
                    "tag: `{bad}` is not a sub-practice of the HICP catalog{hint}"
                )));
            }
            let keep: Vec<String> = ids
                .into_iter()
                .filter(|id| match catalog::id_size_letter(id) {
                    Some(letter) => crate::catalog::applies(letter, size_from_str(&size)),
                    None => false,
                })
                .collect();
            if keep.is_empty() {
                Ok(tera::Value::safe_string(""))
            } else {
                Ok(tera::Value::safe_string(&format!(
                    " (HICP {})",
                    keep.join(", ")
                )))
            }
        },
    );
    // doc_link(id=..., anchor=...): a link when the document is in the pack.
    tera.register_function(
        "doc_link",
        move |kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<tera::Value> {
            let id: String = kwargs.must_get("id")?;
            let anchor: Option<String> = kwargs.get("anchor")?;
            let in_pack: Option<tera::Value> = state.get("doc_titles")?;
            let title = in_pack
                .as_ref()
                .and_then(|t| t.as_map())
                .and_then(|m| m.get(&tera::value::Key::Str(id.as_str())))
                .and_then(|v| v.as_str().map(str::to_string));
            match title {
                Some(t) => {
                    let href = match &anchor {
                        Some(a) => format!("{id}.md#{a}"),
                        None => format!("{id}.md"),
                    };
                    Ok(tera::Value::safe_string(&format!(
                        "[{}]({href})",
                        escape::escape_markdown(&t)
                    )))
                }
                None => {
                    let t = titles.get(&id).ok_or_else(|| {
                        tera::Error::message(format!("doc_link: no document with id `{id}`"))
                    })?;
                    Ok(tera::Value::safe_string(&format!(
                        "*{}*",
                        escape::escape_markdown(t)
                    )))
                }
            }
        },
    );
}

fn size_from_str(s: &str) -> crate::profile::types::Size {
    match s {
        "large" => crate::profile::types::Size::Large,
        "medium" => crate::profile::types::Size::Medium,
        _ => crate::profile::types::Size::Small,
    }
}

/// A rendered pack: documents in pack order plus facts for the writers.
pub struct RenderedPack {
    pub documents: Vec<RenderedDoc>,
    pub selections: Vec<Selection>,
    /// Per document id, the sha256 of the context it was rendered with (the
    /// pack-wide part and the document's own part), for the manifest's input
    /// hashes: hashed here, where the pack-wide part is serialized once
    /// rather than once per document.
    pub context_sha256: BTreeMap<String, String>,
    /// Per document id, the revision-history rows it was rendered with.
    pub history: BTreeMap<String, Vec<crate::revision::RevisionEntry>>,
    /// Per document id, its text without the revision history, hashed whole
    /// and by section ([`crate::revision::body_fingerprint`]): the same for
    /// any rows, so worked out once, where the documents are rendered.
    pub fingerprints: BTreeMap<String, (String, Vec<crate::revision::SectionHash>)>,
    /// Per document id, the hash of everything its text follows from
    /// ([`deps`]): the same hash gives the same Markdown.
    pub deps_sha256: BTreeMap<String, String>,
    pub status_line: String,
    /// Warnings found while the text was settled against the previous pack
    /// (text that changed under an unchanged version): for the build's
    /// report only, since they depend on what was there before.
    pub warnings: Vec<String>,
    /// Warnings about the templates that follow from the inputs alone
    /// (override files that are not read, links to sections a document does
    /// not have): part of the manifest, so `build` and `validate` both show
    /// them.
    pub template_warnings: Vec<String>,
}

/// Where a render may take a document's Markdown from instead of rendering
/// it: `(document id, dependency hash)` → the Markdown an earlier render
/// produced from that same hash.
pub type Reuse<'a> = &'a (dyn Fn(&str, &str) -> Option<String> + Sync);

/// The Tera environment to render with: ready, or built for the documents
/// that must be rendered (ids given), asked for only when at least one must.
pub enum TeraSource<'a> {
    Ready(&'a tera::Tera),
    OnDemand(&'a MakeTera<'a>),
}

/// Builds the Tera environment for the documents given by id.
pub type MakeTera<'a> =
    dyn Fn(&[&str]) -> Result<std::sync::Arc<tera::Tera>, RenderError> + Sync + 'a;

/// The one-line approval status for headers and the index.
/// The person the profile records as approver (`documents.approved_by`).
fn approver(loaded: &Loaded) -> Option<Value> {
    let key = loaded.profile.documents.approved_by.as_ref()?;
    people_map(&loaded.profile.people).get(key).cloned()
}

pub fn status_line(loaded: &Loaded) -> String {
    let d = &loaded.profile.documents;
    match approver(loaded) {
        Some(p) => {
            let name = p["name"].as_str().unwrap_or_default();
            let title = p["title"].as_str().unwrap_or_default();
            match &d.approved_on {
                Some(on) => format!("Approved by {name}, {title}, on {on}"),
                None => format!("Approved by {name}, {title}"),
            }
        }
        None => "DRAFT: not yet approved".to_string(),
    }
}

/// What this build issues, for the revision-history rows.
pub fn issue(loaded: &Loaded) -> crate::revision::Issue {
    let d = &loaded.profile.documents;
    let approved_by = approver(loaded)
        .and_then(|p| p["name"].as_str().map(str::to_string))
        .unwrap_or_else(|| "Pending approval (DRAFT)".to_string());
    let o = &loaded.profile.organization;
    let short = o.short_name.as_deref().unwrap_or(&o.name);
    crate::revision::Issue {
        version: d.version.clone(),
        date: pack_dates(d).effective.to_string(),
        approved_by,
        first_issue: format!(
            "Issued for {short} from its HICP profile ({} organization).",
            context::size_str(loaded.size)
        ),
    }
}

/// Render every document of the pack, each with a first-issue revision row.
pub fn render_pack(
    loaded: &Loaded,
    library: &Library,
    tera: &tera::Tera,
) -> Result<RenderedPack, RenderError> {
    render_pack_with_history(loaded, library, tera, &BTreeMap::new())
}

/// The parsed templates a set of documents needs: each document's template
/// and everything it includes (a rebuild that renders two documents parses
/// two templates, not forty).
pub fn tera_for_documents(library: &Library, ids: &[&str]) -> Result<tera::Tera, RenderError> {
    let reads = library.reads();
    let mut names = std::collections::BTreeSet::new();
    for id in ids {
        if let Some(t) = library.documents.get(*id) {
            names.insert(t.source.name.clone());
            names.extend(deps::closure(&t.source.name, reads).templates);
        }
    }
    tera_with(library, |name| names.contains(name))
}

/// Render every document of the pack; `history` gives, per document id, the
/// rows of its revision-history table (a document not in it gets one row,
/// its first issue).
pub fn render_pack_with_history(
    loaded: &Loaded,
    library: &Library,
    tera: &tera::Tera,
    history: &BTreeMap<String, Vec<crate::revision::RevisionEntry>>,
) -> Result<RenderedPack, RenderError> {
    render_pack_reusing(
        loaded,
        library,
        TeraSource::Ready(tera),
        history,
        &|_, _| None,
    )
}

/// [`render_pack_with_history`], taking from `reuse` the Markdown of every
/// document whose dependency hash an earlier render already turned into
/// text, and asking `tera` for templates only when something must render.
pub fn render_pack_reusing(
    loaded: &Loaded,
    library: &Library,
    tera: TeraSource<'_>,
    history: &BTreeMap<String, Vec<crate::revision::RevisionEntry>>,
    reuse: Reuse<'_>,
) -> Result<RenderedPack, RenderError> {
    let first_issue = {
        let i = issue(loaded);
        vec![crate::revision::RevisionEntry {
            version: i.version,
            date: i.date,
            change: i.first_issue,
            approved_by: i.approved_by,
        }]
    };
    let t_ctx = crate::timings::span("render: context");
    let catalog = Catalog::builtin();
    let (chosen, selections) = plan(loaded, library)?;
    let size = loaded.size;
    let people = people_map(&loaded.profile.people);
    let dates = pack_dates(&loaded.profile.documents);
    let approved = loaded.profile.documents.approved_by.is_some();
    let status_label = if approved { "Approved" } else { "DRAFT" };

    // Front-matter practices of this size, checked against the catalog.
    let mut metas = Vec::new();
    let mut by_practice: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &chosen {
        let mut practices = Vec::new();
        for id in &t.front.practices {
            let Some(sp) = catalog.subpractice(id) else {
                return Err(RenderError::Template {
                    origin: t.source.origin.to_string(),
                    message: format!(
                        "front matter names sub-practice `{id}`, which is not in the HICP catalog"
                    ),
                });
            };
            if catalog::applies(sp.size, size) {
                practices.push(id.clone());
                by_practice
                    .entry(id.clone())
                    .or_default()
                    .push(t.front.id.clone());
            }
        }
        metas.push(DocMeta {
            id: t.front.id.clone(),
            title: t.front.title.clone(),
            kind: t.front.kind,
            audience: t.front.audience.clone(),
            description: t.front.description.clone(),
            practices,
            order: t.front.order,
            version: loaded.profile.documents.version.clone(),
            status_label: status_label.to_string(),
            effective_date: dates.effective.to_string(),
            next_review: dates.next_review.to_string(),
        });
    }
    let doc_list: Vec<Value> = metas
        .iter()
        .map(|m| {
            json!({
                "id": m.id, "title": m.title, "kind": m.kind.as_str(), "kind_label": m.kind.label(),
                "description": m.description, "practices": m.practices, "href": format!("{}.md", m.id),
            })
        })
        .collect();
    let status_line = status_line(loaded);
    let PackContext { value: mut base } =
        pack_context(loaded, catalog, doc_list, &by_practice, &status_line);
    let titles: Map<String, Value> = metas
        .iter()
        .map(|m| (m.id.clone(), json!(m.title)))
        .collect();
    base.insert("doc_titles".into(), Value::Object(titles));
    let t_names = crate::timings::span("render: names");
    let checked = names::check(library, &base, &doc_shape(&people));
    drop(t_names);
    if let Err(unknown) = checked {
        // A template that does not parse is reported as Tera reads it (with
        // its syntax hint): its names may only look wrong because of that.
        let reads = library.reads();
        let needed = deps::closure(&unknown.template, reads).templates;
        tera_with(library, |n| n == unknown.template || needed.contains(n))?;
        return Err(*unknown.error);
    }
    // The pack-wide context is large (catalog, glossary, crosswalk): convert
    // it to Tera's values once. Tera's maps and arrays are reference-counted,
    // so each document's clone below copies only the top-level keys.
    let base_value = Value::Object(base);
    // Converting it for Tera and hashing it are independent: side by side.
    let (base_ctx, base_hash) = rayon::join(
        || tera::Context::from_serialize(&base_value),
        || {
            use sha2::Digest;
            let mut h = sha2::Sha256::new();
            h.update(serde_json::to_vec(&base_value).unwrap_or_default());
            h
        },
    );
    let base_ctx = base_ctx.map_err(|e| RenderError::Template {
        origin: "the pack context".into(),
        message: tera_message(&e),
    })?;

    drop(t_ctx);
    type Fingerprint = (String, Vec<crate::revision::SectionHash>);
    type Rendered = (
        RenderedDoc,
        String,
        Vec<crate::revision::RevisionEntry>,
        Fingerprint,
    );
    // Each document's own context and dependency hash, then its Markdown:
    // reused when an earlier render had the same hash, else rendered.
    let t_prep = crate::timings::span("render: deps");
    let reads = library.reads();
    let template_salt = library.fingerprint();
    // What each template reads, and each value read hashed once (documents
    // share most of them); then the documents are prepared in parallel.
    let closures: Vec<deps::Reads> = chosen
        .iter()
        .map(|t| deps::closure(&t.source.name, reads))
        .collect();
    let mut hasher = deps::DepsHasher::new(&base_value);
    for c in &closures {
        hasher.prepare(c);
    }
    let hasher = &hasher;
    struct Prepared {
        doc: Value,
        ctx_hash: String,
        rows: Vec<crate::revision::RevisionEntry>,
        deps: String,
        markdown: Option<String>,
    }
    let prepared: Vec<Result<Prepared, RenderError>> = chosen
        .par_iter()
        .zip(metas.par_iter())
        .zip(closures.par_iter())
        .map(|((t, meta), closure)| -> Result<Prepared, RenderError> {
            let owner_key = t
                .front
                .owner
                .clone()
                .unwrap_or_else(|| "security_officer".to_string());
            let owner = people
                .get(&owner_key)
                .filter(|v| !v.is_null())
                .cloned()
                .ok_or_else(|| RenderError::Template {
                    origin: t.source.origin.to_string(),
                    message: format!(
                        "front matter names owner `{owner_key}`, who is not in the profile's people"
                    ),
                })?;
            let mut definitions = Vec::new();
            for term in &t.front.definitions {
                let def = catalog
                    .definition(term)
                    .ok_or_else(|| RenderError::Template {
                        origin: t.source.origin.to_string(),
                        message: format!(
                            "front matter lists definition `{term}`, which is not in the glossary"
                        ),
                    })?;
                definitions.push(json!({"term": def.0, "definition": def.1}));
            }
            let related: Vec<Value> = t
                .front
                .related
                .iter()
                .filter_map(|r| metas.iter().find(|m| &m.id == r))
                .map(|m| json!({"id": m.id, "title": m.title, "href": format!("{}.md", m.id)}))
                .collect();
            let doc = doc_json(meta, owner, related, definitions);
            let doc_bytes = serde_json::to_vec(&doc).unwrap_or_default();
            // The inputs hash leaves the history out: the rows follow from
            // the document's text and the previous manifest, not the reverse.
            let ctx_hash = {
                use sha2::Digest;
                let mut h = base_hash.clone();
                h.update([0]);
                h.update(&doc_bytes);
                crate::pack::hex(&h.finalize())
            };
            let rows = history.get(&meta.id).unwrap_or(&first_issue).clone();
            let mut doc = doc;
            doc["history"] = serde_json::to_value(&rows).unwrap_or_default();
            let deps = {
                let mut salt = Vec::new();
                salt.extend_from_slice(crate::pack::BUILD_ID.as_bytes());
                salt.push(0);
                salt.extend_from_slice(template_salt.as_bytes());
                salt.push(0);
                salt.extend_from_slice(t.source.name.as_bytes());
                salt.push(0);
                // The document's own context: serialized once above, plus its rows.
                salt.extend_from_slice(&doc_bytes);
                salt.push(0);
                salt.extend_from_slice(&serde_json::to_vec(&doc["history"]).unwrap_or_default());
                hasher.hash(closure, &salt)
            };
            let markdown = reuse(&meta.id, &deps);
            Ok(Prepared {
                doc,
                ctx_hash,
                rows,
                deps,
                markdown,
            })
        })
        .collect();
    // The first failing document in pack order, as the sequential loop reported.
    let prepared = prepared.into_iter().collect::<Result<Vec<_>, _>>()?;
    let to_render: Vec<&str> = chosen
        .iter()
        .zip(&prepared)
        .filter(|(_, p)| p.markdown.is_none())
        .map(|(t, _)| t.front.id.as_str())
        .collect();
    drop(t_prep);
    let t_tera = crate::timings::span("render: tera");
    let built;
    let tera: Option<&tera::Tera> = match tera {
        _ if to_render.is_empty() => None,
        TeraSource::Ready(t) => Some(t),
        TeraSource::OnDemand(make) => {
            built = make(&to_render)?;
            Some(&*built)
        }
    };
    let deps_sha256: BTreeMap<String, String> = chosen
        .iter()
        .zip(&prepared)
        .map(|(t, p)| (t.front.id.clone(), p.deps.clone()))
        .collect();
    drop(t_tera);
    let _t_render = crate::timings::span("render: run");
    let results: Vec<Result<Rendered, RenderError>> = chosen
        .par_iter()
        .zip(metas.par_iter())
        .zip(prepared.into_par_iter())
        .map(|((t, meta), p)| {
            let markdown = match p.markdown {
                Some(m) => m,
                None => {
                    let Some(tera) = tera else {
                        return Err(RenderError::Template {
                            origin: t.source.origin.to_string(),
                            message: "no template environment to render with".into(),
                        });
                    };
                    let mut ctx = base_ctx.clone();
                    ctx.insert("doc", &p.doc);
                    let mut budget = BudgetWriter::new();
                    let rendered = tera.render_to(&t.source.name, &ctx, &mut budget);
                    let out = match (rendered, budget.exceeded) {
                        (_, Some(why)) => {
                            return Err(RenderError::Template {
                                origin: t.source.origin.to_string(),
                                message: format!("{why}; does the template loop without end?"),
                            });
                        }
                        (Err(e), None) => {
                            return Err(RenderError::Template {
                                origin: t.source.origin.to_string(),
                                message: library.name_files(&tera_message(&e)),
                            });
                        }
                        (Ok(()), None) => String::from_utf8_lossy(&budget.bytes).into_owned(),
                    };
                    let markdown = tidy_markdown(&out);
                    if markdown.trim().is_empty() {
                        return Err(RenderError::EmptyDocument {
                            origin: t.source.origin.to_string(),
                            id: meta.id.clone(),
                        });
                    }
                    markdown
                }
            };
            let fingerprint = crate::revision::body_fingerprint(&markdown);
            Ok((
                RenderedDoc {
                    meta: meta.clone(),
                    markdown,
                },
                p.ctx_hash,
                p.rows,
                fingerprint,
            ))
        })
        .collect();
    let mut documents = Vec::new();
    let mut context_sha256 = BTreeMap::new();
    let mut history = BTreeMap::new();
    let mut fingerprints = BTreeMap::new();
    for r in results {
        let (doc, ctx, rows, fingerprint) = r?;
        context_sha256.insert(doc.meta.id.clone(), ctx);
        history.insert(doc.meta.id.clone(), rows);
        fingerprints.insert(doc.meta.id.clone(), fingerprint);
        documents.push(doc);
    }
    let mut template_warnings = library.warnings.clone();
    template_warnings.extend(anchor_warnings(&documents, library));
    Ok(RenderedPack {
        warnings: Vec::new(),
        template_warnings,
        documents,
        selections,
        context_sha256,
        history,
        fingerprints,
        deps_sha256,
        status_line,
    })
}

/// A document's `doc` context (without `history`, which is added once its
/// rows are known).
fn doc_json(meta: &DocMeta, owner: Value, related: Vec<Value>, definitions: Vec<Value>) -> Value {
    json!({
        "id": meta.id, "title": meta.title, "kind": meta.kind.as_str(), "kind_label": meta.kind.label(),
        "audience": meta.audience, "description": meta.description, "practices": meta.practices,
        "owner": owner, "related": related, "definitions": definitions,
    })
}

/// The keys every document's `doc` has, for [`names::check`]: made by
/// [`doc_json`] itself, so the two cannot drift apart.
fn doc_shape(people: &Map<String, Value>) -> Value {
    let meta = DocMeta {
        id: String::new(),
        title: String::new(),
        kind: crate::model::DocKind::Policy,
        audience: String::new(),
        description: String::new(),
        practices: Vec::new(),
        order: 0,
        version: String::new(),
        status_label: String::new(),
        effective_date: String::new(),
        next_review: String::new(),
    };
    let owner = people
        .get("security_officer")
        .cloned()
        .unwrap_or(Value::Null);
    let mut doc = doc_json(&meta, owner, Vec::new(), Vec::new());
    doc["history"] = json!([]);
    doc
}

/// The section ids a document's Markdown gives its headings: the `{#id}`
/// written, else the slug of the heading text, as the HTML and PDF writers
/// give them.
fn heading_ids(markdown: &str) -> std::collections::BTreeSet<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut ids = std::collections::BTreeSet::new();
    let mut text: Option<(Option<String>, String)> = None;
    for event in Parser::new_ext(markdown, crate::writers::markdown_options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                text = Some((id.map(|i| i.to_string()), String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, s)) = text.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((id, s)) = text.take() {
                    ids.insert(id.unwrap_or_else(|| crate::writers::heading_slug(&s)));
                }
            }
            _ => {}
        }
    }
    ids
}

/// Links to a section (`other.md#anchor`, as `doc_link(anchor=…)` prints
/// them) that the document linked to does not have: the link would land at
/// the top of the document in HTML and Word and not be clickable in its PDF.
/// Reported in every format, not only when a PDF is laid out.
fn anchor_warnings(documents: &[RenderedDoc], library: &Library) -> Vec<String> {
    let mut anchors: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
    let mut warnings = Vec::new();
    for doc in documents {
        let mut rest = doc.markdown.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let dest = &rest[..end];
            let Some((target, Some(anchor))) = crate::writers::doc_link_target(dest) else {
                continue;
            };
            let Some(target_doc) = documents.iter().find(|d| d.meta.id == target) else {
                continue;
            };
            let ids = anchors
                .entry(target)
                .or_insert_with(|| heading_ids(&target_doc.markdown));
            if ids.contains(anchor) {
                continue;
            }
            let origin = library
                .documents
                .get(&doc.meta.id)
                .map_or_else(|| doc.meta.id.clone(), |t| t.source.origin.to_string());
            let hint = crate::suggest::did_you_mean(anchor, ids.iter().map(String::as_str))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            warnings.push(format!(
                "{origin}: a link to `{target}` section `{anchor}`, which `{target}` does not have for this profile{hint}; the link leads to the top of the document"
            ));
        }
    }
    warnings
}

/// Trim leading blank lines (left by the front matter), collapse runs of more
/// than one blank line that template control blocks leave, end with one newline.
pub fn tidy_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    let mut in_fence = false;
    let mut last_line_is_row = false;
    for line in s.lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if line.is_empty() && !in_fence {
            blank += 1;
            continue;
        }
        // A blank line between two table rows (left by a template loop)
        // would end the table; drop it.
        let joins_table = line.starts_with('|') && last_line_is_row;
        if !out.is_empty() && blank > 0 && !joins_table {
            out.push('\n');
        }
        last_line_is_row = line.starts_with('|');
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_name_only_context_variables() {
        // Builds of the built-in templates alone skip the name check
        // (`names::check`); marking one partial as an override makes the
        // render check every template, for a small, a medium and a large
        // organization.
        for p in [
            "profiles/riverbend-clinic.yaml",
            "profiles/lakeside-specialty.yaml",
            "profiles/cascadia-regional.yaml",
        ] {
            let loaded = crate::profile::load(std::path::Path::new(p)).unwrap();
            let mut library = Library::load(&[]).unwrap();
            if let Some(s) = library.partials.values_mut().next() {
                s.origin = crate::library::Origin::Override("probe".into());
            }
            assert!(library.has_overrides());
            let tera = tera_for(&library).unwrap();
            if let Err(e) = render_pack(&loaded, &library, &tera) {
                panic!("{p}: {e}");
            }
        }
    }

    #[test]
    fn heading_ids_are_written_ids_or_slugs() {
        let ids = heading_ids("# Title\n\n## Sanctions {#sanctions}\n\n## Roles and *duties*\n");
        let want: Vec<&str> = vec!["roles-and-duties", "sanctions", "title"];
        assert_eq!(ids.iter().map(String::as_str).collect::<Vec<_>>(), want);
    }

    #[test]
    fn date_filters_count_days_from_a_profile_date() {
        assert_eq!(add_days_filter("2026-02-01", 30).unwrap(), "2026-03-03");
        assert_eq!(add_days_filter("2026-02-01", 90).unwrap(), "2026-05-02");
        assert_eq!(add_days_filter("2028-02-28", 1).unwrap(), "2028-02-29");
        assert_eq!(add_days_filter("2026-12-15", 30).unwrap(), "2027-01-14");
        assert_eq!(add_days_filter("2026-03-01", -1).unwrap(), "2026-02-28");
        assert!(add_days_filter("February 1, 2026", 30).is_err());
        assert_eq!(long_date_filter("2026-03-03").unwrap(), "March 3, 2026");
        assert!(long_date_filter("2026-13-01").is_err());

        // Through Tera, as a template writes them.
        let mut tera = tera::Tera::new();
        register_functions(&mut tera, std::sync::Arc::new(BTreeMap::new()));
        tera.add_raw_template(
            "t",
            "{{ d | add_days(days=30) }} / {{ d | add_days(days=30) | long_date }}",
        )
        .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("d", "2026-02-01");
        assert_eq!(
            tera.render("t", &ctx).unwrap(),
            "2026-03-03 / March 3, 2026"
        );
    }

    #[test]
    fn tidy_collapses_blank_runs() {
        assert_eq!(tidy_markdown("\n\n# T\n\n\n\npara\n"), "# T\n\npara\n");
        assert_eq!(tidy_markdown("| a |\n\n| b |\n"), "| a |\n| b |\n");
    }
}
