//! The settings an administrator has on the pages, through the API: the organisation's profile,
//! second-factor rule and policy (`/api/v1/organisation`, `PATCH` the profile,
//! `PUT /api/v1/organisation/second-factor`, `PATCH /api/v1/organisation/policy`), and its staff (`/api/v1/users`: the list, a member's role,
//! deactivating and reactivating, a member's open tasks, and invitations). Each write goes through the same store call
//! as its form, which checks in its transaction that the person acting is an administrator of
//! the organisation, audits it, and refuses what the form refuses (the last administrator, one's
//! own deactivation) with the same message.

use amparo_domain::objects::Object;
use amparo_domain::org::UserRole;
use amparo_domain::{Date, Policy};
use amparo_store::{
    Actor, NewInvitation, OrganisationProfile, ProfileInput, RoleActor, StoreError, User, UserId,
    check_profile,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::{GuardedJson, GuardedWrite};
use crate::http::session::SignedIn;

/// The largest number of days a policy setting takes (ten years), as the settings form's.
const MAX_DAYS: u32 = 3650;
/// How long an invitation works, as the staff page's.
const INVITATION_LIFETIME: chrono::Duration = chrono::Duration::days(7);

/// A staff member's role.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    Admin,
    Attorney,
    Advocate,
    Clinician,
    Viewer,
}

impl From<StaffRole> for UserRole {
    fn from(role: StaffRole) -> UserRole {
        match role {
            StaffRole::Admin => UserRole::Admin,
            StaffRole::Attorney => UserRole::Attorney,
            StaffRole::Advocate => UserRole::Advocate,
            StaffRole::Clinician => UserRole::Clinician,
            StaffRole::Viewer => UserRole::Viewer,
        }
    }
}

impl From<UserRole> for StaffRole {
    fn from(role: UserRole) -> StaffRole {
        match role {
            UserRole::Admin => StaffRole::Admin,
            UserRole::Attorney => StaffRole::Attorney,
            UserRole::Advocate => StaffRole::Advocate,
            UserRole::Clinician => StaffRole::Clinician,
            UserRole::Viewer => StaffRole::Viewer,
        }
    }
}

/// The organisation's policy: how its deadlines, triage and reminders are worked out.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({ "re_parole_lead_days": 90, "medical_refresh_days": 180,
    "critical_care_threshold_days": 7, "i94_check_days": 30, "closure_days": ["2026-12-24"],
    "reminder_days": [90, 60, 30, 14, 7, 1, 0] }))]
pub struct PolicyAnswer {
    /// Days before parole ends by which re-parole should be filed.
    re_parole_lead_days: u32,
    /// Days after a clinician's attestation by which it should be refreshed.
    medical_refresh_days: u32,
    /// A case is critical-care when its days to critical harm are at most this.
    critical_care_threshold_days: u32,
    /// Days after the latest grant or I-94 check by which the I-94 is looked at again.
    i94_check_days: u32,
    /// Days the office is closed; internal targets move back past them.
    #[schema(value_type = Vec<String>, format = Date)]
    closure_days: Vec<Date>,
    /// Days before each deadline on which reminders go out.
    reminder_days: Vec<u32>,
}

fn policy_json(policy: &Policy) -> PolicyAnswer {
    PolicyAnswer {
        re_parole_lead_days: policy.re_parole_lead_days,
        medical_refresh_days: policy.medical_refresh_days,
        critical_care_threshold_days: policy.critical_care_threshold_days,
        i94_check_days: policy.i94_check_days,
        closure_days: policy.closure_days.clone(),
        reminder_days: policy.reminder_days.clone(),
    }
}

/// The organisation as its settings show it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({ "name": "Clínica Esperanza", "address": "100 Main St\nSpringfield",
    "phone": "+1 555 0100", "email": "office@example.org", "letter_signature": "The legal team",
    "time_zone": "America/Chicago", "second_factor_required": true,
    "policy": { "re_parole_lead_days": 90, "medical_refresh_days": 180, "critical_care_threshold_days": 7,
        "i94_check_days": 30, "closure_days": [], "reminder_days": [90, 60, 30, 14, 7, 1, 0] } }))]
pub struct OrganisationAnswer {
    name: String,
    /// Postal address, one line per line.
    address: String,
    phone: String,
    email: String,
    /// The closing a family letter is signed with, one line per line.
    letter_signature: String,
    /// An IANA time zone: it decides the organisation's calendar day.
    time_zone: String,
    /// Whether every member must sign in with a second factor.
    second_factor_required: bool,
    policy: PolicyAnswer,
}

