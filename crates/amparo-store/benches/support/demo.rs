//! What every benchmark of a demo database starts with: the store opened on it under the key file
//! `AMPARO_KEY_FILE` names, its first organisation, and numbers read from the environment.

use std::sync::Arc;

use amparo_store::{Organisation, Store};

/// The store on `url` and the first organisation in it (the demo's).
pub fn open(url: &str) -> (Arc<Store>, Organisation) {
    let key_file = std::env::var_os("AMPARO_KEY_FILE").map(std::path::PathBuf::from);
    let (sealer, _) = amparo_store::seal::keys_for_database(url, key_file.as_deref(), None).unwrap();
    let store = amparo_store::open(url, sealer).unwrap();
    let org = store.organisations().unwrap().into_iter().next().expect("an organisation");
    (store, org)
}

/// The number the environment variable `name` holds, or `default` when it is unset or not a number.
pub fn number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}
