//! Small pieces of plain language shared by the triage texts, in English and Spanish.

use std::borrow::Borrow;

use crate::case::Language;
use crate::date::Date;
use crate::words::date_in_words;

/// A day as Spanish prose writes it, "5 de diciembre de 2026", never ISO next to Spanish words.
pub(crate) fn fecha(date: impl Borrow<Date>) -> String {
    date_in_words(Language::Es, *date.borrow())
}

/// "1 day", "12 days".
pub(crate) fn days_en(n: i64) -> String {
    if n.abs() == 1 { format!("{n} day") } else { format!("{n} days") }
}

/// "1 día", "12 días".
pub(crate) fn days_es(n: i64) -> String {
    if n.abs() == 1 { format!("{n} día") } else { format!("{n} días") }
}

/// When `date` falls relative to `today`: "in 12 days", "today", "3 days ago".
pub(crate) fn when_en(today: Date, date: Date) -> String {
    let delta = today.days_until(date);
    match delta {
        0 => "today".to_owned(),
        d if d > 0 => format!("in {}", days_en(d)),
        d => format!("{} ago", days_en(-d)),
    }
}

/// When `date` falls relative to `today`: "en 12 días", "hoy", "hace 3 días".
pub(crate) fn when_es(today: Date, date: Date) -> String {
    let delta = today.days_until(date);
    match delta {
        0 => "hoy".to_owned(),
        d if d > 0 => format!("en {}", days_es(d)),
        d => format!("hace {}", days_es(-d)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_days_in_both_languages() {
        let today = Date::from_ymd(2026, 3, 1).unwrap();
        assert_eq!(when_en(today, today.add_days(1)), "in 1 day");
        assert_eq!(when_es(today, today.add_days(12)), "en 12 días");
        assert_eq!(when_en(today, today), "today");
        assert_eq!(when_es(today, today), "hoy");
        assert_eq!(when_en(today, today.add_days(-3)), "3 days ago");
        assert_eq!(when_es(today, today.add_days(-1)), "hace 1 día");
    }
}
