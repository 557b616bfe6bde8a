#!/usr/bin/env bash
# Runs every fuzz target built in $1 for $2 seconds each, seeded from tests/fuzz/seeds/<target>/.
# A finding leaves a crash-* file and fails the run.
set -euo pipefail
build_dir=$1
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for bin in "$build_dir"/tests/fuzz/*_fuzz; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus="$build_dir/corpus-$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "$here/seeds/$name" ] && seeds+=("$here/seeds/$name")
  echo "fuzz: $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -print_final_stats=0 -artifact_prefix="$build_dir/" \
      "$corpus" "${seeds[@]}" >"$build_dir/$name.log" 2>&1; then
    echo "fuzz: $name FAILED, see $build_dir/$name.log"; tail -40 "$build_dir/$name.log"; status=1
  else
    grep -E "^#[0-9]+.*DONE" "$build_dir/$name.log" | tail -1 || true
  fi
done
exit $status
