//! The keyed audit chain over a database whose chains began before it was keyed: on first open with
//! a key, each such chain is anchored at its newest entry and keyed links start after it, the older
//! entries still checked the old way (plain SHA-256) and still caught when edited.

use amparo_store::testing::TestDatabase;
use amparo_store::{AuditEvent, OrgId};
use amparo_trust::audit_chain::{AuditEntry, ChainHash, chain_hash};

use crate::support::{now, org};

fn event(n: u32) -> AuditEvent {
    AuditEvent {
        actor: None,
        action: "case.read".into(),
        target: format!("case:{n}"),
        detail: serde_json::json!({}),
    }
}

/// Three entries as an unkeyed chain wrote them (no key id, plain SHA-256), the keyed trail, its
/// anchors and the record that chains were anchored gone, as before migration 0017.
fn legacy_statements(org: &OrgId) -> Vec<String> {
    let mut statements = vec![
        format!("DELETE FROM audit_log WHERE org_id = '{}'", org.as_str()),
        "DELETE FROM audit_anchors WHERE org_id <> ''".to_owned(),
        "DELETE FROM amparo_meta WHERE key = 'audit_chains_anchored'".to_owned(),
    ];
    let mut prev = ChainHash::GENESIS;
    for seq in 1..=3u64 {
        let entry = AuditEntry {
            seq,
            at_ms: 1_700_000_000_000 + seq as i64,
            org_id: org.as_str().to_owned(),
            actor: None,
            action: "case.read".into(),
            target: format!("case:legacy-{seq}"),
            detail: "{}".into(),
        };
        let hash = chain_hash(None, &prev, &entry);
        statements.push(format!(
            "INSERT INTO audit_log (org_id, seq, at_ms, actor, action, target, detail, hash) \
             VALUES ('{}', {seq}, {}, NULL, 'case.read', '{}', '{{}}', '{}')",
            entry.org_id, entry.at_ms, entry.target, hash
        ));
        prev = hash;
    }
    statements
}

fn unkeyed_chains_are_anchored_once_and_keyed_from_their_head(db: &TestDatabase) {
    let org = org(&db.store(), "legacy");
    db.store().record_audit(&org, &event(0), now()).unwrap();
    let statements = legacy_statements(&org);
    db.tamper_audit_log(&statements.iter().map(String::as_str).collect::<Vec<_>>());
    // Before the chain is anchored, Amparo refuses to write on it.
    assert!(db.store().record_audit(&org, &event(1), now()).is_err());

    let reopened = amparo_store::open(&db.url, db.sealer()).unwrap();
    for n in 4..=6 {
        reopened.record_audit(&org, &event(n), now()).unwrap();
    }
    let log = reopened.audit_log(Some(&org)).unwrap();
    let keyed: Vec<bool> = log.iter().map(|r| r.key_id.is_some()).collect();
    assert_eq!(keyed, [false, false, false, true, true, true], "keyed from seq 4 on");
    let report = reopened.verify_audit().unwrap();
    assert!(report.iter().all(|r| r.outcome.is_ok()), "{report:?}");

    // An old entry edited (with its hash recomputed the old way) breaks the first keyed link.
    db.tamper_audit_log(&["UPDATE audit_log SET target = 'case:other' WHERE seq = 2 AND org_id <> ''"]);
    let report = reopened.verify_audit().unwrap();
    let chain = report.iter().find(|r| r.chain == org.as_str()).unwrap();
    assert_eq!(chain.outcome, Err("audit chain broken at seq 2: entry edited".to_owned()));

    // Opening again does not move the boundary, nor adopt a chain whose anchor was deleted.
    db.tamper_audit_log(&["DELETE FROM audit_anchors WHERE org_id <> ''"]);
    let again = amparo_store::open(&db.url, db.sealer()).unwrap();
    let report = again.verify_audit().unwrap();
    let chain = report.iter().find(|r| r.chain == org.as_str()).unwrap();
    assert_eq!(
        chain.outcome,
        Err("audit chain broken: its head has no anchor (the anchor was deleted)".to_owned())
    );
    assert!(again.record_audit(&org, &event(7), now()).is_err(), "no append on an unanchored chain");
}

amparo_store::on_both_backends!(unkeyed_chains_are_anchored_once_and_keyed_from_their_head);
