//! What a person asks for, checked into typed values before anything is read: which document (its
//! kind, the exhibits in their order, the family letter's language) and an attestation's fields. Each
//! refusal names its field and what is wrong with it, as the form and the API both word it.

use amparo_documents::DocumentKind;
use amparo_documents::content::medical::{MAX_ATTESTATION_LINE, MAX_ATTESTATION_STATEMENT};
use amparo_domain::{Date, Problem};
use amparo_notify::family_texts::FamilyLanguage;

use crate::http::error::WebError;

/// The fields, as the form and the API name them.
pub const KIND: &str = "kind";
pub const EXHIBITS: &str = "exhibits";
pub const LANGUAGE: &str = "language";
pub const NAME: &str = "name";
pub const CREDENTIALS: &str = "credentials";
pub const DATE: &str = "date";
pub const STATEMENT: &str = "statement";
pub const VERSION: &str = "version";

/// The most exhibits one packet takes: enough for any filing, few enough to typeset in seconds.
pub const MAX_EXHIBITS: usize = 60;

/// A document to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub kind: DocumentKind,
    /// Attachment ids in the order they become exhibits A, B, C… (cover letter and packet).
    pub exhibits: Vec<String>,
    /// The family letter's language (a family language's code); `None`: the family's own.
    pub language: Option<String>,
}

fn kind_of(text: &str) -> Result<DocumentKind, WebError> {
    if text.is_empty() {
        return Err(WebError::field(KIND, Problem::Required));
    }
    DocumentKind::parse(text).ok_or_else(|| {
        let expected = DocumentKind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
        WebError::field(KIND, Problem::UnknownValue { value: text.to_owned(), expected })
    })
}

/// Whether a kind places or indexes exhibits.
pub fn takes_exhibits(kind: DocumentKind) -> bool {
    matches!(kind, DocumentKind::CoverLetter | DocumentKind::Packet)
}

/// The choice `kind`, `exhibits` and `language` describe, or the field at fault.
pub fn choice(kind: &str, exhibits: Vec<String>, language: Option<&str>) -> Result<Choice, WebError> {
    let kind = kind_of(kind)?;
    let exhibits: Vec<String> = exhibits.into_iter().filter(|id| !id.is_empty()).collect();
    if !exhibits.is_empty() && !takes_exhibits(kind) {
        return Err(WebError::field(EXHIBITS, Problem::UnknownField { field: EXHIBITS.into() }));
    }
    if exhibits.len() > MAX_EXHIBITS {
        return Err(WebError::field(
            EXHIBITS,
            Problem::AtMost { max: i64::try_from(MAX_EXHIBITS).unwrap_or(i64::MAX) },
        ));
    }
    for (index, id) in exhibits.iter().enumerate() {
        if exhibits[..index].contains(id) {
            return Err(WebError::field(EXHIBITS, Problem::DuplicateField { field: id.clone() }));
        }
    }
    let language = match language.filter(|l| !l.is_empty()) {
        None => None,
        Some(_) if kind != DocumentKind::FamilyLetter => {
            return Err(WebError::field(LANGUAGE, Problem::UnknownField { field: LANGUAGE.into() }));
        }
        Some(code) => {
            if !FamilyLanguage::ALL.iter().any(|l| l.as_str() == code) {
                let expected = FamilyLanguage::ALL.iter().map(|l| l.as_str().to_owned()).collect();
                return Err(WebError::field(
                    LANGUAGE,
                    Problem::UnknownValue { value: code.into(), expected },
                ));
            }
            Some(code.to_owned())
        }
    };
    Ok(Choice { kind, exhibits, language })
}

/// An attestation as typed, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct AttestationInput {
    pub name: String,
    pub credentials: String,
    pub date: String,
    pub statement: String,
    pub version: String,
}

/// An attestation checked: the fields `amparo_documents::Attestation` prints and the case version
/// the clinician reviewed.
#[derive(Clone, Debug)]
pub struct CheckedAttestation {
    pub attestation: amparo_documents::Attestation,
    pub version: i64,
}

