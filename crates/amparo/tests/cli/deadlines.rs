//! `amparo deadlines` through the real binary: the documented JSON for case files, path-addressed
//! errors, and organisation-wide queries over stored deadlines on both backends.

use std::path::{Path, PathBuf};

use amparo_store::testing::TestDatabase;

use crate::support::{Outcome, Run, run, run_env, stdout_of};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../amparo-domain/tests/data/examples-2027.1")
}

#[test]
fn case_file_json_matches_every_worked_example() {
    let mut checked = 0;
    let names = [
        "e1-regrant",
        "e2-rfe-mail",
        "e3-expired-adult",
        "e4-answer-links",
        "e5-ead-revocation-re-parole-denied",
        "e6-departure-reentry-bar",
    ];
    for name in names {
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(examples().join(format!("{name}.expected.json"))).unwrap(),
        )
        .unwrap();
        let today = expected["today"].as_str().unwrap();
        let file = examples().join(format!("{name}.json"));
        let output = run(&["deadlines", "--case-file", file.to_str().unwrap(), "--today", today, "--json"]);
        let actual: serde_json::Value = serde_json::from_str(&stdout_of(&output)).unwrap();
        assert_eq!(actual["rule_set"], "us-parole/2027.1");
        assert_eq!(actual["today"], expected["today"]);
        let people: Vec<serde_json::Value> = actual["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let c = &p["coverage"];
                serde_json::json!({ "person": p["person"], "status": p["status"], "parole_ends": p["parole_ends"],
                    "coverage": { "qualified_alien": c["qualified_alien"],
                        "cuban_haitian_entrant": c["cuban_haitian_entrant"],
                        "federal_medicaid": c["federal_medicaid"] } })
            })
            .collect();
        assert_eq!(serde_json::Value::from(people), expected["people"], "{name}: people");
        let deadlines: Vec<serde_json::Value> = actual["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                for field in ["window_opens", "advisory", "rule", "basis", "citation", "why"] {
                    assert!(d.get(field).is_some(), "{name}: deadline without {field}: {d}");
                }
                assert!(
                    !d["why"].as_str().unwrap().is_empty() && !d["citation"].as_str().unwrap().is_empty()
                );
                let mut line =
                    serde_json::json!({ "kind": d["kind"], "person": d["person"], "due": d["due"] });
                if d["advisory"] == serde_json::json!(true) {
                    line["advisory"] = serde_json::json!(true);
                }
                line
            })
            .collect();
        assert_eq!(serde_json::Value::from(deadlines), expected["deadlines"], "{name}: deadlines");
        checked += 1;
    }
    assert_eq!(checked, 6);
}

#[test]
fn case_file_table_says_dates_are_not_legal_advice() {
    let file = examples().join("e2-rfe-mail.json");
    let text =
        stdout_of(&run(&["deadlines", "--case-file", file.to_str().unwrap(), "--today", "2026-02-20"]));
    assert!(text.contains("rfe_response_due") && text.contains("2026-05-07"), "{text}");
    assert!(text.contains("84 + 3 days = 2026-05-07"), "{text}");
    assert!(text.contains("not legal advice"), "{text}");
}

#[test]
fn case_file_why_in_spanish_with_language_es() {
    let file = examples().join("e2-rfe-mail.json");
    let args = ["deadlines", "--case-file", file.to_str().unwrap(), "--today", "2026-02-20"];
    let text = stdout_of(&run(&[&args[..], &["--language", "es"]].concat()));
    assert!(
        text.contains("why: Solicitud de evidencia (RFE) notificada por correo postal el 9 de febrero de 2026: 84 + 3 días = 7 de mayo de 2026"),
        "{text}"
    );
    assert!(!text.contains("RFE served by mail"), "{text}");
    let json = stdout_of(&run(&[&args[..], &["--language", "es", "--json"]].concat()));
    assert!(json.contains("\"why\": \"Solicitud de evidencia (RFE)"), "{json}");
    let bad = run(&[&args[..], &["--language", "fr"]].concat());
    assert_eq!(Some(bad.code), Some(2));
    assert!(bad.stderr.as_str().contains("--language"));
}

#[test]
fn bad_case_files_name_the_field_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(examples().join("e1-regrant.json")).unwrap();
    let bad = text.replacen("\"valid_until\": \"2025-09-04\"", "\"valid_until\": \"2026-13-01\"", 1);
    assert_ne!(bad, text);
    let path = dir.path().join("bad.json");
    std::fs::write(&path, bad).unwrap();
    let output = run(&["deadlines", "--case-file", path.to_str().unwrap(), "--json"]);
    assert_eq!(Some(output.code), Some(2));
    let stderr = output.stderr.as_str();
    assert!(stderr.contains("bad.json: events[0].valid_until: not a date: \"2026-13-01\""), "{stderr}");
    assert!(output.stdout.is_empty());
    let bad_today = run(&["deadlines", "--case-file", path.to_str().unwrap(), "--today", "tomorrow"]);
    assert_eq!(Some(bad_today.code), Some(2));
}

