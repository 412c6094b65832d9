//! The family's languages: the family letter's texts in the languages the families of
//! case-by-case parole read — Haitian Creole, Ukrainian, Russian, Dari, Pashto, Portuguese and
//! French (`locales/{tag}/family.ftl`) — beside English and Spanish (the notices' own catalogues).
//! Staff pages stay in English and Spanish; these catalogues hold only what a family reads.
//!
//! Each catalogue names its reviewer on a `# reviewed-by:` line. Until a qualified translator has
//! reviewed it (`none`), a letter in that language prints the English text beside it and says so.

use amparo_domain::{CaseFile, Date, Language, PersonRole};
use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;

use crate::letter::{LetterWords, StaffWords};
use crate::texts::{Arg, Texts, TextsError};

/// A language a family letter can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FamilyLanguage {
    En,
    Es,
    Ht,
    Uk,
    Ru,
    Prs,
    Ps,
    Pt,
    Fr,
}

/// The family catalogues, compiled in.
const CATALOGUES: [(FamilyLanguage, &str); 7] = [
    (FamilyLanguage::Ht, include_str!("../locales/ht/family.ftl")),
    (FamilyLanguage::Uk, include_str!("../locales/uk/family.ftl")),
    (FamilyLanguage::Ru, include_str!("../locales/ru/family.ftl")),
    (FamilyLanguage::Prs, include_str!("../locales/prs/family.ftl")),
    (FamilyLanguage::Ps, include_str!("../locales/ps/family.ftl")),
    (FamilyLanguage::Pt, include_str!("../locales/pt/family.ftl")),
    (FamilyLanguage::Fr, include_str!("../locales/fr/family.ftl")),
];

impl FamilyLanguage {
    pub const ALL: [FamilyLanguage; 9] = [
        FamilyLanguage::En,
        FamilyLanguage::Es,
        FamilyLanguage::Ht,
        FamilyLanguage::Uk,
        FamilyLanguage::Ru,
        FamilyLanguage::Prs,
        FamilyLanguage::Ps,
        FamilyLanguage::Pt,
        FamilyLanguage::Fr,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FamilyLanguage::En => "en",
            FamilyLanguage::Es => "es",
            FamilyLanguage::Ht => "ht",
            FamilyLanguage::Uk => "uk",
            FamilyLanguage::Ru => "ru",
            FamilyLanguage::Prs => "prs",
            FamilyLanguage::Ps => "ps",
            FamilyLanguage::Pt => "pt",
            FamilyLanguage::Fr => "fr",
        }
    }

    /// The language of a BCP 47 tag by its primary subtag (`pt-BR` is Portuguese); Afghan Persian
    /// written `fa-AF` is Dari.
    pub fn parse(tag: &str) -> Option<FamilyLanguage> {
        let lower = tag.to_ascii_lowercase();
        if lower == "fa-af" {
            return Some(FamilyLanguage::Prs);
        }
        let primary = lower.split('-').next().unwrap_or_default();
        FamilyLanguage::ALL.into_iter().find(|l| l.as_str() == primary)
    }

    /// Whether the language is written right to left (Dari, Pashto).
    pub fn rtl(self) -> bool {
        matches!(self, FamilyLanguage::Prs | FamilyLanguage::Ps)
    }

    /// The staff language it is, if it is one.
    pub fn staff(self) -> Option<Language> {
        match self {
            FamilyLanguage::En => Some(Language::En),
            FamilyLanguage::Es => Some(Language::Es),
            _ => None,
        }
    }

    /// The family's language: the patient's, else the first one given on the case that Amparo has
    /// texts in.
    pub fn of_case(file: &CaseFile) -> Option<FamilyLanguage> {
        let people = &file.case.people;
        let parsed =
            |p: &amparo_domain::Person| FamilyLanguage::parse(p.preferred_language.as_ref()?.as_str());
        people
            .iter()
            .find(|p| p.role == PersonRole::Patient)
            .and_then(parsed)
            .or_else(|| people.iter().find_map(parsed))
    }
}

struct Catalogue {
    language: FamilyLanguage,
    bundle: FluentBundle<FluentResource>,
    reviewed_by: Option<String>,
}

/// The family languages' catalogues beside the notices' English and Spanish.
pub struct FamilyTexts {
    catalogues: Vec<Catalogue>,
}

impl std::fmt::Debug for FamilyTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FamilyTexts")
    }
}

/// The reviewer a catalogue names: `None` for `none`; an error when the line is missing.
fn reviewed_by(language: FamilyLanguage, source: &str) -> Result<Option<String>, TextsError> {
    let line = source.lines().find_map(|l| l.strip_prefix("# reviewed-by:")).ok_or(TextsError::Bundle {
        language: language.as_str(),
        detail: "the catalogue has no `# reviewed-by:` line".into(),
    })?;
    let reviewer = line.trim();
    Ok((!reviewer.is_empty() && reviewer != "none").then(|| reviewer.to_owned()))
}