fn line(field: &'static str, value: &str, max: usize) -> Result<(), WebError> {
    if value.trim().is_empty() {
        return Err(WebError::field(field, Problem::Required));
    }
    if value.chars().count() > max {
        return Err(WebError::field(field, Problem::TooLong { max }));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(WebError::field(field, Problem::ControlCharacter));
    }
    Ok(())
}

/// Every problem of an attestation as typed, field by field in the form's order (a form shows them
/// all at once; the API answers the first).
pub fn attestation_problems(input: &AttestationInput, today: Date) -> Vec<WebError> {
    let mut problems = Vec::new();
    for (field, value, max) in
        [(NAME, &input.name, MAX_ATTESTATION_LINE), (CREDENTIALS, &input.credentials, MAX_ATTESTATION_LINE)]
    {
        if let Err(e) = line(field, value, max) {
            problems.push(e);
        }
    }
    match input.date.trim() {
        "" => problems.push(WebError::field(DATE, Problem::Required)),
        text => match text.parse::<Date>() {
            Err(_) => problems.push(WebError::field(DATE, Problem::NotADate { value: text.to_owned() })),
            Ok(date) if date > today => {
                problems.push(WebError::field(DATE, Problem::AfterToday { date, today }))
            }
            Ok(_) => {}
        },
    }
    if let Err(e) = line(STATEMENT, &input.statement, MAX_ATTESTATION_STATEMENT) {
        problems.push(e);
    }
    if input.version.trim().parse::<i64>().is_err() {
        problems.push(WebError::field(VERSION, Problem::NotAWholeNumber));
    }
    problems
}

/// The attestation, or every problem with it.
pub fn attestation(input: &AttestationInput, today: Date) -> Result<CheckedAttestation, Vec<WebError>> {
    let problems = attestation_problems(input, today);
    if !problems.is_empty() {
        return Err(problems);
    }
    let date: Date = input.date.trim().parse().map_err(|_| Vec::new())?;
    let version = input.version.trim().parse().map_err(|_| Vec::new())?;
    // The documents crate checks the same rules again; it cannot disagree with the ones above.
    let attestation =
        amparo_documents::Attestation::check(&input.name, &input.credentials, date, &input.statement, today)
            .map_err(|e| vec![WebError::Invalid(e.to_string())])?;
    Ok(CheckedAttestation { attestation, version })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(error: &WebError) -> &str {
        match error {
            WebError::Field { path, .. } => path,
            _ => "",
        }
    }

    #[test]
    fn a_choice_names_the_field_at_fault() {
        assert!(choice("packet", vec!["a".into(), "b".into()], None).is_ok());
        assert_eq!(path_of(&choice("", vec![], None).unwrap_err()), KIND);
        assert_eq!(path_of(&choice("visa", vec![], None).unwrap_err()), KIND);
        assert_eq!(path_of(&choice("medical-letter", vec!["a".into()], None).unwrap_err()), EXHIBITS);
        assert_eq!(path_of(&choice("packet", vec!["a".into(), "a".into()], None).unwrap_err()), EXHIBITS);
        assert_eq!(path_of(&choice("cover-letter", vec![], Some("uk")).unwrap_err()), LANGUAGE);
        assert_eq!(path_of(&choice("family-letter", vec![], Some("xx")).unwrap_err()), LANGUAGE);
        let family = choice("family-letter", vec![], Some("uk")).unwrap();
        assert_eq!(family.language.as_deref(), Some("uk"));
    }

    #[test]
    fn an_attestation_lists_every_problem_in_the_forms_order() {
        let today = Date::from_ymd(2026, 3, 2).unwrap();
        let input = AttestationInput { date: "2026-03-09".into(), version: "x".into(), ..Default::default() };
        let problems = attestation_problems(&input, today);
        let fields: Vec<&str> = problems.iter().map(path_of).collect();
        assert_eq!(fields, [NAME, CREDENTIALS, DATE, STATEMENT, VERSION]);
        let good = AttestationInput {
            name: "Dr. Mira Example".into(),
            credentials: "MD, pediatric nephrology".into(),
            date: "2026-03-02".into(),
            statement: "I have reviewed this letter.".into(),
            version: "4".into(),
        };
        let checked = attestation(&good, today).unwrap();
        assert_eq!(checked.version, 4);
        assert_eq!(checked.attestation.name, "Dr. Mira Example");
    }
}