/// A change of the organisation's profile: the fields given replace the stored ones.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "phone": "+1 555 0101", "time_zone": "America/New_York" }))]
pub struct ProfilePatch {
    #[schema(min_length = 1, max_length = 200)]
    name: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    letter_signature: Option<String>,
    time_zone: Option<String>,
}

/// A change of the policy: the settings given replace the stored ones; every case is then
/// derived again under it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "critical_care_threshold_days": 10, "closure_days": ["2026-12-24", "2026-12-31"] }))]
pub struct PolicyPatch {
    #[schema(minimum = 0, maximum = 3650)]
    re_parole_lead_days: Option<u32>,
    #[schema(minimum = 1, maximum = 3650)]
    medical_refresh_days: Option<u32>,
    #[schema(minimum = 0, maximum = 3650)]
    critical_care_threshold_days: Option<u32>,
    #[schema(minimum = 1, maximum = 365)]
    i94_check_days: Option<u32>,
    #[schema(value_type = Option<Vec<String>>, format = Date)]
    closure_days: Option<Vec<Date>>,
    reminder_days: Option<Vec<u32>>,
}

/// The policy saved, and how many cases were derived again under it.
#[derive(Serialize, ToSchema)]
pub struct PolicyChanged {
    policy: PolicyAnswer,
    cases_rederived: usize,
}

/// Whether every member must sign in with a second factor.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "required": true }))]
pub struct SecondFactorRule {
    required: bool,
}

/// A staff member.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({ "id": "0190b6a8-0000-7000-8000-000000000001", "name": "Ana Attorney",
    "email": "ana@example.org", "role": "attorney", "language": "es", "active": true,
    "created_at": "2026-01-05T15:00:00Z", "deactivated_at": null }))]
pub struct MemberAnswer {
    id: String,
    name: String,
    email: String,
    role: StaffRole,
    /// The language they read Amparo in: `en` or `es`.
    #[schema(pattern = "^(en|es)$")]
    language: &'static str,
    /// Whether they may sign in.
    active: bool,
    #[schema(value_type = String, format = DateTime)]
    created_at: DateTime<Utc>,
    #[schema(value_type = Option<String>, format = DateTime)]
    deactivated_at: Option<DateTime<Utc>>,
}

/// The organisation's staff, deactivated members included.
#[derive(Serialize, ToSchema)]
pub struct StaffAnswer {
    items: Vec<MemberAnswer>,
    #[serde(flatten)]
    paging: crate::http::paging::Paging,
}

/// A member's new role.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "role": "advocate" }))]
pub struct MemberPatch {
    role: StaffRole,
}

/// A person to invite, with the role they will have.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "email": "new.advocate@example.org", "role": "advocate" }))]
pub struct InvitationRequest {
    email: String,
    role: StaffRole,
}

/// A one-time invitation link, for the person to choose their name and password: shown once.
#[derive(Serialize, ToSchema)]
pub struct InvitationAnswer {
    /// Site-relative: `/invite/{token}`.
    link: String,
    #[schema(value_type = String, format = DateTime)]
    expires_at: DateTime<Utc>,
}

fn member_json(user: User) -> MemberAnswer {
    MemberAnswer {
        active: user.deactivated_at.is_none(),
        id: user.id.0,
        name: user.display_name,
        email: user.email,
        role: user.role.into(),
        language: user.language.as_str(),
        created_at: user.created_at,
        deactivated_at: user.deactivated_at,
    }
}

fn organisation_json(
    profile: OrganisationProfile,
    second_factor_required: bool,
    policy: &Policy,
) -> OrganisationAnswer {
    OrganisationAnswer {
        time_zone: profile.time_zone.name().to_owned(),
        name: profile.name,
        address: profile.address,
        phone: profile.phone,
        email: profile.email,
        letter_signature: profile.letter_signature,
        second_factor_required,
        policy: policy_json(policy),
    }
}

async fn organisation_of(state: &AppState, signed_in: &SignedIn) -> Result<OrganisationAnswer, WebError> {
    let org = signed_in.user.org_id.clone();
    let (profile, second_factor, policy) = state
        .with_store(move |store| {
            Ok((
                store.organisation_profile(&org)?,
                store.org_requires_second_factor(&org)?,
                store.policy(&org)?,
            ))
        })
        .await?;
    Ok(organisation_json(profile, second_factor, &policy))
}

