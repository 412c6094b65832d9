//! The critical-care protocol: which changes open an escalation, which later events resolve it, and
//! the checklists it starts. People and dates are fictional.

use amparo_domain::org::UserRole;
use amparo_domain::triage::{
    BUILTIN_ESCALATION_TOML, EscalationTemplateError, EscalationTemplates, TriggerKind, open_triggers,
};
use amparo_domain::{
    CaseFile, Date, Language, Policy, RuleSet, Trigger, escalation_triggers, trigger_resolved,
};
use serde_json::{Value, json};

const TODAY: &str = "2026-03-01";

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

fn case(days_to_harm: u32, events: Value) -> CaseFile {
    let doc = json!({ "format": "amparo.case/1", "case": {
        "reference": "T-ESC", "program": "humanitarian",
        "people": [
            { "key": "p1", "role": "patient", "given_name": "Lucía", "family_name": "Ejemplo", "birth_date": "2022-01-09" },
            { "key": "m1", "role": "parent", "given_name": "Marta", "family_name": "Ejemplo" }
        ],
        "medical": { "person": "p1", "condition": "intestinal failure", "days_to_critical_harm": days_to_harm,
                     "attested_on": "2026-01-15" }
    }, "events": events });
    CaseFile::parse(&doc.to_string()).unwrap_or_else(|e| panic!("test file refused: {e}")).0
}

const CRITICAL: u32 = 3;
const STABLE: u32 = 60;

fn grant() -> Value {
    json!({ "id": "g1", "type": "parole_granted", "on": "2025-06-01", "valid_until": "2026-11-30" })
}

fn notice() -> Value {
    json!({ "id": "t1", "type": "termination_notice", "on": "2026-02-27", "served_by": "mail",
            "effective": "2026-03-13", "depart_by": "2026-03-13" })
}

fn events(list: &[Value]) -> Value {
    Value::Array(list.to_vec())
}

/// The triggers opened by appending `added` to a case holding `existing`.
fn opened(days_to_harm: u32, existing: &[Value], added: &[Value]) -> Vec<Trigger> {
    let before = case(days_to_harm, events(existing));
    let after = case(days_to_harm, events(&[existing, added].concat()));
    escalation_triggers(Some(&before), &after, d(TODAY), &Policy::default(), RuleSet::builtin().unwrap())
}

fn kinds(triggers: &[Trigger]) -> Vec<&'static str> {
    triggers.iter().map(|t| t.kind.as_str()).collect()
}

// ---- triggers -----------------------------------------------------------------------------------

#[test]
fn a_termination_notice_on_a_critical_case_opens_an_escalation() {
    let triggers = opened(CRITICAL, &[grant()], &[notice()]);
    assert_eq!(kinds(&triggers), ["termination_notice"]);
    let t = &triggers[0];
    assert_eq!(t.event_id.as_deref(), Some("t1"));
    assert_eq!(t.event_on, d("2026-02-27"));
    assert!(t.critical_care);
    assert_eq!(
        t.reason.text(Language::En),
        "termination notice of 2026-02-27 on a critical-care case (3 days to critical harm if care stops); depart by 2026-03-13 (in 12 days)"
    );
    assert_eq!(
        t.reason.text(Language::Es),
        "aviso de terminación del 27 de febrero de 2026 en un caso de cuidados críticos (3 días hasta un daño grave si se interrumpe el tratamiento); debe salir del país a más tardar el 13 de marzo de 2026 (en 12 días)"
    );
}

#[test]
fn the_same_notice_on_a_non_critical_case_does_not_escalate() {
    assert!(opened(STABLE, &[grant()], &[notice()]).is_empty());
    // The threshold is the organisation's: at 60 days it is critical-care.
    let policy = Policy { critical_care_threshold_days: 60, ..Policy::default() };
    let before = case(STABLE, events(&[grant()]));
    let after = case(STABLE, events(&[grant(), notice()]));
    let triggers = escalation_triggers(Some(&before), &after, d(TODAY), &policy, RuleSet::builtin().unwrap());
    assert_eq!(kinds(&triggers), ["termination_notice"]);
}

