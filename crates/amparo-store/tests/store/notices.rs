//! Notifications on both backends: written with what caused them, computed once a day however often
//! the day is computed, addressed by role, and delivered under leases.

use amparo_domain::notice::NoticeKind;
use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date, Event, Language, RawEvent};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::now;
use chrono::{DateTime, Duration, Utc};

fn case(reference: &str, days_to_harm: u32) -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo", "citizenship": "MX",
                  "birth_date": "2021-03-02" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": days_to_harm,
                         "available_in_origin_country": false, "attested_on": "2026-02-01" }
        },
        "events": [{ "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30",
                     "class_of_admission": "DT" }]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

fn termination() -> Event {
    let raw = serde_json::json!({ "id": "t1", "type": "termination_notice", "on": "2026-02-27", "served_by": "mail",
                                  "depart_by": "2026-03-27" });
    serde_json::from_value::<RawEvent>(raw).unwrap().into_event().unwrap()
}

struct Org {
    store: std::sync::Arc<Store>,
    id: OrgId,
    attorney: UserId,
    advocate: UserId,
    clinician: UserId,
}

fn org(db: &TestDatabase) -> Org {
    let store = db.store();
    let id = store
        .create_organisation(&NewOrganisation { slug: "legal-aid".into(), name: "Legal aid".into() }, now())
        .unwrap()
        .id;
    let user = |email: &str, role, language| {
        let new = NewUser {
            email: email.into(),
            display_name: email.split('@').next().unwrap().into(),
            role,
            language,
            password_hash: "$argon2id$fake".into(),
        };
        store.create_user(&id, &new, now()).unwrap().id
    };
    let attorney = user("attorney@example.org", UserRole::Attorney, Language::Es);
    let advocate = user("advocate@example.org", UserRole::Advocate, Language::En);
    let clinician = user("clinician@example.org", UserRole::Clinician, Language::En);
    Org { store, id, attorney, advocate, clinician }
}

impl Org {
    fn staff(&self, case: &CaseId) {
        for (role, user) in [
            (UserRole::Attorney, &self.attorney),
            (UserRole::Advocate, &self.advocate),
            (UserRole::Clinician, &self.clinician),
        ] {
            self.store.assign(&self.id, case, role, Some(user), now()).unwrap();
        }
    }

    fn inbox(&self, user: &UserId) -> Vec<Notification> {
        self.store.notifications(&self.id, user, 500).unwrap().items
    }

    fn of_kind(&self, user: &UserId, kind: NoticeKind) -> Vec<Notification> {
        self.inbox(user).into_iter().filter(|n| n.kind == kind).collect()
    }

    fn due(&self, kind: &str) -> Date {
        let query = DeadlineQuery {
            from: "2026-01-01".parse().unwrap(),
            to: "2027-12-31".parse().unwrap(),
            kind: Some(kind.into()),
        };
        self.store.deadlines_due(&self.id, &query).unwrap()[0].due
    }
}

amparo_store::on_both_backends!(
    deadline_reminders_follow_the_policy_offsets_and_reach_the_right_roles,
    computing_the_day_twice_writes_nothing_more,
    an_escalation_notifies_the_staff_in_the_write_that_opens_it,
    reassigned_and_adopted_tasks_are_notified_and_overdue_ones_once,
    the_digest_sums_up_each_persons_week,
    notices_are_read_by_their_recipient_only,
    a_sessions_first_reads_carry_its_person_its_zone_and_its_unread_notices,
    the_outbox_leases_retries_and_records_every_attempt,
    calendar_feeds_are_found_by_token_and_revoked,
);

