//! Calendar dates without a clock: the pack's dates come from the profile (or
//! `SOURCE_DATE_EPOCH`), never from the machine, so builds are reproducible.

use std::fmt;

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Why a string is not a date (for diagnostics).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("not in the form YYYY-MM-DD")]
    Format,
    #[error("month {0} does not exist")]
    Month(u32),
    #[error("year {0} is outside 1900–2999")]
    Year(i32),
    #[error("{year:04}-{month:02} has no day {day} (it has {max} days)")]
    Day {
        year: i32,
        month: u32,
        day: u32,
        max: u32,
    },
}

impl Date {
    /// Parse strict ISO `YYYY-MM-DD`; `None` when malformed or not a real date.
    pub fn parse(s: &str) -> Option<Date> {
        Date::check(s).ok()
    }

    /// Parse strict ISO `YYYY-MM-DD`, saying why a string is not a real date.
    pub fn check(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Format);
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10))
        else {
            return Err(DateError::Format);
        };
        let year = year as i32;
        // Policy dates: earlier or later years are typing mistakes, and
        // 9999-12-31 plus a retention period would need a fifth digit.
        if !(1900..=2999).contains(&year) {
            return Err(DateError::Year(year));
        }
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

    /// Add calendar months, clamping the day to the month's length
    /// (2026-01-31 + 1 month = 2026-02-28).
    pub fn add_months(self, months: u32) -> Date {
        let total = self.year as i64 * 12 + (self.month as i64 - 1) + months as i64;
        let year = (total / 12) as i32;
        let month = (total % 12) as u32 + 1;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// Add whole days.
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    /// "February 1, 2026".
    pub fn long(self) -> String {
        let name = MONTHS
            .get((self.month as usize).wrapping_sub(1))
            .copied()
            .unwrap_or("");
        format!("{name} {}, {}", self.day, self.year)
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn to_days(self) -> i64 {
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    pub fn from_days(z: i64) -> Date {
        let z = z + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Date {
            year: (y + if m <= 2 { 1 } else { 0 }) as i32,
            month: m,
            day: d,
        }
    }

    /// The date of a Unix timestamp (UTC), for `SOURCE_DATE_EPOCH`.
    pub fn from_unix(secs: i64) -> Date {
        Date::from_days(secs.div_euclid(86_400))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Why `SOURCE_DATE_EPOCH` cannot be used as "today".
///
/// It is an error, not a fallback to the clock: a CI job pins the date to
/// test what `check` says on a given day (an overdue review, say), and a
/// value it cannot read would quietly test today instead and pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TodayError {
    #[error(
        "SOURCE_DATE_EPOCH is `{value}`, which is not a whole number of seconds since 1970-01-01 (UTC); \
         give seconds such as 1780272000 (2026-06-01), or unset it to use today's date"
    )]
    NotSeconds { value: String },
    #[error(
        "SOURCE_DATE_EPOCH is `{value}`, which is {date}; hicp's dates are in the years 1900 to 2999"
    )]
    OutOfRange { value: String, date: String },
}

/// The date `SOURCE_DATE_EPOCH` names: `Ok(None)` when it is not set (or
/// set to nothing, as `SOURCE_DATE_EPOCH= hicp …` does), an error when it
/// is set to anything but a whole number of seconds (the reproducible-builds
/// specification: an integer; `2027-03-01`, `1801958400.5`, `abc` are not).
pub fn source_date_epoch(value: Option<&str>) -> Result<Option<Date>, TodayError> {
    let Some(raw) = value else { return Ok(None) };
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let not_seconds = || TodayError::NotSeconds {
        value: raw.to_string(),
    };
    if !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_seconds());
    }
    let secs: i64 = v.parse().map_err(|_| not_seconds())?;
    // Whole days only from here on, so no arithmetic can overflow: 3000-01-01
    // is day 376,200 and anything past it is refused before it is a Date.
    let days = secs.div_euclid(86_400);
    const DAY_3000: i64 = 376_200;
    if days >= DAY_3000 {
        return Err(TodayError::OutOfRange {
            value: raw.to_string(),
            date: "after 2999-12-31".to_string(),
        });
    }
    Ok(Some(Date::from_days(days)))
}

/// "Today" for commands that compare against a date (`check --due-within`):
/// `SOURCE_DATE_EPOCH` when set, else the system clock. Never used for content.
pub fn today() -> Result<Date, TodayError> {
    let pinned = std::env::var_os("SOURCE_DATE_EPOCH");
    // A value that is not Unicode cannot be digits either.
    let pinned = pinned.map(|v| v.to_string_lossy().into_owned());
    if let Some(date) = source_date_epoch(pinned.as_deref())? {
        return Ok(date);
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Ok(Date::from_unix(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rejects_impossible_dates() {
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("2026-2-1").is_none());
        assert!(Date::parse("0000-01-01").is_none());
        assert!(Date::parse("9999-12-31").is_none());
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
    }

    #[test]
    fn month_arithmetic_clamps() {
        let d = Date::parse("2026-01-31").unwrap();
        assert_eq!(d.add_months(1).to_string(), "2026-02-28");
        assert_eq!(d.add_months(12).to_string(), "2027-01-31");
        assert_eq!(d.add_months(72).to_string(), "2032-01-31");
    }

    #[test]
    fn day_roundtrip() {
        let d = Date::parse("2026-11-28").unwrap();
        assert_eq!(Date::from_days(d.to_days()), d);
        assert_eq!(Date::from_unix(0).to_string(), "1970-01-01");
        assert_eq!(d.long(), "November 28, 2026");
    }

    #[test]
    fn source_date_epoch_is_seconds_or_an_error() {
        assert_eq!(source_date_epoch(None), Ok(None));
        assert_eq!(source_date_epoch(Some("")), Ok(None));
        assert_eq!(
            source_date_epoch(Some("1780272000")).map(|d| d.map(|d| d.to_string())),
            Ok(Some("2026-06-01".to_string()))
        );
        for bad in ["2027-03-01", "1801958400.5", "abc", "-5", "+5", "1e9"] {
            assert!(
                matches!(
                    source_date_epoch(Some(bad)),
                    Err(TodayError::NotSeconds { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            source_date_epoch(Some("99999999999999999")),
            Err(TodayError::OutOfRange { .. })
        ));
        assert!(matches!(
            source_date_epoch(Some("999999999999999999999999")),
            Err(TodayError::NotSeconds { .. })
        ));
        // The first second of 3000 is refused, the last of 2999 is not.
        assert!(source_date_epoch(Some("32503680000")).is_err());
        assert_eq!(
            source_date_epoch(Some("32503679999")).map(|d| d.map(|d| d.to_string())),
            Ok(Some("2999-12-31".to_string()))
        );
    }
}
