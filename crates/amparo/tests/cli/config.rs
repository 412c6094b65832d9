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

/// The settings file and the unit the Debian package installs (`packaging/debian/`) agree: the real
/// binary accepts the file (an unknown key would stop the service), the key lies outside the
/// database's and the backups' folders, and the unit lets the service write exactly there.
#[test]
fn the_packaged_settings_file_is_accepted_and_matches_the_unit() {
    let packaging = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging/debian");
    let config = packaging.join("amparo.toml");
    let shown = Run::new(&["config", "show", "--config", config.to_str().unwrap()]).outcome().stdout();
    let from_file = format!("file {}", config.display());
    let value = |setting: &str| {
        let line = columns(&shown, setting);
        assert_eq!(line[2], from_file, "{setting} comes from the packaged file:\n{shown}");
        line[1].to_owned()
    };
    let database = value("database_url");
    let key = value("key_file");
    let backups = value("backup_dir");
    assert_eq!(value("secure_cookies"), "true");
    assert_eq!(value("trusted_proxies"), "127.0.0.1/32, ::1/128");

    let folder = |path: &str| std::path::Path::new(path).parent().unwrap().to_path_buf();
    let key_folder = folder(&key);
    assert_ne!(key_folder, folder(&database), "the key is not beside the database");
    assert!(!key_folder.starts_with(&backups), "the key is not among the backups");
    assert!(
        !std::path::Path::new(&backups).starts_with(&key_folder),
        "the backups are not in the key's folder"
    );

    let unit = std::fs::read_to_string(packaging.join("amparo.service")).unwrap();
    let setting = |name: &str| {
        unit.lines()
            .filter_map(|l| l.strip_prefix(&format!("{name}=")))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(setting("ExecStart"), ["/usr/bin/amparo serve --config /etc/amparo/amparo.toml"]);
    assert_eq!(
        setting("ExecStartPre"),
        ["/usr/bin/amparo key generate --if-missing --config /etc/amparo/amparo.toml"]
    );
    assert_eq!(setting("User"), ["amparo"]);
    assert_eq!(setting("ProtectSystem"), ["strict"]);
    assert_eq!(setting("NoNewPrivileges"), ["yes"]);
    // The database's folder is the unit's state folder; the key's folder and the backups' are the
    // only other places it may write.
    assert_eq!(folder(&database), std::path::Path::new("/var/lib").join(&setting("StateDirectory")[0]));
    let writable = setting("ReadWritePaths").join(" ");
    let writable: Vec<&str> = writable.split_whitespace().collect();
    assert_eq!(writable, [key_folder.to_str().unwrap(), backups.as_str()]);
}
