//! Webhooks on both backends: deliveries queued in the transaction of what caused them, with ids
//! only; the daily pass's causes told once however often it runs; leases, retries with backoff,
//! giving up after the last attempt; paused and removed endpoints told nothing; closing a case
//! tells of the escalations it closes; every change audited and the secret sealed.

use amparo_domain::CaseFile;
use amparo_store::testing::TestDatabase;
use amparo_store::webhooks::{DeliveryClaim, MAX_ATTEMPTS, WebhookAttempt, backoff};
use amparo_store::*;
use chrono::{DateTime, Duration, Utc};

use crate::support::{event, new_user, now, org};

amparo_store::on_both_backends!(
    writes_queue_deliveries_with_ids_only_for_subscribed_endpoints,
    the_daily_pass_tells_endpoints_of_overdue_tasks_and_reminders_once,
    leases_retries_and_giving_up,
    registrations_are_checked_audited_and_removals_abandon_what_waits,
    closing_a_case_tells_of_each_escalation_it_closes_in_its_transaction
);

const SECRET: &str = "whsec_0123456789abcdef0123456789abcdef";

fn case(reference: &str) -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo", "citizenship": "MX",
                  "birth_date": "2021-03-02", "a_number": "A024681357" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": 3,
                         "available_in_origin_country": false, "attested_on": "2026-02-01" }
        },
        "events": [{ "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30",
                     "class_of_admission": "DT" }]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

fn termination() -> amparo_domain::Event {
    event(
        serde_json::json!({ "id": "t1", "type": "termination_notice", "on": "2026-02-27", "served_by": "mail",
                              "depart_by": "2026-03-27" }),
    )
}

fn endpoint(store: &Store, org: &OrgId, events: &[WebhookEvent]) -> WebhookEndpoint {
    let new = NewWebhookEndpoint { org, url: "https://hooks.example.org/amparo", secret: SECRET, events };
    store.create_webhook_endpoint(&new, None, now()).unwrap()
}

fn kinds(store: &Store, org: &OrgId, endpoint: &WebhookEndpoint) -> Vec<&'static str> {
    let mut kinds: Vec<&str> =
        store.webhook_deliveries(org, &endpoint.id, 1000).unwrap().iter().map(|d| d.event.as_str()).collect();
    kinds.sort_unstable();
    kinds
}

fn claim(worker: &str, at: DateTime<Utc>) -> DeliveryClaim {
    DeliveryClaim { worker: worker.into(), now: at, lease: Duration::seconds(120), limit: 100 }
}

fn writes_queue_deliveries_with_ids_only_for_subscribed_endpoints(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "hooks");
    let everything = endpoint(&store, &org, &WebhookEvent::ALL);
    let cases_only = endpoint(&store, &org, &[WebhookEvent::CaseCreated]);
    let paused = endpoint(&store, &org, &WebhookEvent::ALL);
    store.set_webhook_active(&org, &paused.id, false, None, now()).unwrap();

    let id = store.import_cases(&org, &[case("HK-1")], None, now()).unwrap().remove(0);
    store.append_event(&org, &id, 1, &termination(), None, now()).unwrap();

    assert_eq!(kinds(&store, &org, &everything), ["case.created", "escalation.opened", "event.recorded"]);
    assert_eq!(kinds(&store, &org, &cases_only), ["case.created"]);
    assert!(kinds(&store, &org, &paused).is_empty(), "a paused endpoint is queued nothing");
    for delivery in store.webhook_deliveries(&org, &everything.id, 1000).unwrap() {
        assert_eq!(delivery.state, WebhookState::Pending);
        let payload: serde_json::Value = serde_json::from_str(&delivery.payload).unwrap();
        assert_eq!(payload["type"], delivery.event.as_str());
        assert_eq!(payload["organisation_id"], org.as_str());
        assert_eq!(payload["data"]["case_id"], id.as_str());
        for personal in ["Nina", "Ejemplo", "A024681357", "024681357", "2021-03-02", "short bowel", "HK-1"] {
            assert!(!delivery.payload.contains(personal), "{personal} in {}", delivery.payload);
        }
    }
    // One event, one id, at every endpoint it is told to.
    let created = |e: &WebhookEndpoint| {
        let found = store.webhook_deliveries(&org, &e.id, 1000).unwrap();
        let payload = &found.iter().find(|d| d.event == WebhookEvent::CaseCreated).unwrap().payload;
        serde_json::from_str::<serde_json::Value>(payload).unwrap()["id"].clone()
    };
    assert_eq!(created(&everything), created(&cases_only));

    // A write refused (a stale version) queues nothing.
    let stale = store.append_event(&org, &id, 1, &termination(), None, now());
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    assert_eq!(kinds(&store, &org, &everything).len(), 3);
}

