//! hicp: a YAML profile of a health care organization in, its HHS 405(d) HICP
//! cybersecurity policy pack out (Markdown, HTML, PDF).
//!
//! One module per pipeline stage (DESIGN §1): [`profile`] → [`render`] (with
//! [`library`] and [`catalog`]) → [`writers`] → [`pack`]; [`cli`] holds the
//! command line and exit codes.

pub mod blocks;
pub mod catalog;
pub mod cli;
pub mod dates;
pub mod diff;
pub mod io_reason;
pub mod library;
pub mod model;
pub mod pack;
pub mod profile;
pub mod render;
pub mod revision;
pub mod suggest;
pub mod timings;
pub mod writers;
