//! Command line (DESIGN §2): clap definitions, reporting and exit codes.
//! Exit codes: 0 success; 1 invalid input; 2 usage error; 3 `check` found the
//! pack stale or due; 4 an output could not be written; 128 + the signal
//! (130, 143, 129) a build stopped by SIGINT, SIGTERM or SIGHUP. With
//! `--json`, every error is also one JSON object on stdout.

use crate::pack::{self, BuildOptions, Format};
use crate::profile::{self, Loaded};
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// The example profile shipped inside the binary, used by `hicp build` when no
/// profile is given and there is no `./profile.yaml`.
pub const EXAMPLE_PROFILE: &str = include_str!("../profiles/riverbend-clinic.yaml");
pub const EXAMPLE_PROFILE_NAME: &str = "profiles/riverbend-clinic.yaml";

#[derive(Parser, Debug)]
#[command(
    name = "hicp",
    version,
    about = "Turn a YAML profile of a health care organization into its HHS 405(d) HICP cybersecurity policy pack (Markdown, HTML, PDF, Word)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more detail (warnings, per-file lines).
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build each profile's pack into OUT/<slug>/.
    Build(BuildArgs),
    /// Check profiles as `build` would (every value, the documents named,
    /// the templates, the logo), writing nothing; print every problem; exit 1 if any.
    Validate {
        /// Profiles to check (default: ./profile.yaml, as `build` and `check`).
        profiles: Vec<PathBuf>,
        /// Override templates, as given to `build` (repeatable).
        #[arg(long = "templates")]
        templates: Vec<PathBuf>,
        /// Machine-readable report on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Write a commented starter profile.
    Init {
        /// Where to write it: a file path (an existing folder is refused).
        #[arg(default_value = "profile.yaml")]
        path: PathBuf,
        /// Size of the organization, for HICP's sub-practices (small, medium, large).
        #[arg(long, default_value = "small", value_parser = ["small", "medium", "large"])]
        size: String,
        /// Legal name of the organization (the same rules as the profile's
        /// `organization.name`: not blank, at most 1,000 characters, no
        /// control characters).
        #[arg(long, default_value = profile::semantic::STARTER_ORG_NAME)]
        name: String,
        /// Organization type (e.g. primary-care, hospital).
        #[arg(long = "type", default_value = "primary-care")]
        org_type: String,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// The document library: id, title, kind, sub-practices; with a profile, which apply and why.
    List {
        /// Mark which documents apply to this profile, and why.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Template override folder.
        #[arg(long = "templates")]
        templates: Vec<PathBuf>,
        /// Machine-readable list on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Print the profile's JSON Schema.
    Schema,
    /// Exit 3 when a pack is stale, has files edited or deleted, is due for
    /// review, or (with --require-approved) is DRAFT. Writes nothing.
    Check(CheckArgs),
    /// What changes between two profiles or two built packs.
    Diff {
        /// A profile file or a built pack folder.
        old: PathBuf,
        /// A profile file or a built pack folder.
        new: PathBuf,
        /// Also write a redline page to this file.
        #[arg(long)]
        html: Option<PathBuf>,
        /// Exit 3 when there are differences (as `git diff --exit-code`).
        #[arg(long)]
        exit_code: bool,
        /// Template override folder, for a side given as a profile.
        #[arg(long = "templates")]
        templates: Vec<PathBuf>,
        /// Machine-readable report on stdout.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Profiles to build (default: ./profile.yaml, else the bundled example).
    pub profiles: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Formats, comma separated: md,html,pdf,docx.
    #[arg(short, long, value_delimiter = ',', default_value = "md,html,pdf,docx")]
    pub format: Vec<String>,
    /// Template override folder (same id replaces, new id adds).
    #[arg(long = "templates")]
    pub templates: Vec<PathBuf>,
    /// Parallel jobs, 1 to 256 (default: one per core).
    #[arg(short, long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,
    /// Machine-readable report on stdout.
    #[arg(long)]
    pub json: bool,
    /// Rewrite every file even when nothing changed.
    #[arg(long)]
    pub force: bool,
    /// Build only the profiles whose position, in path order and counting
    /// from 0, is K modulo N (for spreading a batch over N CI machines).
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
}

/// The most `-j` accepts. Each job is a thread with its own pack in
/// memory; past the cores, more only adds switching and memory (`-j 1000`
/// took 16 s for a 0.1 s build, `-j 100000` ran out of memory). A fixed
/// number rather than a multiple of this machine's cores, so that one `-j`
/// in a CI file works on every runner.
pub const MAX_JOBS: usize = 256;

fn parse_jobs(s: &str) -> Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("expected a number of jobs, 1 to {MAX_JOBS}, found `{s}`"))?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match n {
        0 => Err(format!(
            "at least 1 job is needed (leave -j out for one per core: {cores} here)"
        )),
        n if n > MAX_JOBS => Err(format!(
            "at most {MAX_JOBS} jobs; this machine has {cores} cores, and more jobs than cores do not build faster"
        )),
        n => Ok(n),
    }
}

/// `--shard K/N`: this machine's share of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The profiles of this shard: every profile whose position in path
    /// order is `index` modulo `count`. Each machine of a matrix sorts the
    /// same list the same way, so the shards never overlap and none is left
    /// out, with no coordination between machines.
    pub fn select(&self, mut profiles: Vec<PathBuf>) -> Vec<PathBuf> {
        profiles.sort();
        profiles.dedup();
        profiles
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index)
            .map(|(_, p)| p)
            .collect()
    }
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("expected K/N, such as 0/4, found `{s}`"))?;
    let k: usize = k
        .trim()
        .parse()
        .map_err(|_| format!("K in K/N must be a number, found `{k}`"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("N in K/N must be a number, found `{n}`"))?;
    if n == 0 {
        return Err("N in K/N must be at least 1".into());
    }
    if k >= n {
        return Err(format!(
            "K counts from 0, so it must be below N: use 0/{n} to {}/{n}",
            n - 1
        ));
    }
    Ok(Shard { index: k, count: n })
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Profiles whose packs to check (default: ./profile.yaml; with neither,
    /// `check` fails rather than pass having checked nothing).
    pub profiles: Vec<PathBuf>,
    /// The folder the packs were built into (`build -o`).
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Template override folder, as given to `build` (repeatable).
    #[arg(long = "templates")]
    pub templates: Vec<PathBuf>,
    /// Report a review due within this many days.
    #[arg(long)]
    pub due_within: Option<u32>,
    /// Fail when the pack is DRAFT.
    #[arg(long)]
    pub require_approved: bool,
    /// Machine-readable report on stdout: the profiles and packs checked,
    /// each finding, and the problems of profiles that could not be checked.
    #[arg(long)]
    pub json: bool,
    /// Check only this shard of the profiles (as `build --shard`).
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
}

/// Entry point: parse arguments, run, map errors to exit codes.
pub fn main() -> ExitCode {
    restore_default_sigpipe();
    // `--json` anywhere before a `--`: known before clap has parsed, so that
    // an argument clap refuses is reported as JSON too.
    let json = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    JSON_REQUESTED.store(json, Ordering::Relaxed);
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            if json && e.use_stderr() {
                // clap's text starts "error: " and goes on with a tip and
                // the usage; its first line says what was wrong.
                let text = e.render().to_string();
                let first = text.lines().next().unwrap_or_default();
                print_json_error(
                    code,
                    first.strip_prefix("error: ").unwrap_or(first),
                    json_map(),
                );
            }
            return ExitCode::from(code);
        }
    };
    // Only `build` leaves anything to clean up when it is stopped: its
    // temporary pack folders (see `interrupt`).
    if matches!(cli.command, Command::Build(_)) {
        interrupt::install();
    }
    let total = crate::timings::span("command");
    let code = run(cli);
    drop(total);
    ExitCode::from(code)
}

