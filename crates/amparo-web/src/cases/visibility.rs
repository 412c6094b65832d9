//! Which cases a person sees, as the store's data rules (`amparo_store::access`) say: all of the
//! organisation's, except that a clinician sees only the cases shared with them, and of those not the
//! legal timeline nor the family letter that recounts it. A case someone may not see is "not found",
//! as one of another organisation is, so its existence is not revealed. Writes check the same rules
//! inside their own transaction.

use amparo_store::Actor;

/// The clinician a list is restricted to: clinicians see only the cases shared with them.
pub(crate) fn shared_only(user: &amparo_store::User) -> Option<amparo_store::UserId> {
    Actor::of(user).shared_only().cloned()
}

/// Whether `user` may see the case at all; a case they may not see is "not found", as one of another
/// organisation is, so its existence is not revealed.
pub(crate) fn may_see(
    store: &amparo_store::Store,
    user: &amparo_store::User,
    case: &amparo_store::CaseId,
) -> amparo_store::StoreResult<bool> {
    store.sees_case(&Actor::of(user), case)
}

/// The cases `user` may see when it is not all of the organisation's: a clinician's shared cases.
pub(crate) fn visible_cases(
    store: &amparo_store::Store,
    user: &amparo_store::User,
) -> amparo_store::StoreResult<Option<std::collections::HashSet<amparo_store::CaseId>>> {
    let Some(clinician) = shared_only(user) else { return Ok(None) };
    let query = amparo_store::CaseQuery {
        shared_with: Some(clinician),
        closed: amparo_store::ClosedFilter::All,
        limit: 100_000,
        ..Default::default()
    };
    let page = store.list_cases(&user.org_id, &query)?;
    Ok(Some(page.cases.into_iter().map(|c| c.id).collect()))
}

/// What a clinician reads of a case: identity, medical facts and deadlines, not the legal timeline.
pub(crate) fn sees_timeline(user: &amparo_store::User) -> bool {
    Actor::of(user).sees_timeline()
}

/// Whether `user` may read the family letter of a case. The letter recounts the legal timeline, so
/// it is for those who read the timeline — the legal staff (admin, attorney, advocate) and, as the
/// permission matrix lets viewers read timelines, viewers — and never for a clinician, even of a
/// case shared with them; and only of a case they see at all.
pub(crate) fn may_read_letter(
    store: &amparo_store::Store,
    user: &amparo_store::User,
    case: &amparo_store::CaseId,
) -> amparo_store::StoreResult<bool> {
    Ok(sees_timeline(user) && may_see(store, user, case)?)
}
