//! What a document was made from, kept so that regenerating it can say what changed. A document
//! records a digest per fact it printed (`medical.days_to_critical_harm`, `exhibits[1].title`, an
//! exhibit file's bytes), never the facts themselves: the comparison names the facts that changed
//! without the record keeping a second, unsealed copy of the case.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Each printed fact's path and a digest of its value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint(pub BTreeMap<String, String>);

fn digest(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..8])
}

fn walk(path: &str, value: &serde_json::Value, into: &mut BTreeMap<String, String>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, inner) in fields {
                let next = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                walk(&next, inner, into);
            }
        }
        serde_json::Value::Array(items) => {
            into.insert(format!("{path}.count"), digest(items.len().to_string().as_bytes()));
            for (index, inner) in items.iter().enumerate() {
                walk(&format!("{path}[{index}]"), inner, into);
            }
        }
        serde_json::Value::Null => {}
        leaf => {
            into.insert(path.to_owned(), digest(leaf.to_string().as_bytes()));
        }
    }
}

impl Fingerprint {
    /// The fingerprint of a document's data and of the files it placed (by path).
    pub fn of(data: &serde_json::Value, files: &[(String, Vec<u8>)]) -> Fingerprint {
        let mut facts = BTreeMap::new();
        walk("", data, &mut facts);
        for (path, bytes) in files {
            facts.insert(format!("file:{path}"), digest(bytes));
        }
        Fingerprint(facts)
    }

    /// One digest of the whole: equal data, equal hash.
    pub fn hash(&self) -> String {
        let mut hash = Sha256::new();
        for (path, value) in &self.0 {
            hash.update(path.as_bytes());
            hash.update([0]);
            hash.update(value.as_bytes());
            hash.update([0]);
        }
        hex::encode(hash.finalize())
    }

    /// What differs from an `earlier` fingerprint, fact by fact, in path order.
    pub fn changes_since(&self, earlier: &Fingerprint) -> Vec<Change> {
        let mut changes = Vec::new();
        for (path, value) in &self.0 {
            match earlier.0.get(path) {
                None => changes.push(Change { path: path.clone(), how: ChangeKind::Added }),
                Some(before) if before != value => {
                    changes.push(Change { path: path.clone(), how: ChangeKind::Changed })
                }
                Some(_) => {}
            }
        }
        for path in earlier.0.keys().filter(|p| !self.0.contains_key(*p)) {
            changes.push(Change { path: path.clone(), how: ChangeKind::Removed });
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        changes
    }
}

/// One fact that differs between two generations of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub path: String,
    pub how: ChangeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_fact_is_named_and_the_others_are_not() {
        let before =
            serde_json::json!({"medical": {"days": 5, "condition": "x"}, "exhibits": [{"title": "A"}]});
        let after = serde_json::json!({"medical": {"days": 3, "condition": "x"}, "exhibits": []});
        let (a, b) = (Fingerprint::of(&before, &[]), Fingerprint::of(&after, &[]));
        let changes = b.changes_since(&a);
        let named: Vec<(&str, ChangeKind)> = changes.iter().map(|c| (c.path.as_str(), c.how)).collect();
        assert_eq!(
            named,
            [
                ("exhibits.count", ChangeKind::Changed),
                ("exhibits[0].title", ChangeKind::Removed),
                ("medical.days", ChangeKind::Changed),
            ]
        );
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash(), Fingerprint::of(&before, &[]).hash());
    }

    #[test]
    fn a_fingerprint_keeps_no_value_it_was_made_from() {
        let data = serde_json::json!({"medical": {"condition": "end-stage renal disease"}});
        let text = serde_json::to_string(&Fingerprint::of(&data, &[])).unwrap();
        assert!(!text.contains("renal"), "{text}");
    }
}
