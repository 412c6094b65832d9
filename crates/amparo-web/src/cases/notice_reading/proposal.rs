//! The proposal as the page shows it: the proposed event type and each value the notice prints, in
//! the reader's language, beside the words of the notice it came from; a value a notice of its kind
//! prints but this one was not found to print is shown empty and said missing. And the event form's
//! fields the proposal fills, for "Record this event".

use amparo_domain::Person;
use amparo_domain::notice_reading::{Found, MatchedBy, Proposal};

use crate::notice_text::TextSource;
use crate::ui::i18n::Lang;

/// One value of the proposal.
pub struct ValueRow {
    /// The event field's name (`depart_by`), the row's id on the page.
    pub name: &'static str,
    pub label: String,
    /// The value in the reader's language; `None` when it is missing.
    pub value: Option<String>,
    /// The notice's words it was read from.
    pub source: Option<String>,
}

/// Someone the notice names.
pub struct PersonRow {
    pub name: Option<Found<String>>,
    pub a_number: Option<Found<String>>,
    /// "Nina Ejemplo (matched by A-number)", or that no one on the case fits.
    pub matched: String,
}

/// The page's proposal.
pub struct ProposalView {
    /// Where the text came from, said plainly.
    pub read_from: String,
    /// Read by Tesseract: every value is to be checked against the paper.
    pub ocr: bool,
    pub rows: Vec<ValueRow>,
    pub people: Vec<PersonRow>,
    /// The event form's fields the proposal fills (`ev-type`, `ev-on`, …), for "Record this event";
    /// empty when the kind of notice could not be told.
    pub event_fields: Vec<(String, String)>,
    /// How many values are missing.
    pub missing: usize,
}

/// The event form's fields a proposal may fill: those of its inputs (an I-94 number has none).
const FORM_FIELDS: [&str; 9] = [
    "type",
    "on",
    "valid_until",
    "effective",
    "depart_by",
    "respond_by",
    "pay_by",
    "served_by",
    "receipt_number",
];

fn row<T>(
    name: &'static str,
    label: String,
    found: &Option<Found<T>>,
    shown: impl Fn(&T) -> String,
) -> ValueRow {
    ValueRow {
        name,
        label,
        value: found.as_ref().map(|f| shown(&f.value)),
        source: found.as_ref().map(|f| f.source.clone()),
    }
}

/// The proposal for the page, in `lang`; `people` are the case's, to name the matched ones.
pub fn view(proposal: &Proposal, source: TextSource, people: &[Person], lang: Lang) -> ProposalView {
    let p = proposal;
    let date = |d: &amparo_domain::Date| lang.date(*d);
    let kind = ValueRow {
        name: "type",
        label: lang.t("notice-read-event-type"),
        value: p.event_type.map(|t| lang.event_type(t)),
        source: p.kind.as_ref().map(|k| k.source.clone()),
    };
    let filled = p.event_fields();
    let shown = |name: &str, found: bool| {
        found || p.missing.contains(&name) || filled.iter().any(|(field, _)| *field == name)
    };
    let mut rows = vec![kind];
    if shown("notice_date", p.notice_date.is_some()) {
        rows.push(row("notice_date", lang.t("notice-read-notice-date"), &p.notice_date, date));
    }
    let dates = [
        ("received_date", "notice-read-received-date", &p.received_date),
        ("effective", "intake-effective", &p.effective),
        ("depart_by", "intake-depart-by", &p.depart_by),
        ("respond_by", "intake-respond-by", &p.respond_by),
        ("valid_until", "intake-valid-until", &p.valid_until),
        ("pay_by", "event-form-pay-by", &p.pay_by),
    ];
    for (name, label, found) in dates {
        if shown(name, found.is_some()) {
            rows.push(row(name, lang.t(label), found, date));
        }
    }
    if shown("receipt_number", p.receipt_number.is_some()) {
        rows.push(row("receipt_number", lang.t("intake-receipt"), &p.receipt_number, |r| {
            r.as_str().to_owned()
        }));
    }
    if shown("i94_number", p.i94_number.is_some()) {
        rows.push(row("i94_number", lang.t("notice-read-i94"), &p.i94_number, |n| n.as_str().to_owned()));
    }
    if shown("served_by", p.served_by.is_some()) {
        rows.push(row("served_by", lang.t("intake-served-by"), &p.served_by, |s| {
            lang.t(&format!("served-{}", s.as_str()))
        }));
    }
    let people_rows = p
        .people
        .iter()
        .map(|named| {
            let person = named.person.as_ref().and_then(|key| people.iter().find(|c| &c.key == key));
            let matched = match (person, named.matched_by) {
                (Some(person), Some(MatchedBy::ANumber)) => {
                    lang.t1("notice-read-matched-a-number", "name", person.full_name())
                }
                (Some(person), _) => lang.t1("notice-read-matched-name", "name", person.full_name()),
                (None, _) => lang.t("notice-read-unmatched"),
            };
            PersonRow {
                name: named.name.clone(),
                a_number: named
                    .a_number
                    .as_ref()
                    .map(|a| Found { value: a.value.as_str().to_owned(), source: a.source.clone() }),
                matched,
            }
        })
        .collect();
    let event_fields = filled
        .into_iter()
        .filter(|(name, _)| FORM_FIELDS.contains(name))
        .map(|(name, value)| (format!("ev-{name}"), value))
        .collect();
    let missing = rows.iter().filter(|r| r.value.is_none()).count();
    ProposalView {
        read_from: lang.t(match source {
            TextSource::Text => "notice-read-from-text",
            TextSource::PdfText => "notice-read-from-pdf",
            TextSource::Ocr => "notice-read-from-ocr",
        }),
        ocr: source == TextSource::Ocr,
        rows,
        people: people_rows,
        event_fields,
        missing,
    }
}
