//! The coverage panel of the case page: each person's federal health-coverage facts as the rules
//! derive them (qualified-alien status from the grant's length, Cuban/Haitian entrant, federal
//! Medicaid and CHIP), with the *why* written in the reader's language and its citation.

use amparo_domain::rules::{Coverage, FederalMedicaid};
use amparo_domain::{Derivation, RuleSet};

use crate::ui::i18n::Lang;

/// One person's coverage as the panel shows it.
pub struct CoverageView {
    pub name: String,
    pub qualified_alien: String,
    pub cuban_haitian_entrant: String,
    pub federal_medicaid: String,
    pub why: String,
    pub citation: String,
}

/// The panel's rows, one per person of the derivation, named by `name_of`.
pub fn coverage_views(
    lang: Lang,
    (derivation, rules): (&Derivation, &RuleSet),
    name_of: impl Fn(&str) -> String,
) -> Vec<CoverageView> {
    derivation
        .people
        .iter()
        .map(|person| coverage_view(lang, rules, name_of(&person.person), &person.coverage))
        .collect()
}

fn coverage_view(lang: Lang, rules: &RuleSet, name: String, coverage: &Coverage) -> CoverageView {
    // Another status decides: the rules do not say whether the person is a qualified alien.
    let qualified_alien =
        coverage.qualified_alien.map_or_else(|| lang.t("coverage-not-assessed"), |yes| lang.yes_no(yes));
    CoverageView {
        name,
        qualified_alien,
        cuban_haitian_entrant: lang.yes_no(coverage.cuban_haitian_entrant),
        federal_medicaid: lang.t(&format!("coverage-medicaid-{}", medicaid_id(coverage.federal_medicaid))),
        // A coverage read back from JSON has no facts; its English *why* is all there is.
        why: if coverage.why_facts.variant.is_empty() {
            coverage.why.clone()
        } else {
            rules.coverage_texts().why_in(lang.0, &coverage.why_facts)
        },
        citation: coverage.citation.to_string(),
    }
}

/// The message id's tail for a federal Medicaid assessment.
fn medicaid_id(medicaid: FederalMedicaid) -> &'static str {
    match medicaid {
        FederalMedicaid::Eligible => "eligible",
        FederalMedicaid::ChildrenAndPregnancyOptionOnly => "children-option",
        FederalMedicaid::NotEligible => "not-eligible",
        FederalMedicaid::NotAssessed => "not-assessed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amparo_domain::Language;

    #[test]
    fn every_medicaid_assessment_is_worded_in_both_languages() {
        let all = [
            FederalMedicaid::Eligible,
            FederalMedicaid::ChildrenAndPregnancyOptionOnly,
            FederalMedicaid::NotEligible,
            FederalMedicaid::NotAssessed,
        ];
        for language in [Language::En, Language::Es] {
            let lang = Lang::new(language);
            let mut seen = Vec::new();
            for medicaid in all {
                let id = format!("coverage-medicaid-{}", medicaid_id(medicaid));
                // A missing message shows its id.
                let text = lang.t(&id);
                assert_ne!(text, id, "{id} in {language:?}");
                seen.push(text);
            }
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), all.len(), "each reads differently in {language:?}");
        }
    }
}
