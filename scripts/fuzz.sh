#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 120) with seeds taken from this
# repository's own sample pages and fixtures, and prints the executions of each.
#   scripts/fuzz.sh [SECONDS] [JOBS] [TARGET…]   (default: every target)
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`). Crashes land in
# fuzz/artifacts/<target>/; each becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-120}"
jobs="${2:-1}"
shift $(( $# < 2 ? $# : 2 ))
[ $# -gt 0 ] && targets=("$@") || targets=(page md links source validate)
seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/html" "$seeds/text" "$seeds/links"
find input tests/fixtures -type f \( -name '*.html' -o -name '*.htm' -o -name '*.md' \) -size -200k \
  -exec cp --backup=numbered -t "$seeds/html" {} + 2>/dev/null || true
cp "$seeds/html/"* "$seeds/text/"
grep -rhoE 'href="[^"]*"' input tests/fixtures | sed 's/^href="//; s/"$//' | sort -u | head -300 |
  while IFS= read -r l; do printf '%s' "$l" > "$seeds/links/$(printf '%s' "$l" | md5sum | cut -c1-16)"; done
declare -A corpus=([page]=html [md]=html [source]=text [validate]=text [links]=links)
total=0
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  log="$(mktemp)"
  (cd fuzz && cargo +nightly fuzz run -O "$target" "corpus/$target" "$seeds/${corpus[$target]}" -- \
      -max_total_time="$seconds" -jobs="$jobs" -workers="$jobs" -print_final_stats=1) >"$log" 2>&1 || {
    grep -h -A12 -E "panicked|ERROR: AddressSanitizer|deadly signal" "$log" fuzz/fuzz-*.log 2>/dev/null | head -40
    tail -12 "$log"; echo "fuzz: $target failed"; exit 1; }
  runs=$(grep -h 'stat::number_of_executed_units' "$log" fuzz/fuzz-*.log 2>/dev/null | awk '{s+=$2} END {print s+0}')
  rm -f fuzz/fuzz-*.log
  echo "fuzz: $target: $runs executions in ${seconds}s, no crash"
  total=$((total + runs))
done
echo "fuzz: all targets: $total executions"
