//! Criterion benches of the pipeline stages on the bundled example profile
//! `profiles/cascadia-regional.yaml` (the largest example pack).
//!
//! These are in-process stage timings, to see which stage a change moved;
//! the whole-process figures set beside pandoc, typst and cmark-gfm come from
//! `scripts/bench.sh` (see `docs/performance.md`). Sample size is kept at 10
//! so `cargo bench` finishes in about a minute on two cores.
//!
//! Stages, in pipeline order:
//! - `profile_load`: YAML → validated profile (`extends` applied);
//! - `library_and_tera`: embedded templates → one Tera environment, the fixed
//!   cost every `prepare` pays once per profile;
//! - `render_pack`: Tera rendering of every document to Markdown;
//! - `html_all_docs`: Markdown → HTML for every document;
//! - `pdf_one_doc`, `pdf_binder`: typesetting;
//! - `prepare_md_html_pdf`: [`hicp::pack::prepare`] end to end (no disk writes).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use hicp::library::Library;
use hicp::model::PackInfo;
use hicp::pack::{self, Format};
use hicp::profile::{self, Loaded};
use hicp::render::{self, RenderedPack};
use hicp::writers;

/// The example profile the benches run on.
const PROFILE: &str = "profiles/cascadia-regional.yaml";

fn profile_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(PROFILE)
}

/// Template override folders: none, unless `HICP_BENCH_TEMPLATES` names one
/// (the same variable `scripts/bench.sh` reads), so the harness can be tried
/// on a larger or different template set without editing the bench.
fn overrides() -> Vec<PathBuf> {
    std::env::var_os("HICP_BENCH_TEMPLATES")
        .map(PathBuf::from)
        .into_iter()
        .collect()
}

/// Everything the later stages need, built once outside the timed loops.
struct Fixture {
    loaded: Loaded,
    library: Library,
    tera: tera::Tera,
    rendered: RenderedPack,
    info: PackInfo,
}

/// Build the fixture, or say why the stage benches cannot run (the bench then
/// times only the stages it can, instead of panicking).
fn fixture() -> Result<Fixture, String> {
    let loaded = profile::load(&profile_path()).map_err(|e| format!("{PROFILE}: {e}"))?;
    let library = Library::load(&overrides()).map_err(|e| format!("template library: {e}"))?;
    let tera = render::tera_for(&library).map_err(|e| format!("tera: {e}"))?;
    let rendered =
        render::render_pack(&loaded, &library, &tera).map_err(|e| format!("render: {e}"))?;
    let logo = pack::read_logo(&loaded).map_err(|e| format!("logo: {e}"))?;
    let info = pack::pack_info(&loaded, &rendered, &pack::Format::ALL, logo);
    Ok(Fixture {
        loaded,
        library,
        tera,
        rendered,
        info,
    })
}

fn stages(c: &mut Criterion) {
    let path = profile_path();
    let templates = overrides();
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));

    g.bench_function("profile_load", |b| {
        b.iter(|| black_box(profile::load(black_box(&path)).is_ok()))
    });
    g.bench_function("library_and_tera", |b| {
        b.iter(|| {
            let lib = Library::load(&templates);
            black_box(lib.map(|l| render::tera_for(&l).is_ok()).is_ok())
        })
    });

    let fx = match fixture() {
        Ok(fx) => fx,
        Err(why) => {
            eprintln!("pipeline bench: later stages skipped: {why}");
            g.finish();
            return;
        }
    };
    let docs = &fx.rendered.documents;
    eprintln!(
        "pipeline bench: {PROFILE}: {} documents, {} bytes of Markdown",
        docs.len(),
        docs.iter().map(|d| d.markdown.len()).sum::<usize>()
    );

    g.bench_function("render_pack", |b| {
        b.iter(|| {
            black_box(
                render::render_pack(&fx.loaded, &fx.library, &fx.tera)
                    .map(|r| r.documents.len())
                    .unwrap_or(0),
            )
        })
    });
    g.bench_function("html_all_docs", |b| {
        b.iter(|| {
            let mut bytes = 0usize;
            for d in docs {
                bytes += writers::html::render_document(d, &fx.info).len();
            }
            black_box(bytes)
        })
    });
    // The longest document: the worst case for one PDF.
    if let Some(doc) = docs.iter().max_by_key(|d| d.markdown.len()) {
        g.bench_function("pdf_one_doc", |b| {
            b.iter(|| {
                black_box(
                    writers::pdf::render_document(doc, &fx.info)
                        .map(|o| o.bytes.len())
                        .unwrap_or(0),
                )
            })
        });
    }
    if !docs.is_empty() {
        g.bench_function("pdf_binder", |b| {
            b.iter(|| {
                black_box(
                    writers::pdf::render_binder(docs, &fx.info)
                        .map(|o| o.bytes.len())
                        .unwrap_or(0),
                )
            })
        });
    }
    g.bench_function("prepare_md_html_pdf", |b| {
        b.iter(|| {
            black_box(
                pack::prepare(&fx.loaded, &templates, &Format::ALL, PROFILE)
                    .map(|(files, _)| files.files.len())
                    .unwrap_or(0),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
