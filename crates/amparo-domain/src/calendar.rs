//! Business days as US immigration deadlines count them: weekends, the eleven federal holidays of
//! 5 U.S.C. 6103(a) on their observed dates, and (for an organisation's own targets) its closure days.

use std::sync::OnceLock;

use chrono::{NaiveDate, Weekday};

use crate::date::Date;
use crate::event::ServedBy;

/// Days added to a period that runs from a notice served by mail (8 CFR 103.8(b)).
pub const MAILING_DAYS: i64 = 3;

/// The years for which observed holidays are precomputed; other years are computed on demand.
pub const CACHED_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// One of the eleven holidays of 5 U.S.C. 6103(a).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holiday {
    NewYearsDay,
    MartinLutherKingJrDay,
    WashingtonsBirthday,
    MemorialDay,
    Juneteenth,
    IndependenceDay,
    LaborDay,
    ColumbusDay,
    VeteransDay,
    Thanksgiving,
    Christmas,
}

impl Holiday {
    pub const ALL: [Holiday; 11] = [
        Holiday::NewYearsDay,
        Holiday::MartinLutherKingJrDay,
        Holiday::WashingtonsBirthday,
        Holiday::MemorialDay,
        Holiday::Juneteenth,
        Holiday::IndependenceDay,
        Holiday::LaborDay,
        Holiday::ColumbusDay,
        Holiday::VeteransDay,
        Holiday::Thanksgiving,
        Holiday::Christmas,
    ];

    /// A stable, language-neutral name (`thanksgiving`); [`crate::words::holiday_name`] says it.
    pub fn code(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "new_years_day",
            Holiday::MartinLutherKingJrDay => "mlk_day",
            Holiday::WashingtonsBirthday => "washingtons_birthday",
            Holiday::MemorialDay => "memorial_day",
            Holiday::Juneteenth => "juneteenth",
            Holiday::IndependenceDay => "independence_day",
            Holiday::LaborDay => "labor_day",
            Holiday::ColumbusDay => "columbus_day",
            Holiday::VeteransDay => "veterans_day",
            Holiday::Thanksgiving => "thanksgiving",
            Holiday::Christmas => "christmas",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "New Year's Day",
            Holiday::MartinLutherKingJrDay => "Martin Luther King Jr. Day",
            Holiday::WashingtonsBirthday => "Washington's Birthday",
            Holiday::MemorialDay => "Memorial Day",
            Holiday::Juneteenth => "Juneteenth National Independence Day",
            Holiday::IndependenceDay => "Independence Day",
            Holiday::LaborDay => "Labor Day",
            Holiday::ColumbusDay => "Columbus Day",
            Holiday::VeteransDay => "Veterans Day",
            Holiday::Thanksgiving => "Thanksgiving Day",
            Holiday::Christmas => "Christmas Day",
        }
    }

    /// The calendar date of the holiday in `year`, before applying the weekend observance rule;
    /// `None` for Juneteenth before it became a holiday in 2021.
    pub fn actual_date(self, year: i32) -> Option<Date> {
        let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day);
        let nth = |month, weekday, n| NaiveDate::from_weekday_of_month_opt(year, month, weekday, n);
        let date = match self {
            Holiday::NewYearsDay => fixed(1, 1),
            Holiday::MartinLutherKingJrDay => nth(1, Weekday::Mon, 3),
            Holiday::WashingtonsBirthday => nth(2, Weekday::Mon, 3),
            // The fifth Monday when May has one, else the fourth.
            Holiday::MemorialDay => nth(5, Weekday::Mon, 5).or_else(|| nth(5, Weekday::Mon, 4)),
            Holiday::Juneteenth if year < 2021 => None,
            Holiday::Juneteenth => fixed(6, 19),
            Holiday::IndependenceDay => fixed(7, 4),
            Holiday::LaborDay => nth(9, Weekday::Mon, 1),
            Holiday::ColumbusDay => nth(10, Weekday::Mon, 2),
            Holiday::VeteransDay => fixed(11, 11),
            Holiday::Thanksgiving => nth(11, Weekday::Thu, 4),
            Holiday::Christmas => fixed(12, 25),
        };
        date.map(Date::from)
    }
}

/// A holiday of one year with the day federal offices actually close for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObservedHoliday {
    pub holiday: Holiday,
    pub actual: Date,
    /// Saturday moves to the Friday before (possibly into the previous year), Sunday to the Monday after.
    pub observed: Date,
}

/// The observed date of a holiday falling on `actual`.
pub fn observed_date(actual: Date) -> Date {
    match actual.weekday() {
        Weekday::Sat => actual.add_days(-1),
        Weekday::Sun => actual.add_days(1),
        _ => actual,
    }
}

/// The federal holidays of `year`, in calendar order. An observed date may fall in the year before
/// (New Year's Day on a Saturday is observed on 31 December).
pub fn federal_holidays(year: i32) -> Vec<ObservedHoliday> {
    Holiday::ALL
        .into_iter()
        .filter_map(|holiday| {
            holiday.actual_date(year).map(|actual| ObservedHoliday {
                holiday,
                actual,
                observed: observed_date(actual),
            })
        })
        .collect()
}

