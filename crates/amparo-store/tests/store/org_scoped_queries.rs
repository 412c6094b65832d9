//! Every multi-table query of the store keeps each tenant table on the organisation: on a database
//! distributed by organisation (Citus), a join is answered on one node only when every tenant table
//! in it is tied to the organisation named by a parameter, through its own `alias.org_id = $n` or
//! an `alias.org_id = other.org_id` chain that reaches one (a co-located join). The SQL is read from
//! the store's source: every string literal that is a query (or the start of one), with the tables
//! after FROM, JOIN, UPDATE and INTO and the `org_id =` conditions between them. A failure names the
//! file, the line and the table left loose.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use amparo_store::distribution::TENANT_TABLES;

/// Queries deliberately across every organisation (a pass of the whole installation), each with
/// why; on Citus they run on every node, joined on `org_id`, which they must still be.
const INSTALLATION_WIDE: &[(&str, &str)] = &[];

/// Fragments of SQL built at run time that stand for the organisation's condition: the store's
/// `Conditions` (board, case list, case selections) always open with `c.org_id = $1`, and its
/// callers put them in their queries under these names.
const ORGANISATION_FRAGMENTS: &[&str] = &["{where_sql}", "{conditions}"];

/// One string literal of the source: where it starts and its text.
struct Literal {
    file: PathBuf,
    line: usize,
    text: String,
}

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The string literals of a Rust file (plain and raw), line continuations joined as Rust joins them.
fn literals(file: &Path) -> Vec<Literal> {
    let source = std::fs::read_to_string(file).unwrap();
    let chars: Vec<char> = source.chars().collect();
    let (mut found, mut at, mut line) = (Vec::new(), 0, 1);
    let word_before = |at: usize| at > 0 && (chars[at - 1].is_alphanumeric() || chars[at - 1] == '_');
    while at < chars.len() {
        let c = chars[at];
        if c == '\n' {
            line += 1;
        }
        if c == '/' && chars.get(at + 1) == Some(&'/') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
            continue;
        }
        if c == '\'' {
            // A char literal ('"', '\'', 'x') is skipped whole; a lifetime is one quote.
            if chars.get(at + 1) == Some(&'\\') {
                at += 2;
                while at < chars.len() && chars[at] != '\'' {
                    at += 1;
                }
            } else if chars.get(at + 2) == Some(&'\'') {
                at += 2;
            }
            at += 1;
            continue;
        }
        let raw_hashes = (c == 'r' && !word_before(at)).then(|| {
            let hashes = chars[at + 1..].iter().take_while(|&&h| h == '#').count();
            (chars.get(at + 1 + hashes) == Some(&'"')).then_some(hashes)
        });
        if let Some(Some(hashes)) = raw_hashes {
            let closing: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let start = at + 2 + hashes;
            let rest: String = chars[start..].iter().collect();
            let end = rest.find(&closing).unwrap();
            let text: String = rest[..end].to_owned();
            found.push(Literal { file: file.to_owned(), line, text: text.clone() });
            line += text.matches('\n').count();
            at = start + rest[..end].chars().count() + closing.chars().count();
            continue;
        }
        if c == '"' {
            let (start_line, mut text) = (line, String::new());
            at += 1;
            while at < chars.len() && chars[at] != '"' {
                if chars[at] == '\\' {
                    at += 1;
                    if chars.get(at) == Some(&'\n') {
                        line += 1;
                        at += 1;
                        while at < chars.len() && chars[at].is_whitespace() {
                            if chars[at] == '\n' {
                                line += 1;
                            }
                            at += 1;
                        }
                        continue;
                    }
                    text.push(match chars.get(at) {
                        Some('n') => '\n',
                        Some(other) => *other,
                        None => break,
                    });
                } else {
                    if chars[at] == '\n' {
                        line += 1;
                    }
                    text.push(chars[at]);
                }
                at += 1;
            }
            found.push(Literal { file: file.to_owned(), line: start_line, text });
        }
        at += 1;
    }
    found
}

