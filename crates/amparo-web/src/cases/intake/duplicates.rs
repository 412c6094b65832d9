//! The duplicate check before intake saves: existing cases with the same A-number, or a person of the
//! same name and birth date, are shown with a link, and the case is saved only once the person has
//! seen them and confirms. The ids shown travel back in a hidden field (`confirm_duplicate`), so a
//! confirmation covers the cases it was given for: a case matching afterwards (the form changed, or
//! someone else created it meanwhile) is shown again rather than passed silently.

use amparo_store::{DuplicateReason, PossibleDuplicate};

use crate::ui::i18n::Lang;

/// The hidden field carrying the ids of the cases the person was shown and saves anyway.
pub const CONFIRM_FIELD: &str = "confirm_duplicate";

/// An existing case as the warning shows it.
pub struct DuplicateView {
    pub href: String,
    pub reference: String,
    pub patient_name: String,
    /// Why it looks like the same case, one sentence each, in the reader's language.
    pub reasons: Vec<String>,
    /// The existing case is closed (a family coming back is shown like any other).
    pub closed: bool,
}

/// What the form carries when duplicates were shown: the ids for the hidden field, and the cases.
#[derive(Default)]
pub struct DuplicateWarning {
    pub confirm: String,
    pub cases: Vec<DuplicateView>,
}

impl DuplicateWarning {
    pub fn new(found: &[PossibleDuplicate], lang: Lang) -> DuplicateWarning {
        let ids: Vec<&str> = found.iter().map(|d| d.id.as_str()).collect();
        let cases = found
            .iter()
            .map(|d| DuplicateView {
                href: format!("/cases/{}", d.id),
                reference: d.reference.clone(),
                patient_name: d.patient_name.clone(),
                reasons: d.reasons.iter().map(|r| reason(r, lang)).collect(),
                closed: d.closed,
            })
            .collect();
        DuplicateWarning { confirm: ids.join(" "), cases }
    }
}

fn reason(reason: &DuplicateReason, lang: Lang) -> String {
    match reason {
        DuplicateReason::SameANumber { person } => {
            lang.t1("intake-duplicate-a-number", "person", person.clone())
        }
        DuplicateReason::SameNameAndBirthDate { person } => {
            lang.t1("intake-duplicate-name-birth-date", "person", person.clone())
        }
    }
}

/// Whether the person confirmed every case found: each was among those shown to them (`confirmed`,
/// the hidden field's value). Nothing found needs no confirmation.
pub fn all_confirmed(found: &[PossibleDuplicate], confirmed: &str) -> bool {
    let shown: Vec<&str> = confirmed.split_whitespace().collect();
    found.iter().all(|d| shown.contains(&d.id.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use amparo_store::CaseId;

    fn found(id: &str) -> PossibleDuplicate {
        PossibleDuplicate {
            id: CaseId(id.into()),
            reference: "R".into(),
            patient_name: "Ana Ejemplo".into(),
            reasons: vec![DuplicateReason::SameANumber { person: "Ana Ejemplo".into() }],
            closed: false,
        }
    }

    #[test]
    fn a_confirmation_covers_only_the_cases_shown() {
        assert!(all_confirmed(&[], ""));
        assert!(!all_confirmed(&[found("c1")], ""));
        assert!(all_confirmed(&[found("c1")], "c1 c2"));
        assert!(!all_confirmed(&[found("c1"), found("c3")], "c1 c2"), "c3 was never shown");
    }

    #[test]
    fn the_reasons_are_said_in_the_readers_language() {
        let es = DuplicateWarning::new(&[found("c1")], Lang::new(amparo_domain::Language::Es));
        assert_eq!(es.confirm, "c1");
        assert_eq!(es.cases[0].href, "/cases/c1");
        assert!(es.cases[0].reasons[0].contains("mismo número A"), "{:?}", es.cases[0].reasons);
    }
}
