//! The audit trail through the real binary: changes of rules and policy are recorded, and editing,
//! deleting or reordering an entry behind Amparo's back is detected by `amparo audit verify`, and so
//! is cutting off the newest entries: against each chain's anchor, and against a checkpoint file
//! when the anchors were cut back too or a backup was restored.

use amparo_store::testing::TestDatabase;

use crate::support::snapshots::redact_uuids;
use crate::support::{Outcome, run_on, stdout_of};

fn seeded(db: &TestDatabase) {
    stdout_of(&run_on(db, &["org", "add", "clinic", "--name", "Clinic"]));
    for days in ["100", "110", "120"] {
        stdout_of(&run_on(db, &["org", "policy", "--re-parole-lead-days", days]));
    }
}

fn changes_are_recorded_and_the_chain_verifies(db: &TestDatabase) {
    seeded(db);
    let installation: serde_json::Value =
        serde_json::from_str(&stdout_of(&run_on(db, &["audit", "list", "--installation", "--json"])))
            .unwrap();
    assert_eq!(installation[0]["action"], "rule_set.adopted");
    assert_eq!(installation[0]["target"], "us-parole/2027.1");
    let org: serde_json::Value =
        serde_json::from_str(&stdout_of(&run_on(db, &["audit", "list", "--json"]))).unwrap();
    let actions: Vec<&str> = org.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["policy.changed"; 3]);
    assert_eq!(org[2]["seq"], 3);
    let detail: serde_json::Value = serde_json::from_str(org[2]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(
        (detail["before"]["re_parole_lead_days"].as_i64(), detail["after"]["re_parole_lead_days"].as_i64()),
        (Some(110), Some(120))
    );
    let verified = stdout_of(&run_on(db, &["audit", "verify"]));
    assert!(verified.contains("installation: 1 entries, chain intact"), "{verified}");
    assert!(verified.contains("clinic: 3 entries, chain intact"), "{verified}");
    // Amparo itself cannot edit the trail: the database refuses.
    let refused = match db.sqlite_path() {
        Some(path) => rusqlite::Connection::open(path)
            .unwrap()
            .execute_batch("UPDATE audit_log SET detail = '{}'")
            .is_err(),
        // As the server's connections work: in the application's role.
        None => db.application_client().unwrap().batch_execute("UPDATE audit_log SET detail = '{}'").is_err(),
    };
    assert!(refused, "the audit table refuses updates");
}

fn tampering_is_detected(db: &TestDatabase) {
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "edited",
            &["UPDATE audit_log SET detail = '{}' WHERE seq = 2 AND org_id <> ''"],
            "at seq 2: entry edited",
        ),
        ("deleted", &["DELETE FROM audit_log WHERE seq = 2 AND org_id <> ''"], "at seq 2: entry missing"),
        (
            "reordered",
            &[
                "UPDATE audit_log SET seq = 99 WHERE seq = 1 AND org_id <> ''",
                "UPDATE audit_log SET seq = 1 WHERE seq = 2 AND org_id <> ''",
                "UPDATE audit_log SET seq = 2 WHERE seq = 99 AND org_id <> ''",
            ],
            "at seq 1: entry edited",
        ),
    ];
    for (what, statements, expected) in cases {
        let fresh = match db.sqlite_path() {
            Some(_) => TestDatabase::sqlite(),
            None => TestDatabase::postgres().unwrap(),
        };
        seeded(&fresh);
        fresh.tamper_audit_log(statements);
        let output = run_on(&fresh, &["audit", "verify"]);
        assert_eq!(Some(output.code), Some(1), "{what}: verify must fail");
        let stdout = output.stdout.as_str();
        assert!(stdout.contains(expected), "{what}: {stdout}");
        assert!(
            stdout.contains("installation: 1 entries, chain intact"),
            "{what}: other chains are unaffected"
        );
        assert!(output.stderr.as_str().contains("broken in: clinic"));
    }
}

