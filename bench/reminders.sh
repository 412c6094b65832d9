#!/usr/bin/env bash
# The day's notices for the 50,000-case demo organisation on SQLite, as a ratio to reading every
# stored deadline once; every case is staffed first (on a scratch copy). Usage:
# bench/reminders.sh [CASES] (default 50000). Target: ≤ 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-50000}"
out=bench/out
mkdir -p "$out"
cargo build --release --quiet -p amparo
bin=target/release/amparo

demo="$(pwd)/$out/reminders-$cases.db"
if [ ! -f "$demo" ]; then
  $bin demo --cases "$cases" --database "$demo" --today 2026-11-23 --no-serve >/dev/null
fi
scratch="$(pwd)/$out/reminders-$cases-scratch.db"
rm -f "$scratch" "$scratch-wal" "$scratch-shm"
sqlite3 "$demo" ".backup '$scratch'" 2>/dev/null || cp "$demo" "$scratch"
AMPARO_BENCH_DATABASE="$scratch" AMPARO_BENCH_TODAY=2026-11-23 cargo bench --quiet -p amparo-store --bench reminders
