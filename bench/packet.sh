#!/usr/bin/env bash
# The re-parole packet (cover letter, exhibit index, tab pages and every exhibit page, typeset in
# process) against merging the same exhibit PDFs with `qpdf --empty --pages`, in one run, taking turns.
# Usage: bench/packet.sh [EXHIBITS] [PAGES] [ROUNDS]   (defaults 10 3 5: 30 exhibit pages)
# AMPARO_BENCH_PROFILE=dev measures the debug build (dependencies at opt-level 1) instead of release.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${AMPARO_BENCH_PROFILE:-release}"
out=bench/out/packet
mkdir -p "$out"
cargo run --quiet --profile "$profile" -p amparo-documents --example packet_bench -- "$out" "${1:-10}" "${2:-3}" "${3:-5}"
qpdf --check "$out/packet.pdf" >/dev/null && echo "qpdf --check: the packet is a valid PDF"