/// `hicp schema | head -1` closes our stdout early. That is not a bug in
/// hicp: like `cat`, end quietly on SIGPIPE instead of letting `println!`
/// panic (Rust ignores SIGPIPE by default).
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start, before any other thread exists;
    // SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A panic is a bug in hicp, not the user's fault: say so briefly (and,
/// with `--json`, as the JSON error object on stdout, once).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let loc = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let text = format!(
            "hicp hit an internal error{loc}. Nothing was written. Please report it at \
             https://github.com/hicp-tool/hicp/issues with the command you ran."
        );
        eprintln!("error: {text}");
        if JSON_REQUESTED.swap(false, Ordering::Relaxed) {
            // Rust's exit code for a panic.
            write_stdout_raw(&json_error_line(101, &text, json_map()));
        }
    }));
}

/// `--json` was given and no JSON has been printed yet.
static JSON_REQUESTED: AtomicBool = AtomicBool::new(false);

fn json_map() -> serde_json::Map<String, serde_json::Value> {
    serde_json::Map::new()
}

/// The JSON error object and its newline: `{"error": …, "exit_code": N,
/// "ok": false}` and any `more` keys (`profile`, `problems`).
fn json_error_line(
    code: u8,
    error: &str,
    mut more: serde_json::Map<String, serde_json::Value>,
) -> Vec<u8> {
    more.insert("ok".into(), false.into());
    more.insert("error".into(), error.into());
    more.insert("exit_code".into(), code.into());
    let mut line = serde_json::to_string_pretty(&serde_json::Value::Object(more))
        .unwrap_or_default()
        .into_bytes();
    line.push(b'\n');
    line
}

/// With `--json`, an error that ends a command is one object on stdout, in
/// the shape `build --json` gives a pack it could not write (`ok`, `error`,
/// `exit_code`), with the profile and its problems (as `validate --json`
/// gives them) when a profile is at fault. The same error is still said on
/// stderr, in words, for whoever reads the log.
fn print_json_error(code: u8, error: &str, more: serde_json::Map<String, serde_json::Value>) {
    JSON_REQUESTED.store(false, Ordering::Relaxed);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&json_error_line(code, error, more));
    let _ = out.flush();
}

