#!/usr/bin/env bash
# A policy change (every case re-derived under the new policy, in one transaction) on the demo
# organisation, on SQLite (a scratch copy) and on PostgreSQL, against the same rows written with bare
# SQL in the same run (`cargo bench -p amparo-store --bench policy`). Uses the demo databases of
# `bench/load.sh` (bench/out/load-CASES.db and the schema amparo_load_CASES), building them when
# missing. Usage: bench/policy.sh [CASES] (default 50000); BIN names the `amparo` binary that builds
# the demo (default: the release build of this tree); AMPARO_BENCH_ROUNDS rounds of a change and its
# reversal (default 1). Target: within 2x of the floor on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-50000}"
out="$(pwd)/bench/out"
mkdir -p "$out"
target="${CARGO_TARGET_DIR:-target}"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet -p amparo
  BIN="$target/release/amparo"
fi

demo="$out/load-$cases.db"
[ -f "$demo" ] || "$BIN" demo --cases "$cases" --database "$demo" --today 2026-11-23 --no-serve >/dev/null
scratch="$out/policy-$cases-scratch.db"
rm -f "$scratch" "$scratch-wal" "$scratch-shm"
sqlite3 "$demo" ".backup '$scratch'"
cp "$demo.key" "$scratch.key" 2>/dev/null || true
echo "== SQLite"
AMPARO_BENCH_DATABASE="$scratch" cargo bench --quiet -p amparo-store --bench policy
rm -f "$scratch" "$scratch-wal" "$scratch-shm" "$scratch.key"

if pg_isready -q -h 127.0.0.1 -p 5432; then
  base="${AMPARO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
  export AMPARO_KEY_FILE="$out/load-postgres.key"
  "$BIN" key generate --out "$AMPARO_KEY_FILE" --if-missing
  schema="amparo_load_$cases"
  if ! psql "$base" -qtAc "SELECT 1 FROM information_schema.schemata WHERE schema_name = '$schema'" | grep -q 1; then
    psql "$base" -qc "CREATE SCHEMA $schema"
    "$BIN" demo --cases "$cases" --database "$base?options=-c%20search_path%3D$schema" --today 2026-11-23 --no-serve >/dev/null
  fi
  for table in cases people events event_voids deadlines escalations case_assignments case_search_words; do
    psql "$base" -qc "VACUUM ANALYZE $schema.$table"
  done
  echo "== PostgreSQL"
  AMPARO_BENCH_DATABASE="$base?options=-c%20search_path%3D$schema" cargo bench --quiet -p amparo-store --bench policy
fi