#[test]
fn a_denial_escalates_only_on_a_critical_case() {
    let denial = json!({ "id": "x1", "type": "parole_denied", "on": "2026-02-26", "served_by": "mail" });
    let request = json!({ "id": "q1", "type": "parole_requested", "on": "2025-12-01" });
    let triggers = opened(CRITICAL, std::slice::from_ref(&request), std::slice::from_ref(&denial));
    assert_eq!(kinds(&triggers), ["parole_denied"]);
    assert!(
        triggers[0]
            .reason
            .text(Language::En)
            .starts_with("parole denied on 2026-02-26 on a critical-care case")
    );
    assert!(
        triggers[0]
            .reason
            .text(Language::Es)
            .starts_with("permiso humanitario (parole) denegado el 26 de febrero de 2026")
    );
    assert!(opened(STABLE, &[request], &[denial]).is_empty());
}

#[test]
fn a_noid_escalates_on_any_case() {
    let noid = json!({ "id": "n1", "type": "noid_received", "on": "2026-02-26", "served_by": "email",
                       "respond_by": "2026-03-30" });
    let triggers = opened(STABLE, &[grant()], std::slice::from_ref(&noid));
    assert_eq!(kinds(&triggers), ["noid_received"]);
    assert!(!triggers[0].critical_care);
    assert_eq!(
        triggers[0].reason.text(Language::En),
        "notice of intent to deny (NOID) received 2026-02-26; respond by 2026-03-30 (in 29 days)"
    );
    assert_eq!(
        triggers[0].reason.text(Language::Es),
        "se recibió un aviso de intención de denegar (NOID) el 26 de febrero de 2026; debe responderse a más tardar el 30 de marzo de 2026 (en 29 días)"
    );
    let critical = opened(CRITICAL, &[grant()], &[noid]);
    assert!(critical[0].critical_care);
}

fn ending(until: &str) -> Value {
    json!({ "id": "g2", "type": "parole_granted", "on": "2025-04-01", "valid_until": until })
}

#[test]
fn a_critical_case_near_the_end_of_parole_with_nothing_filed_escalates() {
    let rules = RuleSet::builtin().unwrap();
    let policy = Policy::default();
    // 2026-03-01 + 60 days = 2026-04-30: inside the window; a day later is not.
    let inside = case(CRITICAL, events(&[ending("2026-04-30")]));
    let open = open_triggers(&inside, d(TODAY), &policy, rules);
    assert_eq!(kinds(&open), ["parole_expiring"]);
    assert_eq!(open[0].event_id.as_deref(), Some("g2"));
    assert_eq!(
        open[0].reason.text(Language::En),
        "critical-care case: parole ends 2026-04-30 (in 60 days) and no re-parole has been filed"
    );
    assert!(open[0].reason.text(Language::Es).contains("vence el 30 de abril de 2026 (en 60 días)"));
    let outside = case(CRITICAL, events(&[ending("2026-05-01")]));
    assert!(open_triggers(&outside, d(TODAY), &policy, rules).is_empty());
    let stable = case(STABLE, events(&[ending("2026-04-30")]));
    assert!(open_triggers(&stable, d(TODAY), &policy, rules).is_empty());
    let filed = json!({ "type": "re_parole_filed", "on": "2026-01-20" });
    let done = case(CRITICAL, events(&[ending("2026-04-30"), filed]));
    assert!(open_triggers(&done, d(TODAY), &policy, rules).is_empty());
    // One grant for the family gives one trigger, not one per person.
    assert_eq!(open.len(), 1);
}

#[test]
fn the_expiry_window_is_data() {
    let text =
        amparo_domain::rules::BUILTIN_TOML.replacen("expiry_window_days = 60", "expiry_window_days = 90", 1);
    let rules = RuleSet::from_toml(&text).unwrap();
    let f = case(CRITICAL, events(&[ending("2026-05-20")]));
    assert_eq!(kinds(&open_triggers(&f, d(TODAY), &Policy::default(), &rules)), ["parole_expiring"]);
    assert!(open_triggers(&f, d(TODAY), &Policy::default(), RuleSet::builtin().unwrap()).is_empty());
}