/// A command's JSON report on stdout: the one JSON value it prints.
fn print_json_report(value: &impl serde::Serialize) {
    JSON_REQUESTED.store(false, Ordering::Relaxed);
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// `bytes` to stdout without Rust's stdout lock, which the thread that
/// panicked or was interrupted may not be able to take.
fn write_stdout_raw(bytes: &[u8]) {
    #[cfg(unix)]
    {
        let mut rest = bytes;
        while !rest.is_empty() {
            // SAFETY: `rest` is valid for `rest.len()` bytes; fd 1 is stdout.
            let n = unsafe { libc::write(1, rest.as_ptr().cast(), rest.len()) };
            if n <= 0 {
                break;
            }
            rest = &rest[n as usize..];
        }
    }
    #[cfg(not(unix))]
    {
        let _ = std::io::stdout().write_all(bytes);
    }
}

/// A failed command's error in one line, for `--json`'s `error`: a
/// profile's problems (given whole in `problems`) are summed up.
fn error_line(e: &pack::BuildError) -> String {
    match e {
        pack::BuildError::Profile(d) => match d.items.as_slice() {
            [one] if one.line > 0 => {
                format!("{}:{}:{}: {}", one.file, one.line, one.column, one.message)
            }
            [one] => format!("{}: {}", one.file, one.message),
            [first, ..] => format!(
                "{}: {} problems (each in `problems`), the first: {}",
                first.file,
                d.items.len(),
                first.message
            ),
            [] => e.to_string(),
        },
        other => other.to_string(),
    }
}

/// `error` for `--json` when the command fails on a profile: the profile
/// and its problems, one object each, as `validate --json` gives them.
fn profile_error_json(
    profile: Option<&str>,
    e: &pack::BuildError,
) -> serde_json::Map<String, serde_json::Value> {
    let mut more = json_map();
    if let Some(p) = profile {
        more.insert("profile".into(), p.into());
    }
    if let pack::BuildError::Profile(d) = e {
        more.insert("problems".into(), problems_json(d));
    }
    more
}

fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn red(s: &str) -> String {
    if color() {
        format!("\x1b[1;31m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// A profile's problems for `--json`: one object each, with its place.
fn problems_json(d: &profile::Diagnostics) -> serde_json::Value {
    d.items
        .iter()
        .map(|i| {
            serde_json::json!({
                "file": i.file, "line": i.line, "column": i.column, "path": i.yaml_path,
                "message": i.message, "expected": i.expected, "found": i.found, "hint": i.hint,
            })
        })
        .collect()
}

/// Whether two profile names given on the command line are one file.
fn same_file(a: &str, b: &str) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn parse_formats(list: &[String]) -> Result<Vec<Format>, String> {
    let mut out = Vec::new();
    for f in list {
        let f = f.trim().to_ascii_lowercase();
        let f = f.as_str();
        match Format::parse(f) {
            Some(x) if !out.contains(&x) => out.push(x),
            Some(_) => {}
            None => {
                let hint = crate::suggest::did_you_mean(f, ["md", "html", "pdf", "docx"])
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown format `{f}`{hint}; formats are md, html, pdf, docx"
                ));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Which profiles a command works on: those given, else ./profile.yaml, else
/// the bundled example.
enum ProfileSource {
    File(PathBuf),
    Example,
}

fn profile_sources(given: &[PathBuf]) -> Vec<ProfileSource> {
    if !given.is_empty() {
        return given.iter().cloned().map(ProfileSource::File).collect();
    }
    if Path::new("profile.yaml").is_file() {
        return vec![ProfileSource::File(PathBuf::from("profile.yaml"))];
    }
    vec![ProfileSource::Example]
}

fn load_source(src: &ProfileSource) -> Result<(Loaded, String), profile::Diagnostics> {
    match src {
        ProfileSource::File(p) => profile::load(p).map(|l| (l, p.display().to_string())),
        ProfileSource::Example => profile::load_str(EXAMPLE_PROFILE_NAME, EXAMPLE_PROFILE)
            .map(|l| (l, EXAMPLE_PROFILE_NAME.to_string())),
    }
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Build(args) => cmd_build(args, cli.quiet, cli.verbose),
        Command::Validate {
            profiles,
            templates,
            json,
        } => cmd_validate(&profiles, &templates, json, cli.quiet),
        Command::Init {
            path,
            size,
            name,
            org_type,
            force,
        } => cmd_init(&path, &size, &name, &org_type, force),
        Command::List {
            profile,
            templates,
            json,
        } => cmd_list(profile.as_deref(), &templates, json),
        Command::Schema => {
            let schema = profile::published_schema();
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            0
        }
        Command::Check(args) => cmd_check(args, cli.verbose),
        Command::Diff {
            old,
            new,
            html,
            exit_code,
            templates,
            json,
        } => cmd_diff(&old, &new, html.as_deref(), exit_code, &templates, json),
    }
}

fn cmd_build(args: BuildArgs, quiet: bool, verbose: bool) -> u8 {
    // `-` is stdout by custom, but a pack is a folder of files.
    if args.out == Path::new("-") {
        return UsageError::PackToStdout.report(args.json);
    }
    let formats = match parse_formats(&args.format) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{} {e}", red("error:"));
            if args.json {
                print_json_error(2, &e, json_map());
            }
            return 2;
        }
    };
    if let Some(j) = args.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(j)
            .build_global();
    }
    // Every pack needs the HICP catalog (to check the profile) and, for
    // PDF, the bundled fonts; each takes milliseconds to parse, once per
    // process. Started now on a worker, they overlap with reading the
    // profile and the templates instead of waiting for the first use.
    rayon::spawn(|| {
        crate::catalog::Catalog::builtin();
    });
    if formats.contains(&Format::Pdf) {
        rayon::spawn(|| {
            let _ = crate::writers::pdf::fonts::fonts();
        });
    }
    let sources = match args.shard {
        Some(shard) => {
            let mine = shard.select(args.profiles.clone());
            if mine.is_empty() {
                if !quiet && !args.json {
                    eprintln!(
                        "shard {}/{}: no profile of the {} given falls in this shard; nothing to build",
                        shard.index,
                        shard.count,
                        args.profiles.len()
                    );
                }
                if args.json {
                    interrupt::finish(|| println!("[]"));
                }
                return 0;
            }
            if verbose {
                eprintln!(
                    "shard {}/{}: building {} of {} profiles",
                    shard.index,
                    shard.count,
                    mine.len(),
                    args.profiles.len()
                );
            }
            mine.into_iter().map(ProfileSource::File).collect()
        }
        None => profile_sources(&args.profiles),
    };
    if matches!(sources.first(), Some(ProfileSource::Example)) && !quiet {
        eprintln!(
            "no profile given and no ./profile.yaml: building the bundled example profile ({EXAMPLE_PROFILE_NAME})"
        );
    }
    let opts = BuildOptions {
        out_dir: args.out.clone(),
        formats: formats.clone(),
        templates: args.templates.clone(),
        force: args.force,
    };
    // Two profiles of one batch that name the same pack folder would each
    // write it, and which pack is left would depend on thread timing. The
    // first in the order given builds; the others fail, naming it. (A pass
    // that only loads: about 1 ms per profile.)
    let same_pack_as: Vec<Option<(String, String)>> = if sources.len() > 1 {
        use rayon::prelude::*;
        let slugs: Vec<Option<(String, String)>> = sources
            .par_iter()
            .map(|src| {
                load_source(src)
                    .ok()
                    .map(|(l, shown)| (pack::pack_slug(&l), shown))
            })
            .collect();
        let mut first: std::collections::BTreeMap<String, String> = Default::default();
        slugs
            .into_iter()
            .map(|claim| {
                let (slug, shown) = claim?;
                match first.get(&slug) {
                    Some(f) => Some((slug, f.clone())),
                    None => {
                        first.insert(slug, shown);
                        None
                    }
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let show_progress =
        sources.len() > 1 && !quiet && !args.json && std::io::stderr().is_terminal();
    let bar = show_progress.then(|| {
        let b = indicatif::ProgressBar::new(sources.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} packs {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let outcomes: Vec<(String, Result<pack::BuildReport, pack::BuildError>)> = {
        use rayon::prelude::*;
        sources
            .par_iter()
            .enumerate()
            .map(|(i, src)| {
                let shown = match src {
                    ProfileSource::File(p) => p.display().to_string(),
                    ProfileSource::Example => EXAMPLE_PROFILE_NAME.to_string(),
                };
                let t = crate::timings::span("load profile");
                let loaded = load_source(src).map_err(pack::BuildError::from);
                drop(t);
                let result = loaded.and_then(|(loaded, shown)| {
                    match same_pack_as.get(i).cloned().flatten() {
                        Some((slug, first)) => Err(pack::BuildError::SamePack {
                            same_file: same_file(&shown, &first),
                            profile: shown,
                            slug,
                            first,
                        }),
                        None => pack::build(&loaded, &opts, &shown),
                    }
                });
                if let Some(b) = &bar {
                    b.inc(1);
                }
                (shown, result)
            })
            .collect()
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut worst = 0u8;
    let mut reports = Vec::new();
    let (mut ok_count, mut failed) = (0usize, 0usize);
    for (shown, result) in outcomes {
        match result {
            Ok(report) => {
                ok_count += 1;
                if !quiet && !args.json {
                    let fmts: Vec<&str> = formats.iter().map(|f| f.as_str()).collect();
                    if report.unchanged {
                        eprintln!(
                            "{}: unchanged, nothing written ({} documents)",
                            report.pack, report.documents
                        );
                    } else {
                        eprintln!(
                            "built {}: {} documents ({}); {} written, {} unchanged, {} removed",
                            report.pack,
                            report.documents,
                            fmts.join(", "),
                            files_phrase(report.files_written),
                            report.files_unchanged,
                            report.files_removed
                        );
                    }
                    if sources.len() == 1 || verbose {
                        eprintln!("  {} {}.", report.size_rule, report.status);
                    }
                    if verbose {
                        for f in &report.written {
                            eprintln!("  written: {f}");
                        }
                        for f in &report.removed {
                            eprintln!("  removed: {f}");
                        }
                    }
                    for w in &report.warnings {
                        eprintln!("  warning: {w}");
                    }
                }
                reports.push(serde_json::json!({"ok": true, "report": report}));
            }
            Err(e) => {
                failed += 1;
                if !args.json {
                    eprintln!("{}", render_error(&e));
                    if matches!(e, pack::BuildError::Write { .. }) && args.out.is_dir() {
                        eprintln!(
                            "the previous pack for {shown}, if there was one, was left as it was"
                        );
                    } else {
                        eprintln!("nothing was written for {shown}");
                    }
                }
                worst = worst.max(e.exit_code());
                let mut entry = serde_json::json!({"ok": false, "profile": shown, "error": e.to_string(), "exit_code": e.exit_code()});
                // A profile's problems, one object each, as `validate --json` gives them.
                if let pack::BuildError::Profile(d) = &e {
                    entry["problems"] = problems_json(d);
                }
                reports.push(entry);
            }
        }
    }
    if sources.len() > 1 && !quiet && !args.json {
        eprintln!("{ok_count} pack(s) built, {failed} failed");
    }
    if args.json {
        interrupt::finish(|| print_json_report(&reports));
    }
    worst
}

fn render_error(e: &pack::BuildError) -> String {
    match e {
        pack::BuildError::Profile(d) => d.to_string(),
        other => format!("{} {other}", red("error:")),
    }
}

fn cmd_validate(profiles: &[PathBuf], templates: &[PathBuf], json: bool, quiet: bool) -> u8 {
    // With no argument, ./profile.yaml, as `build` and `check` read.
    let profiles = match given_or_default(profiles, "validate", "") {
        Ok(p) => p,
        Err(e) => return e.report(json),
    };
    let mut code = 0;
    let mut out = Vec::new();
    for p in &profiles {
        // A profile whose values are right can still fail the build: a
        // document id in `include`/`exclude` that no template has, a
        // template folder or logo that cannot be read, an override template
        // that does not render. So the pack is prepared in memory (Markdown
        // only, nothing written): `validate` passes exactly when `build` would.
        let checked = profile::load(p)
            .map_err(pack::BuildError::from)
            .and_then(|l| {
                let (files, _) =
                    pack::prepare(&l, templates, &[Format::Md], &p.display().to_string())?;
                // No PDF is made here, so what the PDFs could not show is
                // said of the profile values that hold it.
                let mut warnings = files.manifest.warnings;
                warnings.extend(pack::glyph_advice(&l));
                Ok((l, warnings))
            });
        match checked {
            Ok((l, warnings)) => {
                if !quiet && !json {
                    eprintln!("{}: valid ({})", p.display(), l.size_rule);
                    for w in &warnings {
                        eprintln!("  warning: {w}");
                    }
                }
                out.push(serde_json::json!({"profile": p.display().to_string(), "valid": true, "size": crate::render::context::size_str(l.size), "warnings": warnings}));
            }
            Err(pack::BuildError::Profile(d)) => {
                code = 1;
                if !json {
                    eprintln!("{d}");
                    eprintln!("{}: {} problem(s)", p.display(), d.items.len());
                }
                out.push(
                    serde_json::json!({"profile": p.display().to_string(), "valid": false,
                    "problems": problems_json(&d)}),
                );
            }
            Err(e) => {
                code = 1;
                if !json {
                    eprintln!("{} {e}", red("error:"));
                    eprintln!("{}: 1 problem(s)", p.display());
                }
                out.push(
                    serde_json::json!({"profile": p.display().to_string(), "valid": false,
                    "problems": problems_json(&profile::Diagnostics::one(
                        profile::Diagnostic::file_level(p.display().to_string(), e.to_string())))}),
                );
            }
        }
    }
    if json {
        print_json_report(&out);
    }
    code
}

fn cmd_init(path: &Path, size: &str, name: &str, org_type: &str, force: bool) -> u8 {
    use crate::profile::types::{OrgType, Size};
    let size = match size {
        "medium" => Size::Medium,
        "large" => Size::Large,
        _ => Size::Small,
    };
    let t: OrgType = match serde_json::from_value(serde_json::Value::String(org_type.to_string())) {
        Ok(t) => t,
        Err(_) => return UsageError::InitType(org_type.to_string()).report(false),
    };
    // The name is checked as the loader checks `organization.name`: a
    // starter that `validate` then refuses is no starter.
    if let Some(problem) = profile::check::text_problem(name, profile::check::MAX_VALUE_CHARS) {
        use profile::check::TextProblem;
        let hint = match problem {
            TextProblem::Empty { .. } => {
                "give the organization's legal name, e.g. --name \"Riverbend Family Health, P.C.\""
                    .to_string()
            }
            TextProblem::TooLong { max, .. } => format!(
                "shorten it to at most {max} characters: the name is printed on every page of every document"
            ),
            TextProblem::Unshowable { .. } => {
                "delete the character (it often comes with text copied from another program)"
                    .to_string()
            }
        };
        return UsageError::InitName {
            message: problem.message("the name"),
            hint,
        }
        .report(false);
    }
    let text = profile::starter_profile(size, name, t);
    // `-`: the starter on stdout (`hicp init - > clinic.yaml`), and no
    // schema file beside it, since there is no "beside".
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        return match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!(
                    "{} cannot write the starter profile to stdout: {}",
                    red("error:"),
                    crate::io_reason::io_reason(&e)
                );
                4
            }
        };
    }
    // A folder is not a file to write: say which file was probably meant
    // (writing into it silently would put profile.yaml where the user did
    // not say).
    if path.is_dir() {
        return UsageError::InitFolder {
            path: path.display().to_string(),
            suggestion: path.join("profile.yaml").display().to_string(),
        }
        .report(false);
    }
    if path.exists() && !force {
        eprintln!(
            "{} {} already exists; use --force to overwrite it",
            red("error:"),
            path.display()
        );
        return 1;
    }
    match std::fs::write(path, text) {
        Ok(()) => {
            // The starter's first lines point editors at profile.schema.json
            // beside it: write it there unless one is already there.
            let schema_path = path.with_file_name("profile.schema.json");
            let schema =
                serde_json::to_string_pretty(&profile::published_schema()).unwrap_or_default();
            let wrote_schema = !schema_path.exists()
                && std::fs::write(&schema_path, format!("{schema}\n")).is_ok();
            eprintln!(
                "wrote {}{}; edit it, then run `hicp build {}`",
                path.display(),
                if wrote_schema {
                    format!(
                        " and {} (for editors that complete and check keys)",
                        schema_path.display()
                    )
                } else {
                    String::new()
                },
                path.display()
            );
            0
        }
        Err(e) => {
            eprintln!(
                "{} cannot write {}: {}",
                red("error:"),
                path.display(),
                crate::io_reason::io_reason(&e)
            );
            4
        }
    }
}

fn cmd_list(profile_path: Option<&Path>, templates: &[PathBuf], json: bool) -> u8 {
    let shown = profile_path.map(|p| p.display().to_string());
    // Each way `list` fails is the profile's or the templates' (exit 1).
    let fail = |e: pack::BuildError| -> u8 {
        eprintln!("{}", render_error(&e));
        if json {
            print_json_error(
                e.exit_code(),
                &error_line(&e),
                profile_error_json(shown.as_deref(), &e),
            );
        }
        e.exit_code()
    };
    let loaded = match profile_path.map(profile::load).transpose() {
        Ok(l) => l,
        Err(d) => return fail(d.into()),
    };
    let dirs = match &loaded {
        Some(l) => pack::template_dirs(l, templates),
        None => templates.to_vec(),
    };
    let library = match crate::library::Library::load(&dirs) {
        Ok(l) => l,
        Err(e) => return fail(e.into()),
    };
    let selections = match &loaded {
        Some(l) => match crate::render::plan(l, &library) {
            Ok((_, s)) => Some(s),
            Err(e) => return fail(e.into()),
        },
        None => None,
    };
    let catalog = crate::catalog::Catalog::builtin();
    let mut docs: Vec<_> = library.documents.values().collect();
    docs.sort_by(|a, b| (a.front.order, &a.front.id).cmp(&(b.front.order, &b.front.id)));
    let mut rows = Vec::new();
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    for d in docs {
        let practices: Vec<String> = match &loaded {
            Some(l) => d
                .front
                .practices
                .iter()
                .filter(|id| {
                    catalog
                        .subpractice(id)
                        .is_some_and(|sp| crate::catalog::applies(sp.size, l.size))
                })
                .cloned()
                .collect(),
            None => d.front.practices.clone(),
        };
        let sel = selections
            .as_ref()
            .and_then(|s| s.iter().find(|s| s.id == d.front.id));
        if json {
            rows.push(serde_json::json!({"id": d.front.id, "title": d.front.title, "kind": d.front.kind.as_str(),
                "practices": practices, "included": sel.map(|s| s.included), "reason": sel.map(|s| s.reason.clone())}));
        } else {
            let mark = match sel {
                Some(s) if s.included => "+ ",
                Some(_) => "- ",
                None => "",
            };
            let _ = writeln!(
                w,
                "{mark}{:<36} {:<10} {}",
                d.front.id,
                d.front.kind.as_str(),
                d.front.title
            );
            if !practices.is_empty() {
                let _ = writeln!(
                    w,
                    "{}    sub-practices: {}",
                    " ".repeat(mark.len()),
                    practices.join(", ")
                );
            }
            if let Some(s) = sel {
                let _ = writeln!(w, "{}    {}", " ".repeat(mark.len()), s.reason);
            }
        }
    }
    if json {
        drop(w);
        print_json_report(&rows);
    }
    0
}

/// One reason `check` fails, for people (`message`, then `because` and
/// `fix` lines) and for `--json` (`findings`: which profile and pack, what
/// kind, about which document or file, why, and the command that fixes it).
#[derive(serde::Serialize)]
struct Finding {
    profile: String,
    pack: String,
    /// `not-built`, `stale`, `edited`, `missing`, `overdue`, `due` or `draft`.
    kind: &'static str,
    /// The document id or pack file concerned, when there is one.
    subject: Option<String>,
    /// What is wrong, in one line starting with the profile.
    message: String,
    /// Why, one line each: for a stale pack, what changed since it was built
    /// (profile fields by YAML path, templates, hicp version).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    because: Vec<String>,
    /// For a stale pack: each document a rebuild changes, adds or removes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    documents: Vec<StaleDocument>,
    /// The command that brings the pack up to date, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

/// A document of a stale pack: `changed` (with the formats whose files a
/// rebuild changes), `added` or `removed`.
#[derive(serde::Serialize)]
struct StaleDocument {
    id: String,
    change: &'static str,
    formats: Vec<String>,
}

impl Finding {
    fn new(
        profile: &str,
        pack: &Path,
        kind: &'static str,
        subject: Option<&str>,
        message: String,
    ) -> Finding {
        Finding {
            profile: profile.to_string(),
            pack: pack.display().to_string(),
            kind,
            subject: subject.map(str::to_string),
            message,
            because: Vec::new(),
            documents: Vec::new(),
            fix: None,
        }
    }

    fn with_fix(mut self, fix: &str) -> Finding {
        self.fix = Some(fix.to_string());
        self
    }
}

/// Why a command cannot start: each is a usage error (exit 2), said before
/// anything is read or written.
#[derive(Debug, thiserror::Error)]
enum UsageError {
    /// `check` or `validate` given no profile, with no ./profile.yaml: it
    /// used to check the bundled example (or nothing) and exit 0, so a CI
    /// step whose profile list came out empty passed.
    #[error(
        "no profile given and no ./profile.yaml in {dir}: `hicp {command}` has nothing to check\nhint: give the profiles, e.g. `hicp {command} profiles/*.yaml{example}`"
    )]
    NoProfile {
        command: &'static str,
        dir: String,
        example: &'static str,
    },
    /// `SOURCE_DATE_EPOCH` is set but is not a date `check` can use.
    #[error("{0}")]
    Today(#[from] crate::dates::TodayError),
    /// `init --name` that the profile loader would refuse.
    #[error("--name: {message}\nhint: {hint}")]
    InitName { message: String, hint: String },
    /// `init PATH` where PATH is a folder.
    #[error("{path} is a folder; give a file path such as {suggestion}")]
    InitFolder { path: String, suggestion: String },
    /// `init --type` that is not an organization type.
    #[error("unknown organization type `{0}`; run `hicp schema` for the list")]
    InitType(String),
    /// `build -o -`: it made a folder named `-`.
    #[error(
        "-o -: a pack is a folder of files (a page per document and format, and manifest.json), so it cannot be written to stdout\nhint: give the folder to write the pack folders into, e.g. -o out"
    )]
    PackToStdout,
}

impl UsageError {
    fn exit_code(&self) -> u8 {
        2
    }

    /// Print it the way every error is printed (and, with `--json`, as the
    /// JSON error object on stdout), and give its exit code.
    fn report(&self, json: bool) -> u8 {
        let text = self.to_string();
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        eprintln!("{} {first}", red("error:"));
        if !rest.is_empty() {
            eprintln!("{rest}");
        }
        if json {
            let mut more = json_map();
            if let Some(hint) = rest.strip_prefix("hint: ") {
                more.insert("hint".into(), hint.into());
            }
            print_json_error(self.exit_code(), first, more);
        }
        self.exit_code()
    }
}

/// The profiles a command that must not guess works on: those given, else
/// ./profile.yaml; with neither, an error (never the bundled example:
/// checking it says nothing about the user's packs).
fn given_or_default(
    given: &[PathBuf],
    command: &'static str,
    example: &'static str,
) -> Result<Vec<PathBuf>, UsageError> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    if Path::new("profile.yaml").is_file() {
        return Ok(vec![PathBuf::from("profile.yaml")]);
    }
    let dir = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| ".".to_string());
    Err(UsageError::NoProfile {
        command,
        dir,
        example,
    })
}

/// `s` as one shell word, for commands printed to be copied.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./,:=@+".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// "today", "in 1 day", "in 12 days"; "1 day ago", "28 days ago".
/// "1 file", "5 files".
fn files_phrase(n: usize) -> String {
    if n == 1 {
        "1 file".to_string()
    } else {
        format!("{n} files")
    }
}

fn days_phrase(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "in 1 day".to_string(),
        -1 => "1 day ago".to_string(),
        d if d > 0 => format!("in {d} days"),
        d => format!("{} days ago", -d),
    }
}

/// A value for a one-line message: at most 60 characters.
fn short_value(v: Option<&str>) -> String {
    match v {
        None => "(absent)".to_string(),
        Some(v) if v.chars().count() > 60 => {
            format!("{}…", v.chars().take(59).collect::<String>())
        }
        Some(v) => v.to_string(),
    }
}

/// The keys leading to a flattened profile path (`practices.1.S.A.note` →
/// `practices`, `1.S.A`, `note`), up to its first list entry: flattened
/// paths join keys with dots, and some keys hold dots, so each key is the
/// shortest run of parts the merged profile has.
fn field_keys(path: &str, merged: &serde_json::Value) -> Vec<String> {
    let head = path.split('[').next().unwrap_or_default();
    let parts: Vec<&str> = head.split('.').filter(|p| !p.is_empty()).collect();
    let mut keys = Vec::new();
    let mut node = merged;
    let mut i = 0;
    while i < parts.len() {
        let Some(map) = node.as_object() else { break };
        let found = (i + 1..=parts.len()).find_map(|j| {
            let key = parts[i..j].join(".");
            map.get(&key).map(|v| (j, key, v))
        });
        let Some((j, key, v)) = found else { break };
        keys.push(key);
        node = v;
        i = j;
    }
    keys
}

/// What makes a pack stale, as one finding: which documents and files a
/// rebuild changes, and why (the inputs the manifest records and today's
/// differ in). `None` when a rebuild changes nothing.
/// Format names in the order `-f` lists them (md, html, pdf, docx), not
/// alphabetical: the order every other message uses.
fn in_format_order<'a>(names: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut formats: Vec<Format> = names.filter_map(|n| Format::parse(n)).collect();
    formats.sort();
    formats.dedup();
    formats.iter().map(|f| f.as_str().to_string()).collect()
}

fn stale_finding(
    profile: &str,
    dir: &Path,
    old: &pack::Manifest,
    new: &pack::Manifest,
    loaded: &Loaded,
    fix: &str,
) -> Option<Finding> {
    let mut documents = Vec::new();
    for d in &new.documents {
        match old.documents.iter().find(|o| o.id == d.id) {
            None => documents.push(StaleDocument {
                id: d.id.clone(),
                change: "added",
                formats: in_format_order(d.sha256.keys()),
            }),
            Some(o) => {
                let formats = in_format_order(
                    d.sha256
                        .iter()
                        .filter(|(fmt, sha)| o.sha256.get(*fmt) != Some(*sha))
                        .map(|(fmt, _)| fmt),
                );
                if !formats.is_empty() {
                    documents.push(StaleDocument {
                        id: d.id.clone(),
                        change: "changed",
                        formats,
                    });
                }
            }
        }
    }
    for o in &old.documents {
        if !new.documents.iter().any(|d| d.id == o.id) {
            documents.push(StaleDocument {
                id: o.id.clone(),
                change: "removed",
                formats: in_format_order(o.sha256.keys()),
            });
        }
    }
    let mut files: Vec<&str> = new
        .files
        .iter()
        .filter(|(name, f)| old.files.get(*name).map(|o| &o.sha256) != Some(&f.sha256))
        .map(|(_, f)| f.path.as_str())
        .collect();
    files.extend(
        old.files
            .iter()
            .filter(|(name, _)| !new.files.contains_key(*name))
            .map(|(_, f)| f.path.as_str()),
    );
    if documents.is_empty() && files.is_empty() {
        return None;
    }

    // What a rebuild does, in one line.
    let count = |change: &str| documents.iter().filter(|d| d.change == change).count();
    let ids = |change: &str| -> String {
        let ids: Vec<&str> = documents
            .iter()
            .filter(|d| d.change == change)
            .map(|d| d.id.as_str())
            .collect();
        match ids.len() {
            0..=3 => ids.join(", "),
            n => format!("{} and {} more", ids[..3].join(", "), n - 3),
        }
    };
    let formats = in_format_order(
        documents
            .iter()
            .filter(|d| d.change == "changed")
            .flat_map(|d| d.formats.iter()),
    );
    let mut does = Vec::new();
    let changed = count("changed");
    if changed > 0 {
        let of = old.documents.len();
        let noun = if of == 1 { "document" } else { "documents" };
        does.push(format!(
            "changes {changed} of its {of} {noun} ({})",
            formats.join(", ")
        ));
    }
    if count("added") > 0 {
        does.push(format!("adds {}", ids("added")));
    }
    if count("removed") > 0 {
        does.push(format!("removes {}", ids("removed")));
    }
    let mut does = does.join("; ");
    if !files.is_empty() {
        does.push_str(&format!(
            "{}{}",
            if does.is_empty() { "changes " } else { " and " },
            files.join(", ")
        ));
    }
    let message = format!(
        "{profile}: pack {} is stale: a rebuild {does}",
        dir.display()
    );

    // Why: the inputs the manifest records against today's.
    let mut because = Vec::new();
    if old.profile.values.is_null() {
        if old.profile.sha256 != new.profile.sha256 {
            because.push(
                "the profile changed (this pack's manifest does not record the values it was built from, so the fields cannot be named; `hicp diff` with the old profile can)"
                    .to_string(),
            );
        }
    } else {
        let (mut before, mut after) = (Default::default(), Default::default());
        crate::diff::flatten(&old.profile.values, "", &mut before);
        crate::diff::flatten(&loaded.merged, "", &mut after);
        let own_file = loaded.diagnostic_at(&[], None, "").file;
        for f in crate::diff::field_changes(&before, &after) {
            let keys = field_keys(&f.path, &loaded.merged);
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            // A value set in a parent profile (`extends`) is named with its file.
            let at = if f.new.is_some() && !keys.is_empty() {
                let d = loaded.diagnostic_at(&keys, None, "");
                if d.file != own_file && d.line > 0 {
                    format!(" (set in {}:{})", d.file, d.line)
                } else {
                    String::new()
                }
            } else {
                String::new()
            };
            // A list entry added or removed is one change, named by its entry.
            let entry = |v: &str| {
                v.trim_end_matches(" (entry added)")
                    .trim_end_matches(" (entry removed)")
                    .to_string()
            };
            because.push(match (f.old.as_deref(), f.new.as_deref()) {
                (Some(old), Some(new)) => format!(
                    "profile field {} changed: {} → {}{at}",
                    f.path,
                    short_value(Some(old)),
                    short_value(Some(new))
                ),
                (None, new) => format!(
                    "profile field {} added: {}{at}",
                    f.path,
                    short_value(new.map(entry).as_deref())
                ),
                (old, None) => format!(
                    "profile field {} removed (it was {})",
                    f.path,
                    short_value(old.map(entry).as_deref())
                ),
            });
        }
    }
    if old.generator.version != new.generator.version {
        because.push(format!(
            "hicp changed: the pack was built by hicp {}, this is hicp {}",
            old.generator.version, new.generator.version
        ));
    }
    if old.template_pack.sha256 != new.template_pack.sha256 {
        because.push(
            "templates changed: the built-in templates, or the --templates / documents.templates overrides, are not those the pack was built with"
                .to_string(),
        );
    }
    if because.is_empty() {
        because.push(
            "no input the manifest records (profile values, templates, hicp version) changed, yet its files are not what a build gives (was manifest.json edited by hand?)"
                .to_string(),
        );
    }
    let mut finding = Finding::new(profile, dir, "stale", None, message).with_fix(fix);
    finding.because = because;
    finding.documents = documents;
    Some(finding)
}

fn cmd_check(args: CheckArgs, verbose: bool) -> u8 {
    let today = match crate::dates::today() {
        Ok(d) => d,
        Err(e) => return UsageError::from(e).report(args.json),
    };
    let paths = match args.shard {
        Some(shard) => {
            let mine = shard.select(args.profiles.clone());
            if mine.is_empty() && !args.json {
                eprintln!(
                    "shard {}/{}: no profile of the {} given falls in this shard; nothing to check",
                    shard.index,
                    shard.count,
                    args.profiles.len()
                );
            }
            mine
        }
        None => match given_or_default(&args.profiles, "check", " -o packs") {
            Ok(p) => p,
            Err(e) => return e.report(args.json),
        },
    };
    let mut found: Vec<Finding> = Vec::new();
    let mut failed_input = false;
    // Every profile looked at, and its pack: a report that lists none says
    // plainly that nothing was checked.
    let mut checked: Vec<serde_json::Value> = Vec::new();
    // Profiles that could not be checked, one object per problem (as
    // `validate --json` gives them) with the profile it belongs to: a CI job
    // reading the JSON learns why, not only that `ok` is false.
    let mut problems: Vec<serde_json::Value> = Vec::new();
    let mut add_problems = |profile: &str, d: &profile::Diagnostics| {
        if let serde_json::Value::Array(items) = problems_json(d) {
            for mut item in items {
                item["profile"] = serde_json::Value::from(profile);
                problems.push(item);
            }
        }
    };
    for path in &paths {
        let shown = path.display().to_string();
        let loaded = match profile::load(path) {
            Ok(l) => l,
            Err(d) => {
                eprintln!("{d}");
                add_problems(&shown, &d);
                checked.push(serde_json::json!({"profile": shown, "pack": null, "ok": false}));
                failed_input = true;
                continue;
            }
        };
        // Stale means: a rebuild would change a document's files. So the
        // pack is prepared in memory exactly as `build` would (the formats
        // the pack holds, its files reused where their inputs are the same,
        // its revision history carried on) and each output's sha256 is
        // compared with the manifest's. Nothing is written.
        let slug = pack::pack_slug(&loaded);
        let dir = args.out.join(&slug);
        let old = pack::read_manifest(&dir);
        let before = found.len();
        let formats: Vec<Format> = match &old {
            Some(m) => {
                let mut f: Vec<Format> = m
                    .documents
                    .iter()
                    .flat_map(|d| d.outputs.keys())
                    .filter_map(|k| Format::parse(k))
                    .collect();
                f.sort();
                f.dedup();
                if f.is_empty() { vec![Format::Md] } else { f }
            }
            None => vec![Format::Md],
        };
        // The command that brings this pack up to date: the same formats
        // and templates, into the same folder.
        let fix = {
            let mut cmd = format!(
                "hicp build {} -o {}",
                shell_word(&shown),
                shell_word(&args.out.display().to_string())
            );
            let all = [Format::Md, Format::Html, Format::Pdf, Format::Docx];
            if old.is_some() && formats.as_slice() != all.as_slice() {
                let list: Vec<&str> = formats.iter().map(|f| f.as_str()).collect();
                cmd.push_str(&format!(" -f {}", list.join(",")));
            }
            for t in &args.templates {
                cmd.push_str(&format!(
                    " --templates {}",
                    shell_word(&t.display().to_string())
                ));
            }
            cmd
        };
        let (files, info) = match pack::prepare_with(
            &loaded,
            &args.templates,
            &formats,
            &shown,
            Some(args.out.as_path()),
            Some(args.out.as_path()),
        ) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("{}", render_error(&e));
                match &e {
                    pack::BuildError::Profile(d) => add_problems(&shown, d),
                    other => add_problems(
                        &shown,
                        &profile::Diagnostics::one(profile::Diagnostic::file_level(
                            shown.clone(),
                            render_error(other),
                        )),
                    ),
                }
                checked.push(serde_json::json!({"profile": shown, "pack": dir.display().to_string(), "ok": false}));
                failed_input = true;
                continue;
            }
        };
        match &old {
            None => found.push(
                Finding::new(
                    &shown,
                    &dir,
                    "not-built",
                    None,
                    format!(
                        "{shown}: no pack at {} yet (no manifest.json)",
                        dir.display()
                    ),
                )
                .with_fix(&fix),
            ),
            Some(old) => {
                if let Some(stale) =
                    stale_finding(&shown, &dir, old, &files.manifest, &loaded, &fix)
                {
                    found.push(stale);
                }
                // The files on disk are the ones the manifest lists: a file
                // edited by hand or deleted is not the pack that was built.
                for (file, what) in pack::verify_files(&dir, old) {
                    let inside = Path::new(&file)
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)));
                    let missing = inside && !dir.join(&file).exists();
                    let (kind, note) = if missing {
                        ("missing", "; a rebuild restores it")
                    } else {
                        (
                            "edited",
                            "; a rebuild replaces it, and a hand edit is lost (lasting changes belong in template overrides)",
                        )
                    };
                    let text = format!("{shown}: pack {}: {file} {what}{note}", dir.display());
                    found.push(Finding::new(&shown, &dir, kind, Some(&file), text).with_fix(&fix));
                }
            }
        }
        // An overdue review always counts; --due-within also reports one
        // coming within that many days.
        if let Some(next) = crate::dates::Date::parse(&info.next_review) {
            let left = next.to_days() - today.to_days();
            let window = args.due_within.map_or(-1, i64::from);
            for d in &files.manifest.documents {
                if left < 0 {
                    found.push(Finding::new(
                        &shown,
                        &dir,
                        "overdue",
                        Some(&d.id),
                        format!(
                            "{shown}: {} ({}) review overdue since {} ({})",
                            d.id,
                            d.title,
                            info.next_review,
                            days_phrase(left)
                        ),
                    ));
                } else if left <= window {
                    found.push(Finding::new(
                        &shown,
                        &dir,
                        "due",
                        Some(&d.id),
                        format!(
                            "{shown}: {} ({}) review due on {} ({})",
                            d.id,
                            d.title,
                            info.next_review,
                            days_phrase(left)
                        ),
                    ));
                }
            }
        }
        if args.require_approved && !info.approved {
            found.push(Finding::new(
                &shown,
                &dir,
                "draft",
                None,
                format!("{shown}: the pack is DRAFT (documents.approved_by is not set)"),
            ));
        }
        // Approved, but text changed after the version was issued: the
        // approval printed on those documents was given for other text.
        let unapproved: Vec<&str> = files
            .manifest
            .documents
            .iter()
            .filter(|d| d.changed_after_issue)
            .map(|d| d.id.as_str())
            .collect();
        if args.require_approved && info.approved && !unapproved.is_empty() {
            found.push(
                Finding::new(
                    &shown,
                    &dir,
                    "draft",
                    None,
                    format!(
                        "{shown}: {} document(s) changed after version {} was issued and approved ({}): the approval does not cover the new text",
                        unapproved.len(),
                        info.version,
                        unapproved.join(", ")
                    ),
                )
                .with_fix("raise documents.version and effective_date, have the change approved, and set approved_on"),
            );
        }
        checked.push(serde_json::json!({
            "profile": shown,
            "pack": dir.display().to_string(),
            "ok": found.len() == before,
        }));
    }
    let reasons: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
    if args.json {
        print_json_report(&serde_json::json!({
            "ok": reasons.is_empty() && !failed_input,
            "checked": checked,
            "reasons": reasons,
            "findings": found,
            "problems": problems,
        }));
    } else {
        let stdout = std::io::stdout();
        let mut w = stdout.lock();
        for (i, f) in found.iter().enumerate() {
            let _ = writeln!(w, "{}", f.message);
            // Without -v, a long list of changed fields is cut short: the
            // first few say what happened.
            const FEW: usize = 5;
            let shown = if verbose { f.because.len() } else { FEW };
            for b in f.because.iter().take(shown) {
                let _ = writeln!(w, "  because: {b}");
            }
            if f.because.len() > shown {
                let _ = writeln!(
                    w,
                    "  because: {} more changes (-v lists them)",
                    f.because.len() - shown
                );
            }
            if verbose {
                for d in &f.documents {
                    let _ = match d.change {
                        "changed" => writeln!(
                            w,
                            "  document {}: a rebuild changes its {}",
                            d.id,
                            d.formats.join(", ")
                        ),
                        "added" => writeln!(w, "  document {}: a rebuild adds it", d.id),
                        _ => writeln!(w, "  document {}: a rebuild removes it", d.id),
                    };
                }
            }
            // One fix line after the last finding of a pack that it fixes.
            let next_fix = found.get(i + 1).and_then(|n| n.fix.as_ref());
            if let Some(fix) = &f.fix
                && next_fix != Some(fix)
            {
                let _ = writeln!(w, "  fix: run `{fix}`");
            }
        }
    }
    if failed_input {
        1
    } else if reasons.is_empty() {
        0
    } else {
        3
    }
}

