//! The scan every test's log goes through when the test ends: no seeded personal data in it,
//! whether it was written as text or as JSON lines (`log_format = "json"`), where a value could hide
//! behind JSON's escapes (`\u00ed` for `í`, `\"` inside a message): each JSON line is read back and
//! every key and string in it is scanned as well as the raw text.

use super::fixtures::SEEDED_PERSONAL_DATA;

/// Every string of a JSON value, keys included.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => out.push(text.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                out.push(key.clone());
                strings(item, out);
            }
        }
        _ => {}
    }
}

/// The seeded personal value `log` holds, if any.
pub fn personal_data_in(log: &str) -> Option<&'static str> {
    let mut texts = vec![log.to_owned()];
    for line in log.lines() {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(line) {
            strings(&value, &mut texts);
        }
    }
    SEEDED_PERSONAL_DATA.iter().copied().find(|value| texts.iter().any(|text| text.contains(value)))
}

/// Fails the test when `log` holds seeded personal data; `whose` names the log.
pub fn assert_no_personal_data(whose: &str, log: &str) {
    if let Some(value) = personal_data_in(log) {
        panic!("{whose} logged personal data ({value}):\n{log}");
    }
}
