#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each one: `fuzz/run.sh SECONDS [RUNS]`.
#
# The flags are those `cargo fuzz build -O -s none` passes, so neither cargo-fuzz nor a
# nightly toolchain is needed (the core forbids unsafe code, so no sanitizer is used).
# Corpora are seeded from tests/vectors by seed.py; a crash stops the run with exit 1
# and leaves its input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-30}
runs=${2:-0}   # 0: no limit on runs, only on time

export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps RUSTFLAGS off build scripts and proc macros.
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --quiet --target "$host" --target-dir target/libfuzzer
bin="target/libfuzzer/$host/release"
python3 seed.py

for target in scheme_json verify parsers roundtrip; do
  mkdir -p "artifacts/$target"
  echo "== fuzz $target: ${seconds}s$([ "$runs" != 0 ] && echo ", up to $runs runs")"
  args=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="artifacts/$target/")
  [ "$runs" != 0 ] && args+=(-runs="$runs")
  "$bin/$target" "corpus/$target" "${args[@]}" 2>"artifacts/$target.log" \
    || { tail -30 "artifacts/$target.log"; echo "fuzz $target: FAILED" >&2; exit 1; }
  grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb" "artifacts/$target.log"
done
