//! An attachment's bytes under the store's keys: sealed with the current key in chunks bound to the
//! organisation, case and attachment (`amparo_trust::stream`), opened with whichever held key wrote
//! them (re-reading the key file once when another process rotated it).

use amparo_trust::stream::{self, StreamError};

use crate::error::{StoreError, StoreResult};
use crate::security::seal::Sealer;

/// The sealed object for `plaintext`, and the id of the key it is sealed under.
pub(crate) fn seal(
    sealer: &Sealer,
    (org, case, id): (&str, &str, &str),
    plaintext: &[u8],
) -> StoreResult<(Vec<u8>, String)> {
    let keys = sealer.keys();
    let ring = keys.keyring();
    let ad = stream::attachment_ad(org, case, id);
    let sealed = stream::seal(&ring, plaintext, &ad)
        .map_err(|e| StoreError::Key(format!("cannot encrypt attachment {id}: {e}")))?;
    Ok((sealed, ring.current_key_id().to_string()))
}

/// The plaintext of a sealed object.
pub(crate) fn open(
    sealer: &Sealer,
    (org, case, id): (&str, &str, &str),
    object: &[u8],
) -> StoreResult<Vec<u8>> {
    let ad = stream::attachment_ad(org, case, id);
    let opened = match stream::open(&sealer.keys().keyring(), object, &ad) {
        Err(StreamError::WrongKey { .. }) if sealer.reload()? => {
            stream::open(&sealer.keys().keyring(), object, &ad)
        }
        other => other,
    };
    opened
        .map(|plain| plain.to_vec())
        .map_err(|e| StoreError::Key(format!("cannot decrypt attachment {id}: {e}")))
}

/// The object re-sealed under the current key, or `None` when it already is.
pub(crate) fn reseal(
    sealer: &Sealer,
    (org, case, id): (&str, &str, &str),
    object: &[u8],
) -> StoreResult<Option<Vec<u8>>> {
    let ad = stream::attachment_ad(org, case, id);
    stream::reseal(&sealer.keys().keyring(), object, &ad)
        .map_err(|e| StoreError::Key(format!("cannot re-encrypt attachment {id}: {e}")))
}
