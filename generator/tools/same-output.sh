#!/usr/bin/env bash
# Checks that the working tree's generator and theme build byte-identical
# output to REV's (default HEAD) on the bundled knowledge base and on the 1,000-page corpus of
# ../shared/bench/gencorpus (skipped when the tool is absent), search on.
#
#   generator/tools/same-output.sh [REV]
#
# Prints the differing files (diff -r) and exits 1 when outputs differ.
set -euo pipefail
rev=${1:-HEAD}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/kb-same-output.XXXXXX)
trap 'git -C "$repo" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$repo" worktree add -q --detach "$work/base" "$rev"
(cd "$work/base" && go build -o "$work/kb-base" ./generator)
(cd "$repo" && go build -o "$work/kb-new" ./generator)

# Each site is built twice, over the same content: by REV's generator with
# REV's configuration and theme, and by the working tree's with its own.
contents=("$repo/content")
gen="$repo/../shared/bench/gencorpus"
if [ -x "$gen" ]; then
  "$gen" -n 1000 -o "$work/c1k" --force >/dev/null 2>&1
  contents+=("$work/c1k/content")
fi
status=0
for c in "${contents[@]}"; do
  for side in base new; do
    tree=$repo
    [ $side = base ] && tree=$work/base
    src=$work/site-$side
    rm -rf "$src" && mkdir -p "$src"
    cp -r "$tree/config.toml" "$tree/themes" "$src/"
    cp -r "$c" "$src/content"
    "$work/kb-$side" build --source "$src" --dest "$work/out-$side" >/dev/null
  done
  if diff -r -x .kb-output.json "$work/out-base" "$work/out-new" >"$work/diff.txt"; then
    echo "same output: $c"
  else
    echo "DIFFERENT output: $c ($(grep -c '^diff ' "$work/diff.txt" || true) files; each changed line, with how often):"
    grep -E '^(Only in|[<>] )' "$work/diff.txt" | sort | uniq -c | sort -rn | head -40
    status=1
  fi
  rm -rf "$work/out-base" "$work/out-new"
done
exit $status
