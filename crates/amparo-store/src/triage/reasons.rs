//! What the triage said of a case and why an escalation opened, as stored: facts (a code and the
//! few values its sentence prints), sealed because they name days to critical harm and care
//! unavailable abroad, and rendered in each language when read. Rows written before facts were kept
//! hold their sentences as written text, read through the same shapes.

use amparo_domain::triage::{Component, Reason, TriggerReason};
use amparo_domain::{Date, Language, Texts};
use serde::{Deserialize, Serialize};

use crate::error::StoreResult;
use crate::model::TriageReason;
use crate::security::seal::{Field, Sealer};

/// `cases.triage` opened: the components, highest points first, as facts with the day the case was
/// scored (relative phrases count from it), or as the sentences written before facts were kept.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum StoredTriage {
    Facts { as_of: Date, reasons: Vec<ScoredReason> },
    Written { reasons: Vec<WrittenReason> },
}

#[derive(Serialize, Deserialize)]
struct ScoredReason {
    points: i64,
    #[serde(flatten)]
    reason: Reason,
}

#[derive(Serialize, Deserialize)]
struct WrittenReason {
    code: String,
    points: i64,
    text: Texts,
}

/// A case's triage components as facts, sealed for its row.
pub(crate) fn seal_triage(
    sealer: &Sealer,
    (org, case): (&str, &str),
    as_of: Date,
    components: &[Component],
) -> StoreResult<String> {
    let reasons = components.iter().map(|c| ScoredReason { points: c.points, reason: c.reason.clone() });
    let stored = StoredTriage::Facts { as_of, reasons: reasons.collect() };
    sealer.seal(Field::CaseTriage, org, case, &serde_json::to_string(&stored)?)
}

/// A case's triage components in both languages, from its stored (sealed) column; relative phrases
/// count from `today` when given, else from the day the case was scored.
pub(crate) fn open_triage(
    sealer: &Sealer,
    (org, case): (&str, &str),
    stored: Option<&str>,
    today: Option<Date>,
) -> StoreResult<Vec<TriageReason>> {
    let Some(stored) = stored else { return Ok(Vec::new()) };
    let triage: StoredTriage = serde_json::from_str(&sealer.open(Field::CaseTriage, org, case, stored)?)?;
    Ok(match triage {
        StoredTriage::Facts { as_of, reasons } => {
            let from = today.unwrap_or(as_of);
            reasons
                .into_iter()
                .map(|ScoredReason { points, reason }| TriageReason {
                    code: reason.code().to_owned(),
                    points,
                    text_en: reason.text(Language::En, from),
                    text_es: reason.text(Language::Es, from),
                })
                .collect()
        }
        StoredTriage::Written { reasons } => reasons
            .into_iter()
            .map(|WrittenReason { code, points, text }| TriageReason {
                code,
                points,
                text_en: text.get(Language::En).to_owned(),
                text_es: text.get(Language::Es).to_owned(),
            })
            .collect(),
    })
}

/// Why an escalation opened, sealed for its row.
pub(crate) fn seal_trigger_reason(
    sealer: &Sealer,
    (org, escalation): (&str, &str),
    reason: &TriggerReason,
) -> StoreResult<String> {
    sealer.seal(Field::EscalationReason, org, escalation, &serde_json::to_string(reason)?)
}

/// Why an escalation opened, from its stored (sealed) column.
pub(crate) fn open_trigger_reason(
    sealer: &Sealer,
    (org, escalation): (&str, &str),
    stored: &str,
) -> StoreResult<TriggerReason> {
    Ok(serde_json::from_str(&sealer.open(Field::EscalationReason, org, escalation, stored)?)?)
}
