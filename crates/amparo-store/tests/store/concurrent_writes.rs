//! Writers of every kind at once on the same organisation and cases, on both backends: events,
//! sharing changes, assignments, policy changes, audited reads and API token uses each take their
//! locks in the one order the store keeps, so none waits for another in a cycle (PostgreSQL would
//! abort one as a deadlock). Afterwards the audit chain verifies, holds one entry per write made,
//! and every case's stored deadlines are what re-deriving it from scratch gives. Writers through one
//! API token, some locking the audit chain before anything else, take their locks in that order too.

use std::sync::Barrier;

use amparo_domain::notes::{NewNote, NoteKind};
use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Policy};
use amparo_store::testing::TestDatabase;
use amparo_store::*;
use amparo_trust::api_token::{self, TokenKind};

use crate::support::{event, new_user, now, org};

amparo_store::on_both_backends!(
    writers_of_every_kind_at_once_neither_deadlock_nor_break_the_chain,
    writers_through_one_token_neither_deadlock_nor_break_the_chain
);

/// Rounds each writer makes.
const ROUNDS: usize = 12;
/// Rounds each writer through the one token makes: enough for two of them to meet, many times over,
/// at the token's row and the audit chain's lock.
const TOKEN_ROUNDS: usize = 40;
const CASES: usize = 3;

fn case_file(n: usize) -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": format!("MIX-{n}"),
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo",
                  "birth_date": "2021-03-02", "citizenship": "HN" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": 3,
                         "available_in_origin_country": false, "attested_on": "2026-01-10" }
        },
        "events": [
            { "id": "e1", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" }
        ]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

/// The organisation's `CASES` cases, imported, and the hash of a new write token of `user`'s.
fn cases_and_write_token(store: &Store, org: &OrgId, user: &User, name: &str) -> (Vec<CaseId>, String) {
    let files: Vec<CaseFile> = (0..CASES).map(case_file).collect();
    let cases = store.import_cases(org, &files, None, now()).unwrap();
    let issued = api_token::issue(TokenKind::Personal, org.as_str()).unwrap();
    let new = NewApiToken {
        token_hash: &issued.hash,
        kind: TokenKind::Personal,
        user,
        name,
        scope: TokenScope::Write,
        expires_at: None,
    };
    store.create_api_token(&new, None, now()).unwrap();
    (cases, issued.hash)
}

/// What one writer did: how many audit entries its successful writes appended.
type Written = Result<usize, StoreError>;

fn writers_of_every_kind_at_once_neither_deadlock_nor_break_the_chain(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "mixed");
    let person = |email: &str, role| store.create_user(&org, &new_user(email, role), now()).unwrap();
    let attorney = person("attorney@example.org", UserRole::Attorney);
    let clinician = person("clinician@example.org", UserRole::Clinician);
    let (cases, token) = cases_and_write_token(&store, &org, &attorney, "mixed writers");
    let before = store.audit_log(Some(&org)).unwrap().len();

    let attorney = Actor::of(&attorney);
    let writers: Vec<Box<dyn Fn() -> Written + Send + Sync + '_>> = vec![
        // Two writers of events on every case, each retrying on the other's newer version.
        Box::new(|| record_events(&store, &attorney, &cases, "a")),
        Box::new(|| record_events(&store, &attorney, &cases, "b")),
        // And a third through the API token, its uses recorded with its events.
        Box::new(|| record_events_with_token(&store, &attorney, &cases, &token, ("t", ROUNDS))),
        Box::new(|| {
            let mut written = 0;
            // Every case shared, then every case unshared, in turn.
            for round in 0..ROUNDS {
                let (case, shared) = (&cases[round % CASES], (round / CASES).is_multiple_of(2));
                store.set_case_shared_as(&attorney, case, &clinician.id, shared, now())?;
                written += 1;
            }
            Ok(written)
        }),
        Box::new(|| {
            let mut written = 0;
            for round in 0..ROUNDS {
                let (case, who) =
                    (&cases[(round + 1) % CASES], round.is_multiple_of(2).then_some(&attorney.user));
                store.assign_as(&attorney, case, UserRole::Attorney, who, now())?;
                written += 1;
            }
            Ok(written)
        }),
        Box::new(|| {
            for round in 0..ROUNDS {
                let days = 30 + (round % 3) as u32 * 15;
                store.update_policy(&org, &|p| Ok(Policy { i94_check_days: days, ..p }), None, now())?;
            }
            Ok(ROUNDS)
        }),
        Box::new(|| {
            for round in 0..ROUNDS {
                store.read_case_as(&attorney, &cases[round % CASES], "test", now())?;
            }
            Ok(ROUNDS)
        }),
        Box::new(|| {
            for _ in 0..ROUNDS {
                let used = store.use_api_token(&org, &token, "POST", "/api/v1/cases", now())?;
                assert!(used.is_ok(), "{used:?}");
            }
            Ok(ROUNDS)
        }),
    ];
    let written: usize = all_at_once(&writers).into_iter().map(|o| o.unwrap()).sum();

    for report in store.verify_audit().unwrap() {
        assert!(report.outcome.is_ok(), "{report:?}");
    }
    assert_eq!(store.audit_log(Some(&org)).unwrap().len(), before + written, "one entry per write");
    // What the writers left derived is what deriving every case again gives.
    let window = DeadlineQuery { from: date("2000-01-01"), to: date("2099-12-31"), kind: None };
    let left = store.deadlines_due(&org, &window).unwrap();
    store.update_policy(&org, &|p| Ok(p), None, now()).unwrap();
    assert_eq!(left, store.deadlines_due(&org, &window).unwrap());
}

