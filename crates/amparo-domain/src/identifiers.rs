//! Government identifiers, parsed once at the edge into their one canonical form.
//!
//! Each type accepts what people actually type (dashes, spaces, lower case) and stores the form the
//! agencies print, so that exact-match search and comparison never depend on how it was entered.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an identifier was refused; the text is shown to the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("not an A-number: {0:?} (expected A followed by 7 to 9 digits)")]
    ANumber(String),
    #[error("not a receipt number: {0:?} (expected 3 letters followed by 10 digits)")]
    Receipt(String),
    #[error("not an I-94 number: {0:?} (expected 11 digits, or 9 digits, a letter and a digit)")]
    I94(String),
    #[error("not a country code: {0:?} (expected two capital letters, ISO 3166-1 alpha-2)")]
    Country(String),
    #[error("not a case reference: {0:?} (1 to 64 letters, digits, '-', '_', '.' or '/')")]
    Reference(String),
    #[error(
        "not a language code: {0:?} (expected ISO 639, 2 or 3 lower-case letters, optionally a region: es, prs, es-MX, es-419)"
    )]
    Language(String),
}

impl IdentifierError {
    /// The text that was refused.
    pub fn value(&self) -> &str {
        match self {
            IdentifierError::ANumber(value)
            | IdentifierError::Receipt(value)
            | IdentifierError::I94(value)
            | IdentifierError::Country(value)
            | IdentifierError::Reference(value)
            | IdentifierError::Language(value) => value,
        }
    }

    /// The error whose text (as `Display` writes it) is `message`; serde hands custom errors on as
    /// text, and this brings them back as data.
    pub fn from_message(message: &str) -> Option<IdentifierError> {
        type Make = fn(String) -> IdentifierError;
        let kinds: [(&str, Make); 6] = [
            ("not an A-number: ", IdentifierError::ANumber),
            ("not a receipt number: ", IdentifierError::Receipt),
            ("not an I-94 number: ", IdentifierError::I94),
            ("not a country code: ", IdentifierError::Country),
            ("not a case reference: ", IdentifierError::Reference),
            ("not a language code: ", IdentifierError::Language),
        ];
        kinds.into_iter().find_map(|(prefix, make)| {
            let rest = message.strip_prefix(prefix)?;
            let (quoted, _) = rest.rsplit_once(" (")?;
            Some(make(crate::problem::unquote(quoted)))
        })
    }
}

/// Receipt prefixes of the USCIS service centres and online filing; another prefix is accepted with a
/// warning, because new ones appear without notice.
pub const KNOWN_RECEIPT_PREFIXES: &[&str] =
    &["IOE", "EAC", "WAC", "LIN", "SRC", "NBC", "MSC", "YSC", "TSC", "VSC", "CSC", "NSC"];

fn without_separators(text: &str) -> String {
    text.chars().filter(|c| *c != '-' && !c.is_whitespace()).collect()
}

/// An Alien Registration Number, stored as `A` and nine digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ANumber(String);

