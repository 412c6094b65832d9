//! The upgrade to a new rule set on both backends: a database whose cases were derived under
//! us-parole/2026.1, opened with the built-in us-parole/2027.1, records the change in the
//! installation's audit trail naming both rule sets, and every case is derived again under 2027.1.

use amparo_domain::Date;
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{now, org};

amparo_store::on_both_backends!(cases_derived_under_2026_1_are_rederived_under_2027_1_and_the_change_audited);

fn family() -> amparo_domain::CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "UPGRADE-1",
            "program": "humanitarian",
            "people": [{ "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" }]
        },
        "events": [{ "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" }]
    })
    .to_string();
    amparo_domain::CaseFile::parse(&text).unwrap().0
}

fn kinds(store: &Store, org: &OrgId) -> Vec<String> {
    let query =
        DeadlineQuery { from: "2000-01-01".parse().unwrap(), to: "2099-12-31".parse().unwrap(), kind: None };
    store.deadlines_due(org, &query).unwrap().into_iter().map(|d| d.kind).collect()
}

fn cases_derived_under_2026_1_are_rederived_under_2027_1_and_the_change_audited(db: &TestDatabase) {
    let templates = amparo_domain::triage::BUILTIN_ESCALATION_TOML;
    let old_rules = Rules::from_toml(amparo_domain::rules::US_PAROLE_2026_1_TOML, templates).unwrap();
    let old = open_with_rules(&db.url, old_rules, db.sealer()).unwrap();
    let a = org(&old, "upgrade");
    old.import_cases(&a, &[family()], None, now()).unwrap();
    let today: Date = "2026-03-01".parse().unwrap();
    assert_eq!(old.refresh_derived(&a, today, now()).unwrap(), 0, "derived on import, under 2026.1");
    drop(old);

    let upgraded = open_with_rules(&db.url, Rules::builtin().unwrap(), db.sealer()).unwrap();
    let adopted: Vec<AuditRecord> =
        upgraded.audit_log(None).unwrap().into_iter().filter(|e| e.action == "rule_set.adopted").collect();
    let latest = adopted.iter().max_by_key(|e| e.seq).unwrap();
    assert_eq!(latest.target, "us-parole/2027.1");
    let detail: serde_json::Value = serde_json::from_str(&latest.detail).unwrap();
    assert_eq!(
        detail["rule_set"],
        serde_json::json!({ "before": "us-parole/2026.1", "after": "us-parole/2027.1" })
    );
    assert!(detail["previous"].is_string(), "the earlier fingerprint is kept: {detail}");

    assert_eq!(upgraded.refresh_derived(&a, today, now()).unwrap(), 1, "every case derived again");
    assert!(kinds(&upgraded, &a).contains(&"i94_recheck_by".to_owned()), "{:?}", kinds(&upgraded, &a));
    // Derived again under the same rules, nothing changes.
    assert_eq!(upgraded.refresh_derived(&a, today, now()).unwrap(), 0);
}
