//! The rules an archive keeps before any of it is written: every name it refers by (a case
//! reference, a staff id, an escalation id) is one it defines, each once, and each value is one
//! Amparo knows. A refusal names the section, the row and the field (`tasks[3].owner: no staff
//! member with id "…"`).

use std::collections::{BTreeMap, BTreeSet};

use amparo_domain::org::{UserRole, validate_slug};
use amparo_domain::{Language, TimeZone};

use super::OrgArchive;
use crate::error::{StoreError, StoreResult};

fn refused(path: String, why: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("{path}: {why}"))
}

/// Names defined once each: a second definition is refused, naming both places.
fn unique<'a>(names: impl Iterator<Item = (String, &'a str)>) -> StoreResult<BTreeSet<&'a str>> {
    let mut seen = BTreeMap::new();
    for (path, name) in names {
        if let Some(first) = seen.insert(name, path.clone()) {
            return Err(refused(path, format!("{name:?} is also at {first}")));
        }
    }
    Ok(seen.into_keys().collect())
}

fn known(set: &BTreeSet<&str>, path: String, what: &str, name: &str) -> StoreResult<()> {
    if set.contains(name) { Ok(()) } else { Err(refused(path, format!("no {what} {name:?} in the archive"))) }
}

fn known_opt(set: &BTreeSet<&str>, path: String, what: &str, name: Option<&String>) -> StoreResult<()> {
    name.map_or(Ok(()), |name| known(set, path, what, name))
}

fn role(path: String, text: &str, allowed: &[&str]) -> StoreResult<()> {
    if allowed.contains(&text) {
        Ok(())
    } else {
        Err(refused(path, format!("{text:?} is not one of {}", allowed.join(", "))))
    }
}

/// `max_attachment_bytes`: the largest file this installation accepts.
pub(super) fn archive(archive: &OrgArchive, max_attachment_bytes: u64) -> StoreResult<()> {
    let organisation = &archive.organisation;
    validate_slug(&organisation.slug).map_err(|e| refused("organisation.slug".into(), e))?;
    if organisation.name.trim().is_empty() {
        return Err(refused("organisation.name".into(), "must not be blank"));
    }
    TimeZone::parse(&organisation.time_zone)
        .map_err(|_| refused("organisation.time_zone".into(), "not a time zone Amparo knows"))?;
    crate::policy::check_policy(&organisation.policy)
        .map_err(|e| refused("organisation.policy".into(), e))?;

    let roles: Vec<&str> = UserRole::ALL.iter().map(|r| r.as_str()).collect();
    for (i, member) in archive.staff.iter().enumerate() {
        role(format!("staff[{i}].role"), &member.role, &roles)?;
        if Language::parse(&member.language).is_none() {
            return Err(refused(format!("staff[{i}].language"), "must be en or es"));
        }
        if member.id.trim().is_empty() {
            return Err(refused(format!("staff[{i}].id"), "must not be blank"));
        }
        if let Some(kind) = &member.kind {
            role(format!("staff[{i}].kind"), kind, &["person", "service"])?;
        }
    }
    let staff =
        unique(archive.staff.iter().enumerate().map(|(i, m)| (format!("staff[{i}].id"), m.id.as_str())))?;
    unique(archive.staff.iter().enumerate().map(|(i, m)| (format!("staff[{i}].email"), m.email.as_str())))?;
    let cases = unique(
        archive
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("cases[{i}].case.reference"), c.case.reference.as_str())),
    )?;

    let held = ["attorney", "advocate", "clinician"];
    for (i, a) in archive.assignments.iter().enumerate() {
        known(&cases, format!("assignments[{i}].case"), "case with reference", &a.case)?;
        role(format!("assignments[{i}].role"), &a.role, &held)?;
        known(&staff, format!("assignments[{i}].user"), "staff member with id", &a.user)?;
    }
    let pairs = archive.assignments.iter().map(|a| format!("{}\u{0}{}", a.case, a.role)).collect::<Vec<_>>();
    unique(pairs.iter().enumerate().map(|(i, p)| (format!("assignments[{i}].role"), p.as_str())))?;
    for (i, s) in archive.shares.iter().enumerate() {
        known(&cases, format!("shares[{i}].case"), "case with reference", &s.case)?;
        known(&staff, format!("shares[{i}].user"), "staff member with id", &s.user)?;
        known_opt(&staff, format!("shares[{i}].shared_by"), "staff member with id", s.shared_by.as_ref())?;
    }
    let escalations = unique(
        archive.escalations.iter().enumerate().map(|(i, e)| (format!("escalations[{i}].id"), e.id.as_str())),
    )?;
    let escalation_case: BTreeMap<&str, &str> =
        archive.escalations.iter().map(|e| (e.id.as_str(), e.case.as_str())).collect();
    for (i, e) in archive.escalations.iter().enumerate() {
        known(&cases, format!("escalations[{i}].case"), "case with reference", &e.case)?;
        e.trigger_on
            .parse::<amparo_domain::Date>()
            .map_err(|_| refused(format!("escalations[{i}].trigger_on"), "not a date (YYYY-MM-DD)"))?;
    }
    unique(archive.tasks.iter().enumerate().map(|(i, t)| (format!("tasks[{i}].id"), t.id.as_str())))?;
    for (i, t) in archive.tasks.iter().enumerate() {
        known(&cases, format!("tasks[{i}].case"), "case with reference", &t.case)?;
        known_opt(
            &escalations,
            format!("tasks[{i}].escalation"),
            "escalation with id",
            t.escalation.as_ref(),
        )?;
        if let Some(escalation) = &t.escalation
            && escalation_case.get(escalation.as_str()) != Some(&t.case.as_str())
        {
            return Err(refused(format!("tasks[{i}].escalation"), "is an escalation of another case"));
        }
        role(format!("tasks[{i}].owner_role"), &t.owner_role, &roles)?;
        for (field, who) in [("owner", &t.owner), ("created_by", &t.created_by), ("done_by", &t.done_by)] {
            known_opt(&staff, format!("tasks[{i}].{field}"), "staff member with id", who.as_ref())?;
        }
    }
    super::attachments::check(&archive.attachments, &archive.cases, &staff, max_attachment_bytes)?;
    for (i, pair) in archive.audit.windows(2).enumerate() {
        if let [before, after] = pair
            && after.seq != before.seq + 1
        {
            return Err(refused(
                format!("audit[{}].seq", i + 1),
                format!("{} does not follow {}: the trail has a gap", after.seq, before.seq),
            ));
        }
    }
    Ok(())
}
