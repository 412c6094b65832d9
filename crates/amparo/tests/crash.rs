#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A crash loses no acknowledged write. Each test re-runs this test binary as a child process that
//! appends events to one case of a SQLite database and prints `ack <writer> <n> <event-id> <version>`
//! after each append has committed; the parent kills it with SIGKILL mid-stream, reopens the
//! database and checks that everything acknowledged is there, once, in a consistent timeline.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use amparo_domain::{CaseFile, Event, RawEvent};
use amparo_store::{NewOrganisation, Store, StoreError};
use chrono::{DateTime, TimeZone, Utc};

/// Set in the child: the database to write to. Unset, the child test does nothing and passes.
const CHILD_DB: &str = "AMPARO_CRASH_CHILD_DB";
/// Set in the child: how many writer threads append at once.
const CHILD_WRITERS: &str = "AMPARO_CRASH_CHILD_WRITERS";
/// The child test, by its exact name in this binary.
const CHILD_TEST: &str = "crash_child";
const ORG_SLUG: &str = "crash-clinic";
const REFERENCE: &str = "CRASH-1";
/// Events in the imported case before any append.
const IMPORTED_EVENTS: usize = 2;
/// Far more than the parent waits for: the kill always lands while the child is still writing.
const CHILD_APPENDS_PER_WRITER: usize = 1_000_000;

/// A fixed clock: the tests are about durability, not time.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn case_file() -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": REFERENCE,
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" },
                { "key": "m1", "role": "parent", "given_name": "Tomás", "family_name": "Ejemplo" }
            ]
        },
        "events": [
            { "id": "e1", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" },
            { "id": "e2", "type": "rfe_received", "on": "2026-02-09", "served_by": "mail" }
        ]
    })
    .to_string();
    let file = CaseFile::parse(&text).unwrap().0;
    assert_eq!(file.events.len(), IMPORTED_EVENTS);
    file
}

fn event_id(writer: usize, n: usize) -> String {
    format!("w{writer}-{n}")
}

fn appended_event(writer: usize, n: usize) -> Event {
    let json = match n % 3 {
        0 => serde_json::json!({ "id": event_id(writer, n), "type": "rfe_answered", "on": "2026-03-01" }),
        1 => {
            serde_json::json!({ "id": event_id(writer, n), "type": "fee_paid", "on": "2026-03-02", "persons": ["p1"] })
        }
        _ => serde_json::json!({ "id": event_id(writer, n), "type": "medical_attested", "on": "2026-03-03",
                                  "days_to_critical_harm": 3, "note": format!("Re-attested, round {n}.") }),
    };
    serde_json::from_value::<RawEvent>(json).unwrap().into_event().unwrap()
}

/// The child's side: does nothing unless the parent set [`CHILD_DB`].
#[test]
fn crash_child() {
    let Ok(path) = std::env::var(CHILD_DB) else { return };
    let writers: usize = std::env::var(CHILD_WRITERS).map_or(1, |w| w.parse().unwrap());
    let store = Store::open_sqlite(&path, sealer(Path::new(&path))).unwrap();
    store.migrate().unwrap();
    let org = store
        .create_organisation(&NewOrganisation { slug: ORG_SLUG.into(), name: "Crash Clinic".into() }, now())
        .unwrap();
    let case = store.import_cases(&org.id, &[case_file()], None, now()).unwrap().remove(0);
    println!("ready {} {}", org.id, case);
    std::io::stdout().flush().unwrap();
    std::thread::scope(|scope| {
        for writer in 0..writers {
            let (store, org, case) = (&store, &org.id, &case);
            scope.spawn(move || {
                let mut version = 1;
                for n in 0..CHILD_APPENDS_PER_WRITER {
                    let event = appended_event(writer, n);
                    loop {
                        match store.append_event(org, case, version, &event, None, now()) {
                            Ok(new_version) => {
                                version = new_version;
                                break;
                            }
                            // Someone else wrote first: the refused write changed nothing; retry
                            // on the version the store reported.
                            Err(StoreError::Conflict { actual, .. }) => version = actual,
                            Err(other) => panic!("writer {writer}, append {n}: {other}"),
                        }
                    }
                    // Only now, after the commit, is the write acknowledged.
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "ack {writer} {n} {} {version}", event_id(writer, n)).unwrap();
                    out.flush().unwrap();
                }
            });
        }
    });
}

