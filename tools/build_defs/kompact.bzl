"""The macros every kompact BUILD file uses. Keep this set small.

    kompact_cc_library   cc_library with our copts
    kompact_cc_binary    cc_binary with our copts
    kompact_cc_test      cc_test with our test copts and //testing:gtest_main
    kompact_cc_benchmark Google Benchmark binary (testonly, tag "benchmark") plus a
                         `<name>_smoke_test` that runs it for a few milliseconds
    kompact_cc_proto_library  proto_library `<name>_proto` + cc_proto_library
                         `<name>_cc_proto`
"""

load("@rules_cc//cc:defs.bzl", "cc_proto_library")
load("@rules_proto//proto:defs.bzl", "proto_library")
load("//tools/build_defs:copts.bzl", "kompact_copts", "kompact_test_copts")

def kompact_cc_library(name, copts = [], **kwargs):
    native.cc_library(name = name, copts = kompact_copts() + copts, **kwargs)

def kompact_cc_binary(name, copts = [], **kwargs):
    native.cc_binary(name = name, copts = kompact_copts() + copts, **kwargs)

def kompact_cc_test(name, size = "small", deps = [], copts = [], gtest_main = True, **kwargs):
    """A gtest test. `gtest_main = False` when the test brings its own main()."""
    native.cc_test(
        name = name,
        size = size,
        copts = kompact_test_copts() + copts,
        deps = deps + ([Label("//testing:gtest_main")] if gtest_main else []),
        **kwargs
    )

def kompact_cc_benchmark(name, deps = [], copts = [], smoke_args = [], tags = [], **kwargs):
    """A Google Benchmark binary and its smoke test.

    Run the benchmark with `tools/bazel run -c opt //pkg:name` (add
    --config=low_latency for latency figures). The smoke test runs each benchmark
    for ~1 ms under `bazel test //...` so benchmarks keep building and working.
    """
    native.cc_binary(
        name = name,
        testonly = True,
        copts = kompact_copts() + copts,
        deps = deps + [Label("//testing:benchmark_main")],
        tags = tags + ["benchmark"],
        **kwargs
    )
    native.sh_test(
        name = name + "_smoke_test",
        size = "small",
        srcs = [Label("//tools/build_defs:run_binary_test.sh")],
        args = ["$(location :{})".format(name), "--benchmark_min_time=0.001"] + smoke_args,
        data = [":" + name],
        tags = tags,
    )

def kompact_cc_proto_library(name, srcs, deps = [], visibility = None, **kwargs):
    """`<name>_proto` (proto_library) and `<name>_cc_proto` (C++ code).

    `deps` are other proto_library targets (e.g. "//net:wire_proto",
    "@com_google_protobuf//:timestamp_proto").
    """
    proto_library(name = name + "_proto", srcs = srcs, deps = deps, visibility = visibility, **kwargs)
    cc_proto_library(name = name + "_cc_proto", deps = [":" + name + "_proto"], visibility = visibility, **kwargs)
