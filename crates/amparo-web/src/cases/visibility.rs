//! Which cases a person sees: all of the organisation's, except that a clinician sees only the cases
//! shared with them, and of those not the legal timeline. A case someone may not see is "not found",
//! as one of another organisation is, so its existence is not revealed.

use amparo_domain::org::UserRole::{Admin, Advocate, Attorney, Clinician, Viewer};

/// The clinician a list is restricted to: clinicians see only the cases shared with them.
pub(crate) fn shared_only(user: &amparo_store::User) -> Option<amparo_store::UserId> {
    (user.role == Clinician).then(|| user.id.clone())
}

/// Whether `user` may see the case at all; a case they may not see is "not found", as one of another
/// organisation is, so its existence is not revealed.
pub(crate) fn may_see(
    store: &amparo_store::Store,
    user: &amparo_store::User,
    case: &amparo_store::CaseId,
) -> amparo_store::StoreResult<bool> {
    match user.role {
        Clinician => store.is_case_shared(&user.org_id, case, &user.id),
        Admin | Attorney | Advocate | Viewer => Ok(true),
    }
}

/// The cases `user` may see when it is not all of the organisation's: a clinician's shared cases.
pub(crate) fn visible_cases(
    store: &amparo_store::Store,
    user: &amparo_store::User,
) -> amparo_store::StoreResult<Option<std::collections::HashSet<amparo_store::CaseId>>> {
    let Some(clinician) = shared_only(user) else { return Ok(None) };
    let query =
        amparo_store::CaseQuery { shared_with: Some(clinician), limit: 100_000, ..Default::default() };
    let page = store.list_cases(&user.org_id, &query)?;
    Ok(Some(page.cases.into_iter().map(|c| c.id).collect()))
}

/// The audit entry of `user` reading a case (`via` the page or the API).
pub(crate) fn case_read(
    user: &amparo_store::User,
    case: &amparo_store::CaseId,
    via: &str,
) -> amparo_store::AuditEvent {
    amparo_store::AuditEvent {
        actor: Some(user.id.clone()),
        action: "case.read".into(),
        target: case.as_str().to_owned(),
        detail: serde_json::json!({ "via": via }),
    }
}

/// What a clinician reads of a case: identity, medical facts and deadlines, not the legal timeline.
pub(crate) fn sees_timeline(user: &amparo_store::User) -> bool {
    user.role != Clinician
}
