//! The message texts, in Project Fluent: `locales/{en,es}/amparo.ftl`, compiled in. Both languages
//! carry the same messages (a test fails otherwise), so a lookup that works in one works in the other.

use std::borrow::Cow;

use amparo_domain::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub const ENGLISH_FTL: &str = include_str!("../locales/en/amparo.ftl");
pub const SPANISH_FTL: &str = include_str!("../locales/es/amparo.ftl");

#[derive(Debug, thiserror::Error)]
pub enum TextsError {
    #[error("{language} texts do not parse: {detail}")]
    Syntax { language: &'static str, detail: String },
    #[error("{language} texts: {detail}")]
    Bundle { language: &'static str, detail: String },
}

/// Both languages' bundles.
pub struct Texts {
    english: FluentBundle<FluentResource>,
    spanish: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Texts")
    }
}

fn bundle(language: Language, source: &str) -> Result<FluentBundle<FluentResource>, TextsError> {
    bundle_named(language.as_str(), source)
}

/// The Fluent bundle of the catalogue `source` in the language tagged `name`, without isolation
/// marks: messages go to email, plain text and typeset letters, where they would show as noise.
pub(crate) fn bundle_named(
    name: &'static str,
    source: &str,
) -> Result<FluentBundle<FluentResource>, TextsError> {
    let resource = FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| TextsError::Syntax {
        language: name,
        detail: errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
    })?;
    let id: unic_langid::LanguageIdentifier = name
        .parse()
        .map_err(|e| TextsError::Bundle { language: name, detail: format!("language tag: {e}") })?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).map_err(|errors| TextsError::Bundle {
        language: name,
        detail: errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join("; "),
    })?;
    Ok(bundle)
}

/// One argument of a message.
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Arg<'_> {
    fn from(text: String) -> Self {
        Arg::Text(Cow::Owned(text))
    }
}

impl From<i64> for Arg<'_> {
    fn from(number: i64) -> Self {
        Arg::Number(number)
    }
}

impl From<u32> for Arg<'_> {
    fn from(number: u32) -> Self {
        Arg::Number(i64::from(number))
    }
}

impl Texts {
    pub fn load() -> Result<Texts, TextsError> {
        Ok(Texts { english: bundle(Language::En, ENGLISH_FTL)?, spanish: bundle(Language::Es, SPANISH_FTL)? })
    }

    fn bundle(&self, language: Language) -> &FluentBundle<FluentResource> {
        match language {
            Language::En => &self.english,
            Language::Es => &self.spanish,
        }
    }

    pub fn has(&self, language: Language, id: &str) -> bool {
        self.bundle(language).has_message(id)
    }

    /// The message `id` in `language` with `args`. A missing message shows its id (so a gap is visible
    /// rather than silent); the parity test keeps that from happening.
    pub fn get(&self, language: Language, id: &str, args: &[(&str, Arg)]) -> String {
        let bundle = self.bundle(language);
        format_message(bundle, language.as_str(), id, args)
    }

    /// A message chosen by a stored kind (`kind-parole_ends`), falling back to `{prefix}-other` for a
    /// kind this build has no words for (an operator's own rule set may name new kinds).
    pub fn kind(&self, language: Language, prefix: &str, kind: &str) -> String {
        let id = format!("{prefix}-{kind}");
        if self.has(language, &id) {
            self.get(language, &id, &[])
        } else {
            self.get(language, &format!("{prefix}-other"), &[])
        }
    }
}

/// The ids of the messages (and terms) a Fluent source defines, in order.
pub fn message_ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '-'))
        .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim().to_owned()))
        .collect()
}

/// The message `id` of `bundle` (the catalogue of the language tagged `language`) with `args`. A
/// missing message shows its id, so a gap is visible rather than silent, and is logged.
pub(crate) fn format_message(
    bundle: &FluentBundle<FluentResource>,
    language: &'static str,
    id: &str,
    args: &[(&str, Arg)],
) -> String {
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        tracing::warn!(id, language, "missing text");
        return id.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::from(text.to_string()),
            Arg::Number(number) => FluentValue::from(*number),
        };
        fluent_args.set(*name, value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(id, language, ?errors, "text formatted with errors");
    }
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_carry_the_same_messages() {
        let english = message_ids(ENGLISH_FTL);
        let spanish = message_ids(SPANISH_FTL);
        assert!(english.len() > 50, "{english:?}");
        let only_english: Vec<_> = english.iter().filter(|id| !spanish.contains(id)).collect();
        let only_spanish: Vec<_> = spanish.iter().filter(|id| !english.contains(id)).collect();
        assert!(only_english.is_empty(), "only in English: {only_english:?}");
        assert!(only_spanish.is_empty(), "only in Spanish: {only_spanish:?}");
        let texts = Texts::load().unwrap();
        for id in english.iter().filter(|id| !id.starts_with('-')) {
            assert!(texts.has(Language::En, id) && texts.has(Language::Es, id), "{id}");
        }
    }

    #[test]
    fn every_deadline_and_trigger_kind_has_words_in_both_languages() {
        let texts = Texts::load().unwrap();
        for language in [Language::En, Language::Es] {
            for kind in amparo_domain::DeadlineKind::ALL {
                assert!(texts.has(language, &format!("kind-{kind}")), "{kind}");
                assert!(texts.has(language, &format!("letter-meaning-{kind}")), "{kind}");
            }
            for kind in amparo_domain::TriggerKind::ALL {
                assert!(texts.has(language, &format!("trigger-{kind}")), "{kind}");
            }
        }
        assert_eq!(texts.kind(Language::Es, "kind", "something_new"), "un plazo");
    }

    #[test]
    fn plurals_and_arguments_are_applied() {
        let texts = Texts::load().unwrap();
        let args = |days: i64| [("reference", Arg::from("HP-0001")), ("days", Arg::from(days))];
        assert_eq!(texts.get(Language::En, "subject-deadline", &args(30)), "[HP-0001] Deadline in 30 days");
        assert_eq!(texts.get(Language::En, "subject-deadline", &args(0)), "[HP-0001] Deadline today");
        assert_eq!(texts.get(Language::Es, "subject-deadline", &args(1)), "[HP-0001] El plazo vence mañana");
        assert_eq!(texts.get(Language::Es, "subject-deadline", &args(14)), "[HP-0001] Plazo en 14 días");
        assert!(texts.get(Language::Es, "kind-ead_ends", &[]).contains("permiso de trabajo"));
        assert!(texts.get(Language::Es, "kind-depart_by", &[]).contains("aviso de terminación"));
        assert!(texts.get(Language::Es, "kind-parole_ends", &[]).contains("permiso humanitario (parole)"));
    }
}
