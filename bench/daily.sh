#!/usr/bin/env bash
# The daily job on new days (`refresh_derived` then the day's notices, as `amparo notify daily` runs
# them) on the demo organisation, on SQLite and on a PostgreSQL schema, against reading once with bare
# SQL the rows of the cases due for re-derivation that day. Usage: bench/daily.sh [CASES] (default
# 50000); BIN names the `amparo` binary that builds the demo databases (default: the debug build of
# this tree, built here); AMPARO_BENCH_DAYS how many new days (default 5). Targets at 50,000 cases:
# ≤ 1 s a new day on SQLite, ≤ 3 s on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-50000}"
out=bench/out
mkdir -p "$out"
target="${CARGO_TARGET_DIR:-target}"
if [ -z "${BIN:-}" ]; then
  cargo build --quiet -p amparo
  BIN="$target/debug/amparo"
fi

demo="$(pwd)/$out/daily-$cases.db"
if [ ! -f "$demo" ]; then
  "$BIN" demo --cases "$cases" --database "$demo" --today 2026-11-23 --no-serve >/dev/null
fi
# Each run steps new days past the latest derived one, on a scratch copy so that runs compare.
scratch="$(pwd)/$out/daily-$cases-scratch.db"
rm -f "$scratch" "$scratch-wal" "$scratch-shm"
sqlite3 "$demo" ".backup '$scratch'" 2>/dev/null || cp "$demo" "$scratch"
cp "$demo.key" "$scratch.key" 2>/dev/null || true
echo "== SQLite"
AMPARO_BENCH_DATABASE="$scratch" cargo bench --quiet -p amparo-store --bench daily

base="${AMPARO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
schema="amparo_bench_daily_$cases"
url="$base?options=-c%20search_path%3D$schema"
export AMPARO_KEY_FILE="$(pwd)/$out/daily-postgres.key"
"$BIN" key generate --out "$AMPARO_KEY_FILE" --if-missing
# A fresh schema each run: the job moves the stored days on.
psql "$base" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema"
"$BIN" demo --cases "$cases" --database "$url" --today 2026-11-23 --no-serve >/dev/null
# Autovacuum gives a running deployment statistics; a bulk load has none yet.
for table in cases people events deadlines escalations tasks case_assignments notifications; do
  psql "$base" -qc "VACUUM ANALYZE $schema.$table"
done
echo "== PostgreSQL"
AMPARO_BENCH_DATABASE="$url" cargo bench --quiet -p amparo-store --bench daily
