//! Field encryption: round trips, tampering, key rotation and the wrong-key canary.

use amparo_trust::cipher::{
    DecryptError, FieldKey, KeyId, Keyring, MIN_ENVELOPE_LEN, field_ad, parse_header,
};
use proptest::prelude::*;

fn key(n: u8) -> FieldKey {
    FieldKey::new(KeyId::from_bytes([n; 8]), [n.wrapping_mul(31); 32])
}

fn ad() -> Vec<u8> {
    field_ad("org-demo", "persons", "a_number", "person-0001")
}

#[test]
fn round_trip_bytes_and_text() {
    let k = key(1);
    let env = k.encrypt(b"A-number 000000001", &ad()).unwrap();
    assert_eq!(k.decrypt(&env, &ad()).unwrap(), b"A-number 000000001");
    let text = k.encrypt_text("Diagnóstico ficticio", &ad()).unwrap();
    assert!(!text.contains("ficticio"));
    assert_eq!(k.decrypt_text(&text, &ad()).unwrap(), "Diagnóstico ficticio");
}

#[test]
fn empty_plaintext_round_trips() {
    let k = key(1);
    let env = k.encrypt(b"", &ad()).unwrap();
    assert_eq!(env.len(), MIN_ENVELOPE_LEN);
    assert_eq!(k.decrypt(&env, &ad()).unwrap(), b"");
}

#[test]
fn same_value_encrypts_differently_each_time() {
    let k = key(1);
    let a = k.encrypt(b"same", &ad()).unwrap();
    let b = k.encrypt(b"same", &ad()).unwrap();
    assert_ne!(a, b);
}

#[test]
fn header_names_version_and_key() {
    let k = key(7);
    let env = k.encrypt(b"x", &ad()).unwrap();
    let h = parse_header(&env).unwrap();
    assert_eq!(h.version, 1);
    assert_eq!(h.key_id, k.key_id());
    assert_eq!(h.key_id.to_string(), "0707070707070707");
}

#[test]
fn wrong_key_is_named() {
    let env = key(1).encrypt(b"x", &ad()).unwrap();
    let err = key(2).decrypt(&env, &ad()).unwrap_err();
    assert_eq!(err, DecryptError::WrongKey { key_id: KeyId::from_bytes([1; 8]) });
    assert!(err.to_string().contains("0101010101010101"));
}

#[test]
fn same_id_different_bytes_is_tampered_not_readable() {
    let env = key(1).encrypt(b"x", &ad()).unwrap();
    let impostor = FieldKey::new(KeyId::from_bytes([1; 8]), [0xee; 32]);
    assert_eq!(impostor.decrypt(&env, &ad()), Err(DecryptError::Tampered));
}

#[test]
fn tampered_byte_fails_everywhere_after_the_header() {
    let k = key(1);
    let env = k.encrypt(b"fictional diagnosis", &ad()).unwrap();
    for i in 9..env.len() {
        let mut bad = env.clone();
        bad[i] ^= 0x01;
        assert_eq!(k.decrypt(&bad, &ad()), Err(DecryptError::Tampered), "byte {i}");
    }
}

#[test]
fn changed_key_id_or_version_is_detected() {
    let k = key(1);
    let env = k.encrypt(b"x", &ad()).unwrap();
    let mut bad = env.clone();
    bad[3] ^= 0xff;
    assert!(matches!(k.decrypt(&bad, &ad()), Err(DecryptError::WrongKey { .. })));
    let mut bad = env;
    bad[0] = 2;
    assert_eq!(k.decrypt(&bad, &ad()), Err(DecryptError::UnknownVersion { version: 2 }));
}

#[test]
fn value_copied_to_another_row_or_column_fails() {
    let k = key(1);
    let env = k.encrypt(b"000000001", &ad()).unwrap();
    let other_row = field_ad("org-demo", "persons", "a_number", "person-0002");
    let other_col = field_ad("org-demo", "persons", "receipt", "person-0001");
    let other_org = field_ad("org-other", "persons", "a_number", "person-0001");
    for wrong in [other_row, other_col, other_org, Vec::new()] {
        assert_eq!(k.decrypt(&env, &wrong), Err(DecryptError::Tampered));
    }
}

#[test]
fn truncated_envelopes() {
    let k = key(1);
    let env = k.encrypt(b"hello", &ad()).unwrap();
    assert_eq!(k.decrypt(&[], &ad()), Err(DecryptError::Truncated));
    for len in 1..MIN_ENVELOPE_LEN {
        assert_eq!(k.decrypt(&env[..len], &ad()), Err(DecryptError::Truncated), "len {len}");
    }
    // Cut inside the ciphertext: long enough to parse, so the tag check fails.
    assert_eq!(k.decrypt(&env[..env.len() - 1], &ad()), Err(DecryptError::Tampered));
}