#[test]
fn only_what_the_change_opened_is_returned() {
    let rules = RuleSet::builtin().unwrap();
    let policy = Policy::default();
    let base = [ending("2026-04-30")];
    // The expiry trigger is already open: an unrelated event opens nothing new.
    let rfe = json!({ "type": "rfe_received", "on": "2026-02-28", "served_by": "online" });
    assert!(opened(CRITICAL, &base, &[rfe]).is_empty());
    // A new case brings every open trigger.
    let f = case(CRITICAL, events(&base));
    assert_eq!(kinds(&escalation_triggers(None, &f, d(TODAY), &policy, rules)), ["parole_expiring"]);
    // A re-attestation that makes a case with a pending notice critical-care opens the termination one.
    let pending = [grant(), notice()];
    let before = case(STABLE, events(&pending));
    let attested = json!({ "type": "medical_attested", "on": "2026-02-28", "days_to_critical_harm": 2 });
    let after = case(STABLE, events(&[&pending[..], &[attested]].concat()));
    let triggers = escalation_triggers(Some(&before), &after, d(TODAY), &policy, rules);
    assert_eq!(kinds(&triggers), ["termination_notice"]);
    assert!(triggers[0].reason.text(Language::En).contains("(2 days to critical harm"));
}

// ---- resolution ---------------------------------------------------------------------------------

fn resolved(trigger: &Trigger, list: &[Value]) -> bool {
    trigger_resolved(trigger, &case(CRITICAL, events(list)), d(TODAY))
}

#[test]
fn a_termination_is_resolved_by_a_later_grant_not_by_a_filing_alone() {
    let t = opened(CRITICAL, &[grant()], &[notice()]).remove(0);
    let filed = json!({ "type": "re_parole_filed", "on": "2026-02-28" });
    let regrant = json!({ "type": "parole_granted", "on": "2026-02-28", "valid_until": "2027-02-27" });
    assert!(!resolved(&t, &[grant(), notice()]));
    assert!(!resolved(&t, &[grant(), notice(), filed.clone()]));
    assert!(resolved(&t, &[grant(), notice(), filed, regrant.clone()]));
    // A grant for the patient alone leaves the parent, whom the notice also names, unresolved.
    let mut patient_only = regrant;
    patient_only["persons"] = json!(["p1"]);
    assert!(!resolved(&t, &[grant(), notice(), patient_only]));
    // A notice voided by a correction resolves its escalation.
    let void = json!({ "id": "t2", "type": "termination_notice", "on": "2026-02-27", "served_by": "mail",
                       "effective": "2026-12-01", "supersedes": "t1" });
    assert!(resolved(&t, &[grant(), notice(), void]));
}

#[test]
fn a_noid_is_resolved_by_its_answer() {
    let noid = json!({ "id": "n1", "type": "noid_received", "on": "2026-02-26", "served_by": "email" });
    let t = opened(STABLE, &[grant()], std::slice::from_ref(&noid)).remove(0);
    assert!(!resolved(&t, &[grant(), noid.clone()]));
    let early = json!({ "type": "noid_answered", "on": "2026-02-01" });
    assert!(!resolved(&t, &[grant(), early, noid.clone()]), "an answer before the NOID does not count");
    let answer = json!({ "type": "noid_answered", "on": "2026-02-28" });
    assert!(resolved(&t, &[grant(), noid, answer]));
}

#[test]
fn a_denial_is_resolved_by_a_motion_or_a_new_grant() {
    let denial = json!({ "id": "x1", "type": "parole_denied", "on": "2026-02-26", "served_by": "mail" });
    let t = opened(CRITICAL, &[], std::slice::from_ref(&denial)).remove(0);
    assert!(!resolved(&t, std::slice::from_ref(&denial)));
    let motion = json!({ "type": "motion_filed", "on": "2026-02-28" });
    assert!(resolved(&t, &[denial.clone(), motion]));
    let regrant = json!({ "type": "parole_granted", "on": "2026-02-28", "valid_until": "2027-02-27" });
    assert!(resolved(&t, &[denial, regrant]));
}

