#!/usr/bin/env bash
# Writes and memory under load, on SQLite and on PostgreSQL, each figure beside its floor in one run:
#  1. events recorded through the API by 8 clients (wrk, one connection each: bench/load/requests.lua, MIX=events),
#     against the floor: the same two rows per event (the event, the case's version) written with bare
#     SQL by 8 threads (`cargo bench -p amparo-store --bench writes`) on a scratch copy of the same data;
#  2. peak RSS (VmHWM) of `amparo serve` idle and after 32 connections of case pages, API reads and
#     event writes (bench/load/requests.lua, MIX=mixed), with the requests per second that mix reached.
# Usage: bench/load.sh [CASES] (default 50000). BIN=path measures that binary instead of building the
# release one; RUN_SECONDS (default 20) is the length of each load; LOAD_SCHEMA (default
# amparo_load_CASES) names the PostgreSQL schema of the demo data, kept between runs. MOVING_FROM (a
# date after the demo's day, 2026-11-23) dates each pass of events a day later, so that every event
# moves a deadline (see bench/load/requests.lua); by default all are dated yesterday.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-50000}"
seconds="${RUN_SECONDS:-20}"
out="$(pwd)/bench/out"
mkdir -p "$out"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet -p amparo
  BIN=target/release/amparo
fi
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
# An event dated yesterday is never in the future, whatever the organisation's time zone.
export EVENT_DATE="$(date -u -d yesterday +%F)"
export AMPARO_API_RATE_PER_MINUTE=100000000
base_pg="${AMPARO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null || true' EXIT

rss() { grep VmHWM "/proc/$1/status" | awk '{print $2}'; }
rate() { sed -n 's/^RESULT requests=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2/p' "$1" | awk '{printf "%.0f", $1 / $2}'; }

# Serves $1 (a database URL), signs in, makes a write token; sets server, base, token, cookie.
start() {
  local database="$1" label="$2"
  password=$($BIN demo --database "$database" --no-serve | sed -n 's/.*one-time password //p')
  token=$($BIN token create --database "$database" --email attorney@demo.example.org --scope write \
    --name "load benchmark" 2>/dev/null | tail -n 1)
  $BIN serve --database "$database" --bind 127.0.0.1:0 > "$out/load-serve-$label.txt" 2>/dev/null &
  server=$!
  for _ in $(seq 1 300); do grep -q "listening on" "$out/load-serve-$label.txt" && break; sleep 0.1; done
  base=$(sed -n 's/^listening on //p' "$out/load-serve-$label.txt")
  cookie=$(python3 bench/load/sign_in.py "$base" attorney@demo.example.org "$password")
}

stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

# The cases the clients write to ("id version"), read with the backend's own client.
cases_file() {
  local label="$1" query="SELECT id || ' ' || version FROM cases WHERE org_id = (SELECT MIN(org_id) FROM cases) AND is_open = 1 ORDER BY id LIMIT 4000"
  if [ "$label" = sqlite ]; then sqlite3 "$2" "$query"; else psql -qtA "$2" -c "$query"; fi > "$out/load-cases-$label.txt"
  export CASES_FILE="$out/load-cases-$label.txt"
}