fn the_daily_pass_tells_endpoints_of_overdue_tasks_and_reminders_once(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "daily-hooks");
    let id = store.import_cases(&org, &[case("HK-2")], None, now()).unwrap().remove(0);
    store.append_event(&org, &id, 1, &termination(), None, now()).unwrap();
    let daily = endpoint(&store, &org, &[WebhookEvent::TaskOverdue, WebhookEvent::DeadlineReminder]);
    // A week on, the escalation's checklist tasks are overdue.
    let later = now() + Duration::days(7);
    let today = amparo_domain::Date::from_ymd(2026, 3, 8).unwrap();
    store.record_daily_notices(&org, today, later).unwrap();
    let overdue = kinds(&store, &org, &daily).iter().filter(|k| **k == "task.overdue").count();
    assert!(overdue > 0, "{:?}", kinds(&store, &org, &daily));
    for delivery in store.webhook_deliveries(&org, &daily.id, 1000).unwrap() {
        let payload: serde_json::Value = serde_json::from_str(&delivery.payload).unwrap();
        assert!(payload["data"]["task_id"].is_string(), "{payload}");
    }
    let before = store.webhook_deliveries(&org, &daily.id, 1000).unwrap().len();
    store.record_daily_notices(&org, today, later + Duration::hours(2)).unwrap();
    assert_eq!(store.webhook_deliveries(&org, &daily.id, 1000).unwrap().len(), before, "told once");

    // The day a reminder offset reaches a deadline, endpoints are told of it, once.
    let calm = store.import_cases(&org, &[case("HK-2B")], None, now()).unwrap().remove(0);
    let query = DeadlineQuery {
        from: "2026-01-01".parse().unwrap(),
        to: "2027-12-31".parse().unwrap(),
        kind: Some("parole_ends".into()),
    };
    let due = store.deadlines_due(&org, &query).unwrap().into_iter().find(|d| d.case_id == calm).unwrap().due;
    let reminder_day = due.add_days(-30);
    store.record_daily_notices(&org, reminder_day, later).unwrap();
    store.record_daily_notices(&org, reminder_day, later).unwrap();
    let reminders: Vec<serde_json::Value> = store
        .webhook_deliveries(&org, &daily.id, 1000)
        .unwrap()
        .iter()
        .filter(|d| d.event == WebhookEvent::DeadlineReminder)
        .map(|d| serde_json::from_str(&d.payload).unwrap())
        .collect();
    let parole: Vec<_> = reminders
        .iter()
        .filter(|p| p["data"]["deadline_kind"] == "parole_ends" && p["data"]["case_id"] == calm.as_str())
        .collect();
    assert_eq!(parole.len(), 1, "{reminders:?}");
    assert_eq!(parole[0]["data"]["days_before"], 30);
    assert_eq!(parole[0]["data"]["due"], due.to_string());
}

