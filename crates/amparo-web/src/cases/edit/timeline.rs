//! Voided events on the timeline: the line that says an event was voided, why, and (on the case
//! page, which knows the staff) by whom and when.

use amparo_domain::case_edit::EventVoid;
use amparo_store::User;

use crate::cases::page::views::EventView;
use crate::ui::i18n::Lang;

/// The void line of the event at `index` (from 0) of the timeline, if it is void; `users` names who
/// voided it where given.
pub fn void_line(lang: Lang, voids: &[EventVoid], index: usize, users: Option<&[User]>) -> Option<String> {
    let void = voids.iter().find(|v| v.seq == index as i64 + 1)?;
    let Some(users) = users else {
        return Some(lang.t1("timeline-voided", "reason", void.reason.as_str()));
    };
    let name = match &void.voided_by {
        Some(id) => users
            .iter()
            .find(|u| u.id.as_str() == id)
            .map_or_else(|| lang.t("timeline-former-member"), |u| u.display_name.clone()),
        None => lang.t("history-by-command-line"),
    };
    let when = lang.moment(void.voided_at);
    Some(lang.t3("timeline-voided-by", "name", name, "when", when, "reason", void.reason.as_str()))
}

/// Names who voided each voided event of `events` (the timeline as the page lists it, newest first).
pub fn name_voiders(lang: Lang, events: &mut [EventView], voids: &[EventVoid], users: &[User]) {
    let count = events.len();
    for (shown, event) in events.iter_mut().enumerate() {
        if event.voided.is_some() {
            // The page lists the timeline newest first.
            event.voided = void_line(lang, voids, count - 1 - shown, Some(users));
        }
    }
}