fn deadline_reminders_follow_the_policy_offsets_and_reach_the_right_roles(db: &TestDatabase) {
    let o = org(db);
    let id = o.store.import_cases(&o.id, &[case("HP-0001", 30)], None, now()).unwrap().remove(0);
    o.staff(&id);
    let parole_ends = o.due("parole_ends");
    let today = parole_ends.add_days(-30);
    let written = o.store.record_daily_notices(&o.id, today, now()).unwrap();
    assert!(written.deadline_reminders >= 2, "{written:?}");
    for user in [&o.attorney, &o.advocate] {
        let reminders = o.of_kind(user, NoticeKind::DeadlineApproaching);
        let parole =
            reminders.iter().find(|n| n.facts.deadline_kind.as_deref() == Some("parole_ends")).unwrap();
        assert_eq!(parole.facts.days_before, Some(30));
        assert_eq!(parole.facts.due, Some(parole_ends));
        assert_eq!(parole.facts.reference.as_deref(), Some("HP-0001"));
        assert_eq!(parole.case_id.as_ref(), Some(&id));
        assert_eq!(parole.email, EmailState::Pending);
    }
    assert!(
        o.of_kind(&o.clinician, NoticeKind::DeadlineApproaching).is_empty(),
        "a legal date is not the clinician's"
    );

    // A medical date reaches the clinician too, on an offset the policy names.
    let refresh = o.due("medical_attestation_refresh_by");
    o.store.record_daily_notices(&o.id, refresh.add_days(-7), now()).unwrap();
    let clinician = o.of_kind(&o.clinician, NoticeKind::DeadlineApproaching);
    assert_eq!(clinician.len(), 1);
    assert_eq!(clinician[0].facts.deadline_kind.as_deref(), Some("medical_attestation_refresh_by"));

    // A day no offset reaches writes no reminder; a policy offset of 3 makes it one.
    let before = o.inbox(&o.attorney).len();
    let odd_day = parole_ends.add_days(-3);
    assert_eq!(o.store.record_daily_notices(&o.id, odd_day, now()).unwrap().deadline_reminders, 0);
    let policy = amparo_domain::Policy { reminder_days: vec![3], ..o.store.policy(&o.id).unwrap() };
    o.store.set_policy(&o.id, &policy, now()).unwrap();
    assert!(o.store.record_daily_notices(&o.id, odd_day, now()).unwrap().deadline_reminders >= 2);
    assert!(o.inbox(&o.attorney).len() > before);
}

fn computing_the_day_twice_writes_nothing_more(db: &TestDatabase) {
    let o = org(db);
    let id = o.store.import_cases(&o.id, &[case("HP-0002", 30)], None, now()).unwrap().remove(0);
    o.staff(&id);
    let today = o.due("parole_ends").add_days(-7);
    let first = o.store.record_daily_notices(&o.id, today, now()).unwrap();
    assert!(first.deadline_reminders > 0 && first.digests > 0, "{first:?}");
    let counts = |o: &Org| [&o.attorney, &o.advocate, &o.clinician].map(|u| o.inbox(u).len());
    let before = counts(&o);
    let again = o.store.record_daily_notices(&o.id, today, now() + Duration::hours(3)).unwrap();
    assert_eq!(again, DailyNotices::default());
    assert_eq!(counts(&o), before);
}

fn an_escalation_notifies_the_staff_in_the_write_that_opens_it(db: &TestDatabase) {
    let o = org(db);
    let id = o.store.import_cases(&o.id, &[case("CRIT-1", 3)], None, now()).unwrap().remove(0);
    o.staff(&id);
    let version = o.store.case(&o.id, &id).unwrap().unwrap().version;
    // A refused write (a stale version) opens nothing and tells nobody.
    assert!(o.store.append_event(&o.id, &id, version + 5, &termination(), None, now()).is_err());
    assert!(o.of_kind(&o.attorney, NoticeKind::EscalationOpened).is_empty());

    o.store.append_event(&o.id, &id, version, &termination(), None, now()).unwrap();
    for user in [&o.attorney, &o.advocate, &o.clinician] {
        let notices = o.of_kind(user, NoticeKind::EscalationOpened);
        assert_eq!(notices.len(), 1, "critical care reaches every role");
        let facts = &notices[0].facts;
        assert_eq!(facts.trigger_kind.as_deref(), Some("termination_notice"));
        assert!(facts.critical_care);
        assert_eq!(facts.reference.as_deref(), Some("CRIT-1"));
    }
    let escalation = &o.store.escalations(&o.id, &id).unwrap()[0];
    let attorney_tasks = escalation.tasks.iter().filter(|t| t.owner_id.as_ref() == Some(&o.attorney)).count();
    assert_eq!(
        o.of_kind(&o.attorney, NoticeKind::EscalationOpened)[0].facts.tasks_for_you as usize,
        attorney_tasks
    );
    // No name, A-number or diagnosis is stored with a notice.
    let stored = serde_json::to_string(&o.inbox(&o.attorney)).unwrap();
    assert!(!stored.contains("Nina") && !stored.contains("Ejemplo") && !stored.contains("bowel"), "{stored}");
}

