//! The daily refresh re-derives only the cases whose `rederive_on` has come. Proof on random
//! timelines: two databases hold the same cases, staff and later events; the clock steps one day at
//! a time across more than a year (birthdays, parole ends, day 181 and 365 of unlawful presence,
//! response windows, escalation windows), one database refreshing as the daily job does, the other
//! deriving every case again each day. After each day every stored derived row and every notice
//! queued must be the same in both.

use std::collections::HashMap;

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date, Event, Policy, RawEvent};
use amparo_store::testing::TestDatabase;
use amparo_store::*;
use chrono::{DateTime, TimeZone, Utc};

const CASES: usize = 16;
const DAYS: i64 = 400;
/// Every this many days, some cases get a new event, the same in both databases.
const EVENT_EVERY: i64 = 9;
const SEED: u64 = 0x5eed_da11;

/// A small seeded generator (SplitMix64): the same timelines on every run and both backends.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..high`.
    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low) as u64) as i64
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn noon(day: Date) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(day.year(), day.month(), day.day(), 12, 0, 0).unwrap()
}

/// A birth date whose 14th, 18th or 21st birthday (or none) falls within the steps.
fn birth_date(rng: &mut Rng, start: Date) -> Date {
    let years = [14, 18, 21, 30, 3][rng.range(0, 5) as usize];
    start.add_years(-years).add_days(rng.range(-30, DAYS))
}

/// A timeline as of `start`: a grant, and some of what can follow it, with later dates (parole ends,
/// response dates, effective terminations) falling within the steps.
fn random_case(rng: &mut Rng, n: usize, start: Date) -> CaseFile {
    let mut people = vec![serde_json::json!({
        "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo", "citizenship": "MX",
        "birth_date": birth_date(rng, start).to_string(),
    })];
    for m in 0..rng.range(0, 3) {
        people.push(serde_json::json!({
            "key": format!("m{m}"), "role": if m == 0 { "parent" } else { "sibling" }, "given_name": "Ana",
            "family_name": "Ejemplo", "citizenship": "MX", "birth_date": birth_date(rng, start).to_string(),
        }));
    }
    let mut events = Vec::new();
    let granted = start.add_days(-rng.range(0, 700));
    let valid_until = granted.add_days(rng.range(200, 800));
    events.push(serde_json::json!({ "type": "parole_granted", "on": granted.to_string(),
        "valid_until": valid_until.to_string(), "class_of_admission": "DT" }));
    let since = |rng: &mut Rng| granted.add_days(rng.range(0, granted.days_until(start) + 1));
    if rng.one_in(3) {
        let on = since(rng);
        let mut notice =
            serde_json::json!({ "type": "termination_notice", "on": on.to_string(), "served_by": "mail" });
        if rng.one_in(2) {
            notice["effective"] = on.add_days(rng.range(0, 90)).to_string().into();
        }
        if rng.one_in(2) {
            notice["depart_by"] = on.add_days(rng.range(0, 60)).to_string().into();
        }
        events.push(notice);
    }
    if rng.one_in(3) {
        events.push(serde_json::json!({ "type": "re_parole_filed", "on": since(rng).to_string() }));
    }
    if rng.one_in(3) {
        let on = start.add_days(-rng.range(0, 40));
        let mut rfe =
            serde_json::json!({ "type": "rfe_received", "on": on.to_string(), "served_by": "mail" });
        if rng.one_in(2) {
            rfe["respond_by"] = on.add_days(rng.range(20, 120)).to_string().into();
        }
        events.push(rfe);
    }
    if rng.one_in(4) {
        let on = start.add_days(-rng.range(0, 20));
        events
            .push(serde_json::json!({ "type": "noid_received", "on": on.to_string(), "served_by": "online",
            "respond_by": on.add_days(rng.range(10, 60)).to_string() }));
    }
    if rng.one_in(4) {
        let on = start.add_days(-rng.range(0, 20));
        events.push(serde_json::json!({ "type": "fee_notice", "on": on.to_string(),
            "pay_by": on.add_days(rng.range(5, 60)).to_string(), "amount": 500 }));
    }
    if rng.one_in(5) {
        events.push(
            serde_json::json!({ "type": "parole_denied", "on": start.add_days(-rng.range(0, 30)).to_string(),
            "served_by": "mail" }),
        );
    }
    if rng.one_in(6) {
        events.push(serde_json::json!({ "type": "i94_updated", "on": since(rng).to_string(),
            "valid_until": valid_until.add_days(rng.range(-60, 200)).to_string() }));
    }
    if rng.one_in(6) {
        events.push(serde_json::json!({ "type": "i94_checked", "on": since(rng).to_string() }));
    }
    if rng.one_in(8) {
        events.push(
            serde_json::json!({ "type": "nta_served", "on": since(rng).to_string(), "served_by": "mail" }),
        );
    }
    if rng.one_in(8) {
        events
            .push(serde_json::json!({ "type": "departed", "on": since(rng).to_string(), "persons": ["p1"] }));
    }
    if rng.one_in(3) {
        events.push(serde_json::json!({ "type": "medical_attested", "on": start.add_days(-rng.range(0, 200)).to_string(),
            "days_to_critical_harm": rng.range(1, 120) }));
    }
    events.sort_by(|a, b| a["on"].as_str().cmp(&b["on"].as_str()));
    for (i, event) in events.iter_mut().enumerate() {
        event["id"] = format!("e{i}").into();
    }
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": format!("RND-{n:03}"), "program": "humanitarian", "people": people,
            "medical": { "person": "p1", "condition": "short bowel syndrome",
                         "days_to_critical_harm": rng.range(1, 200), "available_in_origin_country": rng.one_in(3),
                         "attested_on": start.add_days(-rng.range(0, 300)).to_string() }
        },
        "events": events,
    })
    .to_string();
    CaseFile::parse(&text).unwrap_or_else(|e| panic!("generated case {n}: {e}\n{text}")).0
}