fn leases_retries_and_giving_up(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "retries");
    let hook = endpoint(&store, &org, &[WebhookEvent::CaseCreated]);
    store.import_cases(&org, &[case("HK-3")], None, now()).unwrap();

    let taken = store.claim_webhook_deliveries(&org, &claim("a", now())).unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].secret.expose(), SECRET, "opened for signing");
    assert_eq!(taken[0].attempt, 1);
    let delivery = taken[0].id.clone();
    assert!(store.claim_webhook_deliveries(&org, &claim("b", now())).unwrap().is_empty(), "leased");
    let failed = WebhookAttempt::Failed { status: Some(500), error: "answered 500".into() };
    assert!(!store.settle_webhook_delivery(&org, &delivery, "b", &failed, now()).unwrap(), "not b's");
    assert!(store.settle_webhook_delivery(&org, &delivery, "a", &failed, now()).unwrap());

    // Retried after the backoff, doubling, until the last attempt fails it for good.
    let mut at = now();
    for attempt in 2..=MAX_ATTEMPTS {
        let wait = backoff(attempt - 1);
        assert!(
            store
                .claim_webhook_deliveries(&org, &claim("a", at + wait - Duration::seconds(1)))
                .unwrap()
                .is_empty()
        );
        at += wait;
        let taken = store.claim_webhook_deliveries(&org, &claim("a", at)).unwrap();
        assert_eq!(taken.len(), 1, "attempt {attempt}");
        assert_eq!(taken[0].attempt, attempt);
        store.settle_webhook_delivery(&org, &delivery, "a", &failed, at).unwrap();
    }
    let history = store.webhook_deliveries(&org, &hook.id, 10).unwrap();
    assert_eq!(history[0].state, WebhookState::Failed);
    assert_eq!(history[0].attempts, MAX_ATTEMPTS);
    assert_eq!(history[0].last_status, Some(500));
    assert!(store.claim_webhook_deliveries(&org, &claim("a", at + Duration::days(1))).unwrap().is_empty());

    // A lease that ran out lets another worker take it; an address refused fails it at once.
    store.import_cases(&org, &[case("HK-4")], None, now()).unwrap();
    assert_eq!(store.claim_webhook_deliveries(&org, &claim("a", now())).unwrap().len(), 1);
    let retaken = store.claim_webhook_deliveries(&org, &claim("b", now() + Duration::seconds(121))).unwrap();
    assert_eq!(retaken.len(), 1);
    let refused = WebhookAttempt::Refused { error: "url: not a public address".into() };
    assert!(store.settle_webhook_delivery(&org, &retaken[0].id, "b", &refused, now()).unwrap());
    let latest = &store.webhook_deliveries(&org, &hook.id, 1).unwrap()[0];
    assert_eq!((latest.state, latest.attempts), (WebhookState::Failed, 2));

    // Delivered is delivered: never claimed again.
    store.import_cases(&org, &[case("HK-5")], None, now()).unwrap();
    let taken = store.claim_webhook_deliveries(&org, &claim("a", now())).unwrap();
    let delivered = WebhookAttempt::Delivered { status: 204 };
    assert!(store.settle_webhook_delivery(&org, &taken[0].id, "a", &delivered, now()).unwrap());
    assert!(store.claim_webhook_deliveries(&org, &claim("a", now() + Duration::days(1))).unwrap().is_empty());
    assert_eq!(store.webhook_deliveries(&org, &hook.id, 1).unwrap()[0].state, WebhookState::Delivered);
}

