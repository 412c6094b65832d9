//! The family letter: `/cases/{id}/letter?lang=en|es|ht|uk|ru|prs|ps|pt|fr` (by default the family's
//! own language), a page that prints on one sheet with its own print stylesheet. A family language
//! whose translation is unreviewed prints the English beside each part
//! (`amparo_notify::family_letter`); Dari and Pashto are laid out right to left. No script and no inline style: the CSP
//! forbids both. It recounts the legal timeline, so only those who read the timeline read it: never a
//! clinician, even of a case shared with them (`cases::visibility::may_read_letter`).

use std::sync::OnceLock;

use amparo_domain::{Language, Problem};
use amparo_notify::family_letter::{self, FamilyLetter};
use amparo_notify::family_texts::{FamilyLanguage, FamilyTexts};
use amparo_notify::letter::{self, LetterInput};
use amparo_store::CaseId;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::notifications::in_app::texts;

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterPage {
    case_id: String,
    letter: FamilyLetter,
    /// The family's own language when it is neither English nor Spanish, offered beside them.
    family_language: Option<FamilyLanguage>,
    /// For the staff reading it, in their language: the family's languages Amparo has no texts in.
    fallback: Option<String>,
    /// The staff reader's language code, which the note is written in.
    reader_lang: &'static str,
    /// The link back to the case, in the staff reader's language.
    back_label: String,
    /// Who writes: the organisation's name, address, phone and signature.
    org: crate::cases::letter_organisation::LetterOrganisation,
}

pub async fn page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    params.only(&["lang"])?;
    let asked = match params.get("lang") {
        None | Some("") => None,
        Some(text) => {
            Some(FamilyLanguage::ALL.into_iter().find(|l| l.as_str() == text).ok_or_else(|| {
                let expected = FamilyLanguage::ALL.iter().map(|l| l.as_str().to_owned()).collect();
                WebError::field("lang", Problem::UnknownValue { value: text.to_owned(), expected })
            })?)
        }
    };
    let user = signed_in.user.clone();
    let org = user.org_id.clone();
    let now = state.clock.now();
    let today = signed_in.today(now);
    let (case, derivation, assignments, organisation, caseworker_email) = state
        .with_store(move |store| {
            let id = CaseId(id);
            // A letter someone may not read is "not found", as the case page answers for a case
            // they may not see.
            if !crate::cases::visibility::may_read_letter(store, &user, &id)? {
                return Ok(None);
            }
            let Some(case) = store.case(&org, &id)? else { return Ok(None) };
            // Recorded before the letter is shown: a read that cannot be audited is not served.
            let event = amparo_store::AuditEvent {
                actor: Some(user.id.clone()),
                action: "letter.read".into(),
                target: id.as_str().to_owned(),
                detail: serde_json::json!({}),
            };
            store.record_audit(&org, &event, now)?;
            let policy = store.policy(&org)?;
            let derivation = amparo_domain::derive(&case.in_force(), today, &policy, store.rules());
            let assignments = store.assignments(&org, &case.id)?;
            let organisation = store.organisation_profile(&org)?;
            // How the family reaches its caseworker: the address of their account.
            let caseworker_email = match letter::caseworker(&assignments) {
                Some(a) => store.user(&org, &a.user_id)?.map(|u| u.email),
                None => None,
            };
            Ok(Some((case, derivation, assignments, organisation, caseworker_email)))
        })
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    let own = FamilyLanguage::of_case(&case.file);
    let language = asked.or(own).unwrap_or(FamilyLanguage::En);
    let staff_language = language.staff().unwrap_or(Language::En);
    let input = LetterInput {
        file: &case.file,
        derivation: &derivation,
        assignments: &assignments,
        organisation: &organisation.name,
        caseworker_email: caseworker_email.as_deref(),
        language: staff_language,
        today,
    };
    let untranslated = languages_without_letters(&case.file);
    let fallback = (!untranslated.is_empty())
        .then(|| signed_in.lang().t1("case-language-fallback", "codes", untranslated.as_str()));
    let view = LetterPage {
        case_id: case.id.0.clone(),
        letter: family_letter::build(texts()?, family_texts()?, language, &input),
        family_language: own.filter(|l| l.staff().is_none()),
        fallback,
        reader_lang: signed_in.lang().code(),
        back_label: signed_in.lang().t("print-back"),
        org: crate::cases::letter_organisation::LetterOrganisation::new(&organisation, staff_language),
    };
    Ok(crate::ui::render(&view).into_response())
}

/// The family catalogues, read once.
fn family_texts() -> Result<&'static FamilyTexts, WebError> {
    static TEXTS: OnceLock<Result<FamilyTexts, String>> = OnceLock::new();
    TEXTS
        .get_or_init(|| FamilyTexts::load().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| WebError::Internal(format!("family texts: {e}")))
}

/// The case's languages no letter can be written in (neither staff nor family languages).
fn languages_without_letters(file: &amparo_domain::CaseFile) -> String {
    let codes = crate::cases::page::languages_without_texts(file);
    let without: Vec<&str> =
        codes.split(", ").filter(|code| !code.is_empty() && FamilyLanguage::parse(code).is_none()).collect();
    without.join(", ")
}

pub async fn stylesheet() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../../static/letter.css")).into_response()
}
