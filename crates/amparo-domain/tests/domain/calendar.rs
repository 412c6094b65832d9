//! The business-day calendar against properties and an independent, day-by-day reading of
//! 5 U.S.C. 6103(a).

use std::collections::BTreeSet;

use amparo_domain::Date;
use amparo_domain::calendar::{Calendar, federal_holidays, is_federal_holiday};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use proptest::prelude::*;

/// Whether a holiday of 6103(a) falls on this very day, before any observance rule, written as
/// predicates on the day rather than by constructing dates.
fn is_actual_holiday(d: NaiveDate) -> bool {
    let (m, day, wd) = (d.month(), d.day(), d.weekday());
    let nth = (day - 1) / 7 + 1;
    let last_in_month = (d + Duration::days(7)).month() != m;
    (m == 1 && day == 1)
        || (m == 1 && wd == Weekday::Mon && nth == 3)
        || (m == 2 && wd == Weekday::Mon && nth == 3)
        || (m == 5 && wd == Weekday::Mon && last_in_month)
        || (m == 6 && day == 19 && d.year() >= 2021)
        || (m == 7 && day == 4)
        || (m == 9 && wd == Weekday::Mon && nth == 1)
        || (m == 10 && wd == Weekday::Mon && nth == 2)
        || (m == 11 && day == 11)
        || (m == 11 && wd == Weekday::Thu && nth == 4)
        || (m == 12 && day == 25)
}

/// Federal offices are closed for a holiday on `d`: the holiday itself on a weekday, or a Friday whose
/// Saturday is one, or a Monday whose Sunday is one.
fn is_observed_holiday(d: NaiveDate) -> bool {
    match d.weekday() {
        Weekday::Sat | Weekday::Sun => false,
        Weekday::Fri => is_actual_holiday(d) || is_actual_holiday(d + Duration::days(1)),
        Weekday::Mon => is_actual_holiday(d) || is_actual_holiday(d - Duration::days(1)),
        _ => is_actual_holiday(d),
    }
}

#[test]
fn holidays_1990_to_2100_match_a_day_by_day_reading() {
    let mut day = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2100, 12, 31).unwrap();
    let mut count = 0;
    while day <= last {
        let expected = is_observed_holiday(day);
        assert_eq!(is_federal_holiday(Date::from(day)), expected, "{day}");
        count += usize::from(expected);
        day += Duration::days(1);
    }
    // Ten holidays a year to 2020, eleven after, none lost to a weekend; plus New Year's Day 2101, a
    // Saturday observed on 2100-12-31.
    assert_eq!(count, 31 * 10 + 80 * 11 + 1);
}

#[test]
fn each_years_list_matches_the_day_by_day_reading() {
    for year in 1990..=2100 {
        let listed: BTreeSet<NaiveDate> =
            federal_holidays(year).iter().map(|h| h.observed.as_naive()).collect();
        // A year's holidays are the closed days of the year, except a 31 December that closes for the
        // next year's New Year's Day, plus the 31 December before when this year's closes for it.
        let mut scanned = BTreeSet::new();
        let mut day = NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap();
        while day.year() <= year {
            let new_years_eve = day.month() == 12 && day.day() == 31;
            let for_next_year = new_years_eve && is_actual_holiday(day + Duration::days(1));
            let belongs = if day.year() < year { for_next_year } else { !for_next_year };
            if is_observed_holiday(day) && belongs {
                scanned.insert(day);
            }
            day += Duration::days(1);
        }
        assert_eq!(listed, scanned, "{year}");
        for holiday in federal_holidays(year) {
            assert!(is_actual_holiday(holiday.actual.as_naive()), "{year} {:?}", holiday.holiday);
        }
    }
}

fn any_date() -> impl Strategy<Value = Date> {
    (0i64..(111 * 366)).prop_map(|offset| Date::from_ymd(1990, 1, 1).unwrap().add_days(offset))
}

fn any_calendar() -> impl Strategy<Value = Calendar> {
    prop::collection::vec(any_date(), 0..40).prop_map(Calendar::with_closures)
}

fn is_weekday_open(calendar: &Calendar, date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
        && !is_observed_holiday(date.as_naive())
        && !calendar.closures().contains(&date)
}

proptest! {
    #[test]
    fn rolling_forward_lands_on_the_first_business_day_on_or_after(date in any_date(), calendar in any_calendar()) {
        let rolled = calendar.roll_forward(date);
        prop_assert!(rolled >= date);
        prop_assert!(calendar.is_business_day(rolled));
        prop_assert!(is_weekday_open(&calendar, rolled));
        prop_assert_eq!(calendar.roll_forward(rolled), rolled);
        let mut day = date;
        while day < rolled {
            prop_assert!(!calendar.is_business_day(day), "skipped business day {}", day);
            day = day.add_days(1);
        }
    }

    #[test]
    fn rolling_back_lands_on_the_last_business_day_on_or_before(date in any_date(), calendar in any_calendar()) {
        let rolled = calendar.roll_back(date);
        prop_assert!(rolled <= date);
        prop_assert!(calendar.is_business_day(rolled));
        prop_assert!(is_weekday_open(&calendar, rolled));
        prop_assert_eq!(calendar.roll_back(rolled), rolled);
        let mut day = date;
        while day > rolled {
            prop_assert!(!calendar.is_business_day(day), "skipped business day {}", day);
            day = day.add_days(-1);
        }
    }

    #[test]
    fn a_business_day_never_moves(date in any_date()) {
        let calendar = Calendar::federal();
        prop_assert_eq!(calendar.is_business_day(date), is_weekday_open(&calendar, date));
        if calendar.is_business_day(date) {
            prop_assert_eq!(calendar.roll_forward(date), date);
            prop_assert_eq!(calendar.roll_back(date), date);
        }
    }

    #[test]
    fn closures_only_ever_push_further(date in any_date(), calendar in any_calendar()) {
        let federal = Calendar::federal();
        prop_assert!(calendar.roll_forward(date) >= federal.roll_forward(date));
        prop_assert!(calendar.roll_back(date) <= federal.roll_back(date));
    }
}