/// An event recorded on `day` that changes what is derived.
fn later_event(rng: &mut Rng, day: Date, id: usize) -> Event {
    let json = match rng.range(0, 5) {
        0 => serde_json::json!({ "type": "parole_granted", "on": day.to_string(),
            "valid_until": day.add_days(rng.range(30, 400)).to_string(), "class_of_admission": "DT" }),
        1 => serde_json::json!({ "type": "re_parole_filed", "on": day.to_string() }),
        2 => serde_json::json!({ "type": "rfe_received", "on": day.to_string(), "served_by": "mail" }),
        3 => {
            serde_json::json!({ "type": "medical_attested", "on": day.to_string(), "days_to_critical_harm": rng.range(1, 90) })
        }
        _ => serde_json::json!({ "type": "termination_notice", "on": day.to_string(), "served_by": "email",
            "effective": day.add_days(rng.range(0, 30)).to_string() }),
    };
    let mut json = json;
    json["id"] = format!("later{id}").into();
    serde_json::from_value::<RawEvent>(json).unwrap().into_event().unwrap()
}

/// One of the two databases, with its ids mapped to what both share (references, emails).
struct Side {
    db: TestDatabase,
    store: std::sync::Arc<Store>,
    org: OrgId,
    cases: Vec<CaseId>,
}

impl Side {
    fn new(db: TestDatabase, files: &[CaseFile], start: Date) -> Side {
        Side::staffing_every(db, files, start, 1)
    }

    /// As [`Side::new`], staffing only every `nth` case (each staffing is its own write).
    fn staffing_every(db: TestDatabase, files: &[CaseFile], start: Date, nth: usize) -> Side {
        let store = db.store();
        let org = store
            .create_organisation(
                &NewOrganisation { slug: "legal-aid".into(), name: "Legal aid".into() },
                noon(start),
            )
            .unwrap()
            .id;
        let staff: Vec<(UserRole, UserId)> = [UserRole::Attorney, UserRole::Advocate, UserRole::Clinician]
            .into_iter()
            .map(|role| {
                let new = NewUser {
                    email: format!("{}@example.org", role.as_str()),
                    display_name: role.as_str().into(),
                    role,
                    language: amparo_domain::Language::En,
                    password_hash: "$argon2id$fake".into(),
                };
                (role, store.create_user(&org, &new, noon(start)).unwrap().id)
            })
            .collect();
        let cases = store.import_cases(&org, files, None, noon(start)).unwrap();
        // Every case but a few is staffed: reminders and digests go to staff, and unstaffed cases
        // reach administrators' digests.
        for case in cases.iter().skip(3).step_by(nth) {
            for (role, user) in &staff {
                store.assign(&org, case, *role, Some(user), noon(start)).unwrap();
            }
        }
        Side { db, store, org, cases }
    }

