//! Voided events: an event recorded on the wrong case or by mistake is taken out of force with a
//! reason. The event row stays as written (events are append-only); an `event_voids` row says who
//! voided it, when and why (the reason sealed), and derivation reads the timeline without it.

use std::collections::HashMap;

use amparo_domain::case_edit::{self, EventVoid};
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::case_set::CaseSet;
use crate::cases::edits;
use crate::columns::{from_millis, millis};
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::CaseId;
use crate::security::seal::{self, Field, Sealer};
use crate::{Store, audit};

/// The voids of a set of cases, the case id first, then the columns [`void`] reads (a single case's
/// come with its timeline: see `cases::assemble`).
fn select_set_voids(cases: &CaseSet) -> String {
    format!(
        "SELECT v.case_id, v.seq, e.event_id, v.reason, v.voided_at, v.voided_by FROM event_voids v \
         JOIN events e ON e.org_id = v.org_id AND e.case_id = v.case_id AND e.seq = v.seq \
         WHERE v.org_id = $1 AND {} ORDER BY v.case_id, v.seq",
        cases.condition("v.case_id")
    )
}
/// Multi-row INSERT head of voids (see `RowBuffer`), and its column count.
pub(crate) const INSERT_VOIDS: &str =
    "INSERT INTO event_voids (org_id, case_id, seq, reason, voided_at, voided_by)";
pub(crate) const VOID_WIDTH: usize = 6;
const INSERT_VOID: &str = "INSERT INTO event_voids (org_id, case_id, seq, reason, voided_at, voided_by) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// The voids of a set of cases, reasons opened, by case id (each case's in timeline order).
pub(crate) fn voids_of(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &str,
    cases: CaseSet,
) -> StoreResult<HashMap<String, Vec<EventVoid>>> {
    let mut voids: HashMap<String, Vec<EventVoid>> = HashMap::new();
    for r in tx.query(&select_set_voids(&cases), &cases.params(org))? {
        let case = r.text(0)?;
        let void = void(&r, 1, sealer, (org, &case))?;
        voids.entry(case).or_default().push(void);
    }
    Ok(voids)
}

/// A void from its row, read from column `at` on.
pub(crate) fn void(
    r: &crate::db::Row,
    at: usize,
    sealer: &Sealer,
    (org, case): (&str, &str),
) -> StoreResult<EventVoid> {
    let seq = r.int(at)?;
    Ok(EventVoid {
        seq,
        event: r.opt_text(at + 1)?,
        reason: sealer.open(Field::EventVoidReason, org, &seal::event_row(case, seq), &r.text(at + 2)?)?,
        voided_at: from_millis(r.int(at + 3)?),
        voided_by: r.opt_text(at + 4)?,
    })
}

/// A void's row, its reason sealed.
pub(crate) fn void_values(
    sealer: &Sealer,
    (org, case): (&str, &str),
    void: &EventVoid,
) -> StoreResult<[crate::db::Value; VOID_WIDTH]> {
    let reason = sealer.seal(Field::EventVoidReason, org, &seal::event_row(case, void.seq), &void.reason)?;
    Ok([
        org.into(),
        case.into(),
        void.seq.into(),
        reason.into(),
        millis(void.voided_at).into(),
        void.voided_by.as_deref().into(),
    ])
}

impl Store {
    /// Voids the event `event_id` of `case` as `actor` with `reason`, if the case is still at
    /// `expected_version`, and re-derives the case without it, in one transaction; the new version.
    /// Refused: a role that does not record events, a case the actor does not see, an event already
    /// void or one another event in force corrects or answers (void that one first).
    pub fn void_event_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        expected_version: i64,
        event_id: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.write(|tx| {
            access::check_records_events(actor)?;
            let mut stored = edits::locked_case(self, tx, actor, case, expected_version)?;
            let seq = stored
                .file
                .events
                .iter()
                .position(|e| e.id.as_deref() == Some(event_id))
                .map(|index| index as i64 + 1)
                .ok_or_else(|| StoreError::NotFound("event".into()))?;
            case_edit::check_void(&stored.file, &stored.file.extensions.voids, seq, reason)
                .map_err(edits::as_field)?;
            let void = EventVoid {
                seq,
                event: Some(event_id.to_owned()),
                reason: reason.trim().to_owned(),
                voided_at: now,
                voided_by: Some(actor.user.as_str().to_owned()),
            };
            tx.execute(
                INSERT_VOID,
                &void_values(self.sealer(), (actor.org.as_str(), case.as_str()), &void)?,
            )?;
            stored.file.extensions.voids.push(void);
            let version = edits::bump_and_derive(self, tx, &stored, now)?;
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "event.voided",
                target: case.as_str(),
                detail: serde_json::json!({ "version": version, "event": event_id }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(version)
        })
    }
}

const SELECT_VOIDS_SEALED: &str = "SELECT seq, reason FROM event_voids WHERE org_id = $1 AND case_id = $2";
const UPDATE_VOID_REASON: &str =
    "UPDATE event_voids SET reason = $4 WHERE org_id = $1 AND case_id = $2 AND seq = $3";

/// Brings the case's void reasons under the current key (a key rotation); how many it rewrote.
pub(crate) fn reseal(tx: &mut dyn Tx, sealer: &Sealer, org: &str, case: &str) -> StoreResult<usize> {
    let mut rewritten = 0;
    for row in tx.query(SELECT_VOIDS_SEALED, &[org.into(), case.into()])? {
        let (seq, stored) = (row.int(0)?, row.text(1)?);
        if sealer.needs_reseal(&stored) {
            let row_id = seal::event_row(case, seq);
            let plain = sealer.open(Field::EventVoidReason, org, &row_id, &stored)?;
            let sealed = sealer.seal(Field::EventVoidReason, org, &row_id, &plain)?;
            tx.execute(UPDATE_VOID_REASON, &[org.into(), case.into(), seq.into(), sealed.into()])?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}
