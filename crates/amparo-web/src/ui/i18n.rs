//! The interface in English and Spanish, with Project Fluent.
//!
//! Every visible string of every page is a message in `locales/{en,es}/main.ftl`; templates reach
//! them through the [`Lang`] each view carries (`{{ lang.t("cases-title") }}`). Dates, moments and
//! numbers are written the way each language writes them ("November 23, 2026" and
//! "23 de noviembre de 2026"; "50,000" and "50.000").
//!
//! The language is the signed-in user's choice (stored with the user); before sign-in it is the
//! `amparo_lang` cookie, else the browser's `Accept-Language`, else English.

use std::sync::OnceLock;

use amparo_domain::org::UserRole;
use amparo_domain::{Basis, Date, Language, PersonRole, Program, ServedBy, Status, TimeZone};
use axum::http::HeaderMap;
use chrono::{DateTime, Timelike, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::http::cookies;

/// The message files, compiled in.
pub const SOURCES: [(Language, &str); 2] = [
    (Language::En, include_str!("../../locales/en/main.ftl")),
    (Language::Es, include_str!("../../locales/es/main.ftl")),
];

/// The cookie that remembers the language chosen before sign-in (and after sign-out).
pub const LANGUAGE_COOKIE: &str = "amparo_lang";

type Bundle = FluentBundle<FluentResource>;

struct Bundles {
    en: Bundle,
    es: Bundle,
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| Bundles { en: build(Language::En), es: build(Language::Es) })
}

fn build(language: Language) -> Bundle {
    let (tag, source) = match language {
        Language::En => ("en-US", SOURCES[0].1),
        Language::Es => ("es", SOURCES[1].1),
    };
    let tag: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![tag]);
    // Pages are left-to-right HTML; Unicode isolation marks would only show up in copied text.
    bundle.set_use_isolating(false);
    match language {
        Language::En => bundle.set_formatter(Some(|value, _| number(value, Language::En))),
        Language::Es => bundle.set_formatter(Some(|value, _| number(value, Language::Es))),
    }
    // A broken file is caught by the tests; at run time the messages that did parse are still used.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
        tracing::error!(language = language.as_str(), ?errors, "message file has syntax errors");
        partial
    });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(language = language.as_str(), ?errors, "message file has duplicate messages");
    }
    bundle
}

fn number(value: &FluentValue, language: Language) -> Option<String> {
    match value {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 1e15 => {
            // Whole numbers only: counts, days and scores. `as` is exact below 2^53.
            #[allow(clippy::cast_possible_truncation)]
            Some(group_digits(n.value as i64, language))
        }
        _ => None,
    }
}

