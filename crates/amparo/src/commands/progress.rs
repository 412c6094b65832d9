//! Progress of the long commands (import, export, backup, restore, key rotation, re-derivation),
//! on standard error so that standard output keeps only the result. On a terminal, a bar with the
//! count done, the total and the time left (or a spinner where there is no count); anywhere else (a
//! pipe, a log, a test), one plain line as each stage ends: `import: checking and writing 120 case
//! files: done`. A stage that fails prints nothing of its own, so standard error then holds only the
//! error, which starts with the program's name. Stage lines say what is done to how many, never
//! which case or person.

use std::io::{IsTerminal as _, Write as _};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How the spinner of a stage without a count moves.
const TICK: Duration = Duration::from_millis(120);

/// One stage of a command, shown while it runs.
pub struct Stage {
    /// `None` where standard error is no terminal: the stage's line is printed when it is done.
    bar: Option<ProgressBar>,
    /// The plain line's beginning: the command and what the stage does.
    line: String,
}

/// Whether progress is drawn: standard error is a terminal.
fn on_terminal() -> bool {
    std::io::stderr().is_terminal()
}

impl Stage {
    /// A stage of `total` steps (files, cases): a bar with counts and time left.
    pub fn counted(command: &str, what: &str, total: u64) -> Stage {
        let line = format!("{command}: {what}");
        if !on_terminal() {
            return Stage { bar: None, line };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{prefix}: {msg} [{bar:30}] {pos}/{len} ({eta} left)")
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(command.to_owned());
        bar.set_message(what.to_owned());
        Stage { bar: Some(bar), line }
    }

    /// A stage with no count (a database copy, a pass of re-encryption): a spinner with the time
    /// it has taken.
    pub fn uncounted(command: &str, what: &str) -> Stage {
        let line = format!("{command}: {what}");
        if !on_terminal() {
            return Stage { bar: None, line };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{prefix}: {msg} {spinner} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(command.to_owned());
        bar.set_message(what.to_owned());
        bar.enable_steady_tick(TICK);
        Stage { bar: Some(bar), line }
    }

    /// One more step done.
    pub fn step(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// The stage is over: the bar is cleared (the command's result follows on standard output), or,
    /// off a terminal, the stage's one line is written.
    pub fn done(&self) {
        match &self.bar {
            Some(bar) => bar.finish_and_clear(),
            None => {
                let _ = writeln!(std::io::stderr().lock(), "{}: done", self.line);
            }
        }
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        // A stage left by an error clears its bar too, so the error is read on a clean line.
        if let Some(bar) = &self.bar
            && !bar.is_finished()
        {
            bar.finish_and_clear();
        }
    }
}