/// Writers through one API token: two record events (their uses stamped on the token's row, and
/// audited with their events), while two pin and unpin a note, a write that takes the audit chain's
/// lock before anything else. The token's row is taken first by every one of them, and only shared:
/// were it locked by one writer before the chain and by another after it, the two would wait for
/// each other (PostgreSQL aborts one as a deadlock).
fn writers_through_one_token_neither_deadlock_nor_break_the_chain(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "one-token");
    let attorney =
        store.create_user(&org, &new_user("attorney@example.org", UserRole::Attorney), now()).unwrap();
    let (cases, token) = cases_and_write_token(&store, &org, &attorney, "one token");
    let attorney = Actor::of(&attorney);
    let call = NewNote { kind: NoteKind::Call, event: None, text: "Called the family".into() };
    let note = store.add_note_as(&attorney, &cases[0], &call, now()).unwrap();
    let before = store.audit_log(Some(&org)).unwrap().len();

    let hash = token.as_str();
    let writers: Vec<Box<dyn Fn() -> Written + Send + Sync + '_>> = vec![
        Box::new(|| record_events_with_token(&store, &attorney, &cases, hash, ("a", TOKEN_ROUNDS))),
        Box::new(|| record_events_with_token(&store, &attorney, &cases, hash, ("b", TOKEN_ROUNDS))),
        Box::new(|| pin_note_with_token(&store, &attorney, (&cases[0], note.id), hash)),
        Box::new(|| pin_note_with_token(&store, &attorney, (&cases[0], note.id), hash)),
    ];
    let written: usize = all_at_once(&writers).into_iter().map(|o| o.unwrap()).sum();

    for report in store.verify_audit().unwrap() {
        assert!(report.outcome.is_ok(), "{report:?}");
    }
    assert_eq!(store.audit_log(Some(&org)).unwrap().len(), before + written, "one entry per write and use");
    let token = store.api_tokens(&org).unwrap().remove(0);
    assert_eq!(token.last_used_at, Some(now()), "the token's last use is stamped");
}

/// Runs every writer on a thread of its own, all starting at once; their outcomes, in order.
fn all_at_once(writers: &[Box<dyn Fn() -> Written + Send + Sync + '_>]) -> Vec<Written> {
    let barrier = Barrier::new(writers.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = writers
            .iter()
            .map(|write| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    write()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Pins and unpins note `note` of a case `TOKEN_ROUNDS` times through the API token, each use
/// recorded with its write; the number of audit entries written.
fn pin_note_with_token(store: &Store, actor: &Actor, (case, note): (&CaseId, u32), hash: &str) -> Written {
    for round in 0..TOKEN_ROUNDS {
        let presented = store.present_api_token_for_write(&actor.org, hash, "PUT", "/api/v1/x", now())?;
        let deferred = presented.expect("the token is live").1.expect("its use waits for the write");
        let (pinned, unspent) = store.with_deferred_token_use(deferred, |store| {
            store.set_note_pinned_as(actor, case, i64::from(note), round.is_multiple_of(2), now())
        });
        pinned?;
        assert!(unspent.is_none(), "the write recorded the use");
    }
    Ok(2 * TOKEN_ROUNDS)
}

/// Records `ROUNDS` events across the cases, reading each case's version first and reading again
/// when another writer got there in between; the number of events recorded.
fn record_events(store: &Store, actor: &Actor, cases: &[CaseId], writer: &str) -> Written {
    for round in 0..ROUNDS {
        let case = &cases[round % CASES];
        let recorded = event(serde_json::json!({
            "id": format!("{writer}{round}"), "type": "i94_checked", "on": "2026-02-20"
        }));
        loop {
            let version = store.case(&actor.org, case)?.map_or(0, |c| c.version);
            match store.append_event_as(actor, case, version, &recorded, now()) {
                Err(StoreError::Conflict { .. }) => continue,
                other => other?,
            };
            break;
        }
    }
    Ok(ROUNDS)
}

/// As [`record_events`], `rounds` of them named after `writer`, through an API token whose use is
/// recorded with each event, or on its own when the event was refused for a newer version; the
/// number of audit entries written.
fn record_events_with_token(
    store: &Store,
    actor: &Actor,
    cases: &[CaseId],
    hash: &str,
    (writer, rounds): (&str, usize),
) -> Written {
    let mut written = 0;
    for round in 0..rounds {
        let case = &cases[round % CASES];
        let recorded = event(serde_json::json!({
            "id": format!("{writer}{round}"), "type": "i94_checked", "on": "2026-02-20"
        }));
        loop {
            let version = store.case(&actor.org, case)?.map_or(0, |c| c.version);
            let presented =
                store.present_api_token_for_write(&actor.org, hash, "POST", "/api/v1/x", now())?;
            let deferred = presented.expect("the token is live").1.expect("its use waits for the write");
            let (appended, unspent) = store.with_deferred_token_use(deferred, |store| {
                store.append_event_as(actor, case, version, &recorded, now())
            });
            written += 1;
            if let Some(unspent) = unspent {
                store.record_token_use(unspent)?.expect("the token is live");
            }
            match appended {
                Err(StoreError::Conflict { .. }) => continue,
                other => other?,
            };
            written += 1;
            break;
        }
    }
    Ok(written)
}

fn date(text: &str) -> amparo_domain::Date {
    text.parse().unwrap()
}
