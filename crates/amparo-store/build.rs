//! Lists the migrations of each backend from their folders (`migrations/sqlite`, `migrations/postgres`),
//! so that a new file is picked up without being listed by hand. Each file is `NNNN_name.sql`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| fail("OUT_DIR is not set"));
    let mut generated = String::new();
    for (constant, folder) in [("SQLITE", "sqlite"), ("POSTGRES", "postgres")] {
        let _ = writeln!(generated, "pub const {constant}: &[Migration] = &[");
        for (version, name, path) in migrations(&Path::new("migrations").join(folder)) {
            let _ = writeln!(
                generated,
                "    Migration {{ version: {version}, name: {name:?}, sql: include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {path:?})) }},"
            );
        }
        generated.push_str("];\n");
    }
    let target = Path::new(&out_dir).join("migrations.rs");
    std::fs::write(&target, generated)
        .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", target.display())));
}

/// The folder's migrations in version order: (version, name, path from the crate's root).
fn migrations(folder: &Path) -> Vec<(i64, String, String)> {
    let entries =
        std::fs::read_dir(folder).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", folder.display())));
    let mut found = Vec::new();
    for entry in entries {
        let file_name = entry.unwrap_or_else(|e| fail(&format!("{}: {e}", folder.display()))).file_name();
        let file_name = file_name.to_string_lossy();
        let Some(stem) = file_name.strip_suffix(".sql") else { continue };
        let (number, name) =
            stem.split_once('_').unwrap_or_else(|| fail(&format!("{file_name}: expected NNNN_name.sql")));
        let version =
            number.parse::<i64>().unwrap_or_else(|_| fail(&format!("{file_name}: expected NNNN_name.sql")));
        let path = format!("/{}/{file_name}", folder.display());
        found.push((version, name.to_owned(), path));
    }
    found.sort();
    if let Some(pair) = found.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        fail(&format!("two migrations numbered {} in {}", pair[0].0, folder.display()));
    }
    found
}

fn fail(message: &str) -> ! {
    eprintln!("amparo-store build: {message}");
    std::process::exit(1)
}
