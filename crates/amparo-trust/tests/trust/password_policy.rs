//! The password policy: length, blocklist, context words and normalisation.

use amparo_trust::password_policy::{
    MAX_LEN, PasswordContext, PasswordError, blocklist_len, check, normalise,
};

fn single() -> PasswordContext {
    PasswordContext::new(false).with_email("ana.garcia@example.org")
}

fn with_totp() -> PasswordContext {
    PasswordContext::new(true).with_email("ana.garcia@example.org")
}

#[test]
fn long_passphrases_are_accepted() {
    for ok in [
        "river lantern quietly purple",
        "tortuga azul bajo la lluvia",
        "Mi perro come naranjas los martes",
        "staple-window-ocean-violin",
    ] {
        assert_eq!(check(ok, &single()), Ok(()), "{ok}");
    }
    // No composition rules: all lower case letters and spaces is fine.
    assert_eq!(check("quiet heron paints slowly", &single()), Ok(()));
}

#[test]
fn minimum_depends_on_the_second_factor() {
    assert_eq!(check("kestrel9lamp", &single()), Err(PasswordError::TooShort { min: 15, actual: 12 }));
    assert_eq!(check("kestrel9lamp", &with_totp()), Ok(()));
    assert_eq!(check("kes9lmp", &with_totp()), Err(PasswordError::TooShort { min: 8, actual: 7 }));
    assert_eq!(check("", &with_totp()), Err(PasswordError::TooShort { min: 8, actual: 0 }));
}

#[test]
fn unicode_characters_count_once_after_nfc() {
    // "ñ" as n + combining tilde is one character.
    let decomposed = "man\u{0303}ana soleada en otoño";
    assert_eq!(normalise(decomposed), "mañana soleada en otoño");
    assert_eq!(check(decomposed, &single()), Ok(()));
    // Fifteen characters, some multibyte: accepted at exactly the minimum.
    let fifteen = "ñandú pingüino!";
    assert_eq!(fifteen.chars().count(), 15);
    assert_eq!(check(fifteen, &single()), Ok(()));
    let fourteen = "ñandú pingüino";
    assert_eq!(check(fourteen, &single()), Err(PasswordError::TooShort { min: 15, actual: 14 }));
}

#[test]
fn maximum_is_generous() {
    let words = ["maple", "orbit", "cello", "fjord", "tundra", "quill", "ember", "lagoon"];
    let mut long = String::new();
    let mut i = 0;
    while long.chars().count() < MAX_LEN {
        long.push_str(words[i % words.len()]);
        long.push_str(&(i % 7).to_string());
        long.push(' ');
        i += 1;
    }
    let long: String = long.chars().take(MAX_LEN).collect();
    assert_eq!(check(&long, &single()), Ok(()));
    let too_long = format!("{long}x");
    assert_eq!(check(&too_long, &single()), Err(PasswordError::TooLong { max: MAX_LEN }));
    const { assert!(MAX_LEN >= 64) };
}

#[test]
fn blocklisted_passwords_and_variants_are_refused() {
    for bad in [
        "password",
        "PASSWORD",
        "Password123!",
        "P@ssw0rd2024",
        "iloveyou",
        "ILoveYou1234567",
        "correcthorsebatterystaple",
        "Correct Horse Battery Staple",
        "correct-horse-battery-staple!",
        "qwertyuiop",
        "1q2w3e4r5t",
        "123456789",
        "contraseña",
        "Contrasena123",
        "teamo1234567",
        "princesa2024",
        "superman12345678",
        "!!!sunshine!!!2026",
    ] {
        let ctx = if bad.chars().count() >= 15 { single() } else { with_totp() };
        assert_eq!(check(bad, &ctx), Err(PasswordError::Blocklisted), "{bad}");
    }
}

#[test]
fn repetitive_and_sequential_passwords_are_refused() {
    for bad in [
        "aaaaaaaaaaaaaaaa",
        "abcabcabcabcabcabc",
        "bcdefghijklmnopq",
        "9876543210987654",
        "zzzzzzzzzzzzzzzzzzzzzzzz",
        "horse horse horse horse",
    ] {
        assert_eq!(check(bad, &single()), Err(PasswordError::Repetitive), "{bad}");
    }
}

#[test]
fn context_words_are_refused() {
    for bad in ["amparo2024", "Amparo!Amparo!", "AnaGarcia1985", "garcia.ana.2024", "amparopassword1"] {
        let err = check(bad, &with_totp()).unwrap_err();
        assert!(matches!(err, PasswordError::ContextWord { .. }), "{bad}: {err:?}");
    }
    match check("AnaGarcia1985!!!", &single()) {
        Err(PasswordError::ContextWord { word }) => assert_eq!(word, "anagarcia"),
        other => panic!("{other:?}"),
    }
    match check("amparo-amparo-amparo-2024", &single()) {
        Err(PasswordError::ContextWord { word }) => assert_eq!(word, "amparo"),
        other => panic!("{other:?}"),
    }
    // A word the caller adds, such as the organisation's name.
    let ctx = PasswordContext::new(true).with_word("Clínica Rioverde");
    assert!(matches!(check("Rioverde2024", &ctx), Err(PasswordError::ContextWord { .. })));
    // A context word inside a real passphrase is fine.
    assert_eq!(check("my amparo login is a purple giraffe", &single()), Ok(()));
}

#[test]
fn reasons_read_in_english() {
    let cases = [
        (PasswordError::TooShort { min: 15, actual: 9 }, "at least 15"),
        (PasswordError::TooLong { max: 256 }, "at most 256"),
        (PasswordError::Blocklisted, "too common"),
        (PasswordError::ContextWord { word: "amparo".into() }, "“amparo”"),
        (PasswordError::Repetitive, "repeated or sequential"),
    ];
    for (err, en) in cases {
        assert!(err.to_string().contains(en), "{err}");
    }
}

#[test]
fn blocklist_is_a_few_thousand_entries() {
    let n = blocklist_len();
    assert!((3000..20_000).contains(&n), "{n}");
}

#[test]
fn errors_never_echo_the_password() {
    let pw = "Password123!";
    let err = check(pw, &with_totp()).unwrap_err();
    assert!(!err.to_string().to_lowercase().contains("password123"));
    assert!(!format!("{err:?}").contains(pw));
}