pub async fn organisation(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    Ok(Json(organisation_of(&state, &signed_in).await?).into_response())
}

/// The first of `problems` (each names its field) as the API's refusal.
fn first_problem(problems: Vec<StoreError>) -> WebError {
    problems.into_iter().next().map_or_else(|| WebError::Invalid("the profile".into()), WebError::from)
}

pub async fn edit_organisation(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedJson(Object(patch)): GuardedJson<Object<ProfilePatch>>,
) -> Result<Response, ApiError> {
    let org = signed_in.user.org_id.clone();
    let current = state.with_store(move |store| store.organisation_profile(&org)).await?;
    let typed = ProfileInput {
        name: patch.name.unwrap_or(current.name),
        address: patch.address.unwrap_or(current.address),
        phone: patch.phone.unwrap_or(current.phone),
        email: patch.email.unwrap_or(current.email),
        letter_signature: patch.letter_signature.unwrap_or(current.letter_signature),
        time_zone: patch.time_zone.unwrap_or_else(|| current.time_zone.name().to_owned()),
    };
    let profile = check_profile(&typed).map_err(first_problem)?;
    let actor = Actor::of(&signed_in.user);
    let now = state.clock.now();
    state.with_store(move |store| store.set_organisation_profile_as(&actor, &profile, now)).await?;
    tracing::info!(user = %signed_in.user.id, "organisation profile saved");
    Ok(Json(organisation_of(&state, &signed_in).await?).into_response())
}

fn days(field: &str, value: Option<u32>, min: u32) -> Result<Option<u32>, WebError> {
    match value {
        Some(n) if !(min..=MAX_DAYS).contains(&n) => Err(WebError::field(
            field,
            amparo_domain::Problem::Between { min: i64::from(min), max: i64::from(MAX_DAYS) },
        )),
        other => Ok(other),
    }
}

pub async fn edit_policy(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedJson(Object(patch)): GuardedJson<Object<PolicyPatch>>,
) -> Result<Response, ApiError> {
    let lead = days("re_parole_lead_days", patch.re_parole_lead_days, 0)?;
    let refresh = days("medical_refresh_days", patch.medical_refresh_days, 1)?;
    let threshold = days("critical_care_threshold_days", patch.critical_care_threshold_days, 0)?;
    let (i94, reminders) = (patch.i94_check_days, patch.reminder_days);
    let closure = patch.closure_days.map(|mut days| {
        days.sort();
        days.dedup();
        days
    });
    let (org, by, now) = (signed_in.user.org_id.clone(), signed_in.user.id.clone(), state.clock.now());
    let (count, policy) = state
        .with_store(move |store| {
            // Applied to the policy in force inside the write: a setting not given stays as it is
            // then. The store checks the bounds it knows (the I-94 check, reminder offsets).
            let change = |current: Policy| {
                Ok::<Policy, StoreError>(Policy {
                    re_parole_lead_days: lead.unwrap_or(current.re_parole_lead_days),
                    medical_refresh_days: refresh.unwrap_or(current.medical_refresh_days),
                    critical_care_threshold_days: threshold.unwrap_or(current.critical_care_threshold_days),
                    i94_check_days: i94.unwrap_or(current.i94_check_days),
                    closure_days: closure.clone().unwrap_or(current.closure_days),
                    reminder_days: reminders.clone().unwrap_or(current.reminder_days),
                    escalation_templates: current.escalation_templates,
                })
            };
            let count = store.update_policy(&org, &change, Some(&by), now)?;
            Ok((count, store.policy(&org)?))
        })
        .await?;
    tracing::info!(user = %signed_in.user.id, cases = count, "policy changed");
    Ok(Json(PolicyChanged { policy: policy_json(&policy), cases_rederived: count }).into_response())
}

/// Sets whether every member needs a second factor, as the settings page's checkbox does.
pub async fn second_factor(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedJson(Object(rule)): GuardedJson<Object<SecondFactorRule>>,
) -> Result<Response, ApiError> {
    let (org, by, now) = (signed_in.user.org_id.clone(), signed_in.user.id.clone(), state.clock.now());
    let required = rule.required;
    state.with_store(move |store| store.set_second_factor_requirement(&org, required, &by, now)).await?;
    tracing::info!(by = %signed_in.user.id, required, "second-factor requirement set");
    Ok(Json(organisation_of(&state, &signed_in).await?).into_response())
}

