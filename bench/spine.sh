#!/usr/bin/env bash
# The spine's benchmarks on one machine, in one run:
#  1. import of the 50,000-case demo organisation (exported, then imported into a fresh SQLite file);
#  2. case-page server time (p50/p99, from the server's own Server-Timing header) in that database;
#  3. peak memory (VmHWM) of `amparo serve` idle and after the page benchmark.
# Usage: bench/spine.sh [CASES]   (default 50000). Results go to bench/out/.
# With AMPARO_BENCH_POSTGRES_URL set (e.g. postgres://postgres@127.0.0.1:5432/test), the export is also
# imported into a fresh PostgreSQL schema, dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-50000}"
out=bench/out
rm -rf "$out" && mkdir -p "$out"
cargo build --release --quiet -p amparo
bin=target/release/amparo

echo "== generating the $cases-case demo organisation"
$bin demo --cases "$cases" --database "$out/source.db" --today 2026-11-23 --no-serve | tee "$out/demo.txt"
password=$(sed -n 's/.*one-time password //p' "$out/demo.txt")

echo "== export"
/usr/bin/time -f "export: %e s, peak %M KiB" $bin export --database "$out/source.db" --dir "$out/cases"

echo "== import into a fresh database"
$bin org add demo --name "Demo" --database "$out/import.db" >/dev/null
start=$(date +%s.%N)
$bin import --database "$out/import.db" "$out/cases" | tee "$out/import.txt"
end=$(date +%s.%N)
python3 - "$cases" "$start" "$end" <<'PY'
import sys
cases, start, end = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"import (whole command, read + validate + write): {cases / (end - start):,.0f} cases/s")
PY

if [ -n "${AMPARO_BENCH_POSTGRES_URL:-}" ]; then
  echo "== import into a fresh PostgreSQL schema"
  schema="bench_import_$$"
  psql -q "$AMPARO_BENCH_POSTGRES_URL" -c "CREATE SCHEMA $schema"
  pg_url="$AMPARO_BENCH_POSTGRES_URL?options=-c%20search_path%3D$schema"
  $bin org add demo --name "Demo" --database "$pg_url" >/dev/null
  start=$(date +%s.%N)
  $bin import --database "$pg_url" "$out/cases" | tee "$out/import-postgres.txt"
  end=$(date +%s.%N)
  psql -q "$AMPARO_BENCH_POSTGRES_URL" -c "DROP SCHEMA $schema CASCADE"
  python3 - "$cases" "$start" "$end" <<'PY'
import sys
cases, start, end = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"import into PostgreSQL (whole command): {cases / (end - start):,.0f} cases/s")
PY
fi

echo "== serve and measure case pages"
$bin serve --database "$out/source.db" --bind 127.0.0.1:0 > "$out/serve.txt" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$out/serve.txt" && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$out/serve.txt")
sleep 1
echo "idle peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2}') KiB"
python3 bench/pages.py "$base" attorney@demo.example.org "$password" 3000 | tee "$out/pages.json"
echo "peak RSS after the page benchmark: $(grep VmHWM /proc/$server/status | awk '{print $2}') KiB"
