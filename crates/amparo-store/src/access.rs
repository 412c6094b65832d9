//! Who may touch which data, written once: the rules every write made on someone's behalf checks
//! inside its own transaction, before writing, and that the web layer asks for its reads.
//!
//! A clinician sees only the cases shared with them (assigning a clinician shares the case), records
//! on their timelines only medical attestations, edits only the medical profile of a case, and
//! completes only the tasks they own; a viewer only reads; the other roles see
//! every case of their organisation. Which routes a role reaches at all is the web layer's permission
//! matrix; these are the rules about *which* case and *whose* task, which a route cannot know.

use amparo_domain::Problem;
use amparo_domain::attachments::AttachmentKind;
use amparo_domain::event::{Event, EventKind};
use amparo_domain::org::UserRole;

use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, Task, User, UserId};
use crate::{Store, sharing};

/// The person a write is made for: their organisation, who they are and their role, as signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub org: OrgId,
    pub user: UserId,
    pub role: UserRole,
}

impl Actor {
    /// The signed-in `user` acting.
    pub fn of(user: &User) -> Actor {
        Actor { org: user.org_id.clone(), user: user.id.clone(), role: user.role }
    }

    /// The clinician whose shared cases are all this person sees, or `None` when they see every case
    /// of the organisation.
    pub fn shared_only(&self) -> Option<&UserId> {
        (self.role == UserRole::Clinician).then_some(&self.user)
    }

    /// Whether this person reads a case's legal timeline (a clinician reads identity, medical facts
    /// and deadlines only).
    pub fn sees_timeline(&self) -> bool {
        self.role != UserRole::Clinician
    }
}

/// Why a write on someone's behalf was refused. The web layer answers the first two as "not found",
/// so that a case or task one may not touch is not revealed, and the last as "forbidden".
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The case exists, but is not one this person sees.
    #[error("case not found")]
    CaseHidden,
    /// A clinician working a task that is not (or no longer) theirs.
    #[error("task not found")]
    TaskNotTheirs,
    /// The person's role never does this.
    #[error("this role does not allow it")]
    RoleMayNot,
}

/// Whether `actor` makes documents of `kind` (`amparo_documents`' kinds by name): a viewer none, a
/// clinician only the medical letter, the legal staff all.
pub(crate) fn check_makes_document(actor: &Actor, kind: &str) -> StoreResult<()> {
    match actor.role {
        UserRole::Viewer => Err(StoreError::Refused(Refusal::RoleMayNot)),
        UserRole::Clinician if kind != MEDICAL_LETTER => Err(StoreError::Refused(Refusal::RoleMayNot)),
        _ => Ok(()),
    }
}

/// Whether `actor` reads generated documents of `kind`: a clinician only the medical letter (the
/// others recount the legal timeline), everyone else every kind.
pub(crate) fn reads_document(actor: &Actor, kind: &str) -> bool {
    actor.role != UserRole::Clinician || kind == MEDICAL_LETTER
}

/// The one kind of generated document a clinician makes and reads.
const MEDICAL_LETTER: &str = "medical-letter";

/// Whether `actor` sees `case` (an unknown case is "seen": the caller reports it as not found).
pub(crate) fn sees_case(tx: &mut dyn Tx, actor: &Actor, case: &CaseId) -> StoreResult<bool> {
    match actor.shared_only() {
        Some(clinician) => sharing::is_shared(tx, &actor.org, case, clinician),
        None => Ok(true),
    }
}

/// Refuses a case `actor` does not see; the write itself reports a case that does not exist, so that
/// its own checks come in the order they always did.
pub(crate) fn check_sees_case(tx: &mut dyn Tx, actor: &Actor, case: &CaseId) -> StoreResult<()> {
    if !sees_case(tx, actor, case)? {
        return Err(StoreError::Refused(Refusal::CaseHidden));
    }
    Ok(())
}

/// Refuses the roles that do not keep a case's legal record (close and reopen it, void its events,
/// edit its contacts, pin its notes): clinicians and viewers. Recording one event is
/// [`check_records_event`], which lets a clinician record a medical attestation.
pub(crate) fn check_records_events(actor: &Actor) -> StoreResult<()> {
    match actor.role {
        UserRole::Clinician | UserRole::Viewer => Err(StoreError::Refused(Refusal::RoleMayNot)),
        UserRole::Admin | UserRole::Attorney | UserRole::Advocate => Ok(()),
    }
}