impl ANumber {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let compact = without_separators(text);
        let digits = compact
            .strip_prefix('A')
            .or_else(|| compact.strip_prefix('a'))
            .ok_or_else(|| IdentifierError::ANumber(text.to_owned()))?;
        if !(7..=9).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentifierError::ANumber(text.to_owned()));
        }
        Ok(ANumber(format!("A{digits:0>9}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A USCIS receipt number: three letters and ten digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReceiptNumber(String);

impl ReceiptNumber {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let compact = without_separators(text).to_ascii_uppercase();
        // Splitting at a byte index needs ASCII; anything else is no receipt number anyway.
        if !compact.is_ascii() {
            return Err(IdentifierError::Receipt(text.to_owned()));
        }
        let (prefix, digits) = compact.split_at(compact.len().min(3));
        let shaped = prefix.len() == 3
            && prefix.bytes().all(|b| b.is_ascii_uppercase())
            && digits.len() == 10
            && digits.bytes().all(|b| b.is_ascii_digit());
        if !shaped {
            return Err(IdentifierError::Receipt(text.to_owned()));
        }
        Ok(ReceiptNumber(compact))
    }

    /// Whether the prefix is one of the service centres' known ones.
    pub fn has_known_prefix(&self) -> bool {
        KNOWN_RECEIPT_PREFIXES.contains(&&self.0[..3])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An I-94 admission record number: 11 digits, or 9 digits, a letter and a digit.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct I94Number(String);

impl I94Number {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let compact = without_separators(text).to_ascii_uppercase();
        let bytes = compact.as_bytes();
        let all_digits = bytes.len() == 11 && bytes.iter().all(u8::is_ascii_digit);
        let lettered = bytes.len() == 11
            && bytes[..9].iter().all(u8::is_ascii_digit)
            && bytes[9].is_ascii_uppercase()
            && bytes[10].is_ascii_digit();
        if !(all_digits || lettered) {
            return Err(IdentifierError::I94(text.to_owned()));
        }
        Ok(I94Number(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code, checked for shape only.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        if text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(CountryCode(text.to_owned()))
        } else {
            Err(IdentifierError::Country(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An organisation's own reference for a case, unique within the organisation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseReference(String);

impl CaseReference {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let ok = (1..=64).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
        if ok { Ok(CaseReference(text.to_owned())) } else { Err(IdentifierError::Reference(text.to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's preferred language: an ISO 639 code of 2 or 3 lower-case letters, optionally followed
/// by `-` and a region (2 upper-case letters or 3 digits). Only the shape is checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let refuse = || IdentifierError::Language(text.to_owned());
        let (language, region) = match text.split_once('-') {
            Some((language, region)) => (language, Some(region)),
            None => (text, None),
        };
        let language_ok =
            (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
        let region_ok = region.is_none_or(|r| {
            (r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()))
                || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
        });
        if language_ok && region_ok { Ok(LanguageTag(text.to_owned())) } else { Err(refuse()) }
    }

    /// The tag for a language Amparo writes in.
    pub fn of(language: crate::case::Language) -> Self {
        LanguageTag(language.as_str().to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language Amparo writes for this person, when it has its texts (`es-MX` reads Spanish);
    /// `None` means the caller falls back to English and says so.
    pub fn language(&self) -> Option<crate::case::Language> {
        crate::case::Language::parse(self.0.split('-').next().unwrap_or_default())
    }
}

macro_rules! string_identifier {
    ($($name:ident),*) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

string_identifier!(ANumber, ReceiptNumber, I94Number, CountryCode, CaseReference, LanguageTag);

// Identifiers that must never reach a log print redacted; `as_str` is there when the value is meant.
macro_rules! redacted_debug {
    ($($name:ident),*) => {$(
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
    )*};
}

redacted_debug!(ANumber, ReceiptNumber, I94Number);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_text_is_no_identifier_and_no_panic() {
        for text in ["MUÑOZ", "ÑÑÑ0123456789", "IOÉ0123456789"] {
            assert!(ReceiptNumber::parse(text).is_err(), "{text}");
            assert!(ANumber::parse(text).is_err(), "{text}");
            assert!(I94Number::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_numbers_are_padded_to_nine_digits() {
        assert_eq!(ANumber::parse("A1234567").unwrap().as_str(), "A001234567");
        assert_eq!(ANumber::parse("a-012 345 678").unwrap().as_str(), "A012345678");
        for bad in ["A123456", "A1234567890", "012345678", "A12345678X", ""] {
            assert!(ANumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn receipt_numbers_keep_their_prefix() {
        let receipt = ReceiptNumber::parse("ioe-091-234-5678").unwrap();
        assert_eq!(receipt.as_str(), "IOE0912345678");
        assert!(receipt.has_known_prefix());
        assert!(!ReceiptNumber::parse("ZZZ0912345678").unwrap().has_known_prefix());
        for bad in ["IO0912345678", "IOE091234567", "1OE0912345678", "IOE09123456789"] {
            assert!(ReceiptNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn i94_numbers_take_both_shapes() {
        assert!(I94Number::parse("12345678901").is_ok());
        assert_eq!(I94Number::parse("123456789a1").unwrap().as_str(), "123456789A1");
        assert!(I94Number::parse("1234567890").is_err());
        assert!(I94Number::parse("12345678AB1").is_err());
    }

    #[test]
    fn language_tags_take_any_iso_639_shape() {
        for good in ["es", "uk", "ht", "prs", "es-MX", "es-419"] {
            assert_eq!(LanguageTag::parse(good).unwrap().as_str(), good);
        }
        for bad in ["", "e", "espa", "ES", "es_MX", "es-mx", "es-41", "es-MEX", "es-"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(LanguageTag::parse("es-MX").unwrap().language(), Some(crate::case::Language::Es));
        assert_eq!(LanguageTag::parse("prs").unwrap().language(), None);
    }

    #[test]
    fn sensitive_identifiers_never_print_in_debug() {
        let a = ANumber::parse("A012345678").unwrap();
        assert_eq!(format!("{a:?}"), "ANumber(***)");
    }
}