pub async fn staff(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    let org = signed_in.user.org_id.clone();
    let users = state.with_store(move |store| store.users(&org)).await?;
    let paging = crate::http::paging::Paging::whole(users.len());
    Ok(Json(StaffAnswer { items: users.into_iter().map(member_json).collect(), paging }).into_response())
}

async fn member(state: &AppState, signed_in: &SignedIn, id: UserId) -> Result<MemberAnswer, WebError> {
    let org = signed_in.user.org_id.clone();
    let user = state
        .with_store(move |store| store.user(&org, &id))
        .await?
        .ok_or_else(|| WebError::NotFound("user".into()))?;
    Ok(member_json(user))
}

pub async fn edit_member(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(Object(patch)): GuardedJson<Object<MemberPatch>>,
) -> Result<Response, ApiError> {
    let user = UserId(id);
    member(&state, &signed_in, user.clone()).await?;
    let (org, actor, session, now) = (
        signed_in.user.org_id.clone(),
        signed_in.user.id.clone(),
        signed_in.token_hash.clone(),
        state.clock.now(),
    );
    let role = UserRole::from(patch.role);
    let target = user.clone();
    let change = state
        .with_store(move |store| {
            let by = RoleActor { user: Some(&actor), session: Some(&session) };
            store.set_user_role(&org, &target, role, by, now)
        })
        .await
        .map_err(|e| match e {
            WebError::Invalid(message) => WebError::Conflict(format!("role: {message}")),
            other => other,
        })?;
    tracing::info!(old = change.old.as_str(), new = change.new.as_str(), "role changed");
    Ok(Json(member(&state, &signed_in, user).await?).into_response())
}

/// A refusal of the store's about a member (one's own deactivation, the last administrator) as
/// a conflict with what exists.
fn refused_for_member(error: WebError) -> WebError {
    match error {
        WebError::Invalid(message) => WebError::Conflict(message),
        other => other,
    }
}

pub async fn deactivate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedWrite,
) -> Result<Response, ApiError> {
    let user = UserId(id);
    member(&state, &signed_in, user.clone()).await?;
    let (actor, now, target) = (Actor::of(&signed_in.user), state.clock.now(), user.clone());
    let done = state
        .with_store(move |store| store.deactivate_user_as(&actor, &target, now))
        .await
        .map_err(refused_for_member)?;
    tracing::info!(sessions = done.sessions_ended, feeds = done.feeds_revoked, "member deactivated");
    Ok(Json(member(&state, &signed_in, user).await?).into_response())
}

pub async fn reactivate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedWrite,
) -> Result<Response, ApiError> {
    let user = UserId(id);
    member(&state, &signed_in, user.clone()).await?;
    let (actor, now, target) = (Actor::of(&signed_in.user), state.clock.now(), user.clone());
    state.with_store(move |store| store.reactivate_user_as(&actor, &target, now)).await?;
    Ok(Json(member(&state, &signed_in, user).await?).into_response())
}

/// A member's open tasks, as the staff page lists them (to hand on before a deactivation, say).
pub async fn member_tasks(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let user = UserId(id);
    member(&state, &signed_in, user.clone()).await?;
    let (actor, now) = (Actor::of(&signed_in.user), state.clock.now());
    let tasks = state.with_store(move |store| store.member_open_tasks_as(&actor, &user, "api", now)).await?;
    Ok(Json(crate::triage::api::tasks_answer(tasks, state.clock.now())).into_response())
}

pub async fn invite(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedJson(Object(request)): GuardedJson<Object<InvitationRequest>>,
) -> Result<Response, ApiError> {
    // The link names the organisation, as the page's does, so that it is looked up on one shard.
    let (token, scoped) = crate::http::scoped_token::issue(&signed_in.user.org_id)?;
    let hash = scoped.hash;
    let (actor, now) = (Actor::of(&signed_in.user), state.clock.now());
    let expires_at = now + INVITATION_LIFETIME;
    let role = UserRole::from(request.role);
    let email = request.email;
    state
        .with_store(move |store| {
            let new = NewInvitation { email: &email, role, token_hash: &hash, expires_at };
            store.invite_user_as(&actor, &new, now)
        })
        .await?;
    tracing::info!(by = %signed_in.user.id, role = role.as_str(), "invitation issued");
    let answer = InvitationAnswer { link: format!("/invite/{token}"), expires_at };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}