#[test]
fn text_errors() {
    let k = key(1);
    assert_eq!(k.decrypt_text("not base64!!", &ad()), Err(DecryptError::NotBase64));
    let env = k.encrypt(&[0xff, 0xfe], &ad()).unwrap();
    let text = base64_of(&env);
    assert_eq!(k.decrypt_text(&text, &ad()), Err(DecryptError::NotUtf8));
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn debug_never_shows_key_bytes() {
    let k = FieldKey::new(KeyId::from_bytes([1; 8]), [0xab; 32]);
    let shown = format!("{k:?}");
    assert!(shown.contains("***"));
    assert!(!shown.to_lowercase().contains("abab"));
    assert!(!shown.contains("171"));
    let ring = Keyring::new(k, []);
    assert!(!format!("{ring:?}").to_lowercase().contains("abab"));
}

#[test]
fn keyring_rotation_keeps_old_values_readable() {
    let old = key(1);
    let new = key(2);
    let before = Keyring::new(old.clone(), []);
    let stored = before.encrypt_text("fictional note", &ad()).unwrap();
    assert!(!before.needs_rotation_text(&stored));

    let after = Keyring::new(new.clone(), [old.clone()]);
    assert_eq!(after.key_ids(), vec![new.key_id(), old.key_id()]);
    assert_eq!(after.decrypt_text(&stored, &ad()).unwrap(), "fictional note");
    assert!(after.needs_rotation_text(&stored));

    let rewritten = after.reencrypt_text(&stored, &ad()).unwrap().unwrap();
    assert!(!after.needs_rotation_text(&rewritten));
    assert_eq!(after.decrypt_text(&rewritten, &ad()).unwrap(), "fictional note");
    assert!(after.reencrypt_text(&rewritten, &ad()).unwrap().is_none());

    // Once the old key is dropped, unrotated values name the missing key.
    let only_new = Keyring::new(new, []);
    let env = after.encrypt(b"x", &ad()).unwrap();
    assert!(only_new.decrypt(&env, &ad()).is_ok());
    let stale = before.encrypt(b"x", &ad()).unwrap();
    assert_eq!(only_new.decrypt(&stale, &ad()), Err(DecryptError::WrongKey { key_id: old.key_id() }));
}

#[test]
fn reencrypt_of_a_damaged_value_reports_it() {
    let ring = Keyring::new(key(2), [key(1)]);
    assert!(ring.reencrypt(&[1, 2, 3], &ad()).is_err());
    let mut env = key(1).encrypt(b"x", &ad()).unwrap();
    let last = env.len() - 1;
    env[last] ^= 1;
    assert!(ring.needs_rotation(&env));
    assert!(ring.reencrypt(&env, &ad()).is_err());
    assert!(!ring.needs_rotation(&[]));
}

#[test]
fn canary_detects_the_wrong_key_before_any_write() {
    let right = Keyring::new(key(1), []);
    let canary = right.canary().unwrap();
    right.check_canary(&canary).unwrap();

    let wrong = Keyring::new(key(9), []);
    assert_eq!(wrong.check_canary(&canary), Err(DecryptError::WrongKey { key_id: key(1).key_id() }));
    // After a rotation the old canary still checks (the old key is held).
    let rotated = Keyring::new(key(2), [key(1)]);
    rotated.check_canary(&canary).unwrap();
    assert!(rotated.needs_rotation_text(&canary));
    // A field value put in the canary's place is refused.
    let value = right.encrypt_text("amparo key canary v1", &ad()).unwrap();
    assert_eq!(right.check_canary(&value), Err(DecryptError::Tampered));
}

#[test]
fn key_id_parses_and_prints() {
    let id: KeyId = "0123456789abcdef".parse().unwrap();
    assert_eq!(id.to_string(), "0123456789abcdef");
    assert!("0123".parse::<KeyId>().is_err());
    assert!("zz23456789abcdef".parse::<KeyId>().is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trip_any_bytes(plaintext in proptest::collection::vec(any::<u8>(), 0..512),
                            ad in proptest::collection::vec(any::<u8>(), 0..128)) {
        let k = key(3);
        let env = k.encrypt(&plaintext, &ad).unwrap();
        prop_assert_eq!(k.decrypt(&env, &ad).unwrap(), plaintext);
    }

    #[test]
    fn any_single_byte_flip_fails(plaintext in proptest::collection::vec(any::<u8>(), 0..64),
                                  index in any::<prop::sample::Index>(),
                                  bit in 0u8..8) {
        let k = key(4);
        let env = k.encrypt(&plaintext, b"ad").unwrap();
        let i = index.index(env.len());
        let mut bad = env.clone();
        bad[i] ^= 1 << bit;
        prop_assert!(k.decrypt(&bad, b"ad").is_err());
    }
}
