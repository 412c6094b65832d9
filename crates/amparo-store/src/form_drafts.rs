//! Forms kept across a new sign-in: when a form arrives after its session ended, what was typed is
//! kept here — sealed, for a short while, found only through a token the sending browser holds — so
//! that the person, once signed in again, gets the form back filled in (never sent for them).
//!
//! A draft is bound to one account: the one whose session ended, when that is known, else the first
//! to sign in from that browser ([`Store::claim_form_draft`]). A different account signing in there
//! discards it. It is handed back once ([`Store::take_form_draft`]), with the read in the
//! organisation's audit trail; expired drafts are deleted when met and by the daily pass.

use chrono::{DateTime, Utc};

use crate::columns::millis;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{OrgId, User, UserId};
use crate::security::seal::{Field, Sealer};
use crate::{Store, audit};

const INSERT_DRAFT: &str = "INSERT INTO form_drafts (token_hash, org_id, user_id, action, fields, created_at, \
     expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
const SELECT_DRAFT: &str =
    "SELECT org_id, user_id, action, fields, expires_at FROM form_drafts WHERE token_hash = $1";
const BIND_DRAFT: &str = "UPDATE form_drafts SET org_id = $2, user_id = $3 WHERE token_hash = $1";
const DELETE_DRAFT: &str = "DELETE FROM form_drafts WHERE token_hash = $1";
const DELETE_EXPIRED: &str = "DELETE FROM form_drafts WHERE expires_at <= $1";

/// A sealed draft is bound to its row (the token's hash) rather than to an organisation, which a
/// draft kept without a session does not have yet.
const NO_ORGANISATION: &str = "";

/// A form as it was typed, for the page that shows it again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptForm {
    /// Where the form was sent (`/cases/new`, `/cases/{id}/events`).
    pub action: String,
    /// Its fields in the order they came, forgery token left out.
    pub fields: Vec<(String, String)>,
}

/// A draft to keep: the token's hash, the account it is for when known, and the form.
pub struct NewFormDraft<'a> {
    pub token_hash: &'a str,
    pub owner: Option<(&'a OrgId, &'a UserId)>,
    pub form: &'a KeptForm,
    pub expires_at: DateTime<Utc>,
}

/// A stored draft: its owner if bound, its action, its sealed fields and when it expires.
struct Stored {
    owner: Option<(OrgId, UserId)>,
    action: String,
    fields: String,
    expires_at: i64,
}

fn stored(tx: &mut dyn Tx, token_hash: &str) -> StoreResult<Option<Stored>> {
    let Some(row) = tx.query_opt(SELECT_DRAFT, &[token_hash.into()])? else { return Ok(None) };
    let owner = match (row.opt_text(0)?, row.opt_text(1)?) {
        (Some(org), Some(user)) => Some((OrgId(org), UserId(user))),
        _ => None,
    };
    Ok(Some(Stored { owner, action: row.text(2)?, fields: row.text(3)?, expires_at: row.int(4)? }))
}

fn is_theirs(owner: &Option<(OrgId, UserId)>, user: &User) -> bool {
    owner.as_ref().is_some_and(|(org, id)| *org == user.org_id && *id == user.id)
}

fn open(sealer: &Sealer, token_hash: &str, sealed: &str) -> StoreResult<Vec<(String, String)>> {
    let text = sealer.open(Field::FormDraftFields, NO_ORGANISATION, token_hash, sealed)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Invalid(format!("form_drafts.fields: {e}")))
}

impl Store {
    /// Keeps a form whose session ended, sealed, until `expires_at`.
    pub fn keep_form_draft(&self, draft: &NewFormDraft<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let text = serde_json::to_string(&draft.form.fields)
            .map_err(|e| StoreError::Invalid(format!("form draft: {e}")))?;
        let sealed = self.sealer().seal(Field::FormDraftFields, NO_ORGANISATION, draft.token_hash, &text)?;
        self.write(|tx| {
            tx.execute(
                INSERT_DRAFT,
                &[
                    draft.token_hash.into(),
                    draft.owner.map(|(org, _)| org.as_str()).into(),
                    draft.owner.map(|(_, user)| user.as_str()).into(),
                    draft.form.action.as_str().into(),
                    sealed.as_str().into(),
                    millis(now).into(),
                    millis(draft.expires_at).into(),
                ],
            )?;
            Ok(())
        })
    }

    /// At sign-in from the browser holding the draft: binds a draft that belongs to no one yet to
    /// `user`, and discards one kept for someone else (or expired). Whether a draft waits for `user`.
    pub fn claim_form_draft(&self, token_hash: &str, user: &User, now: DateTime<Utc>) -> StoreResult<bool> {
        self.write(|tx| {
            let Some(draft) = stored(tx, token_hash)? else { return Ok(false) };
            if draft.expires_at <= millis(now) || draft.owner.is_some() && !is_theirs(&draft.owner, user) {
                tx.execute(DELETE_DRAFT, &[token_hash.into()])?;
                return Ok(false);
            }
            if draft.owner.is_none() {
                let bind = [token_hash.into(), user.org_id.as_str().into(), user.id.as_str().into()];
                tx.execute(BIND_DRAFT, &bind)?;
            }
            Ok(true)
        })
    }

    /// The draft `user` left, once, if it was sent to an action `page_shows` accepts (the page it
    /// came from); it is deleted as it is handed back, and the read audited. An expired draft or one
    /// of someone else is deleted and `None` is answered; one of another page is left where it is.
    pub fn take_form_draft(
        &self,
        token_hash: &str,
        user: &User,
        page_shows: impl Fn(&str) -> bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<KeptForm>> {
        self.write(|tx| {
            let Some(draft) = stored(tx, token_hash)? else { return Ok(None) };
            if draft.expires_at <= millis(now) || !is_theirs(&draft.owner, user) {
                tx.execute(DELETE_DRAFT, &[token_hash.into()])?;
                return Ok(None);
            }
            if !page_shows(&draft.action) {
                return Ok(None);
            }
            tx.execute(DELETE_DRAFT, &[token_hash.into()])?;
            let Ok(fields) = open(self.sealer(), token_hash, &draft.fields) else {
                // Sealed under a key since retired: the draft is gone, as an expired one is.
                return Ok(None);
            };
            self.lock_audit_chain(tx, user.org_id.as_str())?;
            let entry = audit::Entry {
                chain: user.org_id.as_str(),
                actor: Some(&user.id),
                action: "form.restored",
                target: draft.action.as_str(),
                detail: serde_json::json!({ "fields": fields.len() }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(Some(KeptForm { action: draft.action, fields }))
        })
    }

    /// Deletes every draft past its time (the daily pass); how many.
    pub fn delete_expired_form_drafts(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        self.write(|tx| Ok(tx.execute(DELETE_EXPIRED, &[millis(now).into()])? as usize))
    }
}
