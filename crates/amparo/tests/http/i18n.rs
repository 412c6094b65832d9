//! The interface in English and Spanish through the router in process: the language chosen before
//! sign-in (cookie or browser preference), the signed-in user's stored choice, and pages, dates and
//! error pages written in it.

use crate::support::{PASSWORD, RouterApp, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    sign_in_page_follows_the_browser_then_the_chosen_language,
    a_signed_in_choice_is_stored_with_the_user,
    error_pages_are_written_in_the_reader_language,
);

fn sign_in_page_follows_the_browser_then_the_chosen_language(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let english = app.get("/login", "");
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("<h1>Sign in</h1>"));
    let spanish = app.get_with("/login", "", &[("accept-language", "es-MX,es;q=0.9,en;q=0.5")]);
    assert!(spanish.body.contains("<html lang=\"es\">"), "{}", spanish.body);
    assert!(spanish.body.contains("<h1>Iniciar sesión</h1>") && spanish.body.contains("Contraseña"));

    // The switch on the sign-in page carries the sign-in page's CSRF token.
    let login_cookie = format!("amparo_login_csrf={}", english.cookie("amparo_login_csrf").unwrap());
    let csrf = hidden_field(&english.body, "csrf");
    let forged = app.post_form("/language", &login_cookie, &[("csrf", "forged"), ("language", "es")]);
    assert_eq!(forged.status, 403);
    assert!(forged.set_cookie("amparo_lang").is_none());
    let fields = [("csrf", csrf.as_str()), ("language", "es"), ("back", "/login")];
    let switched = app.post_form("/language", &login_cookie, &fields);
    assert_eq!(switched.status, 303, "{}", switched.body);
    assert_eq!(switched.header("location"), Some("/login"));
    let chosen = switched.cookie("amparo_lang").unwrap();
    assert_eq!(chosen, "es");
    // The cookie wins over the browser's preference.
    let page = app.get_with("/login", &format!("amparo_lang={chosen}"), &[("accept-language", "en")]);
    assert!(page.body.contains("<h1>Iniciar sesión</h1>"), "{}", page.body);
    let offsite = [("csrf", csrf.as_str()), ("language", "en"), ("back", "//elsewhere.example")];
    assert_eq!(app.post_form("/language", &login_cookie, &offsite).header("location"), Some("/"));
    let unknown = app.post_form("/language", &login_cookie, &[("csrf", &csrf), ("language", "fr")]);
    assert_eq!(unknown.status, 422);
}

fn a_signed_in_choice_is_stored_with_the_user(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&session, "A-1");
    let case = format!("/cases/{id}");
    let english = app.get(&case, &session).body;
    assert!(english.contains("Covered until:") && english.contains("July 2, 2026"), "{english}");

    let forged = app.post_form("/language", &session, &[("csrf", "forged"), ("language", "es")]);
    assert_eq!(forged.status, 403);
    let switched =
        app.post_form("/language", &session, &[("csrf", &csrf), ("language", "es"), ("back", &case)]);
    assert_eq!(switched.status, 303);
    assert_eq!(switched.header("location"), Some(case.as_str()));
    let spanish = app.get(&case, &session).body;
    for expected in [
        "<html lang=\"es\">",
        "Caso A-1",
        "Cubierto hasta:",
        "2 de julio de 2026",
        "Presentar la renovación (re-parole) a más tardar",
        "Permiso humanitario (parole) concedido",
        "corregido por",
        "Cerrar sesión",
    ] {
        assert!(spanish.contains(expected), "the Spanish case page lacks {expected:?}");
    }
    assert!(!spanish.contains("Covered until"), "nothing left in English");
    // Each deadline's reason is written in Spanish too, its dates in words.
    assert!(english.contains("is valid until 2026-07-02; parole ends then unless renewed."), "{english}");
    for expected in [
        "es válida hasta el 2 de julio de 2026; el permiso humanitario (parole) termina ese día si no se renueva.",
        "la organización procura presentar la solicitud de nuevo permiso (re-parole)",
    ] {
        assert!(spanish.contains(expected), "the Spanish case page lacks {expected:?}: {spanish}");
    }
    assert!(!spanish.contains("parole ends then unless renewed") && !spanish.contains("class=\"why\" lang="));
    let print = app.get(&format!("{case}/print"), &session).body;
    assert!(print.contains("el permiso humanitario (parole) termina ese día si no se renueva."), "{print}");

    // A new session, in a browser without the cookie, opens in the stored language.
    let (elsewhere, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let list = app.get("/cases", &elsewhere).body;
    assert!(list.contains("<h1>Casos</h1>") && list.contains("Mostrando 1–1 de 1."), "{list}");
    let back =
        app.post_form("/language", &elsewhere, &[("csrf", &csrf), ("language", "en"), ("back", "/cases")]);
    assert_eq!(back.cookie("amparo_lang").as_deref(), Some("en"));
    assert!(app.get("/cases", &session).body.contains("<h1>Cases</h1>"), "every session follows the user");
}

fn error_pages_are_written_in_the_reader_language(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let english = app.get("/cases/no-such-case", &session);
    assert_eq!(english.status, 404);
    assert!(english.body.contains("<h1>Not found</h1>"), "{}", english.body);
    let spanish = app.get("/cases/no-such-case", &format!("{session}; amparo_lang=es"));
    assert_eq!(spanish.status, 404);
    assert!(spanish.body.contains("<h1>No encontrado</h1>") && spanish.body.contains("Volver al inicio"));
    let forged = app.post_form("/logout", &format!("{session}; amparo_lang=es"), &[("csrf", "forged")]);
    assert_eq!(forged.status, 403);
    assert!(forged.body.contains("El formulario caducó"), "{}", forged.body);
    let stale_link = app.get("/reset/not-a-real-token", "amparo_lang=es");
    assert_eq!(stale_link.status, 422);
    assert!(
        stale_link.body.contains("Este enlace para restablecer la contraseña no es válido"),
        "{}",
        stale_link.body
    );
    let stale_link = app.get("/reset/not-a-real-token", "");
    assert!(stale_link.body.contains("This password-reset link is not valid"), "{}", stale_link.body);
}
