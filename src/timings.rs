//! Stage timings for performance work: `HICP_TIMINGS=1 hicp build …` prints,
//! on stderr, how long each stage of each pack took. Off by default and
//! costs one relaxed atomic load per stage when off; the output is for a
//! person profiling, never part of a pack.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

/// When the first span of the process was opened: spans print their start
/// relative to it, so overlapping stages show as a timeline.
static EPOCH: OnceLock<Instant> = OnceLock::new();

static STATE: AtomicU8 = AtomicU8::new(0); // 0 unknown, 1 off, 2 on

fn enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        1 => false,
        2 => true,
        _ => {
            let on = std::env::var_os("HICP_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0");
            STATE.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
    }
}

/// Prints `name: N.N ms` on stderr when dropped, if timings are on.
pub struct Span {
    name: &'static str,
    started: Option<Instant>,
}

/// Time from now until the returned guard is dropped.
pub fn span(name: &'static str) -> Span {
    let started = enabled().then(Instant::now);
    if let Some(t) = started {
        EPOCH.get_or_init(|| t);
    }
    Span { name, started }
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some(t) = self.started {
            let from = EPOCH.get().map_or(0.0, |e| (t - *e).as_secs_f64() * 1e3);
            eprintln!(
                "timing {:<28} {:>8.2} ms  (at {:>6.2} ms)",
                self.name,
                t.elapsed().as_secs_f64() * 1e3,
                from
            );
        }
    }
}
