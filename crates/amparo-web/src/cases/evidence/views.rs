//! The case page's evidence: the list of files by kind, each with its title, date, what it belongs
//! to and links to view and download it; the upload form for roles that add files (a clinician
//! chooses only a medical letter); and each event's files, for the timeline.

use amparo_domain::CaseFile;
use amparo_domain::attachments::{AttachmentKind, ContentType};
use amparo_store::{Attachment, User};

use crate::http::access::{Permission, allows};
use crate::http::input::Params;
use crate::ui::form::{Choice, FieldError};
use crate::ui::i18n::Lang;

/// What the upload form shows after a refusal: what was chosen and what is wrong.
pub struct EvidenceFormState {
    pub params: Params,
    pub errors: Vec<FieldError>,
}

impl Default for EvidenceFormState {
    fn default() -> EvidenceFormState {
        EvidenceFormState { params: Params(Vec::new()), errors: Vec::new() }
    }
}

/// One file as the page lists it.
pub struct AttachmentView {
    pub id: String,
    pub title: String,
    /// "Dated 15 January 2026", or empty.
    pub dated: String,
    /// "PDF, 212 KB".
    pub about: String,
    /// The event it belongs to, as the timeline's anchor id, where the reader sees the timeline.
    pub event: Option<String>,
    /// The person it is about, by name.
    pub person: Option<String>,
    pub view_url: String,
    pub download_url: String,
    /// Whether the browser shows it (PDF, images); the others are only downloaded.
    pub inline: bool,
}

/// The files of one kind.
pub struct KindGroup {
    pub label: String,
    pub files: Vec<AttachmentView>,
}

/// The upload form as the page renders it.
pub struct EvidenceFormView {
    pub kinds: Vec<Choice>,
    pub events: Vec<Choice>,
    pub people: Vec<Choice>,
    pub title: String,
    pub dated: String,
    /// The size limit, in MiB, for the hint.
    pub max_mib: u64,
    pub errors: Vec<FieldError>,
}

impl EvidenceFormView {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}

/// The evidence section of the case page.
#[derive(Default)]
pub struct EvidenceSection {
    pub groups: Vec<KindGroup>,
    /// `None` for a reader who adds no files.
    pub form: Option<EvidenceFormView>,
}

/// A file on the timeline, beside its event.
pub struct AttachmentLink {
    pub title: String,
    pub url: String,
}

/// The form field ids (`attachment-` and the upload's field name).
pub fn field_id(field: &str) -> String {
    format!("attachment-{field}")
}

fn kind_label(lang: Lang, kind: AttachmentKind) -> String {
    lang.t(&format!("attachment-kind-{}", kind.as_str()))
}

fn type_label(content_type: ContentType) -> &'static str {
    match content_type {
        ContentType::Pdf => "PDF",
        ContentType::Jpeg => "JPEG",
        ContentType::Png => "PNG",
        ContentType::Heic => "HEIC",
        ContentType::Docx => "DOCX",
        ContentType::Text => "TXT",
    }
}

fn view(lang: Lang, case: &str, file: &CaseFile, sees_timeline: bool, a: &Attachment) -> AttachmentView {
    let base = format!("/cases/{case}/attachments/{}", a.id);
    let kib = a.byte_size.div_ceil(1024);
    AttachmentView {
        id: a.id.clone(),
        title: a.title.clone(),
        dated: a.dated.map(|d| lang.t1("attachment-dated", "date", lang.date(d))).unwrap_or_default(),
        about: lang.t2(
            "attachment-about",
            "type",
            type_label(a.content_type),
            "kib",
            i64::try_from(kib).unwrap_or(i64::MAX),
        ),
        event: a.event.clone().filter(|_| sees_timeline),
        person: a
            .person
            .as_ref()
            .and_then(|key| file.case.people.iter().find(|p| &p.key == key))
            .map(amparo_domain::Person::full_name),
        download_url: format!("{base}/download"),
        inline: a.content_type.shown_inline(),
        view_url: base,
    }
}

/// The section for `user`: `files` are the attachments the store let them see.
pub fn section(
    user: &User,
    lang: Lang,
    (case, file): (&str, &CaseFile),
    files: &[Attachment],
    form: &EvidenceFormState,
    max_bytes: u64,
) -> EvidenceSection {
    let sees_timeline = crate::cases::visibility::sees_timeline(user);
    let groups = AttachmentKind::ALL
        .iter()
        .filter_map(|kind| {
            let of_kind: Vec<_> = files
                .iter()
                .filter(|a| a.kind == *kind)
                .map(|a| view(lang, case, file, sees_timeline, a))
                .collect();
            (!of_kind.is_empty()).then(|| KindGroup { label: kind_label(lang, *kind), files: of_kind })
        })
        .collect();
    let form = allows(user.role, Permission::RecordAttestations).then(|| {
        let params = &form.params;
        let clinician = !sees_timeline;
        let chosen_kind = params.get("kind").unwrap_or_default();
        let kinds = std::iter::once(Choice {
            value: String::new(),
            label: lang.t("attachment-choose-kind"),
            selected: chosen_kind.is_empty(),
        })
        .chain(AttachmentKind::ALL.iter().filter(|k| !clinician || k.is_medical()).map(|k| Choice {
            value: k.as_str().to_owned(),
            label: kind_label(lang, *k),
            selected: k.as_str() == chosen_kind,
        }))
        .collect();
        let chosen_event = params.get("event").unwrap_or_default();
        let mut events = Vec::new();
        if sees_timeline {
            events.push(Choice {
                value: String::new(),
                label: lang.t("attachment-no-event"),
                selected: chosen_event.is_empty(),
            });
            events.extend(file.events.iter().rev().filter_map(|e| {
                let id = e.id.clone()?;
                let label = format!("{id} — {}, {}", lang.event_type(e.kind.type_name()), lang.date(e.on));
                Some(Choice { selected: id == chosen_event, value: id, label })
            }));
        }
        let chosen_person = params.get("person").unwrap_or_default();
        let people = std::iter::once(Choice {
            value: String::new(),
            label: lang.t("attachment-no-person"),
            selected: chosen_person.is_empty(),
        })
        .chain(file.case.people.iter().map(|p| Choice {
            value: p.key.clone(),
            label: p.full_name(),
            selected: p.key == chosen_person,
        }))
        .collect();
        EvidenceFormView {
            kinds,
            events,
            people,
            title: params.text("title"),
            dated: params.text("dated"),
            max_mib: max_bytes.div_ceil(1024 * 1024),
            errors: form.errors.clone(),
        }
    });
    EvidenceSection { groups, form }
}

/// Each event's files, for the timeline.
pub fn link_to_timeline(events: &mut [crate::cases::page::views::EventView], section: &EvidenceSection) {
    for event in events {
        event.attachments = section
            .groups
            .iter()
            .flat_map(|g| &g.files)
            .filter(|f| f.event.as_deref() == Some(event.id.as_str()))
            .map(|f| AttachmentLink { title: f.title.clone(), url: format!("#attachment-{}", f.id) })
            .collect();
    }
}
