//! Settings, for administrators only: the organisation's staff and their roles, its policy (lead
//! days, attestation refresh days, critical-care threshold, closure days), which re-derives every
//! case when saved, and the escalation checklists in force (read only; an operator changes them in
//! `escalation_templates_file`).

use amparo_domain::org::UserRole;
use amparo_domain::triage::TriggerKind;
use amparo_domain::{Date, Policy};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::settings::views::{PolicyForm, SettingsPage, StaffRow};
use crate::ui::form::Choice;
use crate::ui::form::FieldError;
use crate::ui::i18n::Lang;
use crate::ui::viewer;

/// The largest number of days any policy setting takes (ten years).
const MAX_DAYS: u32 = 3650;

fn admin_only(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.user.role == UserRole::Admin { Ok(()) } else { Err(WebError::Forbidden) }
}

fn policy_form(policy: &Policy) -> PolicyForm {
    PolicyForm {
        re_parole_lead_days: policy.re_parole_lead_days.to_string(),
        medical_refresh_days: policy.medical_refresh_days.to_string(),
        critical_care_threshold_days: policy.critical_care_threshold_days.to_string(),
        i94_check_days: policy.i94_check_days.to_string(),
        closure_days: policy.closure_days.iter().map(Date::to_string).collect::<Vec<_>>().join("\n"),
    }
}

pub(crate) async fn page(
    state: &AppState,
    signed_in: &SignedIn,
    form: Option<PolicyForm>,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<SettingsPage, WebError> {
    let lang = signed_in.lang();
    let org = signed_in.user.org_id.clone();
    let (users, policy, second_factor_required) = state
        .with_store(move |store| {
            Ok((store.users(&org)?, store.policy(&org)?, store.org_requires_second_factor(&org)?))
        })
        .await?;
    // Statvfs on the database's folder: cheap enough for an administrator's page.
    let disk_warning = state.store.disk().filter(|disk| disk.is_low()).map(|disk| {
        let free_mib = disk.free_bytes / (1024 * 1024);
        if disk.reserve_held {
            lang.t1("settings-disk-low", "free", free_mib)
        } else {
            lang.t1("settings-disk-reserve-spent", "free", free_mib)
        }
    });
    let own_checklists = policy.escalation_templates.is_some();
    let templates = policy.checklists(state.store.escalation_templates());
    let checklists = TriggerKind::ALL
        .into_iter()
        .map(|kind| {
            crate::settings::checklists::view(
                lang,
                kind,
                &crate::settings::checklists::stored_rows(templates, kind),
            )
        })
        .collect();
    Ok(SettingsPage {
        lang,
        viewer: viewer(signed_in),
        staff: users
            .into_iter()
            .map(|u| StaffRow {
                me: u.id == signed_in.user.id,
                id: u.id.0,
                name: u.display_name,
                email: u.email,
                roles: UserRole::ALL
                    .into_iter()
                    .map(|r| Choice {
                        value: r.as_str().to_owned(),
                        label: lang.user_role(r),
                        selected: r == u.role,
                    })
                    .collect(),
                language: lang.language_name(u.language),
            })
            .collect(),
        policy: form.unwrap_or_else(|| policy_form(&policy)),
        second_factor_required,
        errors,
        errors_heading: lang.t("settings-error-summary"),
        notice,
        checklists,
        templates_id: templates.id.clone(),
        own_checklists,
        disk_warning,
    })
}

pub async fn settings(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let params = Params(params);
    let mut notice = params
        .get("saved")
        .and_then(|n| n.parse::<i64>().ok())
        .map(|count| signed_in.lang().t1("settings-saved", "count", count));
    if params.get("checklist_saved").is_some() {
        notice = Some(signed_in.lang().t("settings-checklist-saved"));
    }
    if let Some(changed) = params.get("role_changed") {
        notice = crate::settings::roles::notice(&state, &signed_in, changed).await?;
    }
    let view = page(&state, &signed_in, None, Vec::new(), notice).await?;
    Ok(crate::ui::render(&view).into_response())
}

/// The policy the form describes, or every field that is wrong.
fn parse_policy(form: &Params, lang: Lang) -> Result<Policy, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut days = |name: &str, min: u32, max: u32| -> u32 {
        match form.get(name).map(str::parse::<u32>) {
            Some(Ok(n)) if (min..=max).contains(&n) => n,
            _ => {
                let message = lang.t2("settings-error-days", "min", min, "max", max);
                errors.push(FieldError { id: name.to_owned(), message });
                0
            }
        }
    };
    let re_parole_lead_days = days("re_parole_lead_days", 0, MAX_DAYS);
    let medical_refresh_days = days("medical_refresh_days", 1, MAX_DAYS);
    let critical_care_threshold_days = days("critical_care_threshold_days", 0, MAX_DAYS);
    let i94 = &amparo_domain::policy::I94_CHECK_DAYS_RANGE;
    let i94_check_days = days("i94_check_days", *i94.start(), *i94.end());
    let mut closure_days = Vec::new();
    for line in form.get("closure_days").unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty())
    {
        match line.parse::<Date>() {
            Ok(day) => closure_days.push(day),
            Err(_) => {
                let message = lang.t1("settings-error-closure", "line", line);
                errors.push(FieldError { id: "closure_days".into(), message });
                break;
            }
        }
    }
    closure_days.sort();
    closure_days.dedup();
    if errors.is_empty() {
        // Reminder offsets and checklists are not on this form; `save_policy` keeps the organisation's.
        Ok(Policy {
            re_parole_lead_days,
            medical_refresh_days,
            critical_care_threshold_days,
            i94_check_days,
            closure_days,
            ..Policy::default()
        })
    } else {
        Err(errors)
    }
}

pub async fn save_policy(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let form = Params(form);
    let policy = match parse_policy(&form, signed_in.lang()) {
        Ok(policy) => policy,
        Err(errors) => {
            let typed = PolicyForm {
                re_parole_lead_days: form.text("re_parole_lead_days"),
                medical_refresh_days: form.text("medical_refresh_days"),
                critical_care_threshold_days: form.text("critical_care_threshold_days"),
                i94_check_days: form.text("i94_check_days"),
                closure_days: form.text("closure_days"),
            };
            let view = page(&state, &signed_in, Some(typed), errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&view)).into_response());
        }
    };
    let org = signed_in.user.org_id.clone();
    let now = state.clock.now();
    let count = state
        .with_store(move |store| {
            // Reminder offsets and checklists are not on this form: the organisation's are kept.
            let current = store.policy(&org)?;
            let kept = Policy {
                reminder_days: current.reminder_days,
                escalation_templates: current.escalation_templates,
                ..policy
            };
            store.set_policy(&org, &kept, now)
        })
        .await?;
    tracing::info!(user = %signed_in.user.id, cases = count, "policy changed");
    Ok(Redirect::to(&format!("/settings?saved={count}")).into_response())
}