fn reassigned_and_adopted_tasks_are_notified_and_overdue_ones_once(db: &TestDatabase) {
    let o = org(db);
    let id = o.store.import_cases(&o.id, &[case("CRIT-2", 3)], None, now()).unwrap().remove(0);
    // The escalation opens on import, before anyone is assigned: its tasks wait for owners.
    let version = o.store.case(&o.id, &id).unwrap().unwrap().version;
    o.store.append_event(&o.id, &id, version, &termination(), None, now()).unwrap();
    o.store.assign(&o.id, &id, UserRole::Attorney, Some(&o.attorney), now()).unwrap();
    let adopted = o.of_kind(&o.attorney, NoticeKind::TaskAssigned);
    let owned = o.store.open_tasks(&o.id, &o.attorney).unwrap();
    assert!(!owned.is_empty());
    assert_eq!(adopted.len(), owned.len());
    assert!(adopted.iter().all(|n| n.facts.task_title_es.is_some() && n.facts.task_due_at.is_some()));

    let task = &owned[0];
    o.store.reassign_task(&o.id, &task.id, &o.advocate, now()).unwrap();
    let given = o.of_kind(&o.advocate, NoticeKind::TaskAssigned);
    assert_eq!(given.len(), 1);
    assert_eq!(given[0].facts.task_title_en.as_deref(), Some(task.title_en.as_str()));

    let later = now() + Duration::days(10);
    let first = o.store.record_daily_notices(&o.id, Date::from(later.date_naive()), later).unwrap();
    assert_eq!(first.overdue_tasks, owned.len());
    assert_eq!(o.of_kind(&o.advocate, NoticeKind::TaskOverdue).len(), 1);
    let next_day = later + Duration::days(1);
    let second = o.store.record_daily_notices(&o.id, Date::from(next_day.date_naive()), next_day).unwrap();
    assert_eq!(second.overdue_tasks, 0, "a task is reported overdue once; the digest keeps counting it");
}

fn the_digest_sums_up_each_persons_week(db: &TestDatabase) {
    let o = org(db);
    let ids = o.store.import_cases(&o.id, &[case("HP-0003", 30), case("HP-0004", 30)], None, now()).unwrap();
    o.staff(&ids[0]);
    let parole_ends = o.due("parole_ends");
    let today = parole_ends.add_days(-3);
    o.store.record_daily_notices(&o.id, today, now()).unwrap();
    let digest = o.of_kind(&o.attorney, NoticeKind::DailyDigest);
    assert_eq!(digest.len(), 1);
    let facts = digest[0].facts.digest.as_ref().unwrap();
    assert_eq!(facts.day, Some(today));
    // Under us-parole/2027.1 the asylum one-year date (a year after the arrival, the grant's first
    // day) falls the day after a one-year parole ends, so the week holds both.
    let listed: Vec<(&str, &str)> =
        facts.deadlines.iter().map(|d| (d.reference.as_str(), d.kind.as_str())).collect();
    assert_eq!(listed, [("HP-0003", "parole_ends"), ("HP-0003", "asylum_one_year")]);
    assert_eq!(facts.deadlines_total, 2);
    assert_eq!(digest[0].case_id, None);

    // The unassigned case's deadline reaches the admins' digest as a count.
    let admin = o
        .store
        .create_user(
            &o.id,
            &NewUser {
                email: "admin@example.org".into(),
                display_name: "Admin".into(),
                role: UserRole::Admin,
                language: Language::En,
                password_hash: "$argon2id$fake".into(),
            },
            now(),
        )
        .unwrap()
        .id;
    o.store.record_daily_notices(&o.id, today.add_days(1), now()).unwrap();
    let admin_digest = o.of_kind(&admin, NoticeKind::DailyDigest);
    assert_eq!(admin_digest[0].facts.digest.as_ref().unwrap().unassigned_due, 1);
}

fn notices_are_read_by_their_recipient_only(db: &TestDatabase) {
    let o = org(db);
    let id = o.store.import_cases(&o.id, &[case("HP-0005", 30)], None, now()).unwrap().remove(0);
    o.staff(&id);
    o.store.record_daily_notices(&o.id, o.due("parole_ends").add_days(-1), now()).unwrap();
    let page = o.store.notifications(&o.id, &o.attorney, 50).unwrap();
    assert!(page.unread >= 2, "{page:?}");
    let first = page.items[0].id.clone();
    let stranger = o.store.mark_read(&o.id, &o.advocate, Some(&first), now()).unwrap_err();
    assert!(matches!(stranger, StoreError::NotFound(_)), "{stranger:?}");
    assert_eq!(o.store.mark_read(&o.id, &o.attorney, Some(&first), now()).unwrap(), 1);
    let after = o.store.notifications(&o.id, &o.attorney, 50).unwrap();
    assert_eq!(after.unread, page.unread - 1);
    assert!(after.items.iter().find(|n| n.id == first).unwrap().read_at.is_some());
    o.store.mark_read(&o.id, &o.attorney, None, now()).unwrap();
    assert_eq!(o.store.notifications(&o.id, &o.attorney, 50).unwrap().unread, 0);
    assert!(o.store.notifications(&o.id, &o.advocate, 50).unwrap().unread > 0);
}

