//! What the case page shows of a case's closure: for a closed case, a banner at the top (reason, who,
//! when, the note) with **Reopen**; for an open one, the form that closes it. The controls are shown
//! only to a role that records events (the one that may close and reopen).

use amparo_domain::{CloseReason, Closure};

use crate::http::input::Params;
use crate::ui::form::{Choice, FieldError};
use crate::ui::i18n::Lang;

/// The form's fields: the reason and the note (their ids are also their names).
pub const REASON_FIELD: &str = "close-reason";
pub const NOTE_FIELD: &str = "close-note";

/// The close form as sent back: what was typed, what is wrong, and whether the case moved on meanwhile.
#[derive(Default)]
pub struct CloseFormState {
    pub params: Option<Params>,
    pub errors: Vec<FieldError>,
    pub conflict: Option<String>,
}

/// A closed case's banner.
pub struct ClosedBanner {
    /// "Closed on … by …: reason." in the reader's language.
    pub summary: String,
    pub note: Option<String>,
}

/// The closure part of the case page.
#[derive(Default)]
pub struct ClosureSection {
    pub banner: Option<ClosedBanner>,
    /// Who closed the case, by name, when known (kept to build the section again with a form).
    pub closed_by: Option<String>,
    /// The reader's role closes and reopens cases: the form or the Reopen button is shown.
    pub may_act: bool,
    pub reasons: Vec<Choice>,
    pub note: String,
    pub reason_error: Option<String>,
    pub note_error: Option<String>,
    pub errors: Vec<FieldError>,
    pub conflict: Option<String>,
    /// The close form starts folded; it opens when it comes back with a problem.
    pub open_form: bool,
}

/// A reason in the reader's language.
pub fn reason_label(lang: Lang, reason: CloseReason) -> String {
    lang.t(&format!("closure-reason-{}", reason.as_str().replace('_', "-")))
}

/// The section for a case whose closure is `closure`, closed by `closed_by` (a name, when known).
pub fn section(
    lang: Lang,
    closure: Option<&Closure>,
    closed_by: Option<String>,
    may_act: bool,
    form: &CloseFormState,
) -> ClosureSection {
    let banner = closure.map(|c| {
        let reason = reason_label(lang, c.reason);
        let when = lang.moment(c.closed_at);
        let summary = match closed_by.clone() {
            Some(name) => lang.t3("closure-banner-by", "when", when, "name", name, "reason", reason),
            None => lang.t2("closure-banner", "when", when, "reason", reason),
        };
        ClosedBanner { summary, note: c.note.clone() }
    });
    let typed = |field: &str| form.params.as_ref().and_then(|p| p.get(field)).unwrap_or_default().to_owned();
    let chosen = typed(REASON_FIELD);
    let mut reasons =
        vec![Choice { value: String::new(), label: lang.t("intake-choose"), selected: chosen.is_empty() }];
    reasons.extend(CloseReason::ALL.iter().map(|r| Choice {
        value: r.as_str().to_owned(),
        label: reason_label(lang, *r),
        selected: r.as_str() == chosen,
    }));
    let error_for = |id: &str| form.errors.iter().find(|e| e.id == id).map(|e| e.message.clone());
    ClosureSection {
        banner,
        closed_by,
        may_act,
        reasons,
        note: typed(NOTE_FIELD),
        reason_error: error_for(REASON_FIELD),
        note_error: error_for(NOTE_FIELD),
        errors: form
            .errors
            .iter()
            .map(|e| FieldError { id: e.id.clone(), message: e.message.clone() })
            .collect(),
        conflict: form.conflict.clone(),
        open_form: form.params.is_some(),
    }
}
