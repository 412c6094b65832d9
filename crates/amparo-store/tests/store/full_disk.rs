//! Finding 7 (a full disk) on SQLite, on a small file system of its own filled for real: the room
//! reserved for the audit trail is released when the disk fills, so audited work goes on for a
//! while; once that room is spent too, writes fail as `DiskFull` (reads fail closed with them, as
//! each writes its audit entry) and the health probe fails; room made again brings the reserve back.

use amparo_store::testing::TinyDisk;
use amparo_store::{AuditEvent, DatabaseOptions, Rules, Sealer, StoreError, open_with_options};

use crate::support::{now, org};

const RESERVE: u64 = 256 * 1024;

fn entry(n: usize) -> AuditEvent {
    AuditEvent {
        actor: None,
        action: "case.read".into(),
        target: format!("case-{n:06}-{}", "x".repeat(200)),
        detail: serde_json::json!({ "n": n }),
    }
}

#[test]
fn finding_7_a_full_disk_spends_the_audit_reserve_then_fails_closed() {
    let Some(disk) = TinyDisk::mount(8 * 1024 * 1024) else { return };
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("amparo.key");
    amparo_trust::keyfile::write_new(&key_file).unwrap();
    let database = disk.path().join("amparo.db");
    let options = DatabaseOptions {
        audit_reserve_bytes: RESERVE,
        low_space_warning_bytes: 1024 * 1024,
        ..DatabaseOptions::default()
    };
    let store = open_with_options(
        database.to_str().unwrap(),
        Rules::builtin().unwrap(),
        Sealer::from_file(&key_file).unwrap(),
        &options,
    )
    .unwrap();
    let clinic = org(&store, "clinic");
    let reserve = disk.path().join("amparo.db.reserve");
    assert_eq!(std::fs::metadata(&reserve).unwrap().len(), RESERVE);
    let report = store.disk().unwrap();
    assert!(report.reserve_held && !report.is_low(), "{report:?}");

    // The disk fills up: audited work goes on in the reserve's room.
    let first_filler = disk.fill();
    let mut n = 0;
    while reserve.exists() {
        store.record_audit(&clinic, &entry(n), now()).unwrap_or_else(|e| panic!("entry {n}: {e}"));
        n += 1;
        assert!(n < 50_000, "the disk never filled");
    }
    store.record_audit(&clinic, &entry(n), now()).unwrap();
    let report = store.disk().unwrap();
    assert!(!report.reserve_held && report.is_low(), "administrators are warned: {report:?}");

    // And fills again: now nothing more can be recorded, and the health probe says so.
    let second_filler = disk.fill();
    let failure = loop {
        n += 1;
        assert!(n < 100_000, "writes never failed");
        if let Err(error) = store.record_audit(&clinic, &entry(n), now()) {
            break error;
        }
    };
    assert!(matches!(failure, StoreError::DiskFull(_)), "{failure:?}");
    assert!(matches!(store.probe_write(now()), Err(StoreError::DiskFull(_))));

    // Room is made: writes work again and the reserve is held again.
    std::fs::remove_file(first_filler).unwrap();
    std::fs::remove_file(second_filler).unwrap();
    store.probe_write(now()).unwrap();
    assert!(store.disk().unwrap().reserve_held);
    assert_eq!(std::fs::metadata(&reserve).unwrap().len(), RESERVE);
}
