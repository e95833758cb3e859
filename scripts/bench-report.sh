#!/usr/bin/env bash
# The HTML review report at scale, on generated corpora:
#   scripts/bench-report.sh [PAGES...]      (default: 2000 20000)
# For each size: `convert --report` peak RSS and wall time, the index's size, the
# detail folder's size, and the time headless Chromium takes to load the index and
# dump its DOM (the page list rendered).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ "$#" -eq 0 ] && sizes=(2000 20000)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --example gen-corpus
cargo build --release --quiet
bin=target/release/pagemill
browser="$(command -v chromium || command -v chromium-browser || true)"
for pages in "${sizes[@]}"; do
  rm -rf "$work/in" "$work/out" "$work/report"
  target/release/examples/gen-corpus --pages "$pages" --seed 1 -o "$work/in" >/dev/null
  sync
  /usr/bin/time -f "%M %e" -o "$work/time" "$bin" convert "$work/in" -o "$work/out" -q --no-progress \
    --report "$work/report/review.html" >/dev/null 2>&1 || true
  read -r rss wall <"$work/time"
  index=$(stat -c %s "$work/report/review.html")
  details=$(du -sm "$work/report/review-pages" | cut -f1)
  open="(no chromium)"
  if [ -n "$browser" ]; then
    s=$(date +%s.%N)
    "$browser" --headless --no-sandbox --disable-gpu --dump-dom "file://$work/report/review.html" \
      >"$work/dom" 2>/dev/null
    e=$(date +%s.%N)
    grep -q '<tr class="s-' "$work/dom" || { echo "the index did not load" >&2; exit 1; }
    s2=$(date +%s.%N)
    "$browser" --headless --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1
    e2=$(date +%s.%N)
    open="$(echo "$e - $s" | bc)s (an empty page: $(echo "$e2 - $s2" | bc)s)"
  fi
  echo "pages: $pages; convert --report: peak RSS $((rss / 1024)) MB, ${wall}s; index: $((index / 1024)) KB; detail pages: ${details} MB; Chromium opens the index in $open"
done
