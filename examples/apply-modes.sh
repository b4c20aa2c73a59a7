#!/usr/bin/env bash
# Git keeps only the executable bit, so each example node root lists the modes its files have on a
# real node in its .modes manifest ("<octal mode> <path>", paths relative to the node root), and this
# step applies them to the checked-out files. kubeward then reads the modes as they really are
# (it never reads .modes itself). `npm start`, `npm test` and the benchmark run it first.
#   bash examples/apply-modes.sh [EXAMPLE_DIR...]   (default: every examples/*/ with a .modes)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "$#" -eq 0 ]; then set -- "$here"/*/; fi
for dir in "$@"; do
  [ -f "$dir/.modes" ] || continue
  while read -r mode path; do
    [ -n "$mode" ] || continue
    chmod "$mode" "$dir/$path"
  done <"$dir/.modes"
done
