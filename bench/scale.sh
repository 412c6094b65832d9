#!/usr/bin/env bash
# The same pages on 50,000 cases in one organisation and on 500,000 cases in ten, on PostgreSQL: the
# case page, the dashboard, the case list and the triage board, signed in to the first organisation
# (`bench/pages.py`, server time from the app's own Server-Timing header), and the ratio of each
# figure at 500,000 to the same figure at 50,000. Target: every ratio ≤ 1.5.
# Usage: bench/scale.sh [CASES_PER_ORG] [ORGS] [REQUESTS] (defaults 50000, 10, 2000). BIN=path uses a
# built binary instead of building the release one. The two schemas are kept for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
per_org="${1:-50000}"
orgs="${2:-10}"
requests="${3:-2000}"
out="$(pwd)/bench/out"
mkdir -p "$out"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet -p amparo
  BIN=target/release/amparo
fi
base_pg="${AMPARO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
key="$out/scale.key"
export AMPARO_KEY_FILE="$key"
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null || true' EXIT

# Builds (once) and measures one schema holding $1 organisations of $per_org cases each.
measure() {
  local n="$1" schema="amparo_scale_${per_org}x$1"
  local url="$base_pg?options=-c%20search_path%3D$schema"
  if ! psql "$base_pg" -qtAc "SELECT 1 FROM information_schema.schemata WHERE schema_name = '$schema'" | grep -q 1; then
    psql "$base_pg" -qc "CREATE SCHEMA $schema"
    $BIN demo --cases "$per_org" --orgs "$n" --database "$url" --today 2026-11-23 --no-serve >&2
    # VACUUM refuses a transaction block, which a multi-statement -c is: the schema goes in options.
    PGOPTIONS="-c search_path=$schema" psql "$base_pg" -qc "VACUUM ANALYZE" >&2
  fi
  local password
  password=$($BIN demo --database "$url" --no-serve | sed -n 's/.*one-time password //p')
  $BIN serve --database "$url" --bind 127.0.0.1:0 > "$out/scale-serve-$n.txt" 2>/dev/null &
  server=$!
  for _ in $(seq 1 300); do grep -q "listening on" "$out/scale-serve-$n.txt" && break; sleep 0.1; done
  python3 bench/pages.py "$(sed -n 's/^listening on //p' "$out/scale-serve-$n.txt")" \
    attorney@demo.example.org "$password" "$requests" | tail -n 1 > "$out/scale-$n.json"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

$BIN key generate --out "$key" --if-missing
measure 1
measure "$orgs"
python3 - "$out/scale-1.json" "$out/scale-$orgs.json" "$per_org" "$orgs" <<'PY'
import json, sys
small, large = (json.load(open(p)) for p in sys.argv[1:3])
per_org, orgs = int(sys.argv[3]), int(sys.argv[4])
print(f"PostgreSQL, {per_org:,} cases in 1 organisation against {per_org * orgs:,} in {orgs}")
for page in ("case_page", "dashboard", "case_list", "board"):
    a, b = small[page], large[page]
    print(f"{page:<10} p50 {a['p50_ms']:>7.2f} → {b['p50_ms']:>7.2f} ms ({b['p50_ms'] / a['p50_ms']:.2f}x)   "
          f"p99 {a['p99_ms']:>7.2f} → {b['p99_ms']:>7.2f} ms ({b['p99_ms'] / a['p99_ms']:.2f}x)")
PY
