//! An organisation's time zone: the IANA name it is set by, the calendar day it is there at an
//! instant ("today" for deadlines, reminders and the daily pass), and the local time of day pages
//! print with the zone's abbreviation.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone as _, Utc};
use chrono_tz::Tz;

use crate::{Date, Problem};

/// What a time-zone field expects, named in the refusal of anything else.
pub const EXPECTED: &str = "an IANA time zone name such as America/Los_Angeles";

/// An IANA time zone (`America/Los_Angeles`, `UTC`). Small and `Copy`, so views carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeZone(Tz);

impl TimeZone {
    /// Coordinated Universal Time: the zone of an organisation that set none.
    pub const UTC: TimeZone = TimeZone(Tz::UTC);

    /// The zone named `name` (an exact IANA name), or a problem naming what a zone looks like.
    pub fn parse(name: &str) -> Result<TimeZone, Problem> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Problem::Required);
        }
        Tz::from_str(name)
            .map(TimeZone)
            .map_err(|_| Problem::WrongFormat { expected: EXPECTED.to_owned(), found: name.to_owned() })
    }

    /// The IANA name, as stored.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The calendar day it is in this zone at `at`.
    pub fn today(self, at: DateTime<Utc>) -> Date {
        Date::from(at.with_timezone(&self.0).date_naive())
    }

    /// The wall-clock date and time in this zone at `at`, and the zone's abbreviation then
    /// (`PST`, `PDT`, `UTC`; a zone without one gives its offset, such as `-03`).
    pub fn local(self, at: DateTime<Utc>) -> (NaiveDateTime, String) {
        let local = at.with_timezone(&self.0);
        (local.naive_local(), local.offset().to_string())
    }

    /// `at` as RFC 3339 to the second, with this zone's offset then (`2026-12-05T19:00:00-08:00`;
    /// `Z` in UTC): for files read by programs, such as CSV downloads.
    pub fn rfc3339(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// The instant a calendar day begins in this zone (midnight, or the first moment after a gap).
    pub fn start_of(self, day: Date) -> DateTime<Utc> {
        let midnight = day.as_naive().and_time(chrono::NaiveTime::MIN);
        match self.0.from_local_datetime(&midnight) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            // No zone skips a whole day: a gap at midnight ends within hours; take UTC's offset then.
            chrono::LocalResult::None => {
                let offset = self.0.offset_from_utc_datetime(&midnight).fix();
                DateTime::<Utc>::from_naive_utc_and_offset(midnight - offset, Utc)
            }
        }
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        TimeZone::UTC
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }

    #[test]
    fn the_day_is_the_zones_calendar_day() {
        let la = TimeZone::parse("America/Los_Angeles");
        assert_eq!(la.map(|z| z.today(at("2026-12-06T03:00:00Z")).to_string()), Ok("2026-12-05".into()));
        assert_eq!(TimeZone::UTC.today(at("2026-12-06T03:00:00Z")).to_string(), "2026-12-06");
    }

    #[test]
    fn local_time_carries_the_abbreviation_in_force() {
        let Ok(la) = TimeZone::parse("America/Los_Angeles") else { panic!("a known zone") };
        let (winter, abbr) = la.local(at("2026-12-06T03:00:00Z"));
        assert_eq!((winter.to_string().as_str(), abbr.as_str()), ("2026-12-05 19:00:00", "PST"));
        assert_eq!(la.local(at("2026-07-01T12:00:00Z")).1, "PDT");
    }

    #[test]
    fn rfc3339_carries_the_offset_and_z_in_utc() {
        let Ok(la) = TimeZone::parse("America/Los_Angeles") else { panic!("a known zone") };
        assert_eq!(la.rfc3339(at("2026-12-06T03:00:00Z")), "2026-12-05T19:00:00-08:00");
        assert_eq!(TimeZone::UTC.rfc3339(at("2026-12-06T03:00:00Z")), "2026-12-06T03:00:00Z");
    }

    #[test]
    fn unknown_and_blank_names_are_refused_with_what_is_expected() {
        assert_eq!(TimeZone::parse(" "), Err(Problem::Required));
        assert!(matches!(
            TimeZone::parse("Mars/Olympus"),
            Err(Problem::WrongFormat { expected, found }) if expected == EXPECTED && found == "Mars/Olympus"
        ));
    }

    #[test]
    fn a_day_starts_at_the_zones_midnight() {
        let Ok(la) = TimeZone::parse("America/Los_Angeles") else { panic!("a known zone") };
        let Ok(day) = "2026-12-05".parse::<Date>() else { panic!("a date") };
        assert_eq!(la.start_of(day), at("2026-12-05T08:00:00Z"));
    }
}