/// Refuses an event `actor`'s role never records: a viewer records none, and a clinician only a
/// medical attestation (`medical_attested`) that corrects nothing, since the legal timeline is not
/// theirs to change; the other roles record every type.
pub(crate) fn check_records_event(actor: &Actor, event: &Event) -> StoreResult<()> {
    match actor.role {
        UserRole::Viewer => Err(StoreError::Refused(Refusal::RoleMayNot)),
        UserRole::Clinician if !is_attestation(event) => Err(StoreError::Refused(Refusal::RoleMayNot)),
        UserRole::Clinician | UserRole::Admin | UserRole::Attorney | UserRole::Advocate => Ok(()),
    }
}

/// Refuses a viewer writing a case note: every other role writes them (a clinician on the cases
/// shared with them, which [`check_sees_case`] checks).
pub(crate) fn check_writes_notes(actor: &Actor) -> StoreResult<()> {
    match actor.role {
        UserRole::Viewer => Err(StoreError::Refused(Refusal::RoleMayNot)),
        UserRole::Admin | UserRole::Attorney | UserRole::Advocate | UserRole::Clinician => Ok(()),
    }
}

/// Refuses an attachment `actor`'s role never adds: a viewer adds none, and a clinician only a
/// medical letter (on a case shared with them, which [`check_sees_case`] checks).
pub(crate) fn check_adds_attachment(actor: &Actor, kind: AttachmentKind) -> StoreResult<()> {
    match actor.role {
        UserRole::Viewer => Err(StoreError::Refused(Refusal::RoleMayNot)),
        UserRole::Clinician if !kind.is_medical() => Err(StoreError::Refused(Refusal::RoleMayNot)),
        UserRole::Clinician | UserRole::Admin | UserRole::Attorney | UserRole::Advocate => Ok(()),
    }
}

/// Whether `actor` sees an attachment of this kind on a case they see: a clinician only the medical
/// ones, everyone else every kind.
pub(crate) fn sees_attachment(actor: &Actor, kind: AttachmentKind) -> bool {
    actor.role != UserRole::Clinician || kind.is_medical()
}

/// Whether `actor` reads how to reach the family (phone, email, address): a clinician works with the
/// professionals of a shared case, not with the family's legal representation, so does not.
pub(crate) fn sees_family_contacts(actor: &Actor) -> bool {
    actor.role != UserRole::Clinician
}

/// Refuses an edit of a case's record that `actor`'s role may not make: the roles that record events
/// edit everything, a clinician (on a case shared with them, checked apart) the medical profile only,
/// and a viewer nothing.
pub(crate) fn check_edits_case(actor: &Actor, edit: &amparo_domain::case_edit::CaseEdit) -> StoreResult<()> {
    match actor.role {
        UserRole::Admin | UserRole::Attorney | UserRole::Advocate => Ok(()),
        UserRole::Clinician if edit.medical_only() => Ok(()),
        UserRole::Clinician | UserRole::Viewer => Err(StoreError::Refused(Refusal::RoleMayNot)),
    }
}

/// A clinician's own fact: a medical attestation that neither corrects nor answers another entry.
fn is_attestation(event: &Event) -> bool {
    matches!(event.kind, EventKind::MedicalAttested { .. })
        && event.supersedes.is_none()
        && event.answers.is_none()
}

/// Refuses a clinician completing a task they do not own; the other roles complete any task.
pub(crate) fn check_completes(actor: &Actor, task: &Task) -> StoreResult<()> {
    if actor.role == UserRole::Clinician && task.owner_id.as_ref() != Some(&actor.user) {
        return Err(StoreError::Refused(Refusal::TaskNotTheirs));
    }
    Ok(())
}

/// Refuses giving a task on `case` to `owner` when they could not work it: a viewer owns no tasks,
/// a clinician owns tasks only on cases they see, and a deactivated member none (the `owner` field is
/// named in the refusal).
pub(crate) fn check_may_own(tx: &mut dyn Tx, owner: &User, case: &CaseId) -> StoreResult<()> {
    // A deactivated member is no longer on the staff that works cases.
    if owner.deactivated_at.is_some() {
        return Err(StoreError::field("owner", Problem::NoSuchStaff));
    }
    if owner.role == UserRole::Viewer {
        return Err(StoreError::field("owner", Problem::ViewerOwnsNoTasks));
    }
    if !sees_case(tx, &Actor::of(owner), case)? {
        return Err(StoreError::field("owner", Problem::CaseNotSharedWithOwner));
    }
    Ok(())
}

impl Store {
    /// Whether `actor` may see `case` at all (for reads; writes check it in their own transaction).
    pub fn sees_case(&self, actor: &Actor, case: &CaseId) -> StoreResult<bool> {
        self.read(|tx| sees_case(tx, actor, case))
    }
}