/// Kills the child if the parent gives up early, so that no writer outlives a failed test.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One acknowledged append.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Ack {
    writer: usize,
    n: usize,
    event_id: String,
    version: i64,
}

fn parse_ack(line: &str) -> Option<Ack> {
    let rest = line.strip_prefix("ack ")?;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [writer, n, event_id, version] = parts.as_slice() else { panic!("malformed ack line {line:?}") };
    Some(Ack {
        writer: writer.parse().unwrap(),
        n: n.parse().unwrap(),
        event_id: (*event_id).to_owned(),
        version: version.parse().unwrap(),
    })
}

/// Runs the child with `writers` threads, kills it with SIGKILL once `acks_before_kill` appends are
/// acknowledged and every writer has had `per_writer` of them, and returns every acknowledgement it
/// printed.
fn write_until_killed(db: &Path, writers: usize, acks_before_kill: usize, per_writer: usize) -> Vec<Ack> {
    let stderr_path = db.with_extension("child-stderr");
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, db)
        .env(CHILD_WRITERS, writers.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let child_stderr = || std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let mut reader = BufReader::new(child.0.stdout.take().unwrap());
    let mut acks = Vec::new();
    let mut ready = false;
    let mut line = String::new();
    let mut per_writer_acks = vec![0usize; writers];
    while acks.len() < acks_before_kill || per_writer_acks.iter().any(|n| *n < per_writer) {
        assert!(
            acks.len() < 50 * acks_before_kill,
            "some writer is starved: acks per writer {per_writer_acks:?}; stderr:\n{}",
            child_stderr()
        );
        line.clear();
        let read = reader.read_line(&mut line).unwrap();
        assert!(read > 0, "the child stopped after {} acks; its stderr:\n{}", acks.len(), child_stderr());
        ready |= line.contains("ready "); // libtest may print "test crash_child ... " first
        if let Some(ack) = parse_ack(line.trim_end()) {
            per_writer_acks[ack.writer] += 1;
            acks.push(ack);
        }
    }
    assert!(ready, "the child announced its case before writing");
    child.0.kill().unwrap(); // SIGKILL on Unix: no destructor, no flush, no checkpoint.
    // Whatever the child acknowledged before it died is still in the pipe; a line cut short by the
    // kill was never an acknowledgement.
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if line.ends_with('\n') {
            acks.extend(parse_ack(line.trim_end()));
        }
    }
    let status = child.0.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(9),
        "the child was still writing when killed (status {status:?}); stderr:\n{}",
        child_stderr()
    );
    let stderr = child_stderr();
    assert!(!stderr.contains("panicked"), "a child writer failed:\n{stderr}");
    acks
}

