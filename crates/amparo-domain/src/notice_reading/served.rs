//! How a notice says it was served: by mail, by email, in person or to an online account. Only what
//! the notice says: an email's own headers count as saying it came by email.

use super::Found;
use super::kind::find_phrase;
use super::numbers::line_at;
use crate::event::ServedBy;

const SAID: &[(&str, ServedBy)] = &[
    ("personally served", ServedBy::Personal),
    ("personal service", ServedBy::Personal),
    ("served in person", ServedBy::Personal),
    ("delivered in person", ServedBy::Personal),
    ("by first-class mail", ServedBy::Mail),
    ("by u.s. mail", ServedBy::Mail),
    ("served by mail", ServedBy::Mail),
    ("sent by mail", ServedBy::Mail),
    ("by regular mail", ServedBy::Mail),
    ("notice was mailed", ServedBy::Mail),
    ("decision was mailed", ServedBy::Mail),
    ("sent by email", ServedBy::Email),
    ("sent via email", ServedBy::Email),
    ("served by email", ServedBy::Email),
    ("by electronic mail", ServedBy::Email),
    ("this email", ServedBy::Email),
    ("sent to your uscis online account", ServedBy::Online),
    ("posted to your uscis online account", ServedBy::Online),
    ("delivered to your uscis online account", ServedBy::Online),
    ("posted to your online account", ServedBy::Online),
];

/// How the notice was served, when it says so.
pub fn served_by(text: &str, lower: &str) -> Option<Found<ServedBy>> {
    let said = SAID
        .iter()
        .filter_map(|(phrase, how)| find_phrase(lower, phrase, 0).map(|at| (at, *how)))
        .min_by_key(|(at, _)| *at);
    if let Some((at, how)) = said {
        return Some(Found::new(how, line_at(text, at).to_owned()));
    }
    // An email's headers: a `From:` line with an address at the top.
    let head: Vec<&str> = text.lines().take(8).collect();
    let from = head.iter().find(|l| l.to_ascii_lowercase().starts_with("from:") && l.contains('@'))?;
    Some(Found::new(ServedBy::Email, (*from).to_owned()))
}
