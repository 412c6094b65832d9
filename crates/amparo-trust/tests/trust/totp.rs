//! TOTP: the RFC test vectors, skew and replay, base32 secrets and provisioning URIs.

use amparo_trust::totp::{TotpSecret, TotpSecretError, hotp};

// RFC 6238 Appendix B / RFC 4226 Appendix D: the SHA-1 secret is ASCII "12345678901234567890".
const RFC_SECRET: &[u8] = b"12345678901234567890";

fn rfc() -> TotpSecret {
    TotpSecret::from_bytes(RFC_SECRET.to_vec()).unwrap()
}

#[test]
fn rfc4226_hotp_vectors() {
    let expected = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
    for (counter, code) in expected.iter().enumerate() {
        assert_eq!(hotp(RFC_SECRET, counter as u64, 6), *code, "counter {counter}");
    }
}

#[test]
fn rfc6238_sha1_vectors() {
    // (time, 8-digit code from the RFC table)
    let vectors = [
        (59u64, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];
    let s = rfc();
    for (t, code8) in vectors {
        let step = TotpSecret::step_at(t);
        assert_eq!(format!("{:08}", hotp(RFC_SECRET, step, 8)), code8, "t={t}");
        // Six digits are the low six of the same truncation.
        assert_eq!(s.code_at(t), code8[2..], "t={t}");
        assert_eq!(s.verify(&code8[2..], t, 0), Some(step));
    }
}

#[test]
fn skew_is_allowed_one_step_each_way_and_no_more() {
    let s = rfc();
    let t = 1_234_567_890;
    let now = TotpSecret::step_at(t);
    let prev = s.code_at(t - 30);
    let next = s.code_at(t + 30);
    let two_ago = s.code_at(t - 60);
    assert_eq!(s.verify(&prev, t, 1), Some(now - 1));
    assert_eq!(s.verify(&next, t, 1), Some(now + 1));
    assert_eq!(s.verify(&prev, t, 0), None);
    assert_eq!(s.verify(&two_ago, t, 1), None);
    assert_eq!(s.verify(&two_ago, t, 2), Some(now - 2));
}

#[test]
fn replay_of_a_used_step_is_refused() {
    let s = rfc();
    let t = 1_111_111_111;
    let code = s.code_at(t);
    let step = s.verify_after(&code, t, 1, None).unwrap();
    assert_eq!(s.verify_after(&code, t + 5, 1, Some(step)), None);
    // An older code after a newer one was used is refused too.
    let older = s.code_at(t - 30);
    assert_eq!(s.verify_after(&older, t, 1, Some(step)), None);
    let newer = s.code_at(t + 30);
    assert_eq!(s.verify_after(&newer, t + 30, 1, Some(step)), Some(step + 1));
}

#[test]
fn malformed_codes_never_match() {
    let s = rfc();
    let t = 59;
    for bad in ["", "28708", "2870822", "abcdef", "28708a", "-28708", "２８７０８２"] {
        assert_eq!(s.verify(bad, t, 1), None, "{bad:?}");
    }
    assert_eq!(s.verify("287 082", t, 0), Some(1));
}

#[test]
fn near_time_zero_does_not_underflow() {
    let s = rfc();
    let code = s.code_at(0);
    assert_eq!(s.verify(&code, 0, 1), Some(0));
}

#[test]
fn base32_round_trip_and_lenient_input() {
    let s = rfc();
    let b32 = s.to_base32();
    assert_eq!(b32.expose(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    let again = TotpSecret::from_base32("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq").unwrap();
    assert_eq!(again.code_at(59), "287082");
    assert_eq!(
        TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====").unwrap().code_at(59),
        "287082"
    );
    assert_eq!(TotpSecret::from_base32("not base32!").unwrap_err(), TotpSecretError::NotBase32);
    assert_eq!(TotpSecret::from_base32("GEZDGNBV").unwrap_err(), TotpSecretError::TooShort);
}

#[test]
fn generated_secrets_are_160_bits_and_differ() {
    let a = TotpSecret::generate().unwrap();
    let b = TotpSecret::generate().unwrap();
    assert_eq!(a.expose_bytes().len(), 20);
    assert_ne!(a.expose_bytes(), b.expose_bytes());
    assert_eq!(a.to_base32().expose().len(), 32);
}

#[test]
fn provisioning_uri() {
    let s = rfc();
    let uri = s.provisioning_uri("ana.r@example.org");
    assert_eq!(
        uri.expose(),
        "otpauth://totp/Amparo:ana.r%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amparo&algorithm=SHA1&digits=6&period=30"
    );
    // Only what was passed in appears, and a label cannot inject parameters.
    let tricky = s.provisioning_uri("x?secret=AAAA&issuer=Evil");
    assert!(tricky.expose().starts_with("otpauth://totp/Amparo:x%3Fsecret%3DAAAA%26issuer%3DEvil?"));
}

#[test]
fn secret_never_prints() {
    let s = rfc();
    let shown = format!("{s:?} {:?} {}", s.to_base32(), s.provisioning_uri("u"));
    assert!(!shown.contains("GEZDGNBV"));
    assert!(!shown.contains("1234567890"));
    assert!(!shown.contains("49, 50"));
}
