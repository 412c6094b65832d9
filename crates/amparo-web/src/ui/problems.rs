//! Field problems in the reader's language.
//!
//! The domain says what is wrong as data ([`Problem`]), and the password policy why it refused a
//! password ([`PasswordError`]); this writes them with the `problem-*` and `password-*` messages of
//! the locale files. The match has no catch-all, so a new kind of problem does not
//! compile until it is worded here, and a test words every kind in both languages.

use amparo_domain::{Expected, Problem};
use amparo_trust::password_policy::PasswordError;
use fluent_bundle::FluentValue;

use crate::ui::i18n::Lang;

impl Lang {
    /// What is wrong, as a sentence in this language.
    pub fn problem(&self, problem: &Problem) -> String {
        let id = format!("problem-{}", problem.code());
        let number = |n: i64| {
            // Counts and bounds as Fluent numbers, so they are grouped the language's way.
            #[allow(clippy::cast_precision_loss)]
            FluentValue::from(n as f64)
        };
        let count = |n: usize| number(i64::try_from(n).unwrap_or(i64::MAX));
        match problem {
            Problem::Required
            | Problem::NoPeople
            | Problem::NoPatient
            | Problem::SecondPatient
            | Problem::EmptyPersons
            | Problem::ControlCharacter
            | Problem::NotNegative
            | Problem::NotAWholeNumber
            | Problem::NotTrueFalse
            | Problem::UnknownParameter
            | Problem::NoSuchStaff
            | Problem::ViewerOwnsNoTasks
            | Problem::CaseNotSharedWithOwner
            | Problem::NoCondition
            | Problem::PatientNotRemovable
            | Problem::FileEmpty
            | Problem::FileTypeNotAccepted => self.t(&id),
            Problem::FileTooLarge { max_bytes } => self.t1(
                &id,
                "max",
                count(usize::try_from(max_bytes.div_ceil(1024 * 1024)).unwrap_or(usize::MAX)),
            ),
            Problem::Missing { field } => self.t1(&id, "field", field.as_str()),
            Problem::RequiredFor { event_type } | Problem::NotAFieldOf { event_type } => {
                self.t1(&id, "type", self.event_type(event_type))
            }
            Problem::UnknownEventType { value }
            | Problem::NotAKey { value }
            | Problem::NotADate { value } => self.t1(&id, "value", value.as_str()),
            Problem::TooLong { max } | Problem::TooManyPeople { max } | Problem::TooManyEvents { max } => {
                self.t1(&id, "max", count(*max))
            }
            Problem::DuplicatePersonKey { key }
            | Problem::NoSuchPerson { key }
            | Problem::PersonListedTwice { key } => self.t1(&id, "key", key.as_str()),
            Problem::DuplicateEventId { id: event } | Problem::NoSuchEarlierEvent { id: event } => {
                self.t1(&id, "id", event.as_str())
            }
            Problem::BeforeEventDate { date, on } => {
                self.t2(&id, "date", self.date(*date), "on", self.date(*on))
            }
            Problem::AfterToday { date, today } => {
                self.t2(&id, "date", self.date(*date), "today", self.date(*today))
            }
            Problem::Between { min, max } | Problem::WholeNumberBetween { min, max } => {
                self.t2(&id, "min", number(*min), "max", number(*max))
            }
            Problem::LengthBetween { min, max } => self.t2(&id, "min", count(*min), "max", count(*max)),
            Problem::NoSuchCase { reference } => self.t1(&id, "reference", reference.as_str()),
            Problem::Exclusive { other } => self.t1(&id, "other", other.as_str()),
            Problem::AtMost { max } => self.t1(&id, "max", number(*max)),
            Problem::Identifier(error) => self.t1(&id, "value", error.value()),
            Problem::WrongFormat { expected, found } => {
                self.t2(&id, "expected", expected.as_str(), "found", found.as_str())
            }
            Problem::UnknownField { field } | Problem::DuplicateField { field } => {
                self.t1(&id, "field", field.as_str())
            }
            Problem::UnknownValue { value, expected } => {
                self.t2(&id, "value", value.as_str(), "expected", expected.join(", "))
            }
            Problem::WrongType { expected } => self.t1(&id, "expected", self.expected(expected)),
            Problem::Unreadable { detail } => self.t1(&id, "detail", detail.as_str()),
            Problem::NoSuchEvent { id: event } => self.t1(&id, "id", event.as_str()),
            Problem::DuplicateNoteId { id: note } => self.t1(&id, "id", i64::from(*note)),
            Problem::NotAnEmail { value } | Problem::NotAPhoneNumber { value } => {
                self.t1(&id, "value", value.as_str())
            }
            Problem::ReferenceTaken { reference } => self.t1(&id, "reference", reference.as_str()),
            Problem::PersonStillNamed { key, by } if by == "medical" => {
                self.t1("problem-person-still-named-medical", "key", key.as_str())
            }
            Problem::PersonStillNamed { key, by } => self.t2(&id, "key", key.as_str(), "id", by.as_str()),
            Problem::AlreadyVoided { id: event } => self.t1(&id, "id", event.as_str()),
            Problem::EventLinked { id: event, by } => self.t2(&id, "id", event.as_str(), "by", by.as_str()),
            Problem::NotAnAmount { value } => self.t1(&id, "value", value.as_str()),
            Problem::DateOutOfRange { date } => self.t1(&id, "date", self.date(*date)),
            Problem::AlreadySuperseded { id: event } => self.t1(&id, "id", event.as_str()),
            Problem::NotAnswerable { id: event, expected } => {
                self.t2(&id, "id", event.as_str(), "type", self.event_type(expected))
            }
            Problem::AnswerBeforeNotice { id: event, on } => {
                self.t2(&id, "id", event.as_str(), "on", self.date(*on))
            }
        }
    }

