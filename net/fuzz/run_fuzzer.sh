#!/usr/bin/env bash
# Builds one network fuzz target (net/fuzz/TARGET_fuzzer.cc over fuzz_targets.h) with
# clang's libFuzzer + ASan + UBSan, outside Bazel (the Bazel toolchain is g++, which
# has no libFuzzer), and runs it.
#
#   net/fuzz/run_fuzzer.sh TARGET [SECONDS] [libFuzzer flags...]
#
# TARGET: frame, connection, actor_path or system_path. SECONDS defaults to 60; 0
# means no time limit (bound it with -runs=N).
# The work dir is ${KOMPACT_FUZZ_DIR:-/tmp/kompact-net-fuzz}/TARGET: its corpus/ is
# seeded from net/fuzz/corpus/TARGET/ and regressions/TARGET/ (the tree is never
# written), crashes go to its
# artifacts/. When the flags name files or directories themselves (-merge=1 OUT IN,
# -minimize_crash=1 crash-...), the work corpus is left out.
# Objects are built once into ${KOMPACT_FUZZ_BUILD_DIR:-${KOMPACT_FUZZ_DIR}/build}
# (with make and dependency files; shared by the targets), together with the
# headers Bazel would generate and protoc's wire.pb.{h,cc}.
# Replay a crash under Bazel: tools/bazel run //net/fuzz:TARGET_replay -- FILE
# Needs clang-14, libclang-rt-14-dev, protoc, make and pkg-config's protobuf, Abseil,
# glog and toml++ (tools/install_deps.sh installs them). How a crash becomes a
# regression: net/fuzz/README.md.
set -euo pipefail

usage() {
  echo "usage: $0 TARGET [SECONDS] [libFuzzer flags...]   (TARGET: frame connection actor_path system_path)" >&2
  exit 2
}
[[ $# -ge 1 ]] || usage
target="$1"
shift
case "$target" in
  frame | connection | actor_path | system_path) ;;
  tls_handshake)
    echo "$0: there is no tls_handshake target: the TLS records and handshake are parsed by OpenSSL" \
      "(fuzzed by the OpenSSL project); what net/tls adds, the refusal classification, is covered by" \
      "net/tls/tls_stream_test (docs/security.md#fuzzing)" >&2
    exit 2
    ;;
  *) usage ;;