#[test]
fn an_expiry_is_resolved_by_a_re_parole_filing() {
    let t = open_triggers(
        &case(CRITICAL, events(&[ending("2026-04-30")])),
        d(TODAY),
        &Policy::default(),
        RuleSet::builtin().unwrap(),
    )
    .remove(0);
    assert!(!resolved(&t, &[ending("2026-04-30")]));
    let for_patient = json!({ "type": "re_parole_filed", "on": "2026-03-01", "persons": ["p1"] });
    assert!(!resolved(&t, &[ending("2026-04-30"), for_patient]), "the parent has not filed");
    let filed = json!({ "type": "re_parole_filed", "on": "2026-03-01" });
    assert!(resolved(&t, &[ending("2026-04-30"), filed]));
}

// ---- templates ----------------------------------------------------------------------------------

#[test]
fn the_builtin_templates_cover_every_trigger() {
    let templates = EscalationTemplates::builtin().unwrap();
    for kind in TriggerKind::ALL {
        assert_eq!(TriggerKind::parse(kind.as_str()), Some(kind));
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        let tasks = templates.tasks(kind);
        assert!(!tasks.is_empty(), "{kind}");
        for t in tasks {
            assert!(!t.title_en.trim().is_empty() && !t.title_es.trim().is_empty());
            assert_ne!(t.title_en, t.title_es);
            assert!(matches!(t.owner_role, UserRole::Attorney | UserRole::Advocate | UserRole::Clinician));
        }
    }
    let owners: Vec<UserRole> =
        templates.tasks(TriggerKind::TerminationNotice).iter().map(|t| t.owner_role).collect();
    for role in [UserRole::Attorney, UserRole::Advocate, UserRole::Clinician] {
        assert!(owners.contains(&role), "{role:?} owns no task of the termination checklist");
    }
    let titles: Vec<&str> =
        templates.tasks(TriggerKind::TerminationNotice).iter().map(|t| t.title_en.as_str()).collect();
    assert!(titles.iter().any(|t| t.contains("expedite")), "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("congressional")), "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("continuity of care")), "{titles:?}");
}

#[test]
fn a_critical_case_gets_shorter_due_times() {
    let templates = EscalationTemplates::builtin().unwrap();
    for kind in TriggerKind::ALL {
        let critical = templates.plan(kind, true);
        let normal = templates.plan(kind, false);
        assert_eq!(critical.len(), normal.len());
        for (c, n) in critical.iter().zip(&normal) {
            assert_eq!((&c.title, c.owner_role), (&n.title, n.owner_role));
            assert!(c.due_in_hours < n.due_in_hours, "{kind}: {} is not shorter", c.title.get(Language::En));
        }
    }
    let trigger = opened(CRITICAL, &[grant()], &[notice()]).remove(0);
    assert_eq!(templates.plan_for(&trigger), templates.plan(TriggerKind::TerminationNotice, true));
    let noid = json!({ "id": "n1", "type": "noid_received", "on": "2026-02-26", "served_by": "email" });
    let trigger = opened(STABLE, &[grant()], &[noid]).remove(0);
    assert_eq!(templates.plan_for(&trigger), templates.plan(TriggerKind::NoidReceived, false));
    let first = &templates.plan(TriggerKind::TerminationNotice, true)[0];
    assert_eq!(first.owner_role, UserRole::Attorney);
    assert_eq!(first.due_in_hours, 8);
}

fn edited(from: &str, to: &str) -> String {
    assert!(BUILTIN_ESCALATION_TOML.contains(from), "the templates no longer contain {from:?}");
    BUILTIN_ESCALATION_TOML.replacen(from, to, 1)
}

