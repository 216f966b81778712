//! ISO `YYYY-MM-DD` calendar dates, without a date-time crate.
//!
//! The profile keeps dates as strings (see [`super::types::IsoDate`]); the
//! validator uses [`Date::parse`] to reject impossible dates such as
//! `2026-02-30`, and render code uses it for "next review" arithmetic.

use std::fmt;

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("not in the form YYYY-MM-DD")]
    Format,
    #[error("month {0} does not exist")]
    Month(u8),
    #[error("{year:04}-{month:02} has no day {day} (it has {max} days)")]
    Day {
        year: u16,
        month: u8,
        day: u8,
        max: u8,
    },
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Number of days in a month (1-12) of a year.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// Parse `YYYY-MM-DD` exactly (four-digit year, two-digit month and day).
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = b.get(r)?;
            if part.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(part).ok()?.parse().ok()
            } else {
                None
            }
        };
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(DateError::Format);
        }
        let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10))
        else {
            return Err(DateError::Format);
        };
        let (month, day) = (month as u8, day as u8);
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(DateError::Day {
                year,
                month,
                day,
                max,
            });
        }
        Ok(Date { year, month, day })
    }

    /// This date plus `months` calendar months; the day is clamped to the end
    /// of a shorter month (2026-01-31 + 1 month = 2026-02-28).
    pub fn add_months(self, months: u32) -> Date {
        let total = u32::from(self.year) * 12 + u32::from(self.month.saturating_sub(1)) + months;
        let year = u16::try_from(total / 12).unwrap_or(u16::MAX);
        let month = (total % 12) as u8 + 1;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()),
            Ok("2024-02-29".into())
        );
        assert!(matches!(
            Date::parse("2026-02-30"),
            Err(DateError::Day { max: 28, .. })
        ));
        assert_eq!(Date::parse("2026-13-01"), Err(DateError::Month(13)));
        assert_eq!(Date::parse("2026-1-01"), Err(DateError::Format));
        assert_eq!(Date::parse("2026-01-01x"), Err(DateError::Format));
        assert_eq!(Date::parse("２０２６-01-01"), Err(DateError::Format));
    }

    #[test]
    fn adds_months() {
        let d = Date::parse("2026-01-31").unwrap();
        assert_eq!(d.add_months(1).to_string(), "2026-02-28");
        assert_eq!(d.add_months(12).to_string(), "2027-01-31");
        assert_eq!(
            Date::parse("2026-11-15").unwrap().add_months(3).to_string(),
            "2027-02-15"
        );
    }
}
