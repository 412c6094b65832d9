//! How the domain's values read in each language: calendar days in words, holiday names, the ways a
//! notice is served. One place, so the web pages, the family letter, the terminal and every *why*
//! write a date the same way ("November 23, 2026", "23 de noviembre de 2026").

use crate::calendar::{Holiday, NonBusinessDay};
use crate::case::Language;
use crate::date::Date;
use crate::event::ServedBy;

const MONTHS_EN: [&str; 12] = [
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

// Spanish writes month names in lower case.
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// The name of `month` (1 to 12; anything else wraps rather than panics).
pub fn month_name(language: Language, month: u32) -> &'static str {
    let index = (month as usize).saturating_sub(1) % 12;
    match language {
        Language::En => MONTHS_EN[index],
        Language::Es => MONTHS_ES[index],
    }
}

/// A calendar day in words: "November 23, 2026", "23 de noviembre de 2026".
pub fn date_in_words(language: Language, date: Date) -> String {
    let month = month_name(language, date.month());
    match language {
        Language::En => format!("{month} {}, {}", date.day(), date.year()),
        Language::Es => format!("{} de {month} de {}", date.day(), date.year()),
    }
}

/// The month and year: "November 2026", "noviembre de 2026".
pub fn month_year(language: Language, year: i32, month: u32) -> String {
    let name = month_name(language, month);
    match language {
        Language::En => format!("{name} {year}"),
        Language::Es => format!("{name} de {year}"),
    }
}

/// A holiday's name. The Spanish names are the ones U.S. federal agencies use in Spanish.
pub fn holiday_name(language: Language, holiday: Holiday) -> &'static str {
    if language == Language::En {
        return holiday.name();
    }
    match holiday {
        Holiday::NewYearsDay => "Día de Año Nuevo",
        Holiday::MartinLutherKingJrDay => "Día de Martin Luther King Jr.",
        Holiday::WashingtonsBirthday => "Natalicio de Washington",
        Holiday::MemorialDay => "Día de los Caídos (Memorial Day)",
        Holiday::Juneteenth => "Día Nacional de la Independencia del 19 de Junio (Juneteenth)",
        Holiday::IndependenceDay => "Día de la Independencia",
        Holiday::LaborDay => "Día del Trabajo",
        Holiday::ColumbusDay => "Día de Colón",
        Holiday::VeteransDay => "Día de los Veteranos",
        Holiday::Thanksgiving => "Día de Acción de Gracias",
        Holiday::Christmas => "Día de Navidad",
    }
}

/// Why a day is closed, as a *why* says it: "a Saturday", "un sábado".
pub fn non_business_day(language: Language, day: NonBusinessDay) -> String {
    match language {
        Language::En => day.describe(),
        Language::Es => match day {
            NonBusinessDay::Saturday => "un sábado".to_owned(),
            NonBusinessDay::Sunday => "un domingo".to_owned(),
            NonBusinessDay::Holiday(h) => {
                format!("{} (feriado federal, en su fecha de observancia)", holiday_name(language, h))
            }
            NonBusinessDay::Closure => "un día de cierre de la oficina".to_owned(),
        },
    }
}

/// How a notice was served, as a *why* says it ("served by mail", "notificado por correo postal").
pub fn served_by(language: Language, served: ServedBy) -> &'static str {
    match language {
        Language::En => served.as_str(),
        Language::Es => match served {
            ServedBy::Mail => "correo postal",
            ServedBy::Email => "correo electrónico",
            ServedBy::Personal => "entrega en persona",
            ServedBy::Online => "la cuenta en línea de USCIS",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_the_language_way() {
        let day: Date = "2026-11-23".parse().unwrap();
        assert_eq!(date_in_words(Language::En, day), "November 23, 2026");
        assert_eq!(date_in_words(Language::Es, day), "23 de noviembre de 2026");
        assert_eq!(month_year(Language::Es, 2026, 1), "enero de 2026");
        assert_eq!(holiday_name(Language::Es, Holiday::Thanksgiving), "Día de Acción de Gracias");
    }
}