/// Digits in groups of three: "50,000" in English; "50.000" in Spanish, where four-digit numbers
/// are written without a separator ("2026", "5000"), as the RAE advises.
pub fn group_digits(value: i64, language: Language) -> String {
    let digits = value.unsigned_abs().to_string();
    let separator = match language {
        Language::En => ',',
        Language::Es if digits.len() <= 4 => return value.to_string(),
        Language::Es => '.',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// One language's messages and formats, and the time zone its times of day are shown in (the
/// reader's organisation's). Small and `Copy`, so every view carries one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lang(pub Language, pub TimeZone);

impl Lang {
    /// The language, with times shown in UTC (pages read before anyone is signed in).
    pub const fn new(language: Language) -> Lang {
        Lang(language, TimeZone::UTC)
    }

    /// The language, with times shown in `zone`.
    pub const fn in_zone(language: Language, zone: TimeZone) -> Lang {
        Lang(language, zone)
    }

    fn bundle(self) -> &'static Bundle {
        match self.0 {
            Language::En => &bundles().en,
            Language::Es => &bundles().es,
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.0.as_str()
    }

    /// The message `id`. A missing message shows its id (and is logged) rather than breaking the page;
    /// the tests make sure none is missing.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one argument.
    pub fn t1<'a>(&self, id: &str, name: &'a str, value: impl Into<FluentValue<'a>>) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value);
        self.format(id, Some(&args))
    }

    /// The message `id` with two arguments.
    pub fn t2<'a>(
        &self,
        id: &str,
        first: &'a str,
        first_value: impl Into<FluentValue<'a>>,
        second: &'a str,
        second_value: impl Into<FluentValue<'a>>,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(first, first_value);
        args.set(second, second_value);
        self.format(id, Some(&args))
    }

    /// The message `id` with three arguments.
    #[allow(clippy::too_many_arguments)]
    pub fn t3<'a>(
        &self,
        id: &str,
        first: &'a str,
        first_value: impl Into<FluentValue<'a>>,
        second: &'a str,
        second_value: impl Into<FluentValue<'a>>,
        third: &'a str,
        third_value: impl Into<FluentValue<'a>>,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(first, first_value);
        args.set(second, second_value);
        args.set(third, third_value);
        self.format(id, Some(&args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.bundle();
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, language = self.code(), "missing message");
            return id.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
        if !errors.is_empty() {
            tracing::warn!(id, language = self.code(), ?errors, "message formatted with errors");
        }
        text
    }

    /// A calendar day in words: "November 23, 2026", "23 de noviembre de 2026".
    /// The domain writes it (`amparo_domain::words`), so every *why* and letter says it the same way.
    pub fn date(&self, date: Date) -> String {
        amparo_domain::words::date_in_words(self.0, date)
    }

    /// An optional day, or a dash.
    pub fn date_or_dash(&self, date: Option<Date>) -> String {
        date.map_or_else(|| String::from("—"), |d| self.date(d))
    }

    /// The month and year, for the calendar's heading: "November 2026", "noviembre de 2026".
    pub fn month_year(&self, year: i32, month: u32) -> String {
        amparo_domain::words::month_year(self.0, year, month)
    }

    /// A moment, to the minute, in the organisation's time zone with its abbreviation then:
    /// "November 23, 2026, 06:05 PST". Every time of day a page shows is written here.
    pub fn moment(&self, at: DateTime<Utc>) -> String {
        let (local, zone) = self.1.local(at);
        format!("{}, {:02}:{:02} {zone}", self.date(Date::from(local.date())), local.hour(), local.minute())
    }

    /// The calendar day it is in the organisation's time zone at `at`: "today" for pages.
    pub fn today(&self, at: DateTime<Utc>) -> Date {
        self.1.today(at)
    }

    /// A whole number with the language's digit grouping.
    pub fn number(&self, value: impl std::borrow::Borrow<i64>) -> String {
        group_digits(*value.borrow(), self.0)
    }

    // Names of the domain's values. The ids are built from the values' own spellings; a test walks
    // every value and checks its message exists.

    pub fn program(&self, program: Program) -> String {
        self.t(&format!("program-{}", program.as_str()))
    }

    pub fn user_role(&self, role: UserRole) -> String {
        self.t(&format!("role-{}", role.as_str()))
    }

    pub fn person_role(&self, role: PersonRole) -> String {
        self.t(&format!("person-role-{}", role.as_str()))
    }

    pub fn status(&self, status: Status) -> String {
        self.t(&format!("status-{}", status.as_str()))
    }

    /// A deadline kind as stored (`rfe_response_due`); an unknown one is shown as written.
    pub fn deadline_kind(&self, kind: &str) -> String {
        let id = format!("deadline-{kind}");
        if self.bundle().has_message(&id) { self.t(&id) } else { kind.replace('_', " ") }
    }

    pub fn event_type(&self, type_name: &str) -> String {
        self.t(&format!("event-{type_name}"))
    }

    pub fn basis(&self, basis: Basis) -> String {
        self.t(&format!("basis-{}", basis.as_str()))
    }

    pub fn served_by(&self, served_by: ServedBy) -> String {
        self.t(&format!("served-{}", served_by.as_str()))
    }

    /// The name of a language people speak.
    pub fn language_name(&self, language: Language) -> String {
        self.t(&format!("language-{}", language.as_str()))
    }

    pub fn yes_no(&self, answer: bool) -> String {
        self.t(if answer { "answer-yes" } else { "answer-no" })
    }
}