measure() {
  local label="$1" database="$2" floor_database="$3" list_database="$4"
  echo "== $label"
  start "$database" "$label"
  sleep 1
  local idle; idle=$(rss "$server")
  cases_file "$label" "$list_database"
  MIX=events WRK_THREADS=8 AMPARO_TOKEN="$token" wrk -t8 -c8 -d"${seconds}s" -s bench/load/requests.lua "$base" \
    > "$out/load-events-$label.txt"
  local events; events=$(rate "$out/load-events-$label.txt")
  cases_file "$label" "$list_database"
  MIX=mixed WRK_THREADS=32 AMPARO_TOKEN="$token" AMPARO_COOKIE="$cookie" wrk -t32 -c32 -d"${seconds}s" \
    -s bench/load/requests.lua "$base" > "$out/load-mixed-$label.txt"
  local mixed; mixed=$(rate "$out/load-mixed-$label.txt")
  local peak; peak=$(rss "$server")
  local threads; threads=$(ls "/proc/$server/task" | wc -l)
  stop
  AMPARO_BENCH_DATABASE="$floor_database" AMPARO_BENCH_SECONDS="$seconds" \
    cargo bench --quiet -p amparo-store --bench writes > "$out/load-floor-$label.txt"
  local floor; floor=$(sed -n 's/^FLOOR events_per_second=\([0-9]*\).*/\1/p' "$out/load-floor-$label.txt")
  grep -h "RESULT" "$out/load-events-$label.txt" "$out/load-mixed-$label.txt"
  python3 - "$label" "$events" "$floor" "$idle" "$peak" "$mixed" "$threads" <<'PY'
import sys
label, events, floor, idle, peak, mixed, threads = sys.argv[1], *map(float, sys.argv[2:])
print(f"{label}: events through the API, 8 clients: {events:,.0f}/s; bare SQL floor {floor:,.0f}/s; "
      f"ratio {events / floor:.2f}x (target >= 0.5x)")
print(f"{label}: serve peak RSS idle {idle / 1024:.1f} MiB, after 32 connections of mixed load "
      f"{peak / 1024:.1f} MiB (target <= 64 MiB); mixed load {mixed:,.0f} requests/s; {threads:.0f} threads")
PY
}

demo="$out/load-$cases.db"
[ -f "$demo" ] || $BIN demo --cases "$cases" --database "$demo" --today 2026-11-23 --no-serve > /dev/null
scratch="$out/load-$cases-scratch.db"
floor="$out/load-$cases-floor.db"
for copy in "$scratch" "$floor"; do
  rm -f "$copy" "$copy-wal" "$copy-shm"
  sqlite3 "$demo" ".backup '$copy'"
done
cp "$demo.key" "$scratch.key" 2>/dev/null || true
measure sqlite "$scratch" "$floor" "$scratch"

if pg_isready -q -h 127.0.0.1 -p 5432; then
  export AMPARO_KEY_FILE="$out/load-postgres.key"
  $BIN key generate --out "$AMPARO_KEY_FILE" --if-missing
  schema="${LOAD_SCHEMA:-amparo_load_$cases}"
  if ! psql "$base_pg" -qtAc "SELECT 1 FROM information_schema.schemata WHERE schema_name = '$schema'" | grep -q 1; then
    psql "$base_pg" -qc "CREATE SCHEMA $schema"
    $BIN demo --cases "$cases" --database "$base_pg?options=-c%20search_path%3D$schema" --today 2026-11-23 --no-serve >/dev/null
  fi
  # The floor's copy: the two tables it writes, with their keys and indexes.
  psql "$base_pg" -q <<SQL
DROP SCHEMA IF EXISTS ${schema}_floor CASCADE;
CREATE SCHEMA ${schema}_floor;
CREATE TABLE ${schema}_floor.cases (LIKE $schema.cases INCLUDING ALL);
INSERT INTO ${schema}_floor.cases SELECT * FROM $schema.cases;
CREATE TABLE ${schema}_floor.events (LIKE $schema.events INCLUDING ALL);
INSERT INTO ${schema}_floor.events SELECT * FROM $schema.events;
ALTER TABLE ${schema}_floor.events ADD FOREIGN KEY (org_id, case_id) REFERENCES ${schema}_floor.cases (org_id, id);
VACUUM ANALYZE ${schema}_floor.cases;
VACUUM ANALYZE ${schema}_floor.events;
VACUUM ANALYZE $schema.cases;
VACUUM ANALYZE $schema.events;
SQL
  app="$base_pg?options=-c%20search_path%3D$schema"
  measure postgres "$app" "$base_pg?options=-c%20search_path%3D${schema}_floor" \
    "$base_pg?options=-c%20search_path%3D$schema"
  psql "$base_pg" -qc "DROP SCHEMA ${schema}_floor CASCADE"
fi