    fn record(&self, case: usize, event: &Event, day: Date) {
        let id = &self.cases[case];
        let version = self.store.case(&self.org, id).unwrap().unwrap().version;
        self.store.append_event(&self.org, id, version, event, None, noon(day)).unwrap();
    }

    /// What the day's derivation stored and the notices queued, ids replaced by references and
    /// emails; the triage opened, without the day it was scored. The day to derive again is left
    /// out: it is tried from the day a case was last derived (`amparo_domain::rederive`), so the two
    /// databases may hold different days for it; a day set too late shows as a stored row that
    /// differs.
    fn snapshot(&self, day: Date) -> Vec<String> {
        let q = |sql: &str| -> Vec<String> {
            self.db.query_text(sql).into_iter().map(|row| format!("{row:?}")).collect()
        };
        let mut out = Vec::new();
        out.extend(q("SELECT 'case', c.reference, c.covered_until, CAST(c.triage_score AS TEXT), \
             CAST(c.critical_care AS TEXT), CAST(c.is_open AS TEXT), c.next_due, c.next_kind, c.class_of_admission, \
             c.status, c.patient_sort, c.due_sort, c.search_terms \
             FROM cases c ORDER BY c.reference"));
        out.extend(q("SELECT 'deadline', c.reference, CAST(d.position AS TEXT), d.kind, d.person, d.due, \
             d.window_opens, d.rule, d.why_variant, d.why_facts, CAST(d.advisory AS TEXT) \
             FROM deadlines d JOIN cases c ON c.org_id = d.org_id AND c.id = d.case_id \
             ORDER BY c.reference, d.position"));
        out.extend(q("SELECT 'escalation', c.reference, e.trigger_kind, e.trigger_event_id, e.trigger_on, \
             CAST(e.critical_care AS TEXT), CAST(e.opened_at AS TEXT), CAST(e.closed_at AS TEXT), e.close_reason \
             FROM escalations e JOIN cases c ON c.org_id = e.org_id AND c.id = e.case_id \
             ORDER BY c.reference, e.opened_at, e.trigger_kind, e.trigger_on"));
        out.extend(q("SELECT 'task', c.reference, t.owner_role, u.email, CAST(t.due_at AS TEXT), \
             CAST(t.created_at AS TEXT), CAST(t.done_at AS TEXT), t.dedupe_key \
             FROM tasks t JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id \
             LEFT JOIN users u ON u.org_id = t.org_id AND u.id = t.owner_id \
             ORDER BY c.reference, t.due_at, t.owner_role, t.dedupe_key"));
        // Ids are made at random: a case's becomes its reference, a task's or an escalation's a
        // word (their rows are compared above).
        let references: HashMap<String, String> = self
            .db
            .query_text(
                "SELECT id, reference FROM cases UNION ALL SELECT id, 'task' FROM tasks \
                 UNION ALL SELECT id, 'escalation' FROM escalations",
            )
            .into_iter()
            .map(|row| (row[0].clone().unwrap(), row[1].clone().unwrap()))
            .collect();
        let by_reference = |text: String| {
            references.iter().fold(text, |text, (id, reference)| text.replace(id.as_str(), reference))
        };
        // The day's notices: earlier days' were compared on their day.
        let mut notices: Vec<String> = q(&format!("SELECT 'notice', u.email, n.kind, n.case_id, n.dedupe_key, n.payload, \
             CAST(n.created_at AS TEXT) FROM notifications n JOIN users u ON u.org_id = n.org_id AND u.id = n.user_id \
             WHERE n.created_at >= {}", noon(day).timestamp_millis()))
        .into_iter()
        .map(by_reference)
        .collect();
        notices.sort();
        out.extend(notices);
        let sealer = self.db.sealer();
        for row in self.db.query_text("SELECT org_id, id, reference, triage FROM cases ORDER BY reference") {
            let [Some(org), Some(id), Some(reference), triage] = &row[..] else { panic!("case row {row:?}") };
            let Some(triage) = triage else { continue };
            let opened = sealer.open(seal::Field::CaseTriage, org, id, triage).unwrap();
            let mut facts: serde_json::Value = serde_json::from_str(&opened).unwrap();
            facts.as_object_mut().unwrap().remove("as_of");
            out.push(format!("triage {reference} {facts}"));
        }
        out
    }
}

/// The same kind of database as `db`, empty.
fn another_like(db: &TestDatabase) -> TestDatabase {
    match db.sqlite_path() {
        Some(_) => TestDatabase::sqlite(),
        None => TestDatabase::postgres().expect("PostgreSQL, as the first database"),
    }
}

