//! `amparo config show`: each setting's value and the layer it came from (default, file,
//! environment, flag), with secrets printed as `***`.

use crate::support::Run;

/// The line of `setting` in `amparo config show` output, its columns split on runs of spaces.
fn columns<'a>(shown: &'a str, setting: &str) -> Vec<&'a str> {
    let line = shown
        .lines()
        .find(|l| l.split_whitespace().next() == Some(setting))
        .unwrap_or_else(|| panic!("no {setting} line in:\n{shown}"));
    line.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect()
}

#[test]
fn each_layer_overrides_the_one_before_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("amparo.toml");
    std::fs::write(
        &file,
        "bind = \"10.0.0.1:80\"\ndatabase_url = \"postgres://amparo:file-secret@db/amparo\"\nlog = \"debug\"\n\
         public_url = \"https://amparo.example.org\"\n\
         [smtp]\nhost = \"mail.example.org\"\nusername = \"amparo\"\nfrom = \"Amparo <r@example.org>\"\n",
    )
    .unwrap();
    let config = file.to_str().unwrap();
    let show = |run: Run| run.cwd(dir.path()).outcome().stdout();

    let from_file = show(
        Run::new(&["config", "show", "--config", config]).env("AMPARO_SMTP_PASSWORD", "smtp-secret-value"),
    );
    assert_eq!(columns(&from_file, "bind"), ["bind", "10.0.0.1:80", &format!("file {config}")]);
    assert_eq!(columns(&from_file, "secure_cookies"), ["secure_cookies", "false", "default"]);
    assert_eq!(
        columns(&from_file, "database_url"),
        ["database_url", "postgres://amparo:***@db/amparo", &format!("file {config}")]
    );
    assert_eq!(
        columns(&from_file, "smtp.password"),
        ["smtp.password", "***", "environment AMPARO_SMTP_PASSWORD"]
    );
    assert_eq!(columns(&from_file, "config"), ["config", config, "flag --config"]);

    let from_environment = show(
        Run::new(&["config", "show"])
            .env("AMPARO_CONFIG", config)
            .env("AMPARO_BIND", "10.0.0.2:81")
            .env("AMPARO_KEY", "k1 0011223344556677 secret-key-material")
            .env("AMPARO_SMTP_PASSWORD", "smtp-secret-value"),
    );
    assert_eq!(columns(&from_environment, "bind"), ["bind", "10.0.0.2:81", "environment AMPARO_BIND"]);
    assert_eq!(columns(&from_environment, "key"), ["key", "***", "environment AMPARO_KEY"]);
    assert_eq!(columns(&from_environment, "config"), ["config", config, "environment AMPARO_CONFIG"]);

    let from_flag = show(
        Run::new(&["config", "show", "--config", config, "--bind", "10.0.0.3:82", "--database", "./flag.db"])
            .env("AMPARO_BIND", "10.0.0.2:81")
            .env("AMPARO_KEY", "k1 0011223344556677 secret-key-material")
            .env("AMPARO_SMTP_PASSWORD", "smtp-secret-value"),
    );
    assert_eq!(columns(&from_flag, "bind"), ["bind", "10.0.0.3:82", "flag --bind"]);
    assert_eq!(columns(&from_flag, "database_url"), ["database_url", "./flag.db", "flag --database"]);

    for shown in [&from_file, &from_environment, &from_flag] {
        for secret in ["file-secret", "smtp-secret-value", "secret-key-material"] {
            assert!(!shown.contains(secret), "{secret} was printed:\n{shown}");
        }
    }
}

#[test]
fn with_nothing_configured_every_value_is_a_default() {
    let dir = tempfile::tempdir().unwrap();
    let shown = Run::new(&["config", "show"]).cwd(dir.path()).outcome().stdout();
    let _redactions = crate::support::snapshots::redacted();
    insta::assert_snapshot!("config_show_defaults", shown);
}