/// Reopens the database after the crash and checks it against the acknowledgements.
fn check_after_crash(db: &Path, writers: usize, acks: &[Ack]) {
    let store = Store::open_sqlite(db, sealer(db)).unwrap();
    store.migrate().unwrap();
    store.integrity_check().unwrap();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == ORG_SLUG).unwrap();
    let stored = store.case_by_reference(&org.id, REFERENCE).unwrap().unwrap();
    let events = &stored.file.events;

    // The imported events come first, untouched.
    assert_eq!(events[..IMPORTED_EVENTS], case_file().events[..]);
    // Every stored event id is there once.
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_deref().unwrap()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "an event was stored twice");
    // Every acknowledged event is stored, exactly as it was written.
    let mut acked_versions = BTreeSet::new();
    for ack in acks {
        let position = ids.iter().position(|id| *id == ack.event_id);
        let position = position.unwrap_or_else(|| panic!("acknowledged event {} was lost", ack.event_id));
        assert_eq!(events[position], appended_event(ack.writer, ack.n));
        assert!(acked_versions.insert(ack.version), "two acks claim version {}", ack.version);
        assert!(ack.version <= stored.version, "ack {ack:?} is ahead of the stored version");
    }
    // Per writer, the stored appends are 0..k in order; at most the one in flight when the kill
    // came (committed, not yet acknowledged) is stored without an ack.
    let mut stored_by_writer: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for id in &ids[IMPORTED_EVENTS..] {
        let (writer, n) = id.strip_prefix('w').and_then(|rest| rest.split_once('-')).unwrap();
        stored_by_writer.entry(writer.parse().unwrap()).or_default().push(n.parse().unwrap());
    }
    assert!(stored_by_writer.keys().all(|w| *w < writers));
    for writer in 0..writers {
        let stored_ns = stored_by_writer.remove(&writer).unwrap_or_default();
        let acked_ns: Vec<usize> = acks
            .iter()
            .filter(|a| a.writer == writer)
            .map(|a| a.n)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(
            stored_ns,
            (0..stored_ns.len()).collect::<Vec<_>>(),
            "writer {writer}: a gap in its appends"
        );
        assert!(
            stored_ns.len() == acked_ns.len() || stored_ns.len() == acked_ns.len() + 1,
            "writer {writer}: {} stored, {} acknowledged",
            stored_ns.len(),
            acked_ns.len()
        );
    }
    // The case's version is 1 at import and goes up by one per appended event.
    let appended = events.len() - IMPORTED_EVENTS;
    assert_eq!(stored.version, 1 + appended as i64, "version and timeline disagree");
    assert!(appended >= acks.len());

    // The timeline's sequence numbers are 1..=n with no gap, and nothing dangles.
    let conn = rusqlite::Connection::open(db).unwrap();
    let seqs: Vec<i64> = conn
        .prepare("SELECT seq FROM events WHERE org_id = ?1 AND case_id = ?2 ORDER BY seq")
        .unwrap()
        .query_map([org.id.as_str(), stored.id.as_str()], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(seqs, (1..=events.len() as i64).collect::<Vec<_>>());
    let dangling: i64 =
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(dangling, 0, "foreign key violations after the crash");

    // The database is still writable, at the version it reports.
    let next = serde_json::json!({ "id": "after", "type": "motion_filed", "on": "2026-03-04" });
    let next = serde_json::from_value::<RawEvent>(next).unwrap().into_event().unwrap();
    assert_eq!(
        store.append_event(&org.id, &stored.id, stored.version, &next, None, now()).unwrap(),
        stored.version + 1
    );
    store.integrity_check().unwrap();
}

#[test]
fn a_killed_writer_loses_no_acknowledged_append() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("amparo.db");
    let acks = write_until_killed(&db, 1, 300, 300);
    assert!(acks.len() >= 300);
    // One writer: the acks are the appends in order, each one version further.
    for (i, ack) in acks.iter().enumerate() {
        assert_eq!((ack.writer, ack.n, ack.version), (0, i, i as i64 + 2), "{ack:?}");
    }
    check_after_crash(&db, 1, &acks);
}

#[test]
fn killed_concurrent_writers_lose_no_acknowledged_append() {
    const WRITERS: usize = 4;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("amparo.db");
    // Every writer has appended a few times before the kill, so they really ran side by side.
    let acks = write_until_killed(&db, WRITERS, 300, 10);
    check_after_crash(&db, WRITERS, &acks);
}

/// The key beside the database, made by whichever process opens it first.
fn sealer(db: &Path) -> amparo_store::Sealer {
    amparo_store::seal::keys_for_database(&db.to_string_lossy(), None, None).unwrap().0
}
