//! Case notes (the activity log): written, pinned and read on someone's behalf, each checked against
//! the data rules of `access` and written to the audit trail in its own transaction. The text is
//! sealed at rest; the writer's name is kept in clear beside their id, as staff names are.
//!
//! A note does not change the case's version. Notes are not edits of the case: nothing is derived
//! from them, and a note typed during a call must not be refused because a colleague recorded an
//! event meanwhile (nor make that colleague's event form stale). Writers still take the case's row
//! lock, so that two notes written at once get distinct numbers.

use amparo_domain::notes::{CaseNote, NewNote, NoteKind, in_reading_order};
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::columns::{from_millis, millis};
use crate::db::{RowLock, Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId};
use crate::security::seal::{self, Field, Sealer};
use crate::{Store, accounts, audit, cases};

pub(crate) const INSERT_NOTES: &str = "INSERT INTO case_notes (org_id, case_id, seq, kind, event_id, pinned, \
     body, written_at, written_by, author)";
pub(crate) const NOTE_WIDTH: usize = 10;
const INSERT_NOTE: &str = "INSERT INTO case_notes (org_id, case_id, seq, kind, event_id, pinned, body, \
     written_at, written_by, author) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const NEXT_SEQ: &str = "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_notes WHERE org_id = $1 AND case_id = $2";
const SELECT_NOTES: &str = "SELECT seq, kind, event_id, pinned, body, written_at, author FROM case_notes \
     WHERE org_id = $1 AND case_id = $2 ORDER BY seq";
const SELECT_NOTE: &str = "SELECT seq, kind, event_id, pinned, body, written_at, author FROM case_notes \
     WHERE org_id = $1 AND case_id = $2 AND seq = $3";
const SET_PINNED: &str = "UPDATE case_notes SET pinned = $4 WHERE org_id = $1 AND case_id = $2 AND seq = $3";
const UPDATE_NOTE_BODY: &str =
    "UPDATE case_notes SET body = $4 WHERE org_id = $1 AND case_id = $2 AND seq = $3";
const SELECT_NOTE_BODIES: &str =
    "SELECT seq, body FROM case_notes WHERE org_id = $1 AND case_id = $2 ORDER BY seq";

/// One note's row, for a single insert or an import's multi-row insert; the text sealed here.
pub(crate) fn note_values(
    sealer: &Sealer,
    (org, case): (&str, &str),
    note: &CaseNote,
    written_by: Option<&str>,
) -> StoreResult<[Value; NOTE_WIDTH]> {
    let seq = i64::from(note.id);
    let body = sealer.seal(Field::CaseNoteBody, org, &seal::note_row(case, seq), &note.text)?;
    Ok([
        org.into(),
        case.into(),
        seq.into(),
        note.kind.as_str().into(),
        note.event.clone().into(),
        i64::from(note.pinned).into(),
        body.into(),
        millis(note.at).into(),
        written_by.into(),
        note.author.clone().into(),
    ])
}

fn note_row(sealer: &Sealer, (org, case): (&str, &str), r: &crate::db::Row) -> StoreResult<CaseNote> {
    let seq = r.int(0)?;
    let kind =
        NoteKind::parse(&r.text(1)?).map_err(|p| StoreError::Backend(format!("case_notes.kind: {p}")))?;
    let id = u32::try_from(seq).map_err(|_| StoreError::Backend(format!("case_notes.seq {seq}")))?;
    Ok(CaseNote {
        id,
        kind,
        event: r.opt_text(2)?,
        pinned: r.int(3)? != 0,
        text: sealer.open(Field::CaseNoteBody, org, &seal::note_row(case, seq), &r.text(4)?)?,
        at: from_millis(r.int(5)?),
        author: r.opt_text(6)?,
    })
}

/// A case's notes in the order they were written.
pub(crate) fn notes(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    case: &CaseId,
) -> StoreResult<Vec<CaseNote>> {
    let key = (org.as_str(), case.as_str());
    tx.query(SELECT_NOTES, &[org.as_str().into(), case.as_str().into()])?
        .iter()
        .map(|r| note_row(sealer, key, r))
        .collect()
}

fn note(tx: &mut dyn Tx, sealer: &Sealer, org: &OrgId, case: &CaseId, seq: i64) -> StoreResult<CaseNote> {
    let row = tx
        .query_opt(SELECT_NOTE, &[org.as_str().into(), case.as_str().into(), seq.into()])?
        .ok_or_else(|| StoreError::NotFound("note".into()))?;
    note_row(sealer, (org.as_str(), case.as_str()), &row)
}

