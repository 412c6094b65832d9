//! Citizenship as the intake form takes it: a two-letter country code typed in any case (`mx` is
//! read as `MX`), with a list of the countries families most often come from offered as suggestions
//! (any other ISO 3166-1 alpha-2 code is accepted as typed).

use amparo_domain::Language;

/// Codes offered as suggestions, with their names in English and Spanish.
const SUGGESTED: [(&str, &str, &str); 30] = [
    ("AF", "Afghanistan", "Afganistán"),
    ("AR", "Argentina", "Argentina"),
    ("BO", "Bolivia", "Bolivia"),
    ("BR", "Brazil", "Brasil"),
    ("CL", "Chile", "Chile"),
    ("CM", "Cameroon", "Camerún"),
    ("CN", "China", "China"),
    ("CO", "Colombia", "Colombia"),
    ("CR", "Costa Rica", "Costa Rica"),
    ("CU", "Cuba", "Cuba"),
    ("DO", "Dominican Republic", "República Dominicana"),
    ("EC", "Ecuador", "Ecuador"),
    ("ER", "Eritrea", "Eritrea"),
    ("GT", "Guatemala", "Guatemala"),
    ("HN", "Honduras", "Honduras"),
    ("HT", "Haiti", "Haití"),
    ("IN", "India", "India"),
    ("IR", "Iran", "Irán"),
    ("MX", "Mexico", "México"),
    ("NI", "Nicaragua", "Nicaragua"),
    ("PA", "Panama", "Panamá"),
    ("PE", "Peru", "Perú"),
    ("PH", "Philippines", "Filipinas"),
    ("RU", "Russia", "Rusia"),
    ("SO", "Somalia", "Somalia"),
    ("SV", "El Salvador", "El Salvador"),
    ("SY", "Syria", "Siria"),
    ("UA", "Ukraine", "Ucrania"),
    ("VE", "Venezuela", "Venezuela"),
    ("YE", "Yemen", "Yemen"),
];

/// A suggestion of the datalist: the code the form sends and the country's name.
pub struct CountryChoice {
    pub code: &'static str,
    pub name: &'static str,
}

/// The suggested countries, named in `language`, in the order of their codes.
pub fn suggestions(language: Language) -> Vec<CountryChoice> {
    SUGGESTED
        .iter()
        .map(|&(code, en, es)| CountryChoice { code, name: if language == Language::Es { es } else { en } })
        .collect()
}

/// The code as the case file writes it: two letters trimmed and upper-cased (`" mx "` is `MX`);
/// anything else is left as typed, for the format's own check to refuse quoting what was typed.
pub fn normalised(typed: &str) -> String {
    let trimmed = typed.trim();
    if trimmed.len() == 2 && trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
        trimmed.to_ascii_uppercase()
    } else {
        typed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_cased_and_suggestions_are_valid_codes_in_order() {
        assert_eq!(normalised(" mx "), "MX");
        assert_eq!(normalised("Gt"), "GT");
        assert_eq!(normalised("mex"), "mex", "left as typed for the format to refuse");
        assert_eq!(normalised("Honduras"), "Honduras");
        let codes: Vec<&str> = suggestions(Language::En).iter().map(|c| c.code).collect();
        assert!(codes.is_sorted(), "{codes:?}");
        for code in codes {
            assert!(amparo_domain::identifiers::CountryCode::parse(code).is_ok(), "{code}");
        }
        assert_eq!(suggestions(Language::Es)[18].name, "México");
    }
}