/// SQL words, qualified names (`c.org_id`), parameters (`$1`) and single symbols; string constants
/// inside the SQL are dropped.
fn tokens(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let (mut found, mut at) = (Vec::new(), 0);
    while at < chars.len() {
        let c = chars[at];
        if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = at;
            while at < chars.len() && (chars[at].is_alphanumeric() || "_.$".contains(chars[at])) {
                at += 1;
            }
            found.push(chars[start..at].iter().collect::<String>().to_lowercase());
            continue;
        }
        if c == '\'' {
            at += 1;
            while at < chars.len() && chars[at] != '\'' {
                at += 1;
            }
        } else if !c.is_whitespace() {
            found.push(c.to_string());
        }
        at += 1;
    }
    found
}

const NOT_ALIASES: &[&str] = &[
    "where",
    "on",
    "join",
    "left",
    "right",
    "inner",
    "outer",
    "cross",
    "group",
    "order",
    "limit",
    "using",
    "set",
    "values",
    "natural",
    "full",
    "union",
    "except",
    "intersect",
    "having",
    "returning",
    "for",
    "select",
    "offset",
    "window",
    "and",
    "or",
];

/// A tenant table named in a query, under its alias (the table's name when it has none).
struct TableRef {
    table: String,
    alias: String,
    aliased: bool,
}

fn tenant_refs(tokens: &[String]) -> Vec<TableRef> {
    refs_of(tokens, |table| TENANT_TABLES.contains(&table))
}

fn refs_of(tokens: &[String], wanted: impl Fn(&str) -> bool) -> Vec<TableRef> {
    let mut refs = Vec::new();
    for (i, word) in tokens.iter().enumerate() {
        if !["from", "join", "update", "into"].contains(&word.as_str()) {
            continue;
        }
        let Some(table) = tokens.get(i + 1).filter(|t| wanted(t.as_str())) else { continue };
        let mut next = i + 2;
        if tokens.get(next).is_some_and(|t| t == "as") {
            next += 1;
        }
        let alias = tokens.get(next).filter(|t| {
            t.chars().all(|c| c.is_alphanumeric() || c == '_') && !NOT_ALIASES.contains(&t.as_str())
        });
        refs.push(TableRef {
            table: table.clone(),
            alias: alias.cloned().unwrap_or_else(|| table.clone()),
            aliased: alias.is_some(),
        });
    }
    refs
}

/// Union-find over aliases and the parameter node, joined by each `x.org_id = y` condition.
struct Ties(BTreeMap<String, String>);

impl Ties {
    fn root(&mut self, node: &str) -> String {
        let parent = self.0.get(node).cloned().unwrap_or_else(|| node.to_owned());
        if parent == node {
            return parent;
        }
        let root = self.root(&parent);
        self.0.insert(node.to_owned(), root.clone());
        root
    }

    fn join(&mut self, a: &str, b: &str) {
        let (a, b) = (self.root(a), self.root(b));
        self.0.insert(a, b);
    }
}

const PARAMETER: &str = "$parameter";

/// The node an operand of `=` stands for: the organisation (a parameter, or the id of a row of
/// `organisations`, which pins a pass over every organisation to one at a time), an alias's
/// `org_id`, or nothing.
fn node(token: &str, unaliased: &[String], organisations: &[String]) -> Vec<String> {
    if token.starts_with('$') || organisations.iter().any(|o| token == format!("{o}.id")) {
        return vec![PARAMETER.to_owned()];
    }
    match token.strip_suffix(".org_id") {
        Some(alias) => vec![alias.to_owned()],
        None if token == "org_id" => unaliased.to_vec(),
        None => Vec::new(),
    }
}

