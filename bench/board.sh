#!/usr/bin/env bash
# The triage board against the bare indexed query listing the same cases, on the 50,000-case demo
# organisation, on SQLite and on PostgreSQL. Usage: bench/board.sh [CASES] (default 50000).
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-50000}"
out=bench/out
mkdir -p "$out"
cargo build --release --quiet -p amparo
bin=target/release/amparo

sqlite="$(pwd)/$out/board-$cases.db"
if [ ! -f "$sqlite" ]; then
  $bin demo --cases "$cases" --database "$sqlite" --today 2026-11-23 --no-serve >/dev/null
fi
echo "== SQLite"
AMPARO_BENCH_DATABASE="$sqlite" cargo bench --quiet -p amparo-store --bench board

base="${AMPARO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
schema="amparo_bench_$cases"
if psql "$base" -qtAc "SELECT 1 FROM information_schema.schemata WHERE schema_name = '$schema'" | grep -q 1; then
  echo "reusing PostgreSQL schema $schema"
else
  psql "$base" -qc "CREATE SCHEMA $schema"
  $bin demo --cases "$cases" --database "$base?options=-c%20search_path%3D$schema" --today 2026-11-23 --no-serve >/dev/null
fi
# A freshly loaded table has no statistics and no visibility map yet; autovacuum provides both in a
# running deployment, so measure the steady state rather than the first minutes after a bulk load.
for table in cases people escalations deadlines tasks; do
  psql "$base" -qc "VACUUM ANALYZE $schema.$table"
done
echo "== PostgreSQL"
AMPARO_BENCH_DATABASE="$base?options=-c%20search_path%3D$schema" cargo bench --quiet -p amparo-store --bench board
