//! Calendar dates as the law uses them: a day, no time, no zone.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date written `YYYY-MM-DD` in every file, URL and database column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

/// The text given was not an ISO calendar date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date: {0:?}")]
pub struct NotADate(pub String);

impl Date {
    /// A date from its parts; `None` when no such day exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    pub fn month(self) -> u32 {
        self.0.month()
    }

    pub fn day(self) -> u32 {
        self.0.day()
    }

    pub fn weekday(self) -> Weekday {
        self.0.weekday()
    }

    /// The day of the year counted from 0 (1 January is 0).
    pub fn ordinal0(self) -> u32 {
        self.0.ordinal0()
    }

    /// Appends `YYYY-MM-DD` to `out` without going through a formatter: the rules engine writes many
    /// dates into its explanations.
    pub fn push_iso(self, out: &mut String) {
        let year = self.year();
        if (0..=9999).contains(&year) {
            let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
            let y = year as u32;
            out.extend([digit(y / 1000), digit(y / 100), digit(y / 10), digit(y), '-']);
            out.extend([digit(self.month() / 10), digit(self.month()), '-']);
            out.extend([digit(self.day() / 10), digit(self.day())]);
        } else {
            out.push_str(&self.to_string());
        }
    }

    /// The date `days` later (earlier when negative). Saturates at the calendar's ends, which no legal
    /// date comes near.
    pub fn add_days(self, days: i64) -> Self {
        self.0.checked_add_signed(chrono::Duration::days(days)).map(Date).unwrap_or(self)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        (later.0 - self.0).num_days()
    }

    /// The same day of the month `years` later; 29 February becomes 28 February in a common year.
    pub fn add_years(self, years: i32) -> Self {
        let year = self.year() + years;
        Date::from_ymd(year, self.month(), self.day())
            .or_else(|| Date::from_ymd(year, self.month(), 28))
            .unwrap_or(self)
    }

    pub fn as_naive(self) -> NaiveDate {
        self.0
    }
}

impl From<NaiveDate> for Date {
    fn from(value: NaiveDate) -> Self {
        Date(value)
    }
}

impl FromStr for Date {
    type Err = NotADate;

    /// Only the strict `YYYY-MM-DD` form: `2026-1-5` or `2026-01-05T00:00` are refused so that a
    /// date never means two things.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shaped {
            return Err(NotADate(text.to_owned()));
        }
        // The shape is checked, so the fields are plain digits: read them as numbers rather than
        // through chrono's strftime parser, which showed up in import profiles.
        let number = |range: std::ops::Range<usize>| {
            bytes[range].iter().fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'))
        };
        let year = i32::try_from(number(0..4)).map_err(|_| NotADate(text.to_owned()))?;
        NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))
            .map(Date)
            .ok_or_else(|| NotADate(text.to_owned()))
    }
}

impl fmt::Display for Date {
    /// Plain integer formatting: chrono's strftime parser showed up in import profiles.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if (0..=9999).contains(&self.year()) {
            write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%d"))
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_strict_iso_dates() {
        assert_eq!("2024-02-29".parse::<Date>().map(|d| d.day()), Ok(29));
        for bad in ["2023-02-29", "2026-13-01", "2026-1-05", "2026-01-05T00:00", "", "20260105"] {
            assert_eq!(bad.parse::<Date>(), Err(NotADate(bad.to_owned())), "{bad}");
        }
    }

    #[test]
    fn parses_every_field_as_written() {
        for text in ["0000-01-01", "0999-01-09", "1999-12-31", "2024-02-29", "9999-12-31"] {
            let date: Date = text.parse().unwrap();
            assert_eq!(date.to_string(), text);
        }
        for bad in ["2026-00-10", "2026-04-31", "2026-04-00", "2026-02-30"] {
            assert_eq!(bad.parse::<Date>(), Err(NotADate(bad.to_owned())), "{bad}");
        }
    }

    #[test]
    fn adds_days_and_years_across_leap_days() {
        let leap = Date::from_ymd(2024, 2, 29).unwrap();
        assert_eq!(leap.add_days(1).to_string(), "2024-03-01");
        assert_eq!(leap.add_years(1).to_string(), "2025-02-28");
        assert_eq!(leap.add_years(4).to_string(), "2028-02-29");
        assert_eq!(leap.days_until(leap.add_days(-30)), -30);
    }

    #[test]
    fn pushes_iso_text_like_display() {
        for text in ["2024-02-29", "0999-01-09", "2100-12-31"] {
            let date: Date = text.parse().unwrap();
            let mut out = String::from(">");
            date.push_iso(&mut out);
            assert_eq!(out, format!(">{text}"));
            assert_eq!(out[1..], date.to_string());
        }
    }
}