/// What every signed-in request reads first (`Store::session_reads`, one statement): the session, its
/// person, the organisation's time zone and, for pages, the person's unread notices; nothing for a
/// token unknown in the organisation named, even one that is a session of another organisation.
fn a_sessions_first_reads_carry_its_person_its_zone_and_its_unread_notices(db: &TestDatabase) {
    let o = org(db);
    let id = o.store.import_cases(&o.id, &[case("HP-0006", 30)], None, now()).unwrap().remove(0);
    o.staff(&id);
    o.store.record_daily_notices(&o.id, o.due("parole_ends").add_days(-1), now()).unwrap();
    let session = SessionRecord {
        token_hash: "attorney-session".into(),
        org_id: o.id.clone(),
        user_id: o.attorney.clone(),
        csrf_token: "csrf".into(),
        created_at: now(),
        last_seen_at: now(),
        stage: SessionStage::Complete,
    };
    o.store.create_session(&session).unwrap();

    let reads = o.store.session_reads(&o.id, "attorney-session", true).unwrap().expect("the session");
    assert_eq!(reads.session.token_hash, "attorney-session");
    assert_eq!((&reads.session.org_id, &reads.session.user_id), (&o.id, &o.attorney));
    assert_eq!(reads.session.stage, SessionStage::Complete);
    assert_eq!((&reads.user.id, reads.user.email.as_str()), (&o.attorney, "attorney@example.org"));
    assert_eq!(reads.user.language, Language::Es);
    assert_eq!(reads.zone, o.store.time_zone(&o.id).unwrap());
    let unread = o.store.notifications(&o.id, &o.attorney, 50).unwrap().unread;
    assert!(unread >= 2, "{unread}");
    assert_eq!(reads.unread, unread);
    let api = o.store.session_reads(&o.id, "attorney-session", false).unwrap().expect("the session");
    assert_eq!((api.user.id, api.unread), (o.attorney.clone(), 0), "the API does not count notices");
    o.store.mark_read(&o.id, &o.attorney, None, now()).unwrap();
    assert_eq!(o.store.session_reads(&o.id, "attorney-session", true).unwrap().unwrap().unread, 0);

    assert!(o.store.session_reads(&o.id, "no-such-session", true).unwrap().is_none());
    let other = NewOrganisation { slug: "other-aid".into(), name: "Other aid".into() };
    let other = o.store.create_organisation(&other, now()).unwrap().id;
    assert!(o.store.session_reads(&other, "attorney-session", true).unwrap().is_none());
}

fn claim(worker: &str, at: DateTime<Utc>) -> OutboxClaim {
    OutboxClaim {
        worker: worker.into(),
        now: at,
        lease: Duration::minutes(5),
        limit: 100,
        expire_before: at - Duration::days(3),
    }
}

