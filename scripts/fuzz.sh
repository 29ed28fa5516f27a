#!/usr/bin/env bash
# Fuzzes the three file readers, and the checkpoint metadata they carry, with libFuzzer
# and AddressSanitizer.
#
#   scripts/fuzz.sh [target|all] [seconds]
#       targets: idx, safetensors, png, metadata (default: all, 60 s each)
#
# Each target is one file in Fuzz/ compiled together with the library's sources into
# module DSDC (so it also reaches internal parsers), outside SwiftPM, into .build-fuzz/.
# A target is rebuilt only when its entry file or a library source has changed.
# Each run starts from a fresh copy of Fuzz/corpus/<target>/ and also replays
# Fuzz/regressions/<target>/. Any crash, leak, timeout (10 s per input), single
# allocation over 512 MB (inputs are at most 64 KB) or 2 GB of memory in use stops
# the run; the input is saved under .build-fuzz/artifacts/<target>/ and the script
# exits non-zero. The last lines are a table of executions per target.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(idx safetensors png metadata)
want=${1:-all}
seconds=${2:-60}
[[ $seconds =~ ^[0-9]+$ ]] && ((seconds > 0)) || { echo "fuzz.sh: seconds must be a positive integer, got '$seconds'" >&2; exit 2; }
if [[ $want != all ]]; then
  [[ " ${targets[*]} " == *" $want "* ]] || { echo "fuzz.sh: unknown target '$want' (idx, safetensors, png, metadata, all)" >&2; exit 2; }
  targets=("$want")
fi

declare -A entry=([idx]=Fuzz/IDXFuzz.swift [safetensors]=Fuzz/SafetensorsFuzz.swift [png]=Fuzz/PNGFuzz.swift
  [metadata]=Fuzz/MetadataFuzz.swift)
out=.build-fuzz
mkdir -p "$out/bin"
mapfile -t library < <(find Sources/DSDC -name '*.swift' | sort)

build() {
  local target=$1 binary=$out/bin/$1 sums
  sums=$(sha256sum "${entry[$target]}" "${library[@]}" Sources/C*/*)
  if [[ -x $binary ]] && [[ $sums == "$(cat "$binary.sources" 2>/dev/null)" ]]; then
    return
  fi
  echo "== building fuzz target $target"
  # -wmo with one thread keeps the build to one core; the library's kernel flags
  # (-O, -target-cpu native) as in Package.swift.
  swiftc -sanitize=fuzzer,address -parse-as-library -swift-version 6 \
    -O -wmo -num-threads 1 -target-cpu native -module-name DSDC \
    -I Sources/CPNG -I Sources/CZlib -I Sources/CCrypto \
    -lpng16 -lz -lcrypto \
    "${library[@]}" "${entry[$target]}" -o "$binary.tmp" 2> >(grep -v "Cannot export local symbol '__asan" >&2)
  mv "$binary.tmp" "$binary"
  echo "$sums" >"$binary.sources"
}

# Swift's own crash backtracer and AddressSanitizer get in each other's way (the
# backtracer can hang); libFuzzer prints the stack itself.
export SWIFT_BACKTRACE=enable=no
declare -A executions result
status=0
for target in "${targets[@]}"; do
  build "$target"
  work=$out/corpus/$target
  artifacts=$out/artifacts/$target/
  rm -rf "$work" && mkdir -p "$work" "$artifacts"
  cp Fuzz/corpus/"$target"/* "$work"/
  replay=()
  [[ -d Fuzz/regressions/$target ]] && [[ -n $(ls -A Fuzz/regressions/"$target") ]] && replay=(Fuzz/regressions/"$target")
  options=()
  [[ -f Fuzz/$target.dict ]] && options+=(-dict=Fuzz/$target.dict)
  log=$out/$target.log
  echo "== fuzzing $target for ${seconds}s (log: $log)"
  set +e
  "$out/bin/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${options[@]}" "$work" "${replay[@]}" >"$log" 2>&1
  code=$?
  set -e
  executions[$target]=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if ((code == 0)); then
    result[$target]=ok
  else
    status=1
    result[$target]="FAILED (exit $code): $(grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|deadly signal|Fatal error|timeout after' "$log" || echo "see $log")"
    grep -E -m3 "Test unit written to|Fatal error" "$log" >&2 || true
  fi
done

echo
echo "| target | executions | result |"
echo "|---|---|---|"
for target in "${targets[@]}"; do
  echo "| $target | ${executions[$target]:-?} | ${result[$target]} |"
done
exit $status
