#!/usr/bin/env bash
# The case page, dashboard and case list of two builds side by side, in one run: each build makes its
# own demo organisation (same size, same day), is served, and answers `bench/pages.py`; the builds take
# turns twice so that a noisy minute hurts both. Prints each build's figures and the ratio of the new
# build's p99 to the earlier build's.
# Usage: bench/compare_pages.sh EARLIER_BIN NEW_BIN [CASES] [REQUESTS]   (defaults 50000, 2000)
# With AMPARO_BENCH_REUSE=1 the demo databases of the last run are served again (same builds' schema).
# The earlier binary is typically built from an older commit:
#   git worktree add /tmp/earlier <commit> && (cd /tmp/earlier && cargo build --release -p amparo)
set -euo pipefail
cd "$(dirname "$0")/.."
earlier="$1"
new="$2"
cases="${3:-50000}"
requests="${4:-2000}"
out=bench/out/compare
if [ "${AMPARO_BENCH_REUSE:-}" != 1 ]; then
  rm -rf "$out" && mkdir -p "$out"
  for build in earlier new; do
    bin="${!build}"
    echo "== $build: generating the $cases-case demo organisation"
    "$bin" demo --cases "$cases" --database "$out/$build.db" --today 2026-11-23 --no-serve > "$out/$build-demo.txt"
  done
fi

# Waits (at most five minutes) until process $1 uses less than 5 % of a core over a second.
wait_idle() {
  local ticks=$(getconf CLK_TCK) before after
  for _ in $(seq 1 300); do
    before=$(awk '{print $14 + $15}' "/proc/$1/stat")
    sleep 1
    after=$(awk '{print $14 + $15}' "/proc/$1/stat")
    [ $((after - before)) -le $((ticks / 20)) ] && return 0
  done
}

measure() {
  local build="$1" round="$2" bin="${!1}"
  local password
  password=$(sed -n 's/.*one-time password //p' "$out/$build-demo.txt")
  "$bin" serve --database "$out/$build.db" --bind 127.0.0.1:0 > "$out/$build-serve.txt" 2>/dev/null &
  local server=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$out/$build-serve.txt" && break; sleep 0.1; done
  local base
  base=$(sed -n 's/^listening on //p' "$out/$build-serve.txt")
  # The demo is derived as of its own day; on a later day `serve` first brings every case up to date
  # in the background. Measure once it is idle, so that the pages are timed, not that refresh.
  wait_idle "$server"
  python3 bench/pages.py "$base" attorney@demo.example.org "$password" "$requests" | tail -n 1 > "$out/$build-$round.json"
  kill "$server"
  wait "$server" 2>/dev/null || true
}

for round in 1 2; do
  measure earlier "$round"
  measure new "$round"
done

python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
def load(build):
    runs = [json.loads((out / f"{build}-{r}.json").read_text()) for r in (1, 2)]
    return {page: {"p50_ms": min(r[page]["p50_ms"] for r in runs),
                   "p99_ms": min(r[page]["p99_ms"] for r in runs),
                   "largest_with_css_bytes": max(r[page]["largest_with_css_bytes"] for r in runs)}
            for page in ("case_page", "dashboard", "case_list")}
earlier, new = load("earlier"), load("new")
for page in ("case_page", "dashboard", "case_list"):
    e, n = earlier[page], new[page]
    print(f"{page}: earlier p50 {e['p50_ms']} ms p99 {e['p99_ms']} ms, {e['largest_with_css_bytes']} B; "
          f"new p50 {n['p50_ms']} ms p99 {n['p99_ms']} ms, {n['largest_with_css_bytes']} B; "
          f"p99 ratio new/earlier {n['p99_ms'] / e['p99_ms']:.2f}x")
PY
