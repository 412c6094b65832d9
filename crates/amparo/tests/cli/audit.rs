//! The audit trail through the real binary: changes of rules and policy are recorded, and editing,
//! deleting or reordering an entry behind Amparo's back is detected by `amparo audit verify`.

use amparo_store::testing::TestDatabase;

use crate::support::{run_on, stdout_of};

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
        None => ::postgres::Client::connect(&db.url, ::postgres::NoTls)
            .unwrap()
            .batch_execute("UPDATE audit_log SET detail = '{}'")
            .is_err(),
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

amparo_store::on_both_backends!(
    changes_are_recorded_and_the_chain_verifies,
    tampering_is_detected,
    i94_check_days_is_set_by_org_policy_checked_and_audited,
);
