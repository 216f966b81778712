//! Dates in profiles are checked with the crate's one calendar implementation
//! ([`crate::dates`]); this module keeps the profile stage's names for it.

pub use crate::dates::{Date, DateError, days_in_month};
