#!/usr/bin/env bash
# A no-op rerun against a full conversion, on a generated corpus.
#   scripts/bench-rerun.sh [PAGES] [RUNS]
# Prints the median wall time of each and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-2000}"
runs="${2:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --example gen-corpus
cargo build --release --quiet
bin=target/release/pagemill
target/release/examples/gen-corpus --pages "$pages" --seed 1 -o "$work/in"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }

full=$(for _ in $(seq "$runs"); do rm -rf "$work/out"; seconds "$bin" convert "$work/in" -o "$work/out" -q --no-progress; done | median)
noop=$(for _ in $(seq "$runs"); do seconds "$bin" convert "$work/in" -o "$work/out" -q --no-progress; done | median)
echo "pages: $pages; full convert: ${full}s; no-op rerun: ${noop}s; ratio: $(echo "scale=4; $noop / $full * 100" | bc)%"