/// The holiday federal offices observe on `date`, if any (computed, not cached).
fn compute_holiday_on(date: Date) -> Option<Holiday> {
    // Only the holidays of this year and New Year's Day of the next can be observed on a date.
    let this_year =
        Holiday::ALL.into_iter().find(|h| h.actual_date(date.year()).map(observed_date) == Some(date));
    this_year.or_else(|| {
        let next = Holiday::NewYearsDay.actual_date(date.year() + 1).map(observed_date);
        (next == Some(date)).then_some(Holiday::NewYearsDay)
    })
}

/// One bit per day of the year (by ordinal), set on observed holidays.
type YearBits = [u64; 6];

fn holiday_bits() -> &'static [YearBits] {
    static BITS: OnceLock<Vec<YearBits>> = OnceLock::new();
    BITS.get_or_init(|| {
        CACHED_YEARS
            .map(|year| {
                let mut bits = [0u64; 6];
                let mut mark = |date: Date| {
                    if date.year() == year {
                        let ordinal = date.ordinal0() as usize;
                        bits[ordinal / 64] |= 1 << (ordinal % 64);
                    }
                };
                for holiday in federal_holidays(year) {
                    mark(holiday.observed);
                }
                if let Some(next) = Holiday::NewYearsDay.actual_date(year + 1) {
                    mark(observed_date(next));
                }
                bits
            })
            .collect()
    })
}

/// Whether federal offices are closed for a holiday on `date`.
pub fn is_federal_holiday(date: Date) -> bool {
    let year = date.year();
    if CACHED_YEARS.contains(&year) {
        let index = (year - CACHED_YEARS.start()) as usize;
        let ordinal = date.ordinal0() as usize;
        holiday_bits().get(index).is_some_and(|bits| bits[ordinal / 64] & (1 << (ordinal % 64)) != 0)
    } else {
        compute_holiday_on(date).is_some()
    }
}

/// Which holiday federal offices observe on `date`.
pub fn federal_holiday_on(date: Date) -> Option<Holiday> {
    if is_federal_holiday(date) { compute_holiday_on(date) } else { None }
}

/// Why a day is not a business day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonBusinessDay {
    Saturday,
    Sunday,
    Holiday(Holiday),
    /// A day the organisation closes beyond the federal holidays.
    Closure,
}

impl NonBusinessDay {
    /// A language-neutral code, kept in stored facts and read back with [`NonBusinessDay::from_code`]:
    /// `saturday`, `sunday`, `closure`, `holiday.thanksgiving`.
    pub fn code(self) -> String {
        match self {
            NonBusinessDay::Saturday => "saturday".to_owned(),
            NonBusinessDay::Sunday => "sunday".to_owned(),
            NonBusinessDay::Closure => "closure".to_owned(),
            NonBusinessDay::Holiday(h) => format!("holiday.{}", h.code()),
        }
    }

    pub fn from_code(code: &str) -> Option<NonBusinessDay> {
        match code {
            "saturday" => Some(NonBusinessDay::Saturday),
            "sunday" => Some(NonBusinessDay::Sunday),
            "closure" => Some(NonBusinessDay::Closure),
            _ => {
                let code = code.strip_prefix("holiday.")?;
                Holiday::ALL.into_iter().find(|h| h.code() == code).map(NonBusinessDay::Holiday)
            }
        }
    }

    /// A phrase for a *why*: "a Saturday", "Memorial Day (a federal holiday)".
    pub fn describe(self) -> String {
        match self {
            NonBusinessDay::Saturday => "a Saturday".to_owned(),
            NonBusinessDay::Sunday => "a Sunday".to_owned(),
            NonBusinessDay::Holiday(h) => format!("{} (a federal holiday, as observed)", h.name()),
            NonBusinessDay::Closure => "an office closure day".to_owned(),
        }
    }
}

/// The federal calendar plus an organisation's closure days.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Sorted, without duplicates, so membership is a binary search.
    closures: Vec<Date>,
}

impl Calendar {
    /// Weekends and federal holidays only: the calendar legal deadlines roll on.
    pub fn federal() -> Self {
        Calendar { closures: Vec::new() }
    }

    /// The federal calendar plus the organisation's own closure days.
    pub fn with_closures(closures: impl IntoIterator<Item = Date>) -> Self {
        let mut closures: Vec<Date> = closures.into_iter().collect();
        closures.sort_unstable();
        closures.dedup();
        Calendar { closures }
    }

    pub fn closures(&self) -> &[Date] {
        &self.closures
    }

    pub fn is_closure(&self, date: Date) -> bool {
        !self.closures.is_empty() && self.closures.binary_search(&date).is_ok()
    }

