//! The organisation's block on a family letter: its name, postal address and phone, and the
//! signature it closes its letters with, from the organisation's profile, labelled in the letter's
//! language.

use amparo_domain::Language;
use amparo_store::OrganisationProfile;

use crate::ui::i18n::Lang;

/// What the letter prints of the organisation; empty fields are left out.
pub struct LetterOrganisation {
    pub name: String,
    pub address_lines: Vec<String>,
    /// "Phone: …", in the letter's language.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub signature_lines: Vec<String>,
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

impl LetterOrganisation {
    pub fn new(profile: &OrganisationProfile, language: Language) -> LetterOrganisation {
        let lang = Lang::new(language);
        let labelled =
            |id: &str, value: &str| (!value.trim().is_empty()).then(|| lang.t1(id, "value", value.trim()));
        LetterOrganisation {
            name: profile.name.clone(),
            address_lines: lines(&profile.address),
            phone: labelled("letter-org-phone", &profile.phone),
            email: labelled("letter-org-email", &profile.email),
            signature_lines: lines(&profile.letter_signature),
        }
    }
}