fn the_outbox_leases_retries_and_records_every_attempt(db: &TestDatabase) {
    let o = org(db);
    let id = o.store.import_cases(&o.id, &[case("HP-0006", 30)], None, now()).unwrap().remove(0);
    o.store.assign(&o.id, &id, UserRole::Attorney, Some(&o.attorney), now()).unwrap();
    for days in [-7, -1] {
        o.store.record_daily_notices(&o.id, o.due("parole_ends").add_days(days), now()).unwrap();
    }
    let total = o.inbox(&o.attorney).len();
    assert!(total >= 4, "{total}");

    let taken = o.store.claim_outbox(&o.id, &claim("a", now())).unwrap();
    assert_eq!(taken.len(), total);
    assert!(taken.iter().all(|m| m.attempt == 1 && !m.interrupted_before && m.language == Language::Es));
    assert_eq!(taken[0].email, "attorney@example.org");
    assert!(o.store.claim_outbox(&o.id, &claim("b", now())).unwrap().is_empty(), "held under lease");

    let settle = |m: &OutboxMessage, worker: &str, at, result| {
        let outcome =
            DeliveryOutcome { id: m.id.clone(), worker: worker.into(), attempt: m.attempt, now: at, result };
        o.store.settle_delivery(&o.id, &outcome).unwrap()
    };
    assert!(settle(&taken[0], "a", now(), DeliveryResult::Sent));
    let retry_at = now() + Duration::minutes(10);
    assert!(settle(&taken[1], "a", now(), DeliveryResult::Deferred { error: "421 busy".into(), retry_at }));
    // The rest stay held by "a", which never finishes them: as if it was killed.

    let early = o.store.claim_outbox(&o.id, &claim("b", now() + Duration::minutes(6))).unwrap();
    assert_eq!(early.len(), total - 2, "only the abandoned ones, once their lease ran out");
    assert!(early.iter().all(|m| m.interrupted_before && m.attempt == 2));
    // "a" comes back too late: its outcome no longer counts.
    let abandoned = taken.iter().find(|m| m.id == early[0].id).unwrap();
    assert!(!settle(abandoned, "a", now() + Duration::minutes(7), DeliveryResult::Sent));

    let retried = o.store.claim_outbox(&o.id, &claim("b", retry_at)).unwrap();
    assert_eq!(retried.iter().map(|m| &m.id).collect::<Vec<_>>(), [&taken[1].id]);
    assert_eq!(retried[0].attempt, 2);
    assert!(settle(&retried[0], "b", retry_at, DeliveryResult::Failed { error: "550 no such user".into() }));

    let attempts = o.store.delivery_attempts(&o.id, &taken[1].id).unwrap();
    assert_eq!(
        attempts.iter().map(|a| a.outcome.as_deref()).collect::<Vec<_>>(),
        [Some("deferred"), Some("failed")]
    );
    assert_eq!(attempts[0].error.as_deref(), Some("421 busy"));
    let status = o.store.outbox_status(&o.id).unwrap();
    assert_eq!((status.sent, status.failed), (1, 1));
    assert_eq!(o.inbox(&o.attorney).iter().find(|n| n.id == taken[0].id).unwrap().email, EmailState::Sent);

    // Messages that waited too long are not emailed any more; they stay in the app.
    let much_later = now() + Duration::days(4);
    assert!(o.store.claim_outbox(&o.id, &claim("c", much_later)).unwrap().is_empty());
    assert_eq!(o.store.outbox_status(&o.id).unwrap().expired, total as i64 - 2);
}

fn calendar_feeds_are_found_by_token_and_revoked(db: &TestDatabase) {
    let o = org(db);
    let ids = o.store.import_cases(&o.id, &[case("HP-0007", 30), case("HP-0008", 30)], None, now()).unwrap();
    o.staff(&ids[0]);
    let attorney = Actor { org: o.id.clone(), user: o.attorney.clone(), role: UserRole::Attorney };
    let mine = o.store.create_calendar_feed_as(&attorney, None, "hash-mine", now()).unwrap();
    let of_case = o.store.create_calendar_feed_as(&attorney, Some(&ids[1]), "hash-case", now()).unwrap();
    assert_eq!(of_case.reference.as_deref(), Some("HP-0008"));
    assert!(matches!(
        o.store.create_calendar_feed_as(&attorney, Some(&CaseId("nope".into())), "hash-x", now()),
        Err(StoreError::NotFound(_))
    ));

    let found = o.store.calendar_feed_by_token(&o.id, "hash-mine").unwrap().unwrap();
    assert_eq!(found, mine);
    let entries = o.store.fetch_calendar_feed(&found, now()).unwrap().unwrap();
    assert!(!entries.deadlines.is_empty());
    assert!(entries.deadlines.iter().all(|d| d.reference == "HP-0007"), "only the person's cases");
    let case_entries = o.store.fetch_calendar_feed(&of_case, now()).unwrap().unwrap();
    assert!(case_entries.deadlines.iter().all(|d| d.reference == "HP-0008"));

    assert!(matches!(
        o.store.revoke_calendar_feed(&o.id, &o.advocate, &mine.id, now()),
        Err(StoreError::NotFound(_))
    ));
    o.store.revoke_calendar_feed(&o.id, &o.attorney, &mine.id, now()).unwrap();
    assert!(o.store.calendar_feed_by_token(&o.id, "hash-mine").unwrap().unwrap().revoked_at.is_some());
    assert_eq!(o.store.calendar_feeds(&o.id, &o.attorney).unwrap().len(), 2);
    assert!(o.store.calendar_feed_by_token(&o.id, "unknown").unwrap().is_none());
}