/// The `Set-Cookie` value that remembers `language` for a year.
pub fn language_cookie(language: Language, secure: bool) -> String {
    cookies::set(LANGUAGE_COOKIE, language.as_str(), 365 * 24 * 3600, secure)
}

/// The language of a request from someone not signed in: the cookie, else the first supported
/// language the browser asks for, else English.
pub fn from_request(headers: &HeaderMap) -> Lang {
    if let Some(language) = cookies::get(headers, LANGUAGE_COOKIE).and_then(|v| Language::parse(&v)) {
        return Lang::new(language);
    }
    Lang::new(accept_language(headers).unwrap_or_default())
}

/// The most preferred of English and Spanish in `Accept-Language` (`es-MX,es;q=0.9,en;q=0.8`).
fn accept_language(headers: &HeaderMap) -> Option<Language> {
    let header = headers.get(axum::http::header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Language)> = None;
    for item in header.split(',') {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        let Some(language) = Language::parse(primary) else { continue };
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, language));
        }
    }
    best.map(|(_, language)| language)
}

/// The text in the reader's language.
pub fn pick<'a>(language: Language, en: &'a str, es: &'a str) -> &'a str {
    match language {
        Language::En => en,
        Language::Es => es,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(source: &str) -> BTreeSet<String> {
        let resource = match FluentResource::try_new(source.to_owned()) {
            Ok(resource) => resource,
            Err((_, errors)) => panic!("message file does not parse: {errors:?}"),
        };
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let english = ids(SOURCES[0].1);
        let spanish = ids(SOURCES[1].1);
        let only_english: Vec<_> = english.difference(&spanish).collect();
        let only_spanish: Vec<_> = spanish.difference(&english).collect();
        assert!(only_english.is_empty(), "missing in Spanish: {only_english:?}");
        assert!(only_spanish.is_empty(), "missing in English: {only_spanish:?}");
        assert!(english.len() > 100, "the files hold the whole interface");
    }

    #[test]
    fn every_message_formats_without_errors_in_both_languages() {
        for (language, source) in SOURCES {
            let bundle = Lang::new(language).bundle();
            for id in ids(source) {
                let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
                    panic!("{id} has no value in {}", language.as_str());
                };
                // Without arguments a variable formats as an error; what must not happen is a
                // reference to a message or term that does not exist.
                let mut errors = Vec::new();
                bundle.format_pattern(pattern, None, &mut errors);
                let broken: Vec<_> = errors
                    .iter()
                    .filter(|e| {
                        !matches!(
                            e,
                            fluent_bundle::FluentError::ResolverError(
                                fluent_bundle::resolver::ResolverError::Reference(
                                    fluent_bundle::resolver::errors::ReferenceKind::Variable { .. }
                                )
                            )
                        )
                    })
                    .collect();
                assert!(broken.is_empty(), "{id} in {}: {broken:?}", language.as_str());
            }
        }
    }

    /// Message ids written literally in templates and code: `t("id"`, `t1("id"`, `t2("id"`, `t3("id"`.
    fn used_ids() -> Vec<(String, String)> {
        let mut found = Vec::new();
        let roots =
            [concat!(env!("CARGO_MANIFEST_DIR"), "/templates"), concat!(env!("CARGO_MANIFEST_DIR"), "/src")];
        for root in roots {
            let Ok(entries) = std::fs::read_dir(root) else { panic!("cannot read {root}") };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(text) = std::fs::read_to_string(&path) else { continue };
                for call in [".t(\"", ".t1(\"", ".t2(\"", ".t3(\""] {
                    for (at, _) in text.match_indices(call) {
                        let rest = &text[at + call.len()..];
                        let id = rest.split('"').next().unwrap_or_default();
                        if !id.is_empty() && !id.contains('{') {
                            found.push((path.display().to_string(), id.to_owned()));
                        }
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_message_id_used_in_templates_and_code_exists() {
        let english = ids(SOURCES[0].1);
        let used = used_ids();
        assert!(used.len() > 100, "the scan finds the calls ({} found)", used.len());
        let missing: Vec<_> = used.iter().filter(|(_, id)| !english.contains(id)).collect();
        assert!(missing.is_empty(), "messages used but not defined: {missing:?}");
    }

    #[test]
    fn every_id_built_from_a_domain_value_exists() {
        let english = ids(SOURCES[0].1);
        let mut wanted: Vec<String> = Vec::new();
        wanted.extend(amparo_domain::Program::ALL.iter().map(|p| format!("program-{}", p.as_str())));
        wanted.extend(amparo_domain::org::UserRole::ALL.iter().map(|r| format!("role-{}", r.as_str())));
        wanted.extend(amparo_domain::DeadlineKind::ALL.iter().map(|k| format!("deadline-{}", k.as_str())));
        wanted.extend(amparo_domain::event::EVENT_TYPES.iter().map(|t| format!("event-{t}")));
        wanted.extend(
            ["patient", "parent", "guardian", "sibling", "other"].iter().map(|r| format!("person-role-{r}")),
        );
        wanted.extend(
            ["paroled", "requested", "terminated", "expired", "departed", "none"]
                .iter()
                .map(|s| format!("status-{s}")),
        );
        wanted.extend(["law", "practice", "policy"].iter().map(|b| format!("basis-{b}")));
        wanted.extend(["mail", "email", "personal", "online"].iter().map(|s| format!("served-{s}")));
        wanted.extend((1..=7).map(|d| format!("weekday-{d}")));
        let missing: Vec<_> = wanted.iter().filter(|id| !english.contains(*id)).collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let Some(day) = Date::from_ymd(2026, 11, 23) else { panic!("valid date") };
        assert_eq!(Lang::new(Language::En).date(day), "November 23, 2026");
        assert_eq!(Lang::new(Language::Es).date(day), "23 de noviembre de 2026");
        assert_eq!(Lang::new(Language::Es).month_year(2026, 1), "enero de 2026");
        assert_eq!(Lang::new(Language::En).month_year(2026, 11), "November 2026");
    }

    #[test]
    fn moments_are_written_in_the_organisations_zone_with_its_abbreviation() {
        use chrono::TimeZone as _;
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 6, 3, 0, 0).single().unwrap_or_default();
        assert_eq!(Lang::new(Language::En).moment(at), "December 6, 2026, 03:00 UTC");
        let Ok(zone) = TimeZone::parse("America/Los_Angeles") else { panic!("a known zone") };
        let lang = Lang::in_zone(Language::Es, zone);
        assert_eq!(lang.moment(at), "5 de diciembre de 2026, 19:00 PST");
        assert_eq!(lang.today(at).to_string(), "2026-12-05");
    }

    #[test]
    fn numbers_are_grouped_as_each_language_groups_them() {
        assert_eq!(group_digits(50_000, Language::En), "50,000");
        assert_eq!(group_digits(50_000, Language::Es), "50.000");
        assert_eq!(group_digits(2026, Language::Es), "2026");
        assert_eq!(group_digits(1_234_567, Language::En), "1,234,567");
        assert_eq!(group_digits(-1_000, Language::En), "-1,000");
        assert_eq!(group_digits(7, Language::En), "7");
    }

    #[test]
    fn accept_language_picks_the_most_preferred_supported_language() {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::ACCEPT_LANGUAGE, "fr-FR, es-MX;q=0.9, en;q=0.8".parse().unwrap());
        assert_eq!(from_request(&headers), Lang::new(Language::Es));
        headers.insert(axum::http::header::ACCEPT_LANGUAGE, "en-GB,es;q=0.5".parse().unwrap());
        assert_eq!(from_request(&headers), Lang::new(Language::En));
        headers.insert(axum::http::header::COOKIE, "amparo_lang=es".parse().unwrap());
        assert_eq!(from_request(&headers), Lang::new(Language::Es), "the cookie wins");
        assert_eq!(from_request(&HeaderMap::new()), Lang::new(Language::En));
    }
}