fn daily_refresh_matches_a_full_derivation_every_day(db: &TestDatabase) {
    let start = date("2026-03-01");
    let mut rng = Rng(SEED);
    let files: Vec<CaseFile> = (0..CASES).map(|n| random_case(&mut rng, n, start)).collect();
    let daily = Side::new(another_like(db), &files, start);
    let full = Side::new(another_like(db), &files, start);
    let (mut refreshed, mut derived, mut later) = (0, 0, 0);
    for step in 1..=DAYS {
        let day = start.add_days(step);
        if step % EVENT_EVERY == 0 {
            for _ in 0..3 {
                let case = rng.range(0, CASES as i64) as usize;
                let event = later_event(&mut rng, day, later);
                later += 1;
                daily.record(case, &event, day);
                full.record(case, &event, day);
            }
        }
        refreshed += daily.store.refresh_derived(&daily.org, day, noon(day)).unwrap();
        full.db.execute("UPDATE cases SET derived_on = NULL");
        derived += full.store.refresh_derived(&full.org, day, noon(day)).unwrap();
        daily.store.record_daily_notices(&daily.org, day, noon(day)).unwrap();
        full.store.record_daily_notices(&full.org, day, noon(day)).unwrap();
        let (ours, theirs) = (daily.snapshot(day), full.snapshot(day));
        if ours != theirs {
            let first =
                ours.iter().zip(&theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
            panic!(
                "on {day} the daily refresh stored\n  {:?}\nwhere a full derivation stored\n  {:?}",
                ours.get(first),
                theirs.get(first)
            );
        }
    }
    assert_eq!(derived, CASES * DAYS as usize, "the full side derives every case every day");
    eprintln!("re-derived {refreshed} of {derived}");
    // The point of `rederive_on`: far fewer derivations for the same rows.
    assert!(refreshed > 0 && refreshed * 3 < derived, "re-derived {refreshed} of {derived}");
    let notices = daily.db.query_text("SELECT CAST(COUNT(*) AS TEXT) FROM notifications");
    assert!(notices[0][0].as_deref().is_some_and(|n| n.parse::<i64>().unwrap() > 100), "{notices:?}");
}

/// More cases than a policy change re-derives in one run, so that runs follow one another.
const POLICY_CASES: usize = 520;

/// A policy change re-derives every case in runs (one query per table for many cases); the same
/// change followed by deriving every case again on its own, as the daily job does, stores the same
/// rows and queues the same notices.
fn a_policy_change_in_runs_stores_what_each_case_alone_does(db: &TestDatabase) {
    let start = date("2026-03-01");
    let mut rng = Rng(SEED ^ 0x0901_1c7e);
    let files: Vec<CaseFile> = (0..POLICY_CASES).map(|n| random_case(&mut rng, n, start)).collect();
    let runs = Side::staffing_every(another_like(db), &files, start, 8);
    let alone = Side::staffing_every(another_like(db), &files, start, 8);
    let day = start.add_days(40);
    let policy = Policy { critical_care_threshold_days: 30, re_parole_lead_days: 120, ..Policy::default() };
    for side in [&runs, &alone] {
        assert_eq!(side.store.set_policy(&side.org, &policy, noon(day)).unwrap(), POLICY_CASES);
    }
    alone.db.execute("UPDATE cases SET derived_on = NULL");
    assert_eq!(alone.store.refresh_derived(&alone.org, day, noon(day)).unwrap(), POLICY_CASES);
    let (ours, theirs) = (runs.snapshot(day), alone.snapshot(day));
    let first = ours.iter().zip(&theirs).position(|(a, b)| a != b);
    assert!(
        first.is_none() && ours.len() == theirs.len(),
        "the runs stored\n  {:?}\nwhere each case alone stored\n  {:?}",
        first.map(|at| &ours[at]),
        first.map(|at| &theirs[at])
    );
    let escalations = runs.db.query_text("SELECT CAST(COUNT(*) AS TEXT) FROM escalations");
    assert!(escalations[0][0].as_deref().is_some_and(|n| n != "0"), "some cases escalate: {escalations:?}");
}

/// Counts from now on every deadline row written (inserted, updated or deleted), through a trigger
/// of the test's own: what the store writes, seen from the database.
fn watch_deadline_writes(db: &TestDatabase) {
    db.execute(if db.sqlite_path().is_some() {
        "CREATE TABLE deadline_writes (op TEXT NOT NULL); \
         CREATE TRIGGER deadline_inserted AFTER INSERT ON deadlines BEGIN INSERT INTO deadline_writes VALUES ('insert'); END; \
         CREATE TRIGGER deadline_updated AFTER UPDATE ON deadlines BEGIN INSERT INTO deadline_writes VALUES ('update'); END; \
         CREATE TRIGGER deadline_deleted AFTER DELETE ON deadlines BEGIN INSERT INTO deadline_writes VALUES ('delete'); END;"
    } else {
        // Run as its owner, whatever role the store's connection is in.
        "CREATE TABLE deadline_writes (op TEXT NOT NULL); \
         CREATE FUNCTION deadline_written() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER \
         SET search_path FROM CURRENT AS $$ BEGIN INSERT INTO deadline_writes VALUES (lower(TG_OP)); \
         RETURN NULL; END $$; \
         CREATE TRIGGER deadline_written AFTER INSERT OR UPDATE OR DELETE ON deadlines \
         FOR EACH ROW EXECUTE FUNCTION deadline_written();"
    });
}

fn deadline_writes(db: &TestDatabase) -> usize {
    db.query_text("SELECT op FROM deadline_writes").len()
}

/// A case's deadlines as stored, a line each.
fn deadlines_of(db: &TestDatabase, case: &CaseId) -> Vec<String> {
    let sql = format!(
        "SELECT CAST(position AS TEXT) || ' ' || kind || ' ' || due || ' ' || why_facts \
         FROM deadlines WHERE case_id = '{}' ORDER BY position",
        case.as_str()
    );
    db.query_text(&sql).into_iter().map(|row| row[0].clone().unwrap()).collect()
}

/// The rows a change of a case's deadlines from `before` to `after` must write, each line its
/// position's: one per position that differs (written over in place, inserted where it is new, or
/// deleted where it is gone).
fn rows_to_write(before: &[String], after: &[String]) -> usize {
    (0..before.len().max(after.len())).filter(|p| before.get(*p) != after.get(*p)).count()
}

/// A write re-derives its case and writes only the deadline rows that changed (each row rewritten
/// is pages to log and sync on every write): none for an event that moves no deadline, the moved
/// one for an I-94 check. What is stored is what the daily refresh checks against a full
/// derivation (above).
fn an_event_writes_only_the_deadlines_it_changes(db: &TestDatabase) {
    let start = date("2026-03-01");
    let mut rng = Rng(SEED ^ 0x00e1_7e57);
    let files = [random_case(&mut rng, 0, start)];
    let side = Side::new(another_like(db), &files, start);
    let case = &side.cases[0];
    let imported = deadlines_of(&side.db, case);
    watch_deadline_writes(&side.db);
    // On the day of the import: a later day could itself change what is derived. The first check
    // of the I-94 moves when the next is due; a second the same day moves nothing.
    let checked = |id: &str| {
        let json = serde_json::json!({ "type": "i94_checked", "on": start.to_string(), "id": id });
        serde_json::from_value::<RawEvent>(json).unwrap().into_event().unwrap()
    };
    side.record(0, &checked("checked"), start);
    let before = deadlines_of(&side.db, case);
    let moved = rows_to_write(&imported, &before);
    assert!(before.iter().any(|d| d.contains("i94_recheck_by")), "{before:?}");
    assert_eq!(moved, 1, "one deadline moved: {imported:?} → {before:?}");
    assert_eq!(deadline_writes(&side.db), moved, "its row written over in place, no other");

    side.record(0, &checked("checked-again"), start);
    assert_eq!(deadlines_of(&side.db, case), before, "a second check the same day changes no deadline");
    assert_eq!(deadline_writes(&side.db), moved, "nor writes any");

    let notice = serde_json::json!({ "type": "termination_notice", "on": start.to_string(),
        "served_by": "email", "effective": start.add_days(10).to_string(), "id": "notice" });
    side.record(0, &serde_json::from_value::<RawEvent>(notice).unwrap().into_event().unwrap(), start);
    let after = deadlines_of(&side.db, case);
    assert_ne!(after, before, "a termination notice changes the deadlines");
    assert_eq!(deadline_writes(&side.db), moved + rows_to_write(&before, &after));
}

amparo_store::on_both_backends!(
    daily_refresh_matches_a_full_derivation_every_day,
    a_policy_change_in_runs_stores_what_each_case_alone_does,
    an_event_writes_only_the_deadlines_it_changes
);
