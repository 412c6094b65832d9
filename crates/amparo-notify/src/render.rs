//! Turns a notice's stored facts into a message in its reader's language: a subject that names the
//! case by reference only, a plain-text body and an HTML body, each with a link to the case.

use amparo_domain::notice::NoticeKind;
use amparo_domain::{Language, TimeZone};
use amparo_store::{CaseId, NoticeFacts};
use chrono::{DateTime, Timelike, Utc};

use crate::texts::{Arg, Texts};

/// A message ready to send or show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    /// The body's paragraphs, without greeting, link or footer (the in-app list shows these).
    pub lines: Vec<String>,
    pub link: String,
    pub text: String,
    pub html: String,
}

/// A moment as people read it: day, hour and minute, in the organisation's time zone with its
/// abbreviation then ("2026-12-05 19:00 PST").
pub fn moment(at: DateTime<Utc>, zone: TimeZone) -> String {
    let (local, abbreviation) = zone.local(at);
    format!("{} {:02}:{:02} {abbreviation}", local.date(), local.hour(), local.minute())
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page a notice links to: its case, or the notifications list for a digest.
pub fn link(base_url: &str, case: Option<&CaseId>) -> String {
    let base = base_url.trim_end_matches('/');
    match case {
        Some(case) => format!("{base}/cases/{case}"),
        None => format!("{base}/notifications"),
    }
}

fn text_or(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("—")
}

fn subject(texts: &Texts, language: Language, kind: NoticeKind, facts: &NoticeFacts) -> String {
    let reference = || Arg::from(text_or(&facts.reference));
    match kind {
        NoticeKind::DeadlineApproaching => texts.get(
            language,
            "subject-deadline",
            &[("reference", reference()), ("days", Arg::from(facts.days_before.unwrap_or(0)))],
        ),
        NoticeKind::EscalationOpened if facts.critical_care => {
            texts.get(language, "subject-escalation-critical", &[("reference", reference())])
        }
        NoticeKind::EscalationOpened => {
            texts.get(language, "subject-escalation", &[("reference", reference())])
        }
        NoticeKind::TaskAssigned => {
            texts.get(language, "subject-task-assigned", &[("reference", reference())])
        }
        NoticeKind::TaskOverdue => texts.get(language, "subject-task-overdue", &[("reference", reference())]),
        NoticeKind::DailyDigest => {
            let day = facts.digest.as_ref().and_then(|d| d.day).map(|d| d.to_string()).unwrap_or_default();
            texts.get(language, "subject-digest", &[("day", Arg::from(day))])
        }
        NoticeKind::BackupFailed => texts.get(language, "subject-backup-failed", &[]),
    }
}

fn task_title(language: Language, facts: &NoticeFacts) -> String {
    match language {
        Language::En => text_or(&facts.task_title_en).to_owned(),
        Language::Es => text_or(&facts.task_title_es).to_owned(),
    }
}

fn lines(
    texts: &Texts,
    language: Language,
    zone: TimeZone,
    kind: NoticeKind,
    facts: &NoticeFacts,
) -> Vec<String> {
    let reference = || Arg::from(text_or(&facts.reference));
    let due = facts.due.map(|d| d.to_string()).unwrap_or_default();
    match kind {
        NoticeKind::DeadlineApproaching => {
            let what = texts.kind(language, "kind", text_or(&facts.deadline_kind));
            vec![texts.get(
                language,
                "body-deadline",
                &[
                    ("reference", reference()),
                    ("kind", Arg::from(what)),
                    ("due", Arg::from(due)),
                    ("days", Arg::from(facts.days_before.unwrap_or(0))),
                ],
            )]
        }
        NoticeKind::EscalationOpened => {
            let trigger = texts.kind(language, "trigger", text_or(&facts.trigger_kind));
            let mut lines = vec![texts.get(
                language,
                "body-escalation",
                &[("reference", reference()), ("trigger", Arg::from(trigger)), ("on", Arg::from(due))],
            )];
            if facts.critical_care {
                lines.push(texts.get(language, "body-escalation-critical", &[]));
            }
            lines.push(texts.get(
                language,
                "body-escalation-tasks",
                &[("count", Arg::from(facts.tasks_for_you))],
            ));
            lines
        }
        NoticeKind::TaskAssigned | NoticeKind::TaskOverdue => {
            let id =
                if kind == NoticeKind::TaskAssigned { "body-task-assigned" } else { "body-task-overdue" };
            let due = facts.task_due_at.map(|at| moment(at, zone)).unwrap_or_default();
            vec![texts.get(
                language,
                id,
                &[
                    ("reference", reference()),
                    ("title", Arg::from(task_title(language, facts))),
                    ("due", Arg::from(due)),
                ],
            )]
        }
        NoticeKind::DailyDigest => digest_lines(texts, language, facts),
        NoticeKind::BackupFailed => {
            vec![texts.get(language, "body-backup-failed", &[("day", Arg::from(due))])]
        }
    }
}

fn digest_lines(texts: &Texts, language: Language, facts: &NoticeFacts) -> Vec<String> {
    let Some(digest) = &facts.digest else { return Vec::new() };
    let day = digest.day.map(|d| d.to_string()).unwrap_or_default();
    let mut lines = vec![texts.get(language, "body-digest-intro", &[("day", Arg::from(day))])];
    if digest.deadlines.is_empty() {
        lines.push(texts.get(language, "body-digest-nothing", &[]));
    }
    for deadline in &digest.deadlines {
        lines.push(texts.get(
            language,
            "body-digest-deadline",
            &[
                ("reference", Arg::from(deadline.reference.as_str())),
                ("kind", Arg::from(texts.kind(language, "kind", &deadline.kind))),
                ("due", Arg::from(deadline.due.to_string())),
            ],
        ));
    }
    let more = digest.deadlines_total.saturating_sub(digest.deadlines.len() as u32);
    if more > 0 {
        lines.push(texts.get(language, "body-digest-more", &[("count", Arg::from(more))]));
    }
    lines.push(texts.get(
        language,
        "body-digest-tasks",
        &[("open", Arg::from(digest.open_tasks)), ("overdue", Arg::from(digest.overdue_tasks))],
    ));
    if digest.unassigned_due > 0 {
        lines.push(texts.get(
            language,
            "body-digest-unassigned",
            &[("count", Arg::from(digest.unassigned_due))],
        ));
    }
    lines
}

/// Renders a notice for its reader, with times of day in their organisation's `zone`.
#[allow(clippy::too_many_arguments)]
pub fn render(
    texts: &Texts,
    language: Language,
    zone: TimeZone,
    kind: NoticeKind,
    facts: &NoticeFacts,
    case: Option<&CaseId>,
    base_url: &str,
) -> Rendered {
    let subject = subject(texts, language, kind, facts);
    let lines = lines(texts, language, zone, kind, facts);
    let link = link(base_url, case);
    let open_id = if case.is_some() { "body-open-case" } else { "body-open-app" };
    let open = texts.get(language, open_id, &[("link", Arg::from(link.as_str()))]);
    let greeting = texts.get(language, "body-greeting", &[]);
    let footer = texts.get(language, "body-footer", &[]);

    let mut text = format!("{greeting}\n\n");
    for line in &lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&format!("\n{open}\n\n-- \n{footer}\n"));

    let open_label = open.split_once(": ").map_or(open.as_str(), |(label, _)| label);
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n<p>{}</p>\n",
        language.as_str(),
        escape_html(&subject),
        escape_html(&greeting)
    );
    for line in &lines {
        html.push_str(&format!("<p>{}</p>\n", escape_html(line)));
    }
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>\n<hr>\n<p><small>{}</small></p>\n</body></html>\n",
        escape_html(&link),
        escape_html(open_label),
        escape_html(&footer)
    ));
    Rendered { subject, lines, link, text, html }
}