/// The tenant tables of `sql` not tied to an organisation parameter, when it names two or more.
fn loose_tables(sql: &str) -> Vec<String> {
    let mut sql = sql.to_owned();
    for fragment in ORGANISATION_FRAGMENTS {
        sql = sql.replace(fragment, "c.org_id = $1");
    }
    let tokens = tokens(&sql);
    let organisations: Vec<String> =
        refs_of(&tokens, |table| table == "organisations").into_iter().map(|r| r.alias).collect();
    let refs = tenant_refs(&tokens);
    if refs.len() < 2 {
        return Vec::new();
    }
    let unaliased: Vec<String> = refs.iter().filter(|r| !r.aliased).map(|r| r.alias.clone()).collect();
    let mut ties = Ties(BTreeMap::new());
    for window in tokens.windows(3) {
        if window[1] != "=" {
            continue;
        }
        let (left, right) =
            (node(&window[0], &unaliased, &organisations), node(&window[2], &unaliased, &organisations));
        let is_org = |t: &str| t == "org_id" || t.ends_with(".org_id");
        if !(is_org(&window[0]) || is_org(&window[2])) {
            continue;
        }
        for l in &left {
            for r in &right {
                ties.join(l, r);
            }
        }
    }
    let anchor = ties.root(PARAMETER);
    refs.iter()
        .filter(|r| ties.root(&r.alias) != anchor)
        .map(|r| if r.aliased { format!("{} {}", r.table, r.alias) } else { r.table.clone() })
        .collect()
}

fn is_query(text: &str) -> bool {
    let start = text.trim_start().to_lowercase();
    ["select ", "update ", "delete ", "insert ", "with "].iter().any(|k| start.starts_with(k))
}

#[test]
fn every_multi_table_query_ties_each_tenant_table_to_the_organisation() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    files.sort();
    let (mut checked, mut failures) = (0, Vec::new());
    for literal in files.iter().flat_map(|f| literals(f)).filter(|l| is_query(&l.text)) {
        if INSTALLATION_WIDE.iter().any(|(sql, _)| literal.text.contains(sql)) {
            continue;
        }
        if tenant_refs(&tokens(&literal.text)).len() >= 2 {
            checked += 1;
        }
        let loose = loose_tables(&literal.text);
        if !loose.is_empty() {
            let file = literal.file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(&literal.file);
            let shown: String = literal.text.split_whitespace().collect::<Vec<_>>().join(" ");
            failures.push(format!(
                "{}:{}: {} not tied to the organisation: give each its own `alias.org_id = $n` \
                 (or join it on org_id to a table that has one)\n    {}",
                file.display(),
                literal.line,
                loose.join(", "),
                shown.chars().take(240).collect::<String>()
            ));
        }
    }
    assert!(checked > 20, "the store's multi-table queries were found ({checked})");
    assert!(
        failures.is_empty(),
        "{} queries leave a tenant table loose:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_reader_sees_joins_subqueries_and_loose_tables() {
    let tied = "SELECT c.id FROM cases c JOIN deadlines d ON d.org_id = c.org_id AND d.case_id = c.id \
                WHERE c.org_id = $1 AND (SELECT COUNT(*) FROM tasks t WHERE t.org_id = $1) > 0";
    assert!(loose_tables(tied).is_empty(), "{:?}", loose_tables(tied));
    let loose = "SELECT c.id FROM cases c JOIN deadlines d ON d.case_id = c.id WHERE c.org_id = $1";
    assert_eq!(loose_tables(loose), vec!["deadlines d"]);
    let per_organisation =
        "SELECT o.id, (SELECT COUNT(*) FROM cases c WHERE c.org_id = o.id) FROM organisations o";
    assert!(loose_tables(per_organisation).is_empty(), "each count is of one organisation's rows");
    let built = "SELECT c.id, p.given_name FROM (SELECT c.* FROM cases c WHERE {where_sql}) c \
                 JOIN people p ON p.org_id = $1 AND p.case_id = c.id";
    assert!(loose_tables(built).is_empty(), "`Conditions` opens with the organisation");
    let unaliased = "SELECT id FROM users WHERE org_id = $1 AND id IN (SELECT user_id FROM sessions)";
    assert_eq!(loose_tables(unaliased), Vec::<String>::new(), "unqualified org_id binds unaliased tables");
    let file = std::env::temp_dir().join(format!("literals-{}.rs", std::process::id()));
    std::fs::write(&file, "const A: &str = \"SELECT a \\\n     FROM b\";\nlet c = '\"'; let d = r#\"x\"#;\n")
        .unwrap();
    let found: Vec<String> = literals(&file).into_iter().map(|l| l.text).collect();
    std::fs::remove_file(&file).unwrap();
    assert_eq!(found, vec!["SELECT a FROM b", "x"]);
}
