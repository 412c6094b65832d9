//! `Texts`: one piece of text that people wrote in each language Amparo speaks (an organisation's
//! checklist task titles, a review task's title), kept as one value keyed by [`Language`], so that a
//! new language is a new key and never a new field or column.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::Language;

/// A text in each language, serialised as a JSON object of language code → text (`{"en": …, "es": …}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Texts(BTreeMap<Language, String>);

impl Texts {
    /// The same text written in English and in Spanish.
    pub fn en_es(en: impl Into<String>, es: impl Into<String>) -> Texts {
        Texts(BTreeMap::from([(Language::En, en.into()), (Language::Es, es.into())]))
    }

    /// The text in `language`; when it was not written in that language, the English one (the
    /// language every text is written in), else any; "" when there is none.
    pub fn get(&self, language: Language) -> &str {
        self.0
            .get(&language)
            .or_else(|| self.0.get(&Language::En))
            .or_else(|| self.0.values().next())
            .map_or("", String::as_str)
    }

    /// Writes the text in `language`, replacing what was there.
    pub fn set(&mut self, language: Language, text: impl Into<String>) {
        self.0.insert(language, text.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_language_and_falls_back_to_english() {
        let texts = Texts::en_es("Call the family", "Llamar a la familia");
        assert_eq!(texts.get(Language::Es), "Llamar a la familia");
        assert_eq!(
            serde_json::to_string(&texts).unwrap(),
            r#"{"en":"Call the family","es":"Llamar a la familia"}"#
        );
        let mut only_english = Texts::default();
        only_english.set(Language::En, "Call");
        assert_eq!(only_english.get(Language::Es), "Call");
        assert_eq!(Texts::default().get(Language::En), "");
        let read: Texts = serde_json::from_str(r#"{"es":"b","en":"a"}"#).unwrap();
        assert_eq!(read, Texts::en_es("a", "b"));
    }
}