#[cfg(test)]
mod tests {
    use amparo_store::{DigestDeadline, DigestFacts};

    use super::*;

    fn texts() -> Texts {
        Texts::load().unwrap()
    }

    #[test]
    fn a_deadline_reminder_names_the_case_by_reference_and_links_to_it() {
        let facts = NoticeFacts {
            reference: Some("HP-0042".into()),
            deadline_kind: Some("ead_ends".into()),
            due: Some("2026-04-30".parse().unwrap()),
            days_before: Some(30),
            ..NoticeFacts::default()
        };
        let case = CaseId("c-1".into());
        let es = render(
            &texts(),
            Language::Es,
            TimeZone::UTC,
            NoticeKind::DeadlineApproaching,
            &facts,
            Some(&case),
            "https://a.example/",
        );
        assert_eq!(es.subject, "[HP-0042] Plazo en 30 días");
        assert!(es.text.contains("el vencimiento del permiso de trabajo es el 2026-04-30"), "{}", es.text);
        assert!(es.text.contains("https://a.example/cases/c-1"));
        assert!(es.html.contains("<a href=\"https://a.example/cases/c-1\">Abra el caso</a>"), "{}", es.html);
        let en = render(
            &texts(),
            Language::En,
            TimeZone::UTC,
            NoticeKind::DeadlineApproaching,
            &facts,
            Some(&case),
            "https://a.example",
        );
        assert_eq!(en.subject, "[HP-0042] Deadline in 30 days");
        assert!(en.text.starts_with("Hello,"));
    }

