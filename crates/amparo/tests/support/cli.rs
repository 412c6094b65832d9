//! The one way tests run the `amparo` binary: a child process whose environment holds no inherited
//! `AMPARO_*` setting (so a developer's or CI's own configuration never leaks into a test), with the
//! database, key, working folder, standard input and extra variables each test asks for.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use amparo_store::testing::TestDatabase;

/// The compiled binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_amparo");

/// The binary with every inherited `AMPARO_*` variable removed; the base of every run, including the
/// ones that start a server or kill a worker.
pub fn command() -> Command {
    let mut command = Command::new(BIN);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AMPARO_") {
            command.env_remove(name);
        }
    }
    command
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    #[track_caller]
    pub fn success(self) -> Outcome {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        self
    }

    /// Asserts the exit code and that standard error holds every fragment.
    #[track_caller]
    pub fn failure(self, code: i32, fragments: &[&str]) -> Outcome {
        assert_eq!(self.code, code, "expected exit code {code}: {self:#?}");
        assert!(self.stderr.starts_with("amparo: "), "errors start with the program name: {self:#?}");
        for fragment in fragments {
            assert!(self.stderr.contains(fragment), "stderr lacks {fragment:?}: {self:#?}");
        }
        self
    }

    /// Standard output of a run that must have succeeded.
    #[track_caller]
    pub fn stdout(self) -> String {
        self.success().stdout
    }

    /// Standard error of a run that must have failed, whatever the code.
    #[track_caller]
    pub fn stderr_of_failure(self) -> String {
        assert_ne!(self.code, 0, "expected a failure: {self:#?}");
        self.stderr
    }

    /// Standard output parsed as JSON, of a run that must have succeeded.
    #[track_caller]
    pub fn json(self) -> serde_json::Value {
        let stdout = self.stdout();
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
    }
}

/// One run being put together: `Run::new(args)`, then what it needs, then [`Run::outcome`].
#[derive(Default)]
pub struct Run {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    cwd: Option<PathBuf>,
}

impl Run {
    pub fn new(args: &[&str]) -> Run {
        Run { args: args.iter().map(|a| (*a).to_owned()).collect(), ..Run::default() }
    }

    /// Points the run at `db`: `--database URL` and whatever key the database needs.
    pub fn on(mut self, db: &TestDatabase) -> Run {
        self.args.extend(["--database".to_owned(), db.url.clone()]);
        self.env.extend(db.key_env().into_iter().map(|(k, v)| (k.to_owned(), v)));
        self
    }

    pub fn args(mut self, args: &[&str]) -> Run {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    pub fn env(mut self, name: &str, value: impl Into<String>) -> Run {
        self.env.push((name.to_owned(), value.into()));
        self
    }

    pub fn envs(mut self, env: &[(&str, String)]) -> Run {
        self.env.extend(env.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        self
    }

    pub fn stdin(mut self, text: &str) -> Run {
        self.stdin = Some(text.to_owned());
        self
    }

    /// Runs in `dir`, so that default paths (such as `./amparo.db`) land there.
    pub fn cwd(mut self, dir: &Path) -> Run {
        self.cwd = Some(dir.to_owned());
        self
    }

    pub fn outcome(self) -> Outcome {
        let mut command = command();
        command.args(&self.args).envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
        let mut child = command
            .stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = &self.stdin {
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        let output = child.wait_with_output().unwrap();
        let outcome = Outcome {
            code: output.status.code().expect("the binary was killed by a signal"),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        };
        assert!(!outcome.stderr.contains("panicked"), "the binary panicked: {outcome:#?}");
        outcome
    }
}

/// `amparo ARGS --database URL`, which must succeed; its standard output.
#[track_caller]
pub fn amparo(db: &TestDatabase, args: &[&str], stdin: Option<&str>) -> String {
    let run = Run::new(args).on(db);
    match stdin {
        Some(text) => run.stdin(text),
        None => run,
    }
    .outcome()
    .stdout()
}

/// `amparo ARGS --database URL`, whatever its outcome.
pub fn run_on(db: &TestDatabase, args: &[&str]) -> Outcome {
    Run::new(args).on(db).outcome()
}

/// `amparo ARGS` with exactly these variables set, whatever its outcome.
pub fn run_env(env: &[(&str, String)], args: &[&str]) -> Outcome {
    Run::new(args).envs(env).outcome()
}

/// Standard output of a run that must have succeeded.
#[track_caller]
pub fn stdout_of(outcome: &Outcome) -> String {
    assert_eq!(outcome.code, 0, "expected success: {outcome:#?}");
    outcome.stdout.clone()
}

/// Standard error of a run that must have failed.
#[track_caller]
pub fn stderr_of_failure(outcome: &Outcome) -> String {
    assert_ne!(outcome.code, 0, "expected a failure: {outcome:#?}");
    outcome.stderr.clone()
}

/// `amparo ARGS` with no database, whatever its outcome.
pub fn run(args: &[&str]) -> Outcome {
    Run::new(args).outcome()
}
