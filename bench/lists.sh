#!/usr/bin/env bash
# The case list (filters, name search, identifiers, sorts, a deep page) and the dashboard's reads
# against their floors (the same statements run raw), at concurrency 1, 8 and 32, on SQLite and on
# PostgreSQL, at 5,000 cases and at CASES (default 50,000); then how each list's time grew from the
# smaller organisation to the larger. Usage: bench/lists.sh [CASES]
#   BIN=path/to/amparo   the binary that generates the demo organisations (default: the debug build,
#                        built if missing, to spare a release build of the whole binary)
#   AMPARO_BENCH_ITERATIONS, AMPARO_BENCH_ONLY   passed on to the bench (samples per line, one list)
set -euo pipefail
cd "$(dirname "$0")/.."
large="${1:-50000}"
small=5000
out=bench/out
mkdir -p "$out"
target="${CARGO_TARGET_DIR:-target}"
if [ -z "${BIN:-}" ]; then
  cargo build --quiet -p amparo
  BIN="$target/debug/amparo"
fi
base="${AMPARO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
# PostgreSQL keeps no key beside the database: the demo and the bench read it from this file.
postgres_key="$(pwd)/$out/lists-postgres.key"
"$BIN" key generate --out "$postgres_key" --if-missing >/dev/null

sqlite_db() {
  local file
  file="$(pwd)/$out/lists-$1.db"
  if [ ! -f "$file" ]; then
    "$BIN" demo --cases "$1" --database "$file" --today 2026-11-23 --no-serve >/dev/null
  fi
  echo "$file"
}

postgres_db() {
  local schema="amparo_lists_$1"
  local url="$base?options=-c%20search_path%3D$schema"
  if ! psql "$base" -qtAc "SELECT 1 FROM information_schema.schemata WHERE schema_name = '$schema'" | grep -q 1; then
    psql "$base" -qc "CREATE SCHEMA $schema"
    AMPARO_KEY_FILE="$postgres_key" "$BIN" demo --cases "$1" --database "$url" --today 2026-11-23 --no-serve >/dev/null
  fi
  # A freshly loaded table has no statistics and no visibility map yet; autovacuum provides both in
  # a running deployment, so measure the steady state rather than the first minutes after a load.
  psql "$base" -q -c "SET search_path = $schema" -c "VACUUM ANALYZE" >/dev/null
  echo "$url"
}

for cases in "$small" "$large"; do
  echo "== SQLite, $cases cases"
  AMPARO_BENCH_DATABASE="$(sqlite_db "$cases")" cargo bench --quiet -p amparo-store --bench lists \
    | tee "$out/lists-sqlite-$cases.txt"
  echo "== PostgreSQL, $cases cases"
  AMPARO_KEY_FILE="$postgres_key" AMPARO_BENCH_DATABASE="$(postgres_db "$cases")" \
    cargo bench --quiet -p amparo-store --bench lists \
    | tee "$out/lists-postgres-$cases.txt"
done

# Growth from the smaller organisation to the larger: each line's store p50 and p99 at c=1, larger
# over smaller (1.0 = flat; 10 = linear in the number of cases).
for backend in sqlite postgres; do
  echo "== growth $small -> $large cases, $backend, c=1 (store p50 and p99, larger / smaller)"
  awk -v small="$out/lists-$backend-$small.txt" -v large="$out/lists-$backend-$large.txt" '
    function read(file, p50, p99,   line, name, parts) {
      while ((getline line < file) > 0) {
        if (line !~ / c=1 /) continue
        name = substr(line, 1, 34); sub(/ +$/, "", name)
        split(line, parts, "store p50 "); split(parts[2], parts, " ms"); p50[name] = parts[1]
        split(line, parts, " ms p99 "); split(parts[2], parts, " ms"); p99[name] = parts[1]
      }
    }
    BEGIN {
      read(small, s50, s99); read(large, l50, l99)
      for (name in l50) if (name in s50 && s50[name] > 0)
        printf "%-34s p50 %5.2fx  p99 %5.2fx\n", name, l50[name] / s50[name], l99[name] / s99[name]
    }'
done
