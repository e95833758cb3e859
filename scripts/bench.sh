#!/usr/bin/env bash
# Throughput and memory of `pagemill convert` against the parse floor, on generated
# corpora, measured in one run:
#   scripts/bench.sh [RUNS] [SMALL] [LARGE]     (defaults: 3 runs, 2000 and 20000 pages)
# Prints CPU seconds per MB for `parse-floor` and `convert` (medians, -j1) and their
# ratio, the 1- vs 2-thread speed-up of `convert` (wall time), peak RSS of `convert`
# at SMALL and LARGE pages, and the wall time of `validate` over the LARGE outputs
# against the convert that wrote them.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
small="${2:-2000}"
large="${3:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --examples
cargo build --release --quiet
bin=target/release/pagemill
target/release/examples/gen-corpus --pages "$small" --seed 1 -o "$work/small"
mb=$(du -sb "$work/small" | awk '{printf "%.1f", $1 / 1e6}')

# Every convert writes into a folder of its own, all removed at the end: removing the
# last run's outputs just before a run slows the next run's file creation on some file
# systems (ext4 without a journal skips inodes freed in the last 30 s, reading each),
# which would be counted as pagemill's time.

# `measure CMD...` prints "cpu_seconds wall_seconds max_rss_kb".
measure() {
  # Each run syncs only what it wrote itself: earlier runs' outputs are flushed first.
  sync
  /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
  # The last line: /usr/bin/time puts "Command exited with non-zero status" above it.
  tail -n 1 "$work/time" | awk '{printf "%.3f %.3f %d\n", $1 + $2, $3, $4}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The floor, -j1 and -j2 take turns, so that a burst of load from the machine's other
# users falls on all three rather than on one of them.
for i in $(seq "$runs"); do
  measure target/release/examples/parse-floor "$work/small" -j 1 >> "$work/floor"
  measure "$bin" convert "$work/small" -o "$work/out1-$i" -q -j 1 --no-progress >> "$work/conv1"
  measure "$bin" convert "$work/small" -o "$work/out2-$i" -q -j 2 --no-progress >> "$work/conv2"
done
floor_cpu=$(awk '{print $1}' "$work/floor" | median)
conv1_cpu=$(awk '{print $1}' "$work/conv1" | median)
conv1_wall=$(awk '{print $2}' "$work/conv1" | median)
conv2_wall=$(awk '{print $2}' "$work/conv2" | median)
rss_small=$(measure "$bin" convert "$work/small" -o "$work/out-rss" -q --no-progress | awk '{print $3}')

echo "corpus: $small pages, $mb MB"
awk -v f="$floor_cpu" -v c="$conv1_cpu" -v mb="$mb" 'BEGIN {
  printf "parse floor: %.4f CPU s/MB; convert: %.4f CPU s/MB; ratio: %.2fx\n", f / mb, c / mb, c / f }'
awk -v a="$conv1_wall" -v b="$conv2_wall" 'BEGIN { printf "convert -j1 %.2fs, -j2 %.2fs: speed-up %.2fx\n", a, b, a / b }'
echo "peak RSS at $small pages: $((rss_small / 1024)) MB"

target/release/examples/gen-corpus --pages "$large" --seed 1 -o "$work/large"
large_run=$(measure "$bin" convert "$work/large" -o "$work/out" -q --no-progress)
rss_large=$(echo "$large_run" | awk '{print $3}')
echo "peak RSS at $large pages: $((rss_large / 1024)) MB"
# `validate` over the outputs that convert just wrote, against that convert's wall time.
validate_wall=$(for _ in $(seq "$runs"); do measure "$bin" validate "$work/out"; done | awk '{print $2}' | median)
echo "$large_run" | awk -v v="$validate_wall" -v n="$large" '{
  printf "validate %d outputs: %.2fs; convert: %.2fs; ratio: %.2fx\n", n, v, $2, v / $2 }'