#[test]
fn templates_load_from_text_and_mistakes_are_refused() {
    let custom = edited("due_hours_critical = 8", "due_hours_critical = 4");
    let loaded = EscalationTemplates::from_toml(&custom).unwrap();
    assert_eq!(loaded.plan(TriggerKind::TerminationNotice, true)[0].due_in_hours, 4);

    let cases: Vec<(String, &str)> = vec![
        ("id = [".to_owned(), "not a valid escalation template document"),
        (edited("id = \"amparo-default/2026.1\"", "id = \"\""), "`id` must name the templates"),
        (
            edited("[template.parole_denied]", "[template.parole_denyed]")
                .replace("template.parole_denied.task", "template.parole_denyed.task"),
            "unknown trigger kind \"parole_denyed\"",
        ),
        (
            edited("owner = \"attorney\"", "owner = \"admin\""),
            "owner must be attorney, advocate or clinician, found \"admin\"",
        ),
        (
            edited("due_hours_critical = 8", "due_hours_critical = 0"),
            "`due_hours_critical` must be from 1 to 8760 hours, found 0",
        ),
        (
            edited("due_hours = 24", "due_hours = 9000"),
            "`due_hours` must be from 1 to 8760 hours, found 9000",
        ),
        (
            edited("due_hours_critical = 8", "due_hours_critical = 48"),
            "template.termination_notice task 1: due_hours_critical (48) must not be more than due_hours (24)",
        ),
        (
            edited("title_es = \"Revisar el aviso", "title_es = \"  \"\nx = \"Revisar el aviso"),
            "unknown field `x`",
        ),
        (edited("owner = \"clinician\"", "owner = \"clinician\"\npriority = 1"), "unknown field `priority`"),
        (edited("due_hours = 24", "due_hours = \"24\""), "not a valid escalation template document"),
    ];
    for (text, message) in cases {
        let error = EscalationTemplates::from_toml(&text).expect_err(message).to_string();
        assert!(error.contains(message), "expected {message:?} in {error:?}");
    }

    let empty_title = edited(
        "title_en = \"Read the termination notice: effective date, departure date and stated reasons\"",
        "title_en = \" \"",
    );
    assert_eq!(
        EscalationTemplates::from_toml(&empty_title).unwrap_err(),
        EscalationTemplateError::EmptyTitle { trigger: "termination_notice", task: 1, field: "title_en" }
    );
    let start = BUILTIN_ESCALATION_TOML.find("[template.noid_received]").unwrap();
    let end = BUILTIN_ESCALATION_TOML.find("[template.parole_expiring]").unwrap();
    let without = format!("{}{}", &BUILTIN_ESCALATION_TOML[..start], &BUILTIN_ESCALATION_TOML[end..]);
    assert_eq!(
        EscalationTemplates::from_toml(&without).unwrap_err(),
        EscalationTemplateError::MissingTemplate("noid_received")
    );
    let no_tasks = format!(
        "{}[template.noid_received]\n\n{}",
        &BUILTIN_ESCALATION_TOML[..start],
        &BUILTIN_ESCALATION_TOML[end..]
    );
    assert_eq!(
        EscalationTemplates::from_toml(&no_tasks).unwrap_err(),
        EscalationTemplateError::NoTasks("noid_received")
    );
}

#[test]
fn an_organisations_checklists_are_kept_with_its_policy_and_checked_when_read() {
    let builtin = EscalationTemplates::builtin().unwrap().clone();
    let policy = Policy { escalation_templates: Some(builtin.clone()), ..Policy::default() };
    let stored = serde_json::to_string(&policy).unwrap();
    let read: Policy = serde_json::from_str(&stored).unwrap();
    assert_eq!(read.escalation_templates.as_ref(), Some(&builtin), "a round trip keeps every task");
    let without: Policy = serde_json::from_str("{}").unwrap();
    assert!(
        without.escalation_templates.is_none()
            && !serde_json::to_string(&without).unwrap().contains("escalation")
    );

    // A stored checklist that breaks a rule (critical-care hours longer than the usual ones) is refused.
    let mut value: Value = serde_json::from_str(&stored).unwrap();
    let task = &mut value["escalation_templates"]["template"]["termination_notice"]["task"][0];
    task["due_hours_critical"] = json!(9999);
    let error = serde_json::from_value::<Policy>(value).unwrap_err().to_string();
    assert!(error.contains("template.termination_notice task 1"), "{error}");
}

