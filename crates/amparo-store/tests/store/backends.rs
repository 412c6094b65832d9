//! Says out loud which backends this run tests: outside CI, PostgreSQL tests are skipped without
//! `AMPARO_TEST_POSTGRES_URL`, and that must be visible rather than silent.

#[test]
fn postgres_backend_status() {
    match amparo_store::testing::postgres_url() {
        Some(_) => {
            let db = amparo_store::testing::TestDatabase::postgres().unwrap();
            db.store().ping().unwrap();
            println!("PostgreSQL backend: tested");
        }
        None => println!(
            "PostgreSQL backend: SKIPPED (set {}=postgres://postgres@127.0.0.1:5432/test to test it)",
            amparo_store::testing::POSTGRES_URL_VAR
        ),
    }
}