fn i94_check_days_is_set_by_org_policy_checked_and_audited(db: &TestDatabase) {
    stdout_of(&run_on(db, &["org", "add", "clinic", "--name", "Clinic"]));
    let refused = run_on(db, &["org", "policy", "--i94-check-days", "0"]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert_eq!(
        refused.stderr.trim(),
        "amparo: --i94-check-days: i94_check_days must be from 1 to 365, found 0"
    );
    let shown: serde_json::Value =
        serde_json::from_str(&stdout_of(&run_on(db, &["org", "policy", "--i94-check-days", "45"]))).unwrap();
    assert_eq!(shown["i94_check_days"], 45);
    let org: serde_json::Value =
        serde_json::from_str(&stdout_of(&run_on(db, &["audit", "list", "--json"]))).unwrap();
    let entries = org.as_array().unwrap();
    assert_eq!(entries.len(), 1, "the refusal wrote nothing: {org}");
    let detail: serde_json::Value = serde_json::from_str(entries[0]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(
        (detail["before"]["i94_check_days"].as_i64(), detail["after"]["i94_check_days"].as_i64()),
        (Some(30), Some(45))
    );
}

fn fresh_like(db: &TestDatabase) -> TestDatabase {
    match db.sqlite_path() {
        Some(_) => TestDatabase::sqlite(),
        None => TestDatabase::postgres().unwrap(),
    }
}

/// An organisation `clinic` whose chain holds 12 entries.
fn twelve_entries(db: &TestDatabase) {
    stdout_of(&run_on(db, &["org", "add", "clinic", "--name", "Clinic"]));
    for days in 100..112 {
        stdout_of(&run_on(db, &["org", "policy", "--re-parole-lead-days", &days.to_string()]));
    }
}

/// What the operator reads from a failed verification: exit code, standard output and error, ids
/// redacted.
fn failed(outcome: &Outcome) -> String {
    redact_uuids(&format!("exit code: {}\n{}{}", outcome.code, outcome.stdout, outcome.stderr))
}

/// Finding 5: with the triggers dropped, deleting the newest 1, 10 or all of an organisation's
/// entries left a consistent shorter chain that `amparo audit verify` passed.
fn deleting_the_newest_audit_entries_is_detected(db: &TestDatabase) {
    for (newest, snapshot) in [
        (1, "audit_verify_newest_1_deleted"),
        (10, "audit_verify_newest_10_deleted"),
        (12, "audit_verify_all_deleted"),
    ] {
        let fresh = fresh_like(db);
        twelve_entries(&fresh);
        let kept = 12 - newest;
        fresh.tamper_audit_log(&[&format!("DELETE FROM audit_log WHERE org_id <> '' AND seq > {kept}")]);
        let output = run_on(&fresh, &["audit", "verify"]);
        assert_eq!(output.code, 1, "{newest} newest deleted: verify must fail: {output:#?}");
        assert!(
            output.stdout.contains(&format!(
                "clinic: {kept} entries, audit chain broken at seq {}: newest entries missing",
                kept + 1
            )),
            "{output:#?}"
        );
        insta::assert_snapshot!(snapshot, failed(&output));
    }
}

/// Finding 5, against a checkpoint: entries cut off with their anchor, and a backup restored from
/// before the checkpoint (consistent with its own anchors), both fail `verify --against`.
fn a_checkpoint_catches_what_the_anchor_cannot(db: &TestDatabase) {
    let scratch = tempfile::tempdir().unwrap();
    let checkpoint = scratch.path().join("checkpoint.json");
    let path = checkpoint.to_str().unwrap();

    let fresh = db;
    twelve_entries(fresh);
    // What a backup taken now holds of the anchors; the audit rows it holds are those up to seq 12.
    fresh.tamper_audit_log(&["CREATE TABLE anchors_backup AS SELECT * FROM audit_anchors"]);
    for days in 112..115 {
        stdout_of(&run_on(fresh, &["org", "policy", "--re-parole-lead-days", &days.to_string()]));
    }
    let written = stdout_of(&run_on(fresh, &["audit", "checkpoint", "--output", path]));
    assert_eq!(written.trim(), format!("checkpoint of 2 chains written to {path}"));
    let against = stdout_of(&run_on(fresh, &["audit", "verify", "--against", path]));
    assert!(against.contains("clinic: 15 entries, chain intact"), "{against}");
    // The checkpoint is never written over.
    run_on(fresh, &["audit", "checkpoint", "--output", path]).failure(1, &["cannot create"]);

    // The backup restored: entries 13 to 15 gone, anchors as they were when it was taken.
    fresh.tamper_audit_log(&[
        "DELETE FROM audit_log WHERE org_id <> '' AND seq > 12",
        "DELETE FROM audit_anchors",
        "INSERT INTO audit_anchors SELECT * FROM anchors_backup",
    ]);
    let plain = stdout_of(&run_on(fresh, &["audit", "verify"]));
    assert!(plain.contains("clinic: 12 entries, chain intact"), "a consistent backup passes alone: {plain}");
    let output = run_on(fresh, &["audit", "verify", "--against", path]);
    assert_eq!(output.code, 1, "{output:#?}");
    insta::assert_snapshot!("audit_verify_against_restored_backup", failed(&output));

    // Every entry and the anchors deleted: nothing left in the database to compare with.
    fresh.tamper_audit_log(&[
        "DELETE FROM audit_log WHERE org_id <> ''",
        "DELETE FROM audit_anchors WHERE org_id <> ''",
    ]);
    let output = run_on(fresh, &["audit", "verify", "--against", path]);
    assert_eq!(output.code, 1, "{output:#?}");
    assert!(
        output.stdout.contains("clinic: 0 entries, audit chain broken at seq 1: newest entries missing"),
        "{output:#?}"
    );
}

/// A checkpoint edited to ask for less (an earlier head) fails its MAC and is refused.
fn an_edited_checkpoint_is_refused(db: &TestDatabase) {
    let scratch = tempfile::tempdir().unwrap();
    let fresh = db;
    twelve_entries(fresh);
    let text = stdout_of(&run_on(fresh, &["audit", "checkpoint"]));
    let mut checkpoint: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(checkpoint["format"], "amparo-audit-checkpoint/v1");
    let chains = checkpoint["chains"].as_array_mut().unwrap();
    let clinic = chains.iter_mut().find(|c| c["chain"] != "").unwrap();
    assert_eq!(clinic["seq"], 12);
    clinic["seq"] = 2.into();
    let edited = scratch.path().join("edited.json");
    std::fs::write(&edited, checkpoint.to_string()).unwrap();
    let outcome = run_on(fresh, &["audit", "verify", "--against", edited.to_str().unwrap()]);
    let stderr = outcome.stderr.replace(&*scratch.path().to_string_lossy(), "[dir]");
    assert_eq!(outcome.code, 2, "{outcome:#?}");
    insta::assert_snapshot!("audit_verify_against_edited_checkpoint", stderr);
}

/// A forged anchor (moved back to hide the newest entries) fails its MAC.
fn a_forged_anchor_is_detected(db: &TestDatabase) {
    let fresh = db;
    twelve_entries(fresh);
    fresh.tamper_audit_log(&[
        "DELETE FROM audit_log WHERE org_id <> '' AND seq > 10",
        "UPDATE audit_anchors SET seq = 10, hash = (SELECT hash FROM audit_log WHERE org_id <> '' AND seq = 10) WHERE org_id <> ''",
    ]);
    let output = run_on(fresh, &["audit", "verify"]);
    assert_eq!(output.code, 1, "{output:#?}");
    assert!(
        output.stdout.contains(
            "clinic: 10 entries, audit chain broken: the anchor of its head does not match its MAC"
        ),
        "{output:#?}"
    );
    // Amparo writes nothing more on a chain it cannot trust: the next change is refused.
    run_on(fresh, &["org", "policy", "--re-parole-lead-days", "120"]).failure(1, &["refuses appends"]);
}

/// Finding 6: `amparo import` and `amparo export` (each decrypted case) left no trace; both are now
/// recorded as the operator's, with the OS user's name, by id only.
fn imports_and_exports_are_the_operators_in_the_trail(db: &TestDatabase) {
    let scratch = tempfile::tempdir().unwrap();
    let as_olga = |args: &[&str]| crate::support::Run::new(args).on(db).env("USER", "olga").outcome();
    as_olga(&["org", "add", "clinic", "--name", "Clinic"]).success();
    let files: Vec<String> = ["A-7", "A-8"]
        .iter()
        .map(|reference| {
            let path = scratch.path().join(format!("{reference}.json"));
            std::fs::write(&path, crate::support::case_json(reference, "Lucía")).unwrap();
            path.to_string_lossy().into_owned()
        })
        .collect();
    as_olga(&[&["import"][..], &files.iter().map(String::as_str).collect::<Vec<_>>()].concat()).success();
    let out = scratch.path().join("out");
    as_olga(&["export", "--dir", out.to_str().unwrap()]).success();
    as_olga(&["export", "--case", "A-7"]).success();

    let trail: serde_json::Value =
        serde_json::from_str(&stdout_of(&run_on(db, &["audit", "list", "--json"]))).unwrap();
    let entries = trail.as_array().unwrap();
    let of = |action: &str| entries.iter().filter(|e| e["action"] == action).collect::<Vec<_>>();
    let imported = of("cases.imported");
    assert_eq!(imported.len(), 1, "{trail:#}");
    assert_eq!(imported[0]["actor"], "operator:olga");
    let detail: serde_json::Value = serde_json::from_str(imported[0]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["count"], 2);
    let exported = of("case.exported");
    assert_eq!(exported.len(), 3, "two by --dir, one by --case: {trail:#}");
    assert!(exported.iter().all(|e| e["actor"] == "operator:olga"));
    let text = trail.to_string();
    for value in ["Lucía", "Ejemplo", "Rosa", "A012345678", "012345678", "short bowel syndrome", "A-7", "A-8"]
    {
        assert!(!text.contains(value), "the trail holds {value:?}");
    }
    stdout_of(&run_on(db, &["audit", "verify"]));
}

amparo_store::on_both_backends!(
    imports_and_exports_are_the_operators_in_the_trail,
    changes_are_recorded_and_the_chain_verifies,
    tampering_is_detected,
    deleting_the_newest_audit_entries_is_detected,
    a_checkpoint_catches_what_the_anchor_cannot,
    an_edited_checkpoint_is_refused,
    a_forged_anchor_is_detected,
    i94_check_days_is_set_by_org_policy_checked_and_audited,
);