fn catalogue(language: FamilyLanguage, source: &str) -> Result<Catalogue, TextsError> {
    let bundle = crate::texts::bundle_named(language.as_str(), source)?;
    Ok(Catalogue { language, bundle, reviewed_by: reviewed_by(language, source)? })
}

impl FamilyTexts {
    pub fn load() -> Result<FamilyTexts, TextsError> {
        let catalogues = CATALOGUES
            .iter()
            .map(|(language, source)| catalogue(*language, source))
            .collect::<Result<_, _>>()?;
        Ok(FamilyTexts { catalogues })
    }

    fn catalogue(&self, language: FamilyLanguage) -> Option<&Catalogue> {
        self.catalogues.iter().find(|c| c.language == language)
    }

    /// Whether a qualified translator has reviewed the language's texts. English and Spanish are
    /// the project's own texts.
    pub fn reviewed(&self, language: FamilyLanguage) -> bool {
        match self.catalogue(language) {
            Some(catalogue) => catalogue.reviewed_by.is_some(),
            None => true,
        }
    }

    /// Who reviewed the language's catalogue, as its `reviewed-by` line says.
    pub fn reviewer(&self, language: FamilyLanguage) -> Option<&str> {
        self.catalogue(language)?.reviewed_by.as_deref()
    }

    /// The words to write a letter with in `language`.
    pub fn words<'a>(&'a self, staff: &'a Texts, language: FamilyLanguage) -> Box<dyn LetterWords + 'a> {
        match (language.staff(), self.catalogue(language)) {
            (Some(staff_language), _) => Box::new(StaffWords { texts: staff, language: staff_language }),
            (None, Some(catalogue)) => Box::new(CatalogueWords { catalogue }),
            (None, None) => Box::new(StaffWords { texts: staff, language: Language::En }),
        }
    }
}

struct CatalogueWords<'a> {
    catalogue: &'a Catalogue,
}

impl LetterWords for CatalogueWords<'_> {
    fn text(&self, id: &str, args: &[(&str, Arg)]) -> String {
        crate::texts::format_message(&self.catalogue.bundle, self.catalogue.language.as_str(), id, args)
    }

    fn has(&self, id: &str) -> bool {
        self.catalogue.bundle.has_message(id)
    }

    fn date(&self, date: Date) -> String {
        let month = self.text(&format!("month-{}", date.month()), &[]);
        self.text(
            "date-in-words",
            &[
                ("day", Arg::from(date.day())),
                ("month", Arg::from(month)),
                ("year", Arg::Text(date.year().to_string().into())),
            ],
        )
    }

    fn tag(&self) -> &'static str {
        self.catalogue.language.as_str()
    }

    fn rtl(&self) -> bool {
        self.catalogue.language.rtl()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::texts::{ENGLISH_FTL, message_ids};

    #[test]
    fn every_family_catalogue_carries_the_letters_messages_and_a_reviewer_line() {
        let texts = FamilyTexts::load().unwrap();
        let needed: Vec<String> = message_ids(ENGLISH_FTL)
            .into_iter()
            .filter(|id| {
                (id.starts_with("letter-") || id.starts_with("kind-"))
                    && id != "letter-in-english"
                    && id != "letter-print"
            })
            .collect();
        assert!(needed.len() > 50, "{needed:?}");
        for (language, source) in CATALOGUES {
            let ids = message_ids(source);
            let missing: Vec<_> = needed.iter().filter(|id| !ids.contains(id)).collect();
            assert!(missing.is_empty(), "{}: missing {missing:?}", language.as_str());
            assert!(source.contains("# reviewed-by:"), "{}", language.as_str());
            assert!(!texts.reviewed(language), "{} is not reviewed yet", language.as_str());
        }
        assert!(texts.reviewed(FamilyLanguage::Es));
    }

    #[test]
    fn days_are_written_in_each_language_and_direction_follows_the_script() {
        let texts = FamilyTexts::load().unwrap();
        let staff = Texts::load().unwrap();
        let day: Date = "2026-03-05".parse().unwrap();
        let written = |language| texts.words(&staff, language).date(day);
        assert_eq!(written(FamilyLanguage::Uk), "5 березня 2026 р.");
        assert_eq!(written(FamilyLanguage::Pt), "5 de março de 2026");
        assert_eq!(written(FamilyLanguage::Prs), "5 مارچ 2026");
        assert_eq!(written(FamilyLanguage::Es), "5 de marzo de 2026");
        assert!(texts.words(&staff, FamilyLanguage::Ps).rtl());
        assert!(!texts.words(&staff, FamilyLanguage::Ru).rtl());
        assert_eq!(FamilyLanguage::parse("fa-AF"), Some(FamilyLanguage::Prs));
        assert_eq!(FamilyLanguage::parse("pt-BR"), Some(FamilyLanguage::Pt));
        assert_eq!(FamilyLanguage::parse("de"), None);
    }
}