    /// Why `date` is not a business day, or `None` when it is one.
    pub fn non_business_reason(&self, date: Date) -> Option<NonBusinessDay> {
        match date.weekday() {
            Weekday::Sat => Some(NonBusinessDay::Saturday),
            Weekday::Sun => Some(NonBusinessDay::Sunday),
            _ => {
                if let Some(holiday) = federal_holiday_on(date) {
                    Some(NonBusinessDay::Holiday(holiday))
                } else if self.is_closure(date) {
                    Some(NonBusinessDay::Closure)
                } else {
                    None
                }
            }
        }
    }

    pub fn is_business_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && !is_federal_holiday(date)
            && !self.is_closure(date)
    }

    /// `date` if it is a business day, else the next one (8 CFR 1.2 for legal deadlines).
    pub fn roll_forward(&self, date: Date) -> Date {
        self.roll(date, 1)
    }

    /// `date` if it is a business day, else the one before (for targets: filing early is safe).
    pub fn roll_back(&self, date: Date) -> Date {
        self.roll(date, -1)
    }

    fn roll(&self, date: Date, step: i64) -> Date {
        // A run of closed days is at most a long weekend plus the closure days, so this bound is never
        // reached on real dates; it only stops a loop at the edge of the representable calendar.
        let limit = self.closures.len() + 16;
        let mut current = date;
        for _ in 0..limit {
            if self.is_business_day(current) {
                return current;
            }
            current = current.add_days(step);
        }
        current
    }
}

/// The extra days a period gets because its notice was served by `served_by` (8 CFR 103.8(b)).
pub fn mailing_days(served_by: ServedBy) -> i64 {
    if served_by == ServedBy::Mail { MAILING_DAYS } else { 0 }
}

/// The last day of a `days`-long period running from a notice served on `served_on`, mailing days
/// included, before rolling.
pub fn period_end(served_on: Date, days: i64, served_by: ServedBy) -> Date {
    served_on.add_days(days + mailing_days(served_by))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn new_year_on_saturday_is_observed_the_year_before() {
        assert!(is_federal_holiday(d("2021-12-31")));
        assert_eq!(federal_holiday_on(d("2021-12-31")), Some(Holiday::NewYearsDay));
        assert!(!is_federal_holiday(d("2022-01-01")));
        let observed = federal_holidays(2022);
        assert_eq!(observed[0].observed, d("2021-12-31"));
        assert_eq!(observed[0].actual, d("2022-01-01"));
        // Outside the cached range the same rule holds.
        assert!(is_federal_holiday(d("2110-12-31")) == (d("2111-01-01").weekday() == Weekday::Sat));
    }

    #[test]
    fn known_observed_dates() {
        for text in [
            "2026-01-01",
            "2026-01-19",
            "2026-02-16",
            "2026-05-25",
            "2026-06-19",
            "2026-07-03",
            "2026-09-07",
            "2026-10-12",
            "2026-11-11",
            "2026-11-26",
            "2026-12-25",
            "2021-06-18",
            "2023-01-02",
            "2027-12-24",
            "2027-12-31",
        ] {
            assert!(is_federal_holiday(d(text)), "{text}");
        }
        for text in ["2026-07-04", "2020-06-19", "2019-06-19", "2026-12-24", "2023-01-01"] {
            assert!(!is_federal_holiday(d(text)), "{text}");
        }
    }

    #[test]
    fn juneteenth_only_from_2021() {
        assert!(federal_holidays(2020).iter().all(|h| h.holiday != Holiday::Juneteenth));
        assert_eq!(federal_holidays(2020).len(), 10);
        assert_eq!(federal_holidays(2021).len(), 11);
    }

    #[test]
    fn rolls_over_weekends_holidays_and_closures() {
        let federal = Calendar::federal();
        // Saturday 2026-07-04 is observed Friday 07-03; forward goes to Monday 07-06.
        assert_eq!(federal.roll_forward(d("2026-07-04")), d("2026-07-06"));
        assert_eq!(federal.roll_back(d("2026-07-04")), d("2026-07-02"));
        assert_eq!(federal.roll_forward(d("2026-05-07")), d("2026-05-07"));
        let office = Calendar::with_closures([d("2026-07-06"), d("2026-07-02"), d("2026-07-06")]);
        assert_eq!(office.closures().len(), 2);
        assert_eq!(office.roll_forward(d("2026-07-04")), d("2026-07-07"));
        assert_eq!(office.roll_back(d("2026-07-04")), d("2026-07-01"));
        assert_eq!(office.non_business_reason(d("2026-07-02")), Some(NonBusinessDay::Closure));
        assert_eq!(
            office.non_business_reason(d("2026-07-03")),
            Some(NonBusinessDay::Holiday(Holiday::IndependenceDay))
        );
    }

    #[test]
    fn mail_adds_three_days() {
        assert_eq!(period_end(d("2026-02-09"), 84, ServedBy::Mail), d("2026-05-07"));
        assert_eq!(period_end(d("2026-02-09"), 84, ServedBy::Personal), d("2026-05-04"));
        assert_eq!(mailing_days(ServedBy::Email), 0);
    }
}