    /// What a form says beside a field: a blank or left-out field is simply required; anything else
    /// as [`Lang::problem`] words it.
    pub fn form_problem(&self, problem: &Problem) -> String {
        match problem {
            Problem::Required | Problem::Missing { .. } => self.t("intake-error-required"),
            other => self.problem(other),
        }
    }

    /// Why the password policy refused a password, as a sentence in this language.
    pub fn password_problem(&self, error: &PasswordError) -> String {
        let count = |n: usize| {
            #[allow(clippy::cast_precision_loss)]
            FluentValue::from(n as f64)
        };
        match error {
            PasswordError::TooShort { min, actual } => {
                self.t2("password-too-short", "min", count(*min), "actual", count(*actual))
            }
            PasswordError::TooLong { max } => self.t1("password-too-long", "max", count(*max)),
            PasswordError::Blocklisted => self.t("password-blocklisted"),
            PasswordError::ContextWord { word } => self.t1("password-context-word", "word", word.as_str()),
            PasswordError::Repetitive => self.t("password-repetitive"),
        }
    }

    /// The kind of value a field wanted ("a whole number", "un número entero").
    fn expected(&self, expected: &Expected) -> String {
        match expected {
            Expected::Other(text) => text.clone(),
            known => self.t(&format!("expected-{}", known.code())),
        }
    }
}

#[cfg(test)]
mod tests {
    use amparo_domain::Language;

    use super::*;

    /// Every kind of problem is worded in both languages from its own message, with its particulars
    /// filled in, and the Spanish is not the English.
    #[test]
    fn every_problem_is_worded_in_english_and_spanish() {
        let en = Lang::new(Language::En);
        let es = Lang::new(Language::Es);
        for problem in Problem::one_of_each() {
            let english = en.problem(&problem);
            let spanish = es.problem(&problem);
            for (text, lang) in [(&english, "en"), (&spanish, "es")] {
                assert!(!text.starts_with("problem-"), "{lang}: no message for {problem:?}");
                assert!(!text.contains("{"), "{lang}: an argument was left out of {problem:?}: {text}");
                assert!(!text.trim().is_empty(), "{lang}: empty wording for {problem:?}");
            }
            assert_ne!(english, spanish, "{problem:?} is not translated");
        }
    }

    /// Every reason the password policy gives is worded in both languages; the English is the
    /// policy's own, and no wording repeats the password.
    #[test]
    fn password_problems_in_english_and_spanish() {
        let (en, es) = (Lang::new(Language::En), Lang::new(Language::Es));
        let cases = [
            (PasswordError::TooShort { min: 15, actual: 9 }, "at least 15", "al menos 15"),
            (PasswordError::TooLong { max: 256 }, "at most 256", "como máximo 256"),
            (PasswordError::Blocklisted, "too common", "demasiado común"),
            (PasswordError::ContextWord { word: "amparo".into() }, "“amparo”", "«amparo»"),
            (PasswordError::Repetitive, "repeated or sequential", "repetido o secuencial"),
        ];
        for (err, in_en, in_es) in cases {
            let (english, spanish) = (en.password_problem(&err), es.password_problem(&err));
            assert!(english.contains(in_en), "{english}");
            assert!(spanish.contains(in_es), "{spanish}");
            assert_eq!(english, err.to_string());
            assert_ne!(english, spanish);
        }
        let context = amparo_trust::password_policy::PasswordContext::new(true);
        let err = amparo_trust::password_policy::check("Password123!", &context).unwrap_err();
        for lang in [&en, &es] {
            assert!(!lang.password_problem(&err).to_lowercase().contains("password123"));
        }
    }

    #[test]
    fn particulars_are_written_the_languages_way() {
        let es = Lang::new(Language::Es);
        let before = Problem::BeforeEventDate {
            date: "2026-03-01".parse().unwrap(),
            on: "2026-03-20".parse().unwrap(),
        };
        let text = es.problem(&before);
        assert!(text.contains("1 de marzo de 2026") && text.contains("20 de marzo de 2026"), "{text}");
        let text = es.problem(&Problem::TooManyEvents { max: 10_000 });
        assert!(text.contains("10.000"), "{text}");
        let text = es.problem(&Problem::RequiredFor { event_type: "termination_notice".into() });
        assert!(text.contains(&es.event_type("termination_notice")), "{text}");
        let text = es.problem(&Problem::WrongType { expected: Expected::WholeNumber });
        assert!(text.contains("número entero"), "{text}");
    }
}
