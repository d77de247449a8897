#!/bin/sh
# Exports the HEAD of each given git directory (e.g. a mirror of pytorch/serve) into bench/corpus/<name>.
# Blobs missing from a partial mirror (large binaries) are left out. The corpus is never committed.
set -eu
cd "$(dirname "$0")"
[ $# -gt 0 ] || { echo "usage: bench/prepare-corpus.sh GIT_DIR..." >&2; exit 2; }
for g in "$@"; do
  g=$(cd "$g" && pwd)
  name=$(basename "$(dirname "$g")")
  out="$PWD/corpus/$name"
  rm -rf "$out" && mkdir -p "$out"
  index=$(mktemp)
  GIT_INDEX_FILE=$index git --git-dir="$g" read-tree HEAD
  git --git-dir="$g" ls-tree -r HEAD | awk '$2=="blob"{print $3"\t"$4}' >"$index.tree"
  cut -f1 "$index.tree" | git --git-dir="$g" cat-file --batch-check | awk '$2=="missing"{print $1}' >"$index.missing"
  if [ -s "$index.missing" ]; then
    grep -F -f "$index.missing" "$index.tree" | cut -f2- | GIT_INDEX_FILE=$index git --git-dir="$g" update-index --force-remove --stdin
  fi
  GIT_INDEX_FILE=$index git --git-dir="$g" --work-tree="$out" checkout-index -a --prefix="$out/"
  rm -f "$index" "$index.tree" "$index.missing"
  echo "$out: $(find "$out" -name '*.py' | wc -l) Python files"
done
