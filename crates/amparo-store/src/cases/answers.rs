//! The open notices an answer may name in its `answers` link: what the event form and the API offer
//! (the domain decides which are open; `rules.md`, Answers).

use amparo_domain::Date;
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, StoredCase};
use crate::{Store, audit, cases};

/// An open notice an answer could link to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AnswerableNotice {
    /// The notice's event id: what the answer's `answers` names.
    pub id: String,
    /// The notice's event type (`rfe_received`, `address_changed`, …).
    pub kind: String,
    pub on: Date,
    /// The people it concerns; `None` for everyone on the case.
    pub persons: Option<Vec<String>>,
}

impl StoredCase {
    /// The open notices an answer of `answer_type` dated `on` may answer, in timeline order; none for
    /// a type that answers nothing. Notices without an id cannot be named, so they are left out.
    pub fn answerable_notices(&self, answer_type: &str, on: Date) -> Vec<AnswerableNotice> {
        amparo_domain::rules::answerable_notices(&self.in_force(), answer_type, on)
            .into_iter()
            .filter_map(|notice| {
                Some(AnswerableNotice {
                    id: notice.id.clone()?,
                    kind: notice.kind.type_name().to_owned(),
                    on: notice.on,
                    persons: notice.persons.clone(),
                })
            })
            .collect()
    }
}

impl Store {
    /// The open notices of `case` that an answer of `answer_type` dated `on` may answer, as `actor`
    /// reads them: refused (nothing recorded) for a case they do not see; the read is audited.
    pub fn answerable_notices_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        (answer_type, on): (&str, Date),
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AnswerableNotice>> {
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            access::check_sees_case(tx, actor, case)?;
            let stored = cases::case(tx, self.sealer(), &actor.org, case)?
                .ok_or_else(|| StoreError::NotFound("case".into()))?;
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "case.read",
                target: case.as_str(),
                detail: serde_json::json!({ "via": "answerable_notices", "answer_type": answer_type }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(stored.answerable_notices(answer_type, on))
        })
    }
}
