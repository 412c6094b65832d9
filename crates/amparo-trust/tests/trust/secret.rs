//! Secrets never show their payload when printed or logged.

use amparo_trust::Secret;

#[test]
fn debug_and_display_hide_the_payload() {
    let s = Secret::new(String::from("fictional-a-number-000000001"));
    assert_eq!(format!("{s:?}"), "***");
    assert_eq!(format!("{s}"), "***");
    assert_eq!(format!("{s:#?}"), "***");

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Login {
        user: String,
        password: Secret<String>,
    }
    let login = Login { user: "ana".into(), password: Secret::new("correct horse fictional".into()) };
    let shown = format!("{login:?}");
    assert!(shown.contains("ana"));
    assert!(!shown.contains("correct"));

    let bytes = Secret::new(vec![1u8, 2, 3]);
    assert_eq!(format!("{bytes:?}"), "***");
    let arr = Secret::new([9u8; 4]);
    assert_eq!(format!("{arr:?} {arr}"), "*** ***");
}

#[test]
fn expose_and_compare() {
    let a = Secret::new(String::from("token-abc"));
    let b = Secret::new(String::from("token-abc"));
    let c = Secret::new(String::from("token-abd"));
    assert_eq!(a.expose(), "token-abc");
    assert!(a == b);
    assert!(a != c);
    assert!(a.ct_eq(b"token-abc"));
    assert!(!a.ct_eq(b"token-ab"));
    let mut m = a.clone();
    m.expose_mut().push('!');
    assert_eq!(m.into_inner(), "token-abc!");
}

#[test]
fn from_wraps() {
    let s: Secret<Vec<u8>> = vec![1, 2].into();
    assert_eq!(s.expose(), &vec![1, 2]);
}
