#!/usr/bin/env bash
# Times `pagemill validate` over N generated Markdown pages (copies of the committed
# output/ with distinct names, spread over 100 folders) against only reading the same
# files, in one run on one machine. Usage: scripts/bench-validate.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-10000}
runs=${2:-5}
cargo build --release --quiet
bin=target/release/pagemill
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mapfile -t sources < <(find output -name '*.md' | sort)
for ((i = 0; i < pages; i++)); do
  sub="$dir/content/d$((i % 100))"
  mkdir -p "$sub"
  cp "${sources[i % ${#sources[@]}]}" "$sub/page-$i.md"
done
bytes=$(du -sb "$dir/content" | cut -f1)
echo "pages: $pages ($((bytes / 1024)) KiB), runs: $runs (median)"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_of() {
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -1
  done
}
read_wall=$(time_of sh -c "find '$dir/content' -name '*.md' -print0 | xargs -0 cat" | awk '{print $1}' | median)
val=$(time_of "$bin" validate "$dir/content" --fail-on never)
val_wall=$(echo "$val" | awk '{print $1}' | median)
val_cpu=$(echo "$val" | awk '{print $2 + $3}' | median)
echo "read only (find | xargs cat): ${read_wall}s wall"
echo "pagemill validate:            ${val_wall}s wall, ${val_cpu}s CPU"
awk -v v="$val_wall" -v r="$read_wall" -v n="$pages" 'BEGIN {
  printf "validate / read: %.1fx wall; %.0f us per page\n", (r > 0 ? v / r : 0), v / n * 1e6 }'