/// Brings a case's note texts under the current key; how many it rewrote.
pub(crate) fn reseal(tx: &mut dyn Tx, sealer: &Sealer, (org, case): (&str, &str)) -> StoreResult<usize> {
    let mut rewritten = 0;
    for row in tx.query(SELECT_NOTE_BODIES, &[org.into(), case.into()])? {
        let (seq, stored) = (row.int(0)?, row.text(1)?);
        if sealer.needs_reseal(&stored) {
            let row_id = seal::note_row(case, seq);
            let plain = sealer.open(Field::CaseNoteBody, org, &row_id, &stored)?;
            let sealed = sealer.seal(Field::CaseNoteBody, org, &row_id, &plain)?;
            tx.execute(UPDATE_NOTE_BODY, &[org.into(), case.into(), seq.into(), sealed.into()])?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

/// Refuses a case that does not exist (after the visibility check, so a hidden case reads the same).
fn check_exists(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<()> {
    if cases::exists(tx, org, case)? { Ok(()) } else { Err(StoreError::NotFound("case".into())) }
}

impl Store {
    /// Writes `note` on `case` as `actor` (any role but a viewer; a clinician only on a case shared
    /// with them), numbered after the case's last note; returns it as stored.
    pub fn add_note_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        note: &NewNote,
        now: DateTime<Utc>,
    ) -> StoreResult<CaseNote> {
        self.write(|tx| {
            access::check_writes_notes(actor)?;
            // The case now, the audit chain with the entry (see `Store::lock_audit_chain`).
            self.lock_row(tx, RowLock::Case, &[actor.org.as_str().into(), case.as_str().into()])?;
            access::check_sees_case(tx, actor, case)?;
            check_exists(tx, &actor.org, case)?;
            // Only a linked note needs the timeline (and its events opened) to check the link against.
            // Someone who does not read the timeline (a clinician) links to no event: every id is
            // unknown to them, so the refusal does not tell which events exist.
            let events = match &note.event {
                Some(_) if actor.sees_timeline() => cases::case(tx, self.sealer(), &actor.org, case)?
                    .map(|c| c.file.events)
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            note.validate(&events).map_err(|e| StoreError::field(e.field, e.problem))?;
            let seq = tx.query_int(NEXT_SEQ, &[actor.org.as_str().into(), case.as_str().into()])?;
            let author = accounts::user(tx, &actor.org, &actor.user)?.map(|u| u.display_name);
            let stored = CaseNote {
                id: u32::try_from(seq).map_err(|_| StoreError::Backend(format!("note number {seq}")))?,
                kind: note.kind,
                at: now,
                author,
                event: note.event.clone(),
                pinned: false,
                text: note.text.clone(),
            };
            let values = note_values(
                self.sealer(),
                (actor.org.as_str(), case.as_str()),
                &stored,
                Some(actor.user.as_str()),
            )?;
            tx.execute(INSERT_NOTE, &values)?;
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "note.added",
                target: case.as_str(),
                detail: serde_json::json!({ "note": seq, "type": note.kind.as_str() }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(stored)
        })
    }

    /// Pins note `seq` of `case` to the top of its notes, or unpins it, as `actor` (a role that records
    /// events); returns the note as stored.
    pub fn set_note_pinned_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        seq: i64,
        pinned: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<CaseNote> {
        self.write(|tx| {
            access::check_records_events(actor)?;
            self.lock_audit_chain(tx, actor.org.as_str())?;
            access::check_sees_case(tx, actor, case)?;
            check_exists(tx, &actor.org, case)?;
            let key = [actor.org.as_str().into(), case.as_str().into(), seq.into(), i64::from(pinned).into()];
            if tx.execute(SET_PINNED, &key)? == 0 {
                return Err(StoreError::NotFound("note".into()));
            }
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: if pinned { "note.pinned" } else { "note.unpinned" },
                target: case.as_str(),
                detail: serde_json::json!({ "note": seq }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            note(tx, self.sealer(), &actor.org, case, seq)
        })
    }

    /// The notes of `case` as `actor` reads them, pinned first, then newest first; the read is written
    /// to the audit trail (`via` the API) in the same transaction.
    pub fn case_notes_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        via: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseNote>> {
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            access::check_sees_case(tx, actor, case)?;
            check_exists(tx, &actor.org, case)?;
            let mut found = notes(tx, self.sealer(), &actor.org, case)?;
            in_reading_order(&mut found);
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "notes.read",
                target: case.as_str(),
                detail: serde_json::json!({ "via": via, "count": found.len() }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(found)
        })
    }

    /// The notes of `case` for a page that has just written its own read of the case to the audit
    /// trail (`Store::read_case_as`), pinned first, then newest first. The visibility rule is checked
    /// here again, so a case unshared since is refused.
    pub fn case_notes_for_page(&self, actor: &Actor, case: &CaseId) -> StoreResult<Vec<CaseNote>> {
        self.read(|tx| {
            access::check_sees_case(tx, actor, case)?;
            let mut found = notes(tx, self.sealer(), &actor.org, case)?;
            in_reading_order(&mut found);
            Ok(found)
        })
    }
}
