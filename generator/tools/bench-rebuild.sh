#!/usr/bin/env bash
# Rebuild cost over an existing output, this generator beside Hugo.
#
#   generator/tools/bench-rebuild.sh [PAGES] [RUNS]     (default 1000 pages, 5 runs)
#
# Needs ../shared/bench/gencorpus beside the repository and `hugo` on PATH
# (or HUGO=/path/to/hugo); without Hugo it measures this generator alone.
# Search, PDFs and the offline copy are off (like for like). For each run, alternating
# between the two tools, it measures: a build into an empty folder, a
# rebuild with nothing changed, and a rebuild after one page changed.
# It prints wall and system seconds (from /usr/bin/time) for each.
set -euo pipefail
pages=${1:-1000}
runs=${2:-5}
repo=$(cd "$(dirname "$0")/../.." && pwd)
gen="$repo/../shared/bench/gencorpus"
work=${BENCH_DIR:-/tmp/kb-bench-rebuild-$pages}
hugo=${HUGO:-$(command -v hugo || true)}
mkdir -p "$work"
[ -d "$work/content" ] || "$gen" -n "$pages" -o "$work" --force >/dev/null
sed '/^\[search\]/,/^\[/ s/^enabled = true/enabled = false/; s/^offlineCopy = true/offlineCopy = false/' "$repo/config.toml" > "$work/config.toml"
rm -rf "$work/themes" && mkdir -p "$work/themes" && cp -r "$repo/themes/default" "$work/themes/"
(cd "$repo" && go build -o "$work/kb" ./generator)

hs="$work/hugo"
# shellcheck source=hugo-site.sh
. "$repo/generator/tools/hugo-site.sh"

page=$(find "$work/content" -name '*.md' ! -name '_index.md' | sort | awk 'NR == 1')
t() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "$label %e s wall %S s sys %M KB" "$@" >/dev/null 2>"$work/time.txt" || { cat "$work/time.txt"; exit 1; }
  tail -1 "$work/time.txt"
}
for r in $(seq "$runs"); do
  echo "run $r"
  rm -rf "$work/public"
  t "  ours: into an empty folder " "$work/kb" build --no-pdf --source "$work"
  t "  ours: nothing changed      " "$work/kb" build --no-pdf --source "$work"
  echo "<!-- run $r -->" >> "$page"
  t "  ours: one page changed     " "$work/kb" build --no-pdf --source "$work"
  if [ -n "$hugo" ]; then
    rm -rf "$hs/public"
    t "  hugo: into an empty folder " "$hugo" --quiet -s "$hs"
    t "  hugo: nothing changed      " "$hugo" --quiet -s "$hs"
    echo "<!-- run $r hugo -->" >> "$page"
    t "  hugo: one page changed     " "$hugo" --quiet -s "$hs"
  fi
done
