//! The documents page as it renders: each recorded generation (its kind, when and by whom, the
//! template version, what changed since the one before, its downloads) and the forms a reader may
//! use — the medical letter's draft and its attestation for a clinician, every kind for the legal
//! staff (the exhibits chosen and ordered for the cover letter and the packet, a language for the
//! family letter), none for a viewer.

use amparo_documents::{Change, ChangeKind, DocumentKind};
use amparo_notify::family_texts::FamilyLanguage;
use amparo_store::{Attachment, DocumentRecord, User};

use super::actions;
use crate::http::input::Params;
use crate::ui::form::{Choice, FieldError};
use crate::ui::i18n::Lang;

/// One recorded generation as the page lists it.
pub struct DocumentRow {
    pub id: String,
    pub kind: String,
    /// "Written in Ukrainian", for a family letter not in English.
    pub language: Option<String>,
    pub made: String,
    pub template_version: String,
    /// "First of its kind", "Nothing changed since…", or the facts that changed.
    pub changed: String,
    /// An attested medical letter (kept with the evidence).
    pub attested: bool,
    pub pdf_url: String,
    pub docx_url: Option<String>,
}

/// An attachment offered as an exhibit.
pub struct ExhibitChoice {
    pub id: String,
    pub label: String,
    pub checked: bool,
    /// The position typed, as typed.
    pub position: String,
}

/// The forms a reader may use.
pub struct DocumentForms {
    /// The legal staff's forms: cover letter, packet, family letter.
    pub legal: bool,
    /// A clinician reviews and attests the medical letter.
    pub attest: bool,
    pub exhibits: Vec<ExhibitChoice>,
    pub languages: Vec<Choice>,
    pub errors: Vec<FieldError>,
}

impl DocumentForms {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}

/// The form field ids (`document-` and the request's field name).
pub fn field_id(field: &str) -> String {
    format!("document-{field}")
}

pub fn kind_label(lang: Lang, kind: &str) -> String {
    lang.t(&format!("document-kind-{kind}"))
}

fn change_line(lang: Lang, changes: &[Change]) -> String {
    let named: Vec<String> = changes
        .iter()
        .map(|c| {
            let how = match c.how {
                ChangeKind::Added => "document-change-added",
                ChangeKind::Changed => "document-change-changed",
                ChangeKind::Removed => "document-change-removed",
            };
            lang.t1(how, "fact", c.path.as_str())
        })
        .collect();
    lang.t1("document-changed", "facts", named.join(", "))
}

/// The rows of the list, newest first.
pub fn rows(
    lang: Lang,
    case: &str,
    records: &[DocumentRecord],
    names: &std::collections::HashMap<String, String>,
) -> Vec<DocumentRow> {
    let changes = actions::changes_in_order(records);
    let mut rows: Vec<DocumentRow> = records
        .iter()
        .zip(changes)
        .map(|(d, changes)| {
            let base = format!("/cases/{case}/documents/{}", d.id);
            let editable = DocumentKind::parse(&d.kind).is_some_and(|k| k.editable());
            let changed = match changes {
                None => lang.t("document-first"),
                Some(c) if c.is_empty() => lang.t("document-unchanged"),
                Some(c) => change_line(lang, &c),
            };
            let language = (d.language != "en")
                .then(|| FamilyLanguage::ALL.into_iter().find(|l| l.as_str() == d.language))
                .flatten()
                .map(|l| {
                    lang.t1(
                        "document-language",
                        "language",
                        lang.t(&format!("document-language-name-{}", l.as_str())),
                    )
                });
            let by = match &d.created_by {
                None => lang.t("document-by-operator"),
                Some(u) => names.get(u.as_str()).cloned().unwrap_or_else(|| u.as_str().to_owned()),
            };
            DocumentRow {
                id: d.id.clone(),
                kind: kind_label(lang, &d.kind),
                language,
                made: lang.t2("document-made", "when", lang.moment(d.created_at), "by", by),
                template_version: d.template_version.clone(),
                changed,
                attested: d.attachment.is_some(),
                docx_url: (editable && d.attachment.is_none()).then(|| format!("{base}/docx")),
                pdf_url: format!("{base}/pdf"),
            }
        })
        .collect();
    rows.reverse();
    rows
}

/// The forms for `user`, with the choices as sent (after a refusal) and their problems.
pub fn forms(
    user: &User,
    lang: Lang,
    files: &[Attachment],
    params: &Params,
    errors: Vec<FieldError>,
) -> Option<DocumentForms> {
    use amparo_domain::org::UserRole;
    let (legal, attest) = match user.role {
        UserRole::Viewer => return None,
        UserRole::Clinician => (false, true),
        _ => (true, false),
    };
    let chosen: Vec<&str> = params.all(super::request::EXHIBITS);
    let exhibits = files
        .iter()
        .map(|f| ExhibitChoice {
            id: f.id.clone(),
            label: match f.dated {
                Some(day) => format!("{} ({})", f.title, lang.date(day)),
                None => f.title.clone(),
            },
            checked: chosen.contains(&f.id.as_str()),
            position: params.text(&format!("position-{}", f.id)),
        })
        .collect();
    let asked = params.get(super::request::LANGUAGE).unwrap_or_default();
    let languages = std::iter::once(Choice {
        value: String::new(),
        label: lang.t("document-family-own-language"),
        selected: asked.is_empty(),
    })
    .chain(FamilyLanguage::ALL.into_iter().map(|l| Choice {
        value: l.as_str().to_owned(),
        label: lang.t(&format!("document-language-name-{}", l.as_str())),
        selected: l.as_str() == asked,
    }))
    .collect();
    Some(DocumentForms { legal, attest, exhibits, languages, errors })
}