#[test]
fn checklists_given_kind_by_kind_are_checked_like_a_document() {
    use amparo_domain::triage::escalation::RawTask;
    let builtin = EscalationTemplates::builtin().unwrap();
    let task = |title: &str, owner: &str, hours: i64, critical: i64| RawTask {
        title_en: title.into(),
        title_es: format!("{title} (es)"),
        owner: owner.into(),
        due_hours: hours,
        due_hours_critical: critical,
    };
    let lists = |termination: Vec<RawTask>| {
        TriggerKind::ALL
            .into_iter()
            .map(|k| {
                let tasks = if k == TriggerKind::TerminationNotice {
                    termination.clone()
                } else {
                    builtin.tasks(k).iter().map(RawTask::from).collect()
                };
                (k, tasks)
            })
            .collect::<Vec<_>>()
    };
    let own =
        EscalationTemplates::from_checklists("own/1".into(), lists(vec![task("Call", "advocate", 24, 2)]))
            .unwrap();
    let plan = own.plan(TriggerKind::TerminationNotice, true);
    assert_eq!((plan.len(), plan[0].owner_role, plan[0].due_in_hours), (1, UserRole::Advocate, 2));
    assert_eq!(own.tasks(TriggerKind::NoidReceived), builtin.tasks(TriggerKind::NoidReceived));
    assert!(matches!(
        EscalationTemplates::from_checklists("own/2".into(), lists(vec![])),
        Err(EscalationTemplateError::NoTasks("termination_notice"))
    ));
    assert!(matches!(
        EscalationTemplates::from_checklists("own/3".into(), lists(vec![task("Call", "viewer", 24, 2)])),
        Err(EscalationTemplateError::BadOwner { .. })
    ));
}

#[test]
fn a_checklist_opened_after_parole_ended_says_it_ended() {
    let rules = RuleSet::builtin().unwrap();
    let templates = EscalationTemplates::builtin().unwrap();
    let title_of = |until: &str, today: &str, language| {
        let file = case(CRITICAL, events(&[ending(until)]));
        let open = open_triggers(&file, d(today), &Policy::default(), rules);
        let plan = templates.plan_for(&open[0]);
        let family = plan.iter().find(|t| t.title.get(Language::En).starts_with("Tell the family")).unwrap();
        family.title.get(language).to_owned()
    };
    // Long past: the checklist does not read as if parole were about to end.
    assert_eq!(
        title_of("2025-09-30", TODAY, Language::En),
        "Tell the family, in their language, that parole ended on September 30, 2025, and what is being done"
    );
    assert_eq!(
        title_of("2025-09-30", TODAY, Language::Es),
        "Explicar a la familia, en su idioma, que el permiso humanitario (parole) venció el 30 de septiembre de 2025, y qué se está haciendo"
    );
    // Still ahead.
    assert!(title_of("2026-04-30", TODAY, Language::En).contains("that parole ends on April 30, 2026,"));
    assert!(
        title_of("2026-04-30", TODAY, Language::Es)
            .contains("que el permiso humanitario (parole) vence el 30 de abril de 2026,")
    );
    // No title keeps the placeholder.
    let file = case(CRITICAL, events(&[ending("2026-04-30")]));
    let open = open_triggers(&file, d(TODAY), &Policy::default(), rules);
    for task in templates.plan_for(&open[0]) {
        for language in [Language::En, Language::Es] {
            assert!(!task.title.get(language).contains('{'), "{}", task.title.get(language));
        }
    }
}

#[test]
fn the_parole_end_placeholder_is_refused_where_nothing_fills_it() {
    let text = BUILTIN_ESCALATION_TOML.replacen(
        "Read the termination notice: effective date",
        "Read the termination notice ({parole_end}): effective date",
        1,
    );
    let refused = EscalationTemplates::from_toml(&text).unwrap_err();
    assert!(
        matches!(
            refused,
            EscalationTemplateError::ParoleEndOutOfPlace {
                trigger: "termination_notice",
                task: 1,
                field: "title_en"
            }
        ),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("only a parole_expiring checklist can fill"), "{refused}");
}
