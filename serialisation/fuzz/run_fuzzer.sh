#!/usr/bin/env bash
# Builds the deserialisation fuzzer (deserialise_fuzzer.cc over fuzz_targets.h) with
# clang's libFuzzer + ASan + UBSan, outside Bazel (the Bazel toolchain is g++, which
# has no libFuzzer), and runs it.
#
#   serialisation/fuzz/run_fuzzer.sh [SECONDS] [SER_ID_BITS] [extra libFuzzer flags...]
#
# SECONDS defaults to 60, SER_ID_BITS (8|16|32|64) to 64. Run from anywhere in the
# workspace. The corpus grows in $KOMPACT_FUZZ_DIR (default /tmp/kompact-serialisation-fuzz),
# seeded from serialisation/fuzz/corpus; crashes are written there too and can be
# replayed with: tools/bazel run //serialisation/fuzz:deserialise_fuzzer_replay -- FILE
# Needs clang-14 and libclang-rt-14-dev (installed here), Abseil and glog (pkg-config).
set -euo pipefail

seconds="${1:-60}"
bits="${2:-64}"
shift $(( $# > 2 ? 2 : $# ))
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${KOMPACT_FUZZ_DIR:-/tmp/kompact-serialisation-fuzz}"
cxx="${CLANGXX:-$(command -v clang++-14 || command -v clang++)}"
mkdir -p "$work/include/serialisation" "$work/include/base" "$work/corpus" "$work/artifacts"

# The header Bazel generates from --//serialisation:ser_id_bits.
cat > "$work/include/serialisation/ser_id_config.h" <<HDR
#ifndef KOMPACT_GENERATED_SERIALISATION_SER_ID_CONFIG_H_
#define KOMPACT_GENERATED_SERIALISATION_SER_ID_CONFIG_H_
#define KOMPACT_SER_ID_BITS ${bits}
#endif
HDR
# The header Bazel generates from the base build flags (defaults; KOMPACT_SANITIZER=1: ASan).
cat > "$work/include/base/build_config_values.h" <<'HDR'
#ifndef KOMPACT_GENERATED_BASE_BUILD_CONFIG_VALUES_H_
#define KOMPACT_GENERATED_BASE_BUILD_CONFIG_VALUES_H_
#define KOMPACT_LOW_LATENCY 0
#define KOMPACT_THREAD_PINNING 0
#define KOMPACT_SILENT_LOGGING 0
#define KOMPACT_SANITIZER 1
#endif
HDR

sources=(
  base/status.cc base/uuid.cc
  serialisation/buf.cc serialisation/chunk.cc serialisation/buffer_pool.cc
  serialisation/encode_buffer.cc serialisation/internal/chunk.cc serialisation/net_data.cc
  serialisation/fuzz/fuzz_targets.cc serialisation/fuzz/deserialise_fuzzer.cc
)
binary="$work/deserialise_fuzzer_${bits}"
echo "building $binary with $cxx (SerId bits: $bits)"
# shellcheck disable=SC2046
"$cxx" -std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -Wall -Wno-unused-parameter \
  -I "$work/include" -I "$root" \
  "${sources[@]/#/$root/}" \
  $(pkg-config --cflags --libs absl_status absl_statusor absl_strings absl_str_format libglog) \
  -o "$binary"

cp -n "$root"/serialisation/fuzz/corpus/* "$work/corpus/" 2>/dev/null || true
echo "fuzzing for ${seconds}s; corpus $work/corpus, crashes in $work/artifacts"
exec "$binary" -max_total_time="$seconds" -max_len=512 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus"
