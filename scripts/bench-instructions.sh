#!/usr/bin/env bash
# Instructions, not time: the parse floor, the fastest peer (htmd's bare conversion:
# parse, Markdown, a two-key front matter, write) and `pagemill convert`, each on one
# thread under valgrind's callgrind (`apt-get install valgrind`) — the same figures on a
# busy machine as on an idle one.
#   scripts/bench-instructions.sh [PAGES]     (default: 500 pages; ~3 minutes)
# Prints the three counts and convert's ratio to the floor and to htmd, then what
# boilerplate learning and cutting cost within that convert.
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

# What boilerplate learning and cutting cost inside that convert (inclusive, from the
# same callgrind run): the sampled pages' one walk (fingerprints and candidate blocks),
# their candidate blocks taken from it (or walked again), the spool past the memory
# budget, the counting, and the cut of every other page's repeated blocks.
callgrind_annotate --inclusive=yes --tree=calling "$work/cg.out" 2>/dev/null | awk -v c="$convert" '
  /^ *[0-9,]+ .*\* .*pagemill::page::convert::prepare \[/ { inprep = 1; next }
  /^ *[0-9,]+ .*\* / { inprep = 0 }
  inprep && />   .*boilerplate::walk/ { v = $1; gsub(",", "", v); walk += v }
  inprep && />   .*(Candidates::of|PageBlocks::under)/ { v = $1; gsub(",", "", v); cand += v }
  /^ *[0-9,]+ .*\* .*Boilerplate::find \[/ { v = $1; gsub(",", "", v); find += v }
  /^ *[0-9,]+ .*\* .*Serialize for pagemill::page::convert::Prepared>::serialize \[/ { v = $1; gsub(",", "", v); spool += v }
  /^ *[0-9,]+ .*\* .*PreparedPages::take \[/ { v = $1; gsub(",", "", v); spool += v }
  /^ *[0-9,]+ .*\* .*boilerplate::Learner::(add_page|finish) \[/ { v = $1; gsub(",", "", v); learn += v }
  END {
    total = walk + cand + find + spool + learn
    printf "boilerplate: %.2f G instructions, %.1f%% of convert (sampled pages: walk %.2f G, candidate blocks %.2f G, spool %.2f G, counting %.2f G; cut from the other pages %.2f G)\n",
      total / 1e9, 100 * total / c, walk / 1e9, cand / 1e9, spool / 1e9, learn / 1e9, find / 1e9 }'
