//! Rows of a CSV file as RFC 4180 writes them (fields quoted when they hold a comma, a quote or a
//! line break; quotes doubled; lines ended by CRLF), with spreadsheet formula injection
//! neutralised: a cell a spreadsheet would read as a formula (one starting with `=`, `+`, `-`, `@`,
//! a tab or a carriage return) is written with a single quote in front, so it stays text.

/// The UTF-8 byte order mark, so that spreadsheets read accented headers ("Fecha límite") as
/// UTF-8 rather than the system's legacy code page.
pub const BYTE_ORDER_MARK: &str = "\u{feff}";

/// Characters that make a spreadsheet evaluate a cell.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell as it is written: neutralised, then quoted when it must be.
pub fn cell(value: &str) -> String {
    let neutral = if value.starts_with(FORMULA_STARTS) { format!("'{value}") } else { value.to_owned() };
    if neutral.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One line of cells, ended by CRLF, appended to `out`.
pub fn push_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    let line: Vec<String> = cells.iter().map(|c| cell(c.as_ref())).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_rfc_4180_requires() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("Peña, Ana"), "\"Peña, Ana\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn neutralises_formulas() {
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        for start in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(start).trim_start_matches('"').starts_with('\''), "{start:?}");
        }
        assert_eq!(cell("A-123"), "A-123");
    }

    #[test]
    fn rows_end_with_crlf() {
        let mut out = String::new();
        push_row(&mut out, &["a", "b,c"]);
        assert_eq!(out, "a,\"b,c\"\r\n");
    }
}