esac
seconds="${1:-60}"
[[ $# -gt 0 ]] && shift
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="${KOMPACT_FUZZ_DIR:-/tmp/kompact-net-fuzz}"
work="$base/$target"
build="${KOMPACT_FUZZ_BUILD_DIR:-$base/build}"
cxx="${CLANGXX:-$(command -v clang++-14 || command -v clang++)}"
mkdir -p "$build/gen/serialisation" "$build/gen/base" "$build/gen/routing" "$work/corpus" "$work/artifacts"

# Writes stdin to $1 unless it already holds exactly that (keeps make's timestamps).
write_if_changed() {
  local tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

# The headers Bazel generates from the build flags (defaults; KOMPACT_SANITIZER=1: ASan).
write_if_changed "$build/gen/serialisation/ser_id_config.h" <<'HDR'
#ifndef KOMPACT_GENERATED_SERIALISATION_SER_ID_CONFIG_H_
#define KOMPACT_GENERATED_SERIALISATION_SER_ID_CONFIG_H_
#define KOMPACT_SER_ID_BITS 64
#endif
HDR
write_if_changed "$build/gen/base/build_config_values.h" <<'HDR'
#ifndef KOMPACT_GENERATED_BASE_BUILD_CONFIG_VALUES_H_
#define KOMPACT_GENERATED_BASE_BUILD_CONFIG_VALUES_H_
#define KOMPACT_LOW_LATENCY 0
#define KOMPACT_THREAD_PINNING 0
#define KOMPACT_SILENT_LOGGING 0
#define KOMPACT_SANITIZER 1
#endif
HDR
write_if_changed "$build/gen/routing/routing_config.h" <<'HDR'
#ifndef KOMPACT_GENERATED_ROUTING_ROUTING_CONFIG_H_
#define KOMPACT_GENERATED_ROUTING_ROUTING_CONFIG_H_
#define KOMPACT_IMPLICIT_ROUTES 1
#endif
HDR
if [[ ! -f "$build/gen/net/proto/wire.pb.cc" || "$root/net/proto/wire.proto" -nt "$build/gen/net/proto/wire.pb.cc" ]]; then
  protoc --cpp_out="$build/gen" -I "$root" "$root/net/proto/wire.proto"
fi

# Everything a target links (the closure of net/fuzz:fuzz_targets without the
# network core's dispatcher side), relative to the workspace root.
sources=(
  base/config.cc base/internal/config_node.cc base/internal/config_toml.cc base/log.cc base/node_pool.cc
  base/stable_hash.cc base/status.cc base/uuid.cc
  executors/dedicated_thread_executor.cc executors/executor.cc executors/internal/future_errors.cc
  executors/internal/futex.cc executors/internal/injector.cc executors/internal/parking_lot.cc
  executors/internal/pinning.cc executors/internal/thread_group.cc executors/pool_options.cc
  executors/shared_queue_pool.cc executors/task.cc executors/work_stealing_pool.cc
  timer/internal/timer_core.cc timer/internal/wheel.cc timer/thread_timer.cc
  serialisation/buf.cc serialisation/buffer_pool.cc serialisation/chunk.cc serialisation/encode_buffer.cc
  serialisation/internal/chunk.cc serialisation/net_data.cc
  runtime/actor_path.cc runtime/component_blocking.cc runtime/component_core.cc runtime/component_timers.cc
  runtime/dispatcher.cc runtime/internal/child_registry.cc runtime/internal/creation_context.cc
  runtime/internal/dead_letter_box.cc runtime/internal/supervisor.cc runtime/internal/system_core.cc
  runtime/kompact_config.cc runtime/kompact_system.cc runtime/net_message.cc runtime/path_sending.cc
  runtime/runtime_support.cc runtime/system_path.cc
  net/block_list.cc net/connection.cc net/endpoint.cc net/frame.cc net/ip_net.cc net/path_table.cc
  net/refusal.cc
  net/fuzz/fake_stream.cc net/fuzz/fuzz_targets.cc
)
packages=(protobuf tomlplusplus libglog absl_status absl_statusor absl_strings absl_str_format absl_cord
  absl_time absl_hash absl_raw_hash_set absl_synchronization)
# shellcheck disable=SC2207
pkg_cflags=($(pkg-config --cflags "${packages[@]}"))
# shellcheck disable=SC2207
pkg_libs=($(pkg-config --libs "${packages[@]}"))
# shellcheck disable=SC2054  # the commas are one -fsanitize= list
cxxflags=(-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
  -fno-sanitize-recover=undefined -Wall -Wno-unused-parameter -I "$build/gen" -I "$root" "${pkg_cflags[@]}")

# Objects are rebuilt when the compiler or its flags change.
echo "$cxx ${cxxflags[*]}" | write_if_changed "$build/flags"
if [[ "$build/flags" -nt "$build/obj/.stamp" ]]; then rm -rf "$build/obj"; fi
mkdir -p "$build/obj"
touch "$build/obj/.stamp"

cat >"$build/Makefile" <<'MAKE'
# Written by net/fuzz/run_fuzzer.sh: objects with their header dependencies.
objects := $(patsubst %.cc,$(OBJ)/%.o,$(SRCS)) $(OBJ)/gen/net/proto/wire.pb.o
all: $(objects)
$(OBJ)/gen/%.o: $(GEN)/%.cc
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@
$(OBJ)/%.o: $(ROOT)/%.cc $(GEN)/net/proto/wire.pb.h
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@
-include $(objects:.o=.d)
MAKE
echo "building the $target fuzzer with $cxx (objects in $build/obj)"
make --no-print-directory -s -j"$(nproc)" -f "$build/Makefile" \
  ROOT="$root" GEN="$build/gen" OBJ="$build/obj" CXX="$cxx" CXXFLAGS="${cxxflags[*]}" \
  SRCS="${sources[*]} net/fuzz/${target}_fuzzer.cc"
objects=("${sources[@]/#/$build/obj/}")
objects=("${objects[@]/%.cc/.o}" "$build/obj/net/fuzz/${target}_fuzzer.o" "$build/obj/gen/net/proto/wire.pb.o")
binary="$work/${target}_fuzzer"
"$cxx" -fsanitize=fuzzer,address,undefined "${objects[@]}" "${pkg_libs[@]}" -lpthread -o "$binary"

args=("$@")
own_inputs=0
for a in "${args[@]}"; do
  [[ "$a" != -* ]] && own_inputs=1
done
if [[ $own_inputs -eq 1 ]]; then
  echo "running $binary ${args[*]} (crashes in $work/artifacts)"
  exec "$binary" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${args[@]}"
fi
for dir in corpus regressions; do  # fixed crashes are good seeds too
  if [[ -d "$root/net/fuzz/$dir/$target" ]]; then
    cp -n "$root/net/fuzz/$dir/$target"/* "$work/corpus/" 2>/dev/null || true
  fi
done
echo "fuzzing $target for ${seconds}s; corpus $work/corpus, crashes in $work/artifacts"
exec "$binary" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
  "${args[@]}" "$work/corpus"
