#!/usr/bin/env bash
# Build with search: this generator beside Hugo's build followed by
# Pagefind's index, on the same synthetic corpus, in one run, alternating.
#
#   generator/tools/bench-search-build.sh [PAGES] [RUNS]     (default 1000 pages, 3 runs)
#
# Needs ../shared/bench/gencorpus beside the repository, `hugo` on PATH (or
# HUGO=/path/to/hugo; `GOBIN=/tmp/hugobin go install
# github.com/gohugoio/hugo@v0.165.0`), node and npm (Pagefind 1.6.0 is
# installed from the locked generator/internal/search/testdata/pagefind).
# Ours: search on, PDFs and the offline copy off. Hugo: the minimal layouts
# of bench-rebuild.sh, then `pagefind --site public`. Each build goes into
# an empty folder. Prints wall seconds and peak memory (from /usr/bin/time);
# for Hugo + Pagefind the time is the sum and the peak the larger of the two.
# Earlier outputs are moved aside, not deleted, until the runs end: for some
# 30 s after many files are deleted, ext4 scans past their inodes each time
# it creates a file (recently_deleted), which made creating a file cost
# 0.3-1 ms and the build's time depend on what the run before it removed.
set -euo pipefail
pages=${1:-1000}
runs=${2:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
gen="$repo/../shared/bench/gencorpus"
work=${BENCH_DIR:-/tmp/kb-bench-search-$pages}
hugo=${HUGO:-$(command -v hugo || true)}
[ -n "$hugo" ] || { echo "hugo not found: set HUGO or install it (see the header)"; exit 2; }
mkdir -p "$work"
[ -d "$work/content" ] || "$gen" -n "$pages" -o "$work" --force >/dev/null
sed '/^\[search\]/,/^\[/ s/^enabled = .*/enabled = true/; s/^offlineCopy = true/offlineCopy = false/' "$repo/config.toml" > "$work/config.toml"
rm -rf "$work/themes" && mkdir -p "$work/themes" && cp -r "$repo/themes/default" "$work/themes/"
(cd "$repo" && go build -o "$work/kb" ./generator)
if [ ! -x "$work/pf/node_modules/.bin/pagefind" ]; then
  mkdir -p "$work/pf"
  cp "$repo/generator/internal/search/testdata/pagefind/package.json" "$repo/generator/internal/search/testdata/pagefind/package-lock.json" "$work/pf/"
  (cd "$work/pf" && npm ci --no-audit --no-fund >/dev/null)
fi
pagefind="$work/pf/node_modules/.bin/pagefind"

hs="$work/hugo"
# shellcheck source=hugo-site.sh
. "$repo/generator/tools/hugo-site.sh"

# The engine is compiled once, before the runs (it is cached per change of its sources).
trash="$work/trash"
if [ -d "$trash" ]; then rm -rf "$trash"; sleep 31; fi # see the header
mkdir -p "$trash"
aside() { if [ -d "$1" ]; then mv "$1" "$(mktemp -d "$trash/old.XXXXXX")/"; fi; }
# the trash is removed by the next run, before it waits (see the header)
aside "$work/public" && "$work/kb" build --no-pdf --source "$work" >/dev/null
measure() { # command... → "seconds kilobytes"
  /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$work/time.txt" || { cat "$work/time.txt"; exit 1; }
  tail -1 "$work/time.txt"
}
for r in $(seq "$runs"); do
  aside "$work/public"
  read -r ours_s ours_kb < <(measure "$work/kb" build --no-pdf --source "$work")
  aside "$hs/public"
  read -r hugo_s hugo_kb < <(measure "$hugo" --quiet -s "$hs")
  read -r pf_s pf_kb < <(measure "$pagefind" --site "$hs/public")
  awk -v r="$r" -v os="$ours_s" -v ok="$ours_kb" -v hs="$hugo_s" -v hk="$hugo_kb" -v ps="$pf_s" -v pk="$pf_kb" 'BEGIN {
    t = hs + ps; m = (hk > pk ? hk : pk)
    printf "run %d: ours %.2f s %.0f MB | hugo %.2f s %.0f MB + pagefind %.2f s %.0f MB = %.2f s, peak %.0f MB | ours/theirs: time %.2f×, peak %.2f×\n",
      r, os, ok/1024, hs, hk/1024, ps, pk/1024, t, m/1024, os/t, ok/m }'
done