fn cmd_diff(
    old: &Path,
    new: &Path,
    html: Option<&Path>,
    exit_code: bool,
    templates: &[PathBuf],
    json: bool,
) -> u8 {
    let sides = crate::diff::load_side(old, templates)
        .and_then(|a| Ok((a, crate::diff::load_side(new, templates)?)));
    let (a, b) = match sides {
        Ok(x) => x,
        Err(crate::diff::DiffError::Build(e)) => {
            eprintln!("{}", render_error(&e));
            if json {
                print_json_error(e.exit_code(), &error_line(&e), profile_error_json(None, &e));
            }
            return e.exit_code();
        }
        Err(e) => {
            eprintln!("{} {e}", red("error:"));
            if json {
                print_json_error(e.exit_code(), &e.to_string(), json_map());
            }
            return e.exit_code();
        }
    };
    let report = crate::diff::compare(&a, &b);
    // The redline page first: with --json, a page that cannot be written is
    // the one JSON value printed, not a second one after the report.
    if let Some(path) = html
        && let Err(e) = std::fs::write(path, crate::diff::render_html(&report))
    {
        let text = format!(
            "cannot write {}: {}",
            path.display(),
            crate::io_reason::io_reason(&e)
        );
        eprintln!("{} {text}", red("error:"));
        if json {
            print_json_error(4, &text, json_map());
        }
        return 4;
    }
    if json {
        print_json_report(&report);
    } else {
        print!("{}", crate::diff::render_text(&report));
    }
    if exit_code && !report.is_empty() {
        3
    } else {
        0
    }
}

