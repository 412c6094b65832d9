//! What kind of notice a text is, from the words agencies use for each kind, and the words that
//! decided it. The most specific kinds are tried first: an RFE warns that a case "may be denied", a
//! notice of intent to deny is not a denial, a receipt notice names the fee it received.

use serde::Serialize;

/// The kinds of notice the reader knows, each proposing one event type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    TerminationNotice,
    ParoleApproval,
    I94Record,
    ParoleDenial,
    Rfe,
    Noid,
    ParoleReceipt,
    ReParoleReceipt,
    EadReceipt,
    EadApproval,
    FeeNotice,
    EadRevocationNotice,
}

impl NoticeKind {
    /// The event type a notice of this kind is recorded as.
    pub fn event_type(self) -> &'static str {
        match self {
            NoticeKind::TerminationNotice => "termination_notice",
            NoticeKind::ParoleApproval => "parole_granted",
            NoticeKind::I94Record => "i94_updated",
            NoticeKind::ParoleDenial => "parole_denied",
            NoticeKind::Rfe => "rfe_received",
            NoticeKind::Noid => "noid_received",
            NoticeKind::ParoleReceipt => "parole_requested",
            NoticeKind::ReParoleReceipt => "re_parole_filed",
            NoticeKind::EadReceipt => "ead_filed",
            NoticeKind::EadApproval => "ead_approved",
            NoticeKind::FeeNotice => "fee_notice",
            NoticeKind::EadRevocationNotice => "ead_revocation_notice",
        }
    }
}

/// One way of recognising a kind: each term of `all` must be in the text (a term may offer
/// alternatives separated by `|`), and one phrase of `any`.
struct Sign {
    kind: NoticeKind,
    all: &'static [&'static str],
    any: &'static [&'static str],
}

const EAD: &[&str] = &["employment authorization", "i-765", "i765", "ead"];
const PAROLE_FORM: &[&str] = &["i-131", "i131", "parole"];
const APPROVED: &str = "approval notice|has been approved|have been approved";
const RECEIVED: &str = "receipt notice|received your|has been received";
const TERMINATED: &[&str] = &[
    "termination of parole",
    "terminate your parole",
    "terminating your parole",
    "parole is terminated",
    "parole will terminate",
    "parole has been terminated",
];

/// In the order they are tried: the kinds whose words other kinds also use come first.
const SIGNS: &[Sign] = &[
    Sign { kind: NoticeKind::EadRevocationNotice, all: &["intent to revoke"], any: EAD },
    Sign { kind: NoticeKind::Noid, all: &[], any: &["notice of intent to deny", "intent to deny"] },
    Sign { kind: NoticeKind::Rfe, all: &[], any: &["request for evidence", "request for initial evidence"] },
    Sign { kind: NoticeKind::TerminationNotice, all: &[], any: TERMINATED },
    Sign {
        kind: NoticeKind::I94Record,
        all: &["admit until date"],
        any: &["most recent date of entry", "i-94"],
    },
    Sign {
        kind: NoticeKind::FeeNotice,
        all: &["fee"],
        any: &["must pay", "pay by", "payment is due", "payment due", "pay the fee", "notice of fee due"],
    },
    Sign { kind: NoticeKind::ParoleDenial, all: &["denied|denial"], any: PAROLE_FORM },
    Sign {
        kind: NoticeKind::EadApproval,
        all: &[APPROVED],
        any: &["i-765", "i765", "application for employment authorization"],
    },
    Sign { kind: NoticeKind::ParoleApproval, all: &[APPROVED], any: PAROLE_FORM },
    Sign { kind: NoticeKind::EadReceipt, all: &[RECEIVED], any: &["i-765", "i765"] },
    Sign { kind: NoticeKind::ReParoleReceipt, all: &[RECEIVED], any: &["re-parole", "reparole"] },
    Sign { kind: NoticeKind::ParoleReceipt, all: &[RECEIVED], any: &["i-131", "i131"] },
];

/// The kind of notice `lower` (the text in ASCII lower case) is and the phrase to show for it, or
/// `None` when no kind's words are all there. `ead_revocation` says whether the rule set in force
/// knows EAD revocation notices; without it such a notice is not proposed as one.
pub fn classify(lower: &str, ead_revocation: bool) -> Option<(NoticeKind, &'static str)> {
    SIGNS.iter().filter(|s| ead_revocation || s.kind != NoticeKind::EadRevocationNotice).find_map(|sign| {
        if !sign.all.iter().all(|term| term.split('|').any(|p| contains_phrase(lower, p))) {
            return None;
        }
        let decisive = sign.any.iter().find(|p| contains_phrase(lower, p))?;
        // The words shown for the kind: what the notice calls itself (`Approval Notice`) where the
        // sign asks for it, else the phrase that decided.
        let named = sign.all.first().and_then(|term| term.split('|').find(|p| contains_phrase(lower, p)));
        Some((sign.kind, named.unwrap_or(decisive)))
    })
}

/// Whether `phrase` stands in `lower` as words, not inside a longer word.
pub fn contains_phrase(lower: &str, phrase: &str) -> bool {
    find_phrase(lower, phrase, 0).is_some()
}

/// The byte offset of the first standalone occurrence of `phrase` at or after `from`.
pub fn find_phrase(lower: &str, phrase: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(found) = lower.get(at..).and_then(|rest| rest.find(phrase)) {
        let start = at + found;
        let before_ok = lower[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after_ok = lower[start + phrase.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(start);
        }
        at = start + phrase.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_rfe_is_not_a_denial_and_a_noid_not_either() {
        let rfe = "request for evidence ... your i-131 may be denied";
        assert_eq!(classify(rfe, true).map(|k| k.0), Some(NoticeKind::Rfe));
        let noid = "notice of intent to deny. form i-131, parole";
        assert_eq!(classify(noid, true).map(|k| k.0), Some(NoticeKind::Noid));
    }

    #[test]
    fn ead_revocation_only_where_the_rule_set_has_it() {
        let text = "notice of intent to revoke employment authorization";
        assert_eq!(classify(text, true).map(|k| k.0), Some(NoticeKind::EadRevocationNotice));
        assert_eq!(classify(text, false), None);
    }

    #[test]
    fn phrases_stand_as_words() {
        assert!(!contains_phrase("reading", "ead"));
        assert!(contains_phrase("your ead card", "ead"));
    }
}
