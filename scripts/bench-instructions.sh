#!/usr/bin/env bash
# The parse floor against `convert` counted in instructions rather than timed: the same
# figure on a busy machine as on an idle one (valgrind's callgrind; `apt-get install
# valgrind`).
#   scripts/bench-instructions.sh [PAGES]     (default: 2000 pages; ~6 minutes)
# Prints the instructions each executes on one thread and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-2000}"
command -v valgrind >/dev/null || { echo "bench-instructions: valgrind is not installed" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --examples
cargo build --release --quiet
target/release/examples/gen-corpus --pages "$pages" --seed 1 -o "$work/in"

# `count CMD...` prints the instructions CMD executed (all threads).
count() {
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" >/dev/null 2>"$work/log" || true
  grep -o 'refs: *[0-9,]*' "$work/log" | tr -d ', ' | cut -d: -f2
}
floor=$(count target/release/examples/parse-floor "$work/in" -j 1)
convert=$(count target/release/pagemill convert "$work/in" -o "$work/out" -q -j 1 --no-progress)
awk -v f="$floor" -v c="$convert" -v n="$pages" 'BEGIN {
  printf "%d pages: parse floor %.2f G instructions; convert %.2f G; ratio: %.2fx\n", n, f / 1e9, c / 1e9, c / f }'
