//! HMAC-SHA-256 with fixed 32-byte keys, and the length-prefixed encoding every keyed hash
//! in this crate uses.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA-256 keyed with a 32-byte key.
///
/// RFC 2104 pads a key shorter than the hash's 64-byte block with zeros. Doing that padding
/// here lets us use the infallible `KeyInit::new` instead of `new_from_slice`, whose `Result`
/// can never be `Err` for HMAC but would still have to be carried through every caller.
pub(crate) fn hmac_sha256(key: &[u8; 32]) -> HmacSha256 {
    let mut block = Zeroizing::new([0u8; 64]);
    block[..32].copy_from_slice(key);
    <HmacSha256 as KeyInit>::new(&(*block).into())
}

/// Feeds `field` into a MAC as a 4-byte big-endian length followed by its bytes, so that
/// ("ab", "c") and ("a", "bc") can never hash alike.
pub(crate) fn update_field(mac: &mut impl Mac, field: &[u8]) {
    // Fields here are names, ids and JSON details far below 4 GiB; saturating keeps this
    // total without a panic path, and a longer field still hashes its full bytes.
    let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
    mac.update(&len.to_be_bytes());
    mac.update(field);
}

/// Appends `field` to `out` length-prefixed, the same framing as [`update_field`].
pub(crate) fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(field);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_padded_key_equals_the_slice_constructor() {
        let key = [7u8; 32];
        let mut a = hmac_sha256(&key);
        let mut b = <HmacSha256 as KeyInit>::new_from_slice(&key).unwrap();
        a.update(b"fictional message");
        b.update(b"fictional message");
        assert_eq!(a.finalize().into_bytes(), b.finalize().into_bytes());
    }

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe" (short keys are zero-padded the same way).
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let mut m = <HmacSha256 as KeyInit>::new_from_slice(b"Jefe").unwrap();
        m.update(b"what do ya want for nothing?");
        let expected = m.finalize().into_bytes();
        let mut ours = hmac_sha256(&key);
        ours.update(b"what do ya want for nothing?");
        let got = ours.finalize().into_bytes();
        assert_eq!(got, expected);
        assert_eq!(
            data_encoding::HEXLOWER.encode(&got),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
