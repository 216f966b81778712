//! Markdown → HTML for many files in one process, the way hicp's HTML writer
//! parses them (pulldown-cmark with [`hicp::writers::markdown_options`]).
//!
//! It exists so `scripts/bench.sh` can set hicp's Markdown stage beside
//! `cmark-gfm FILE...` on the same files, both as one whole process, without
//! the rest of a build (templates, PDF, files on disk) in the figure.
//!
//!     cargo run --release --example md2html -- OUT.html FILE.md...
//!
//! Writes the HTML fragments of all files, in the order given, to OUT.html
//! (`-` for standard output).

use std::io::Write;
use std::process::ExitCode;

/// Why a run failed, with the file it concerns.
#[derive(Debug, thiserror::Error)]
enum Md2HtmlError {
    #[error("usage: md2html OUT.html FILE.md...")]
    Usage,
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

fn run() -> Result<(), Md2HtmlError> {
    let mut args = std::env::args().skip(1);
    let out_path = args.next().ok_or(Md2HtmlError::Usage)?;
    let inputs: Vec<String> = args.collect();
    if inputs.is_empty() {
        return Err(Md2HtmlError::Usage);
    }
    let mut html = String::new();
    for path in &inputs {
        let text = std::fs::read_to_string(path).map_err(|source| Md2HtmlError::Read {
            path: path.clone(),
            source,
        })?;
        let parser = pulldown_cmark::Parser::new_ext(&text, hicp::writers::markdown_options());
        pulldown_cmark::html::push_html(&mut html, parser);
    }
    let write_err = |source| Md2HtmlError::Write {
        path: out_path.clone(),
        source,
    };
    if out_path == "-" {
        std::io::stdout()
            .lock()
            .write_all(html.as_bytes())
            .map_err(write_err)
    } else {
        std::fs::write(&out_path, html.as_bytes()).map_err(write_err)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("md2html: {e}");
            ExitCode::from(if matches!(e, Md2HtmlError::Usage) {
                2
            } else {
                1
            })
        }
    }
}
