//! Appending an event to a case's timeline: checked against the case as stored, written at the
//! version the writer read (a stale version is refused, nothing merged), and the case re-derived in
//! the same transaction.

use amparo_domain::Event;
use chrono::{DateTime, Utc};

use crate::Store;
use crate::access::{self, Actor};
use crate::cases::{self, identifiers, rows};
use crate::columns::millis;
use crate::db::{Tx, Value};
use crate::derivation::{self, DeriveContext, NextVersion, Rules};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, UserId};
use crate::policy::policy_and_today;
use crate::security::seal::{self, Field, Sealer};
use crate::webhooks::{self, WebhookEvent};

/// Multi-row INSERT head of events (see `RowBuffer`), and its column count.
pub(crate) const INSERT_EVENTS: &str =
    "INSERT INTO events (org_id, case_id, seq, event_id, type, on_date, body, recorded_at, recorded_by)";
pub(crate) const EVENT_WIDTH: usize = 9;
const INSERT_EVENT: &str = "INSERT INTO events (org_id, case_id, seq, event_id, type, on_date, body, \
     recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// An event's body as stored: its JSON, sealed.
pub(crate) fn seal_event_body(
    sealer: &Sealer,
    (org_id, case_id): (&str, &str),
    event: &Event,
    seq: i64,
) -> StoreResult<String> {
    let body = serde_json::to_string(event)?;
    sealer.seal(Field::EventBody, org_id, &seal::event_row(case_id, seq), &body)
}

/// An event's row; `body` is the sealed body (see [`seal_event_body`]).
pub(crate) fn event_values(
    (org, case): (&Value, &Value),
    event: &Event,
    (seq, body): (i64, String),
    now_ms: i64,
    actor: Option<&UserId>,
) -> StoreResult<[Value; EVENT_WIDTH]> {
    Ok([
        org.clone(),
        case.clone(),
        seq.into(),
        event.id.clone().into(),
        event.kind.type_name().into(),
        event.on.to_string().into(),
        body.into(),
        now_ms.into(),
        actor.map(UserId::as_str).into(),
    ])
}

fn insert_event(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&OrgId, &CaseId),
    event: &Event,
    seq: i64,
    now_ms: i64,
    actor: Option<&UserId>,
) -> StoreResult<()> {
    let body = seal_event_body(sealer, (org.as_str(), case.as_str()), event, seq)?;
    let key = (&Value::from(org.as_str()), &Value::from(case.as_str()));
    tx.execute(INSERT_EVENT, &event_values(key, event, (seq, body), now_ms, actor)?)?;
    identifiers::index_identifiers(tx, sealer, (org, case), identifiers::event_identifiers(event))
}

/// Refuses an event that corrects or answers a voided event: the voided one is out of force.
fn check_links_in_force(stored: &crate::model::StoredCase, event: &Event) -> StoreResult<()> {
    for (field, link) in [("supersedes", &event.supersedes), ("answers", &event.answers)] {
        if let Some(id) = link
            && stored.file.extensions.voids.iter().any(|v| v.event.as_ref() == Some(id))
        {
            let problem = amparo_domain::Problem::AlreadyVoided { id: id.clone() };
            return Err(StoreError::field(format!("event.{field}"), problem));
        }
    }
    Ok(())
}

/// Appends one event if the case is at `expected_version`, and refreshes its derivation. The caller
/// holds whatever lock its backend needs on the case for the whole transaction.
pub(crate) fn append_event(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&OrgId, &CaseId),
    expected_version: i64,
    event: &Event,
    actor: Option<&UserId>,
    at: (DateTime<Utc>, &Rules),
) -> StoreResult<i64> {
    let stored = cases::case(tx, sealer, org, case)?.map(|case| cases::CaseAsRead { case, row: None });
    append_event_to(tx, sealer, stored, expected_version, event, actor, at)
}

/// As [`append_event`], to the case `stored` as read in this transaction under its lock (`None`:
/// there is no such case).
pub(crate) fn append_event_to(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    stored: Option<cases::CaseAsRead>,
    expected_version: i64,
    event: &Event,
    actor: Option<&UserId>,
    (now, rules): (DateTime<Utc>, &Rules),
) -> StoreResult<i64> {
    let cases::CaseAsRead { case: mut stored, row } =
        stored.ok_or_else(|| StoreError::NotFound("case".into()))?;
    let (org, case) = (stored.org_id.clone(), stored.id.clone());
    let (org, case) = (&org, &case);
    if stored.version != expected_version {
        return Err(StoreError::Conflict { expected: expected_version, actual: stored.version });
    }
    rows::check_new_event(&stored.file, event)?;
    check_links_in_force(&stored, event)?;
    let seq = stored.file.events.len() as i64 + 1;
    insert_event(tx, sealer, (org, case), event, seq, millis(now), actor)?;
    stored.file.events.push(event.clone());
    let settings = policy_and_today(tx, org, now)?;
    let context = DeriveContext::new(settings.today, &settings.policy, rules, now, sealer);
    // The version moves on in the derivation's update of the case row.
    let next = NextVersion { from: expected_version, at: now };
    derivation::write_derivation(tx, (org, case), &stored.in_force(), &context, (Some(next), row))?;
    let recorded = webhooks::Cause::new(
        WebhookEvent::EventRecorded,
        &format!("{case}:{seq}"),
        serde_json::json!({
            "case_id": case.as_str(),
            "event_id": event.id,
            "event_type": event.kind.type_name(),
            "version": expected_version + 1,
        }),
    );
    webhooks::queue_if_listened(tx, org, settings.listened, &[recorded], millis(now))?;
    Ok(expected_version + 1)
}

impl Store {
    /// Appends one event to a case's timeline if the case is still at `expected_version`, and refreshes
    /// the case's derived deadlines in the same transaction; returns the new version.
    pub fn append_event(
        &self,
        org: &OrgId,
        case: &CaseId,
        expected_version: i64,
        event: &Event,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.write(|tx| {
            // Concurrent appends to one case queue up here; the loser then sees the new version.
            let stored = cases::locked_case(self, tx, org, case)?;
            let at = (now, self.rule_set());
            append_event_to(tx, self.sealer(), stored, expected_version, event, actor, at)
        })
    }

    /// As [`Store::append_event`], recorded by `actor`, whose role must record this event (a clinician
    /// only a medical attestation) and who must see the case: checked in the write's transaction,
    /// before anything is written.
    pub fn append_event_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        expected_version: i64,
        event: &Event,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.write(|tx| {
            access::check_records_event(actor, event)?;
            // The case first; the audit chain only with the entry, after the derivation, so that the
            // organisation's writers queue on it for two statements rather than twenty. Sharing
            // changes lock the case too, so the visibility checked is the latest.
            let stored = cases::locked_case(self, tx, &actor.org, case)?;
            access::check_sees_case(tx, actor, case)?;
            let at = (now, self.rule_set());
            let version =
                append_event_to(tx, self.sealer(), stored, expected_version, event, Some(&actor.user), at)?;
            let entry = crate::audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "event.recorded",
                target: case.as_str(),
                detail: serde_json::json!({ "version": version }),
            };
            crate::audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(version)
        })
    }
}
