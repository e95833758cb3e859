#!/usr/bin/env bash
# Instructions, not time: the parse floor, the fastest peer (htmd's bare conversion:
# parse, Markdown, a two-key front matter, write) and `pagemill convert`, each on one
# thread under valgrind's callgrind (`apt-get install valgrind`) — the same figures on a
# busy machine as on an idle one.
#   scripts/bench-instructions.sh [PAGES]     (default: 500 pages; ~3 minutes)
# Prints the three counts and convert's ratio to the floor and to htmd.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-500}"
command -v valgrind >/dev/null || { echo "bench-instructions: valgrind is not installed" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --examples
cargo build --release --quiet
target/release/examples/gen-corpus --pages "$pages" --seed 1 -o "$work/in"

# `count CMD...` prints the instructions CMD executed (all threads). It runs from the
# work folder, where no pagemill.yaml is.
count() {
  (cd "$work" && valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" >/dev/null 2>"$work/log") || true
  grep -o 'refs: *[0-9,]*' "$work/log" | tr -d ', ' | cut -d: -f2
}
bin="$PWD/target/release"
floor=$(count "$bin/examples/parse-floor" "$work/in" -j 1)
htmd=$(count "$bin/examples/htmd-batch" "$work/in" -o "$work/htmd" -j 1)
convert=$(count "$bin/pagemill" convert "$work/in" -o "$work/out" -q -j 1 --no-progress)
awk -v f="$floor" -v h="$htmd" -v c="$convert" -v n="$pages" 'BEGIN {
  printf "%d pages: parse floor %.2f G instructions; htmd %.2f G (%.2fx the floor); convert %.2f G: %.2fx the floor, %.2fx htmd\n",
    n, f / 1e9, h / 1e9, h / f, c / 1e9, c / f, c / h }'
