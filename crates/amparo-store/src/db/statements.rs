//! Splits a PostgreSQL migration file into its statements, so that each is sent on its own: a
//! distributed engine (Citus) refuses a multi-statement query on a distributed database. A `;`
//! ends a statement only outside quotes, quoted identifiers, dollar-quoted bodies and comments;
//! comments between statements are dropped with the blank text around them.

/// The statements of `sql`, in order, each without its closing `;` and trimmed; empty statements
/// (comments alone) are left out.
pub fn split(sql: &str) -> Result<Vec<&str>, String> {
    let bytes = sql.as_bytes();
    let mut statements = Vec::new();
    let mut start = 0;
    let mut code_seen = false;
    let mut at = 0;
    while at < bytes.len() {
        let rest = &sql[at..];
        let skipped = if rest.starts_with("--") {
            rest.find('\n').map_or(rest.len(), |end| end + 1)
        } else if rest.starts_with("/*") {
            rest.find("*/").map(|end| end + 2).ok_or_else(|| unclosed("comment", sql, at))?
        } else {
            0
        };
        if skipped > 0 {
            at += skipped;
            continue;
        }
        match bytes[at] {
            b'\'' => at += quoted(rest, '\'').ok_or_else(|| unclosed("string", sql, at))?,
            b'"' => at += quoted(rest, '"').ok_or_else(|| unclosed("quoted name", sql, at))?,
            b'$' => match dollar_tag(rest) {
                Some(tag) => {
                    let body = &rest[tag.len()..];
                    let end = body.find(tag).ok_or_else(|| unclosed("dollar-quoted body", sql, at))?;
                    at += tag.len() + end + tag.len();
                }
                None => at += 1,
            },
            b';' => {
                if code_seen {
                    statements.push(trimmed(&sql[start..at]));
                }
                at += 1;
                start = at;
                code_seen = false;
                continue;
            }
            byte if byte.is_ascii_whitespace() => {
                at += 1;
                continue;
            }
            byte => at += if byte.is_ascii() { 1 } else { rest.chars().next().map_or(1, char::len_utf8) },
        }
        code_seen = true;
    }
    if code_seen {
        statements.push(trimmed(&sql[start..]));
    }
    Ok(statements)
}

/// A statement without the comments and blank lines that led up to it.
fn trimmed(statement: &str) -> &str {
    let mut rest = statement.trim();
    loop {
        if rest.starts_with("--") {
            rest = rest.find('\n').map_or("", |end| rest[end + 1..].trim_start());
        } else if rest.starts_with("/*") {
            rest = rest.find("*/").map_or("", |end| rest[end + 2..].trim_start());
        } else {
            return rest;
        }
    }
}

/// The length of a quoted run starting at `text`'s first byte (`quote`), a doubled quote standing
/// for itself; `None` when it never closes.
fn quoted(text: &str, quote: char) -> Option<usize> {
    let mut at = 1;
    loop {
        let end = text[at..].find(quote)? + at;
        if text[end + 1..].starts_with(quote) {
            at = end + 2;
        } else {
            return Some(end + 1);
        }
    }
}

/// The opening tag of a dollar-quoted body (`$$`, `$body$`) at the start of `text`, if it is one
/// (a parameter such as `$1` is not).
fn dollar_tag(text: &str) -> Option<&str> {
    let inner = &text[1..];
    let end = inner.find('$')?;
    let name = &inner[..end];
    let starts_well = name.chars().next().is_none_or(|c| c.is_alphabetic() || c == '_');
    (starts_well && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then(|| &text[..end + 2])
}

fn unclosed(what: &str, sql: &str, at: usize) -> String {
    let line = sql[..at].matches('\n').count() + 1;
    format!("a {what} opened on line {line} is never closed")
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn semicolons_inside_quotes_bodies_and_comments_do_not_end_a_statement() {
        let sql = "-- a comment; still a comment\nCREATE TABLE a (x TEXT DEFAULT 'it''s; fine');\n\
                   /* block; comment */ CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\n\
                   BEGIN RAISE EXCEPTION 'no; never'; END;\n$$;\n\
                   CREATE INDEX \"odd;name\" ON a (x);\nSELECT $1, $tag$ ; $tag$\n";
        assert_eq!(
            split(sql).unwrap(),
            vec![
                "CREATE TABLE a (x TEXT DEFAULT 'it''s; fine')",
                "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN RAISE EXCEPTION 'no; never'; END;\n$$",
                "CREATE INDEX \"odd;name\" ON a (x)",
                "SELECT $1, $tag$ ; $tag$",
            ]
        );
    }

    #[test]
    fn a_file_of_comments_alone_has_no_statement() {
        assert!(split("-- nothing here;\n/* nor; here */\n\n").unwrap().is_empty());
    }

    #[test]
    fn an_unclosed_quote_or_body_is_refused_with_its_line() {
        assert_eq!(
            split("SELECT 1;\nSELECT 'open").unwrap_err(),
            "a string opened on line 2 is never closed"
        );
        assert!(split("DO $$ BEGIN END;").unwrap_err().contains("dollar-quoted body"));
    }
}