/// Stopping a build cleanly on Ctrl-C (SIGINT), SIGTERM or SIGHUP.
///
/// A build writes each pack into a temporary folder beside the old one
/// (`OUT/.<slug>.tmp-<pid>`, up to tens of megabytes) and swaps it in by
/// rename. Killed, it left that folder behind until the next build of the
/// pack. With `install`, the signals are taken by one thread of their own,
/// which removes every temporary folder and file the process made, says so,
/// and exits 128 + the signal's number (130 for SIGINT, 143 for SIGTERM,
/// 129 for SIGHUP). A signal the process was started with ignored (`nohup`)
/// stays ignored.
///
/// The pack writer (`pack::write`) makes each change that must not be cut
/// in half a `step`: creating a temporary folder or file (and `track`ing
/// it), swapping a pack into place, removing a folder it tracks. An
/// interruption waits for the step in progress, then holds every later step
/// back until the process has exited: the pack folder is always the old
/// pack or the new one, never neither, and no temporary folder is made after
/// the clean-up looked. Writing files inside a temporary folder is not a
/// step (it would make Ctrl-C wait for a whole pack): a file written into a
/// folder being removed fails, or is removed with it.
pub mod interrupt {
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, RwLock};

    /// Shared by each step; taken exclusively, and kept, by the interruption.
    static STEP: RwLock<()> = RwLock::new(());
    /// Temporary folders and files this process made and has not removed.
    static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    /// Run `f` as one step: an interruption waits for it to end, and once
    /// an interruption has begun, `f` never runs (the thread waits for the
    /// process to exit). Steps do not nest.
    pub fn step<T>(f: impl FnOnce() -> T) -> T {
        let _shared = STEP.read().unwrap_or_else(|e| e.into_inner());
        f()
    }

    /// `path`, about to be created in this step, is removed if the build is
    /// interrupted before `untrack`.
    pub fn track(path: &Path) {
        let mut t = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
        t.push(path.to_path_buf());
    }

    /// `path` is gone, or is no longer temporary (it was swapped into place).
    pub fn untrack(path: &Path) {
        let mut t = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
        t.retain(|p| p != path);
    }

    /// Run `f` as the last step: an interruption after it has begun finds
    /// nothing to undo and prints no JSON of its own (the report on stdout
    /// is the one JSON value; `f` prints it).
    pub fn finish<T>(f: impl FnOnce() -> T) -> T {
        step(|| {
            super::JSON_REQUESTED.store(false, std::sync::atomic::Ordering::Relaxed);
            f()
        })
    }

    #[cfg(unix)]
    const SIGNALS: [(libc::c_int, &str); 3] = [
        (libc::SIGINT, "SIGINT"),
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGHUP, "SIGHUP"),
    ];

    /// Take SIGINT, SIGTERM and SIGHUP on a thread of their own. Call it
    /// before any other thread starts: threads inherit the blocked signals,
    /// so only that thread ever receives them.
    #[cfg(unix)]
    pub fn install() {
        // SAFETY: plain libc calls on zeroed, then initialised, sigset_t and
        // sigaction values that live on this stack frame.
        let set = unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            let mut any = false;
            for (sig, _) in SIGNALS {
                let mut old: libc::sigaction = std::mem::zeroed();
                let ignored = libc::sigaction(sig, std::ptr::null(), &mut old) == 0
                    && old.sa_sigaction == libc::SIG_IGN;
                if !ignored {
                    libc::sigaddset(&mut set, sig);
                    any = true;
                }
            }
            if !any || libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
                return;
            }
            set
        };
        let watcher = std::thread::Builder::new()
            .name("hicp-signals".into())
            .stack_size(256 * 1024)
            .spawn(move || {
                loop {
                    let mut sig: libc::c_int = 0;
                    // SAFETY: `set` is an initialised signal set; `sig` is writable.
                    if unsafe { libc::sigwait(&set, &mut sig) } == 0 {
                        end(sig);
                    }
                }
            });
        if watcher.is_err() {
            // No thread to take them: let the signals end the process as before.
            // SAFETY: as above.
            unsafe {
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            }
        }
    }

    #[cfg(not(unix))]
    pub fn install() {}

    /// Wait for the step in progress, remove what is tracked, say so, exit.
    #[cfg(unix)]
    fn end(sig: libc::c_int) -> ! {
        let _all = STEP.write().unwrap_or_else(|e| e.into_inner());
        let temps = TEMPS.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for path in &temps {
            remove(path);
        }
        let name = SIGNALS
            .iter()
            .find(|(s, _)| *s == sig)
            .map_or("a signal", |(_, n)| n);
        let code = (128 + sig) as u8;
        let text = format!(
            "interrupted by {name}: no unfinished pack is left behind; each pack folder holds its previous pack, or the new one where that was already in place"
        );
        eprintln!("{} {text}", super::red("error:"));
        if super::JSON_REQUESTED.swap(false, std::sync::atomic::Ordering::Relaxed) {
            super::write_stdout_raw(&super::json_error_line(code, &text, super::json_map()));
        }
        // Not `process::exit`: that flushes stdout, whose lock another
        // thread may hold; there is nothing left to flush that matters.
        // SAFETY: `_exit` ends the process at once, which is the intent.
        unsafe { libc::_exit(i32::from(code)) }
    }

    /// Remove a temporary folder or file. Other threads may still be
    /// writing into it (their next write fails once its folder is gone), so
    /// a folder that is not empty yet is tried again.
    #[cfg(unix)]
    fn remove(path: &Path) {
        for _ in 0..200 {
            let Ok(meta) = std::fs::symlink_metadata(path) else {
                return;
            };
            let _ = if meta.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
            if std::fs::symlink_metadata(path).is_err() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