    #[test]
    fn html_is_escaped_and_digests_count_what_they_do_not_list() {
        let facts = NoticeFacts {
            task_title_en: Some("Call <the> family & clinic".into()),
            reference: Some("HP-1".into()),
            ..NoticeFacts::default()
        };
        let rendered =
            render(&texts(), Language::En, TimeZone::UTC, NoticeKind::TaskAssigned, &facts, None, "http://x");
        assert!(rendered.html.contains("Call &lt;the&gt; family &amp; clinic"));
        assert!(rendered.text.contains("Call <the> family & clinic"));

        let digest = DigestFacts {
            day: Some("2026-03-01".parse().unwrap()),
            deadlines: vec![DigestDeadline {
                case_id: CaseId("c".into()),
                reference: "HP-7".into(),
                kind: "parole_ends".into(),
                due: "2026-03-05".parse().unwrap(),
            }],
            deadlines_total: 3,
            open_tasks: 2,
            overdue_tasks: 1,
            unassigned_due: 0,
        };
        let facts = NoticeFacts { digest: Some(digest), ..NoticeFacts::default() };
        let rendered =
            render(&texts(), Language::Es, TimeZone::UTC, NoticeKind::DailyDigest, &facts, None, "http://x");
        assert_eq!(rendered.subject, "Amparo: su resumen del día, 2026-03-01");
        assert!(rendered.text.contains("HP-7: el fin del permiso humanitario (parole), 2026-03-05"));
        assert!(rendered.text.contains("…y 2 más."));
        assert!(rendered.text.contains("Tareas pendientes: 2. Vencidas: 1."));
        assert!(rendered.link.ends_with("/notifications"));
    }

    #[test]
    fn a_failed_backup_names_the_day_in_each_language() {
        let facts = NoticeFacts { due: Some("2027-03-01".parse().unwrap()), ..NoticeFacts::default() };
        let english =
            render(&texts(), Language::En, TimeZone::UTC, NoticeKind::BackupFailed, &facts, None, "http://x");
        assert_eq!(english.subject, "Amparo: a scheduled backup failed");
        assert!(english.text.contains("The scheduled backup of 2027-03-01 failed."), "{}", english.text);
        let spanish =
            render(&texts(), Language::Es, TimeZone::UTC, NoticeKind::BackupFailed, &facts, None, "http://x");
        assert_eq!(spanish.subject, "Amparo: falló una copia de seguridad programada");
        assert!(spanish.text.contains("del 2027-03-01"), "{}", spanish.text);
        assert!(spanish.link.ends_with("/notifications"));
    }
}