fn registrations_are_checked_audited_and_removals_abandon_what_waits(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "register");
    let other = crate::support::org(&store, "other");
    let register = |url: &str, secret: &str, events: &[WebhookEvent]| {
        let new = NewWebhookEndpoint { org: &org, url, secret, events };
        store.create_webhook_endpoint(&new, None, now())
    };
    for (url, field) in [("ftp://hooks.example.org/", "url"), ("not an address", "url"), ("", "url")] {
        let refused = register(url, SECRET, &[WebhookEvent::CaseCreated]);
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.starts_with(field)),
            "{url}: {refused:?}"
        );
    }
    let none = register("https://hooks.example.org/", SECRET, &[]);
    assert!(matches!(&none, Err(StoreError::Invalid(m)) if m.starts_with("events")), "{none:?}");
    let short = register("https://hooks.example.org/", "short", &[WebhookEvent::CaseCreated]);
    assert!(matches!(&short, Err(StoreError::Invalid(m)) if m.starts_with("secret")), "{short:?}");
    assert!(store.webhook_endpoints(&org).unwrap().is_empty(), "nothing half written");

    let hook = endpoint(&store, &org, &[WebhookEvent::CaseCreated, WebhookEvent::CaseCreated]);
    assert_eq!(hook.events, [WebhookEvent::CaseCreated]);
    assert!(store.webhook_endpoints(&other).unwrap().is_empty(), "another organisation's");
    let foreign = store.remove_webhook_endpoint(&other, &hook.id, None, now());
    assert!(matches!(foreign, Err(StoreError::NotFound(_))), "{foreign:?}");

    store.import_cases(&org, &[case("HK-6")], None, now()).unwrap();
    store.remove_webhook_endpoint(&org, &hook.id, None, now()).unwrap();
    assert!(store.webhook_endpoint(&org, &hook.id).unwrap().is_none());
    assert!(store.claim_webhook_deliveries(&org, &claim("a", now())).unwrap().is_empty());
    let abandoned = store.webhook_deliveries(&org, &hook.id, 10).unwrap();
    assert_eq!(abandoned[0].state, WebhookState::Failed);
    assert_eq!(abandoned[0].last_error.as_deref(), Some("the endpoint was removed"));
    store.import_cases(&org, &[case("HK-7")], None, now()).unwrap();
    assert_eq!(
        store.webhook_deliveries(&org, &hook.id, 10).unwrap().len(),
        1,
        "a removed one is told nothing"
    );

    let trail: Vec<String> = store.audit_log(Some(&org)).unwrap().iter().map(|e| e.action.clone()).collect();
    assert!(trail.contains(&"webhook.created".to_owned()) && trail.contains(&"webhook.removed".to_owned()));
    let text = format!("{:?}", store.audit_log(Some(&org)).unwrap());
    assert!(!text.contains(SECRET), "the secret is never audited");
}

fn closing_a_case_tells_of_each_escalation_it_closes_in_its_transaction(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "closing-hooks");
    let attorney = Actor::of(
        &store
            .create_user(
                &org,
                &new_user("attorney@example.org", amparo_domain::org::UserRole::Attorney),
                now(),
            )
            .unwrap(),
    );
    let id = store.import_cases(&org, &[case("HK-8")], None, now()).unwrap().remove(0);
    store.append_event(&org, &id, 1, &termination(), None, now()).unwrap();
    store.assign(&org, &id, amparo_domain::org::UserRole::Attorney, Some(&attorney.user), now()).unwrap();
    let current = store.case(&org, &id).unwrap().unwrap().version;
    let escalation = store.open_escalations(&org, 10).unwrap().remove(0).id;
    let hook = endpoint(&store, &org, &[WebhookEvent::EscalationClosed]);
    let closed = |store: &Store| -> Vec<serde_json::Value> {
        store
            .webhook_deliveries(&org, &hook.id, 100)
            .unwrap()
            .iter()
            .map(|d| serde_json::from_str(&d.payload).unwrap())
            .collect()
    };
    let close = |version: i64| {
        let request =
            CloseRequest { expected_version: version, reason: amparo_domain::CloseReason::Moved, note: None };
        store.close_case_as(&attorney, &id, &request, now())
    };

    // A stale closing is refused and tells nothing.
    assert!(matches!(close(current - 1), Err(StoreError::Conflict { .. })));
    assert!(closed(&store).is_empty());

    let version = close(current).unwrap();
    let told = closed(&store);
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["type"], "escalation.closed");
    assert_eq!(told[0]["data"]["escalation_id"], escalation.as_str());
    assert_eq!(told[0]["data"]["case_id"], id.as_str());
    assert_eq!(told[0]["data"]["reason"], "case_closed");

    // Reopened and closed again, the same escalation closes again and is told again.
    let reopened = store.reopen_case_as(&attorney, &id, version, now()).unwrap();
    let later = now() + Duration::minutes(5);
    let request =
        CloseRequest { expected_version: reopened, reason: amparo_domain::CloseReason::Moved, note: None };
    store.close_case_as(&attorney, &id, &request, later).unwrap();
    assert_eq!(closed(&store).len(), 2);
}
