//! iCalendar (RFC 5545) feeds of deadlines and tasks: all-day events on the due date, each with a
//! UID that stays the same as the feed is regenerated, so calendar programs update an event rather
//! than add a copy. Events name cases by reference only, never by a person's name or A-number.

use std::collections::HashMap;

use amparo_domain::{Date, Language};
use amparo_store::{CalendarDeadline, CalendarEntries, Task};
use chrono::{DateTime, Utc};

use crate::texts::{Arg, Texts};

/// The domain part of every UID: identifies Amparo's events among a calendar's others.
const UID_DOMAIN: &str = "amparo.invalid";

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded at 75 octets without splitting a character (§3.1).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let size = c.len_utf8();
        if width + size > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += size;
    }
    out.push_str("\r\n");
}

fn date_value(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month(), date.day())
}

fn stamp(now: DateTime<Utc>) -> String {
    now.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A UID for a deadline that survives re-derivation: the case, the kind, the person and the rule,
/// with a counter only where one case has several deadlines alike (two requests for evidence).
fn deadline_uids(deadlines: &[CalendarDeadline]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    deadlines
        .iter()
        .map(|d| {
            let base = format!(
                "deadline-{}-{}-{}-{}",
                d.case_id,
                d.kind,
                d.person.as_deref().unwrap_or("case"),
                d.rule
            );
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            let base = base.replace(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'), "-");
            if *count == 1 { format!("{base}@{UID_DOMAIN}") } else { format!("{base}-{count}@{UID_DOMAIN}") }
        })
        .collect()
}

fn event(out: &mut String, uid: &str, day: Date, summary: &str, now: DateTime<Utc>, done: bool) {
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{uid}"));
    line(out, &format!("DTSTAMP:{}", stamp(now)));
    line(out, &format!("DTSTART;VALUE=DATE:{}", date_value(day)));
    line(out, &format!("DTEND;VALUE=DATE:{}", date_value(day.add_days(1))));
    line(out, &format!("SUMMARY:{}", escape(summary)));
    line(out, "TRANSP:TRANSPARENT");
    if done {
        line(out, "STATUS:CANCELLED");
    }
    line(out, "END:VEVENT");
}

fn task_summary(texts: &Texts, language: Language, task: &Task) -> String {
    let title = match language {
        Language::En => task.title_en.as_str(),
        Language::Es => task.title_es.as_str(),
    };
    texts.get(
        language,
        "calendar-task",
        &[("reference", Arg::from(task.reference.as_str())), ("title", Arg::from(title))],
    )
}

/// The whole feed, in the owner's language; a task falls on its due day in the organisation's
/// `zone`. `now` stamps the events (DTSTAMP); nothing else depends on it.
pub fn feed(
    texts: &Texts,
    (language, zone): (Language, amparo_domain::TimeZone),
    entries: &CalendarEntries,
    now: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Amparo//Deadlines and tasks//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(&texts.get(language, "calendar-name", &[]))));
    for (deadline, uid) in entries.deadlines.iter().zip(deadline_uids(&entries.deadlines)) {
        let message = if deadline.advisory { "calendar-deadline-advisory" } else { "calendar-deadline" };
        let summary = texts.get(
            language,
            message,
            &[
                ("reference", Arg::from(deadline.reference.as_str())),
                ("kind", Arg::from(texts.kind(language, "kind", &deadline.kind))),
            ],
        );
        event(&mut out, &uid, deadline.due, &summary, now, false);
    }
    for task in &entries.tasks {
        let uid = format!("task-{}@{UID_DOMAIN}", task.id);
        let day = zone.today(task.due_at);
        event(&mut out, &uid, day, &task_summary(texts, language, task), now, task.done_at.is_some());
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use amparo_store::CaseId;

    use super::*;

    fn deadline(kind: &str, due: &str) -> CalendarDeadline {
        CalendarDeadline {
            case_id: CaseId("0190-case".into()),
            reference: "HP-0001".into(),
            kind: kind.into(),
            person: Some("p1".into()),
            rule: "rfe.response".into(),
            due: due.parse().unwrap(),
            advisory: false,
        }
    }

    #[test]
    fn lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{physical:?} is {} octets", physical.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(60)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn uids_survive_a_moved_date_and_tell_alike_deadlines_apart() {
        let before = deadline_uids(&[
            deadline("rfe_response_due", "2026-04-01"),
            deadline("rfe_response_due", "2026-05-01"),
        ]);
        let after = deadline_uids(&[
            deadline("rfe_response_due", "2026-04-03"),
            deadline("rfe_response_due", "2026-05-01"),
        ]);
        assert_eq!(before, after);
        assert_ne!(before[0], before[1]);
        assert!(before[0].ends_with("@amparo.invalid"));
    }

    #[test]
    fn deadlines_are_all_day_events_on_the_due_date() {
        let texts = Texts::load().unwrap();
        let entries = CalendarEntries { deadlines: vec![deadline("ead_ends", "2026-12-31")], tasks: vec![] };
        let now = DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z").unwrap().with_timezone(&Utc);
        let feed = feed(&texts, (Language::Es, amparo_domain::TimeZone::UTC), &entries, now);
        assert!(feed.contains("DTSTART;VALUE=DATE:20261231\r\n"));
        assert!(feed.contains("DTEND;VALUE=DATE:20270101\r\n"));
        assert!(feed.contains("SUMMARY:HP-0001: el vencimiento del permiso de trabajo\r\n"));
        assert!(feed.starts_with("BEGIN:VCALENDAR\r\n") && feed.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn an_advisory_deadline_is_marked_in_its_summary() {
        let texts = Texts::load().unwrap();
        let asylum = CalendarDeadline { advisory: true, ..deadline("asylum_one_year", "2025-06-03") };
        let entries = CalendarEntries { deadlines: vec![asylum], tasks: vec![] };
        let now = DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z").unwrap().with_timezone(&Utc);
        let feed = feed(&texts, (Language::En, amparo_domain::TimeZone::UTC), &entries, now);
        let summary = feed.lines().find(|l| l.starts_with("SUMMARY:")).unwrap();
        assert!(summary.starts_with("SUMMARY:HP-0001: the asylum one-year date (advisory"), "{summary}");
    }
}