fn due_within_across_stored_cases(db: &TestDatabase) {
    let database = ["--database", db.url.as_str()];
    let key = db.key_env();
    let keyed = |args: &[&str]| run_env(&key, args);
    stdout_of(&keyed(&[&["org", "add", "demo", "--name", "Demo"][..], &database].concat()));
    let files: Vec<String> = ["e1-regrant", "e2-rfe-mail", "e3-expired-adult"]
        .iter()
        .map(|n| examples().join(format!("{n}.json")).to_string_lossy().into_owned())
        .collect();
    let mut import = vec!["import"];
    import.extend(files.iter().map(String::as_str));
    stdout_of(&keyed(&[&import[..], &database].concat()));

    let query = |extra: &[&str]| {
        let mut args = vec!["deadlines", "--due-within", "120", "--today", "2026-02-01", "--json"];
        args.extend_from_slice(extra);
        let out = stdout_of(&keyed(&[&args[..], &database].concat()));
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let all = query(&[]);
    let rows: Vec<(String, String, String)> = all["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["due"].as_str().unwrap().into(),
                d["kind"].as_str().unwrap().into(),
                d["reference"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        rows.iter().all(|(due, _, _)| due.as_str() >= "2026-02-01" && due.as_str() <= "2026-06-01"),
        "{rows:?}"
    );
    assert!(rows.contains(&("2026-05-07".into(), "rfe_response_due".into(), "PUB-2".into())), "{rows:?}");
    assert!(rows.contains(&("2026-05-11".into(), "parole_ends".into(), "PUB-1".into())), "{rows:?}");
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted);

    let rfe = query(&["--kind", "rfe_response_due"]);
    assert_eq!(rfe["deadlines"].as_array().unwrap().len(), 1);
    assert_eq!(rfe["deadlines"][0]["citation"], "8 CFR 103.2(b)(8)(iv), 103.8(b), 1.2");

    // The stored facts are written again in the language asked for.
    let es = query(&["--kind", "rfe_response_due", "--language", "es"]);
    let why = es["deadlines"][0]["why"].as_str().unwrap();
    assert!(
        why.starts_with("Solicitud de evidencia (RFE) notificada por correo postal el 9 de febrero de 2026: 84 + 3 días = 7 de mayo de 2026"),
        "{why}"
    );
    let unknown = keyed(&[&["deadlines", "--due-within", "5", "--kind", "bogus"][..], &database].concat());
    assert_eq!(Some(unknown.code), Some(2));

    // A policy change re-derives the stored targets at once.
    let targets = |value: &serde_json::Value| -> Vec<String> {
        value["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "re_parole_file_by" && d["reference"] == "PUB-1")
            .map(|d| d["due"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(targets(&all), ["2026-02-10", "2026-02-10"]);
    stdout_of(&keyed(&[&["org", "policy", "--re-parole-lead-days", "100"][..], &database].concat()));
    // 100 days before 2026-05-11 is Saturday 2026-01-31, moved back to Friday: before this window.
    assert!(targets(&query(&[])).is_empty());
    let wider = stdout_of(&keyed(
        &[&["deadlines", "--due-within", "150", "--today", "2026-01-01", "--json"][..], &database].concat(),
    ));
    assert_eq!(targets(&serde_json::from_str(&wider).unwrap()), ["2026-01-30", "2026-01-30"]);
    // The roll off the Saturday is kept as a code and said in Spanish on read.
    let wider_es = stdout_of(&keyed(
        &[&["deadlines", "--due-within", "150", "--today", "2026-01-01", "--language", "es"][..], &database]
            .concat(),
    ));
    assert!(
        wider_es.contains("el 31 de enero de 2026 es un sábado, así que la fecha objetivo se adelanta al día hábil anterior, el 30 de enero de 2026"),
        "{wider_es}"
    );
}

amparo_store::on_both_backends!(due_within_across_stored_cases);

#[test]
fn an_operator_rule_set_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, amparo_domain::rules::BUILTIN_TOML.replacen("days = 84", "days = 90", 1)).unwrap();
    let file = examples().join("e2-rfe-mail.json");
    let run = |rules_file: &Path, config: Option<&Path>| {
        let run = Run::new(&[
            "deadlines",
            "--case-file",
            file.to_str().unwrap(),
            "--today",
            "2026-02-20",
            "--json",
        ]);
        match config {
            Some(config) => run.args(&["--config", config.to_str().unwrap()]),
            None => run.env("AMPARO_RULES_FILE", rules_file.to_string_lossy()),
        }
        .outcome()
    };
    let rfe_due = |output: &Outcome| {
        let value: serde_json::Value = serde_json::from_str(&stdout_of(output)).unwrap();
        value["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "rfe_response_due").unwrap()["due"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(rfe_due(&run(&rules, None)), "2026-05-13", "90 + 3 days under the operator's rules");
    let config = dir.path().join("amparo.toml");
    std::fs::write(&config, format!("rules_file = {:?}\n", rules.to_str().unwrap())).unwrap();
    assert_eq!(rfe_due(&run(&rules, Some(&config))), "2026-05-13", "the same through the settings file");
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "id = 'broken'\n").unwrap();
    let refused = run(&broken, None);
    assert_eq!(Some(refused.code), Some(2));
    assert!(refused.stderr.as_str().contains("broken.toml"));

    // A broken escalation-templates file is named too.
    let templates = dir.path().join("checklists.toml");
    std::fs::write(&templates, "not = [valid\n").unwrap();
    let refused = Run::new(&["deadlines", "--case-file", file.to_str().unwrap(), "--json"])
        .env("AMPARO_ESCALATION_TEMPLATES_FILE", templates.to_string_lossy())
        .outcome();
    assert_eq!(Some(refused.code), Some(2));
    let stderr = refused.stderr.as_str();
    assert!(stderr.contains("checklists.toml") && stderr.contains("escalation templates"), "{stderr}");
}
