//! Where one build's time goes, stage by stage, single-threaded and in one
//! process: `cargo run --release --example stage_times [PROFILE]`. A quick
//! companion to `cargo bench --bench pipeline` (criterion, slower, with
//! confidence intervals) for looking at a change before measuring it.
use std::time::Instant;

use hicp::library::Library;
use hicp::model::Format;
use hicp::{pack, profile, render, writers};

fn main() -> Result<(), String> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "profiles/cascadia-regional.yaml".into());
    let started = Instant::now();
    writers::pdf::fonts::fonts()?;
    println!(
        "bundled fonts parsed (once per process): {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let rounds = 3;
    let mut best: Vec<(&str, f64)> = Vec::new();
    for round in 0..rounds {
        let mut times: Vec<(&str, f64)> = Vec::new();
        let mut lap = {
            let mut t = Instant::now();
            move |name: &'static str, times: &mut Vec<(&'static str, f64)>| {
                times.push((name, t.elapsed().as_secs_f64() * 1000.0));
                t = Instant::now();
            }
        };
        let loaded = profile::load(std::path::Path::new(&path)).map_err(|e| e.to_string())?;
        lap("profile load", &mut times);
        let library = Library::load(&[]).map_err(|e| e.to_string())?;
        let tera = render::tera_for(&library).map_err(|e| e.to_string())?;
        lap("library + tera", &mut times);
        let rendered = render::render_pack(&loaded, &library, &tera).map_err(|e| e.to_string())?;
        lap("render (tera, parallel)", &mut times);
        let logo = pack::read_logo(&loaded).map_err(|e| e.to_string())?;
        let info = pack::pack_info(&loaded, &rendered, &Format::ALL, logo);
        for d in &rendered.documents {
            std::hint::black_box(writers::markdown::render_document(d));
        }
        lap("markdown writer", &mut times);
        for d in &rendered.documents {
            std::hint::black_box(writers::html::render_document(d, &info));
        }
        lap("html writer", &mut times);
        for d in &rendered.documents {
            std::hint::black_box(
                writers::docx::render_document(d, &info).map_err(|e| e.to_string())?,
            );
        }
        lap("docx writer", &mut times);
        let mut laid = Vec::new();
        for d in &rendered.documents {
            laid.push(writers::pdf::lay_out(d, &info).map_err(|e| e.to_string())?);
        }
        lap("pdf layout", &mut times);
        let mut pages = Vec::new();
        for (d, l) in rendered.documents.iter().zip(&laid) {
            pages.push(writers::pdf::doc_pages(d, l, &info).map_err(|e| e.to_string())?);
        }
        lap("pdf page streams", &mut times);
        for (d, p) in rendered.documents.iter().zip(&pages) {
            std::hint::black_box(
                writers::pdf::write_document(d, p, &info, None).map_err(|e| e.to_string())?,
            );
        }
        lap("pdf documents (write)", &mut times);
        let page_refs: Vec<_> = pages.iter().collect();
        std::hint::black_box(
            writers::pdf::render_laid_binder(&rendered.documents, &page_refs, &info, None)
                .map_err(|e| e.to_string())?,
        );
        lap("pdf binder (write)", &mut times);
        if round == 0 {
            best = times;
        } else {
            for (b, t) in best.iter_mut().zip(times) {
                b.1 = b.1.min(t.1);
            }
        }
    }
    let total: f64 = best.iter().map(|(_, t)| t).sum();
    println!("{path}: best of {rounds}, ms");
    for (name, t) in &best {
        println!("{name:>26} {t:8.1}  {:5.1} %", t / total * 100.0);
    }
    println!("{:>26} {total:8.1}", "total");
    Ok(())
}
