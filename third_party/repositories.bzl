"""Every external repository of kompact, resolved from the local machine.

Nothing here downloads (.bazelrc also sets --experimental_repository_disable_download):
each repository is generated from pkg-config output for a Debian -dev package
(tools/install_deps.sh installs them), is a Debian package's directory under
/usr/share/bazel, or is a stand-in made of files under //third_party/offline.

Labels of the generated repositories match upstream (e.g.
@com_google_absl//absl/status:statusor), so BUILD files stay valid if the project
later moves to the real upstream repositories.

Call kompact_dependencies() from WORKSPACE; a workspace that depends on kompact
calls it too (see tools/consumer_test/WORKSPACE).
"""

load("//tools/build_defs:file_repository.bzl", "file_repository")
load("//tools/build_defs:system_cc_repository.bzl", "system_cc_repository")

# Upstream Bazel label (in @com_google_absl) -> pkg-config module (Debian libabsl-dev).
# Add entries as needed: ls /usr/lib/x86_64-linux-gnu/pkgconfig/absl_*.pc
ABSL_TARGETS = {
    "absl/algorithm:algorithm": "absl_algorithm",
    "absl/algorithm:container": "absl_algorithm_container",
    "absl/base:base": "absl_base",
    "absl/base:config": "absl_config",
    "absl/base:core_headers": "absl_core_headers",
    "absl/base:log_severity": "absl_log_severity",
    "absl/cleanup:cleanup": "absl_cleanup",
    "absl/container:btree": "absl_btree",
    "absl/container:fixed_array": "absl_fixed_array",
    "absl/container:flat_hash_map": "absl_flat_hash_map",
    "absl/container:flat_hash_set": "absl_flat_hash_set",
    "absl/container:inlined_vector": "absl_inlined_vector",
    "absl/container:node_hash_map": "absl_node_hash_map",
    "absl/container:node_hash_set": "absl_node_hash_set",
    "absl/debugging:failure_signal_handler": "absl_failure_signal_handler",
    "absl/debugging:stacktrace": "absl_stacktrace",
    "absl/debugging:symbolize": "absl_symbolize",
    "absl/flags:flag": "absl_flags",
    "absl/flags:parse": "absl_flags_parse",
    "absl/flags:usage": "absl_flags_usage",
    "absl/functional:any_invocable": "absl_any_invocable",
    "absl/functional:bind_front": "absl_bind_front",
    "absl/functional:function_ref": "absl_function_ref",
    "absl/hash:hash": "absl_hash",
    "absl/memory:memory": "absl_memory",
    "absl/meta:type_traits": "absl_type_traits",
    "absl/numeric:bits": "absl_bits",
    "absl/numeric:int128": "absl_int128",
    "absl/random:random": "absl_random_random",
    "absl/random:distributions": "absl_random_distributions",
    "absl/status:status": "absl_status",
    "absl/status:statusor": "absl_statusor",
    "absl/strings:cord": "absl_cord",
    "absl/strings:str_format": "absl_str_format",
    "absl/strings:strings": "absl_strings",
    "absl/synchronization:synchronization": "absl_synchronization",
    "absl/time:time": "absl_time",
    "absl/types:any": "absl_any",
    "absl/types:optional": "absl_optional",
    "absl/types:span": "absl_span",
    "absl/types:variant": "absl_variant",
    "absl/utility:utility": "absl_utility",
}

_WKT = {
    # name -> deps (upstream @com_google_protobuf well-known-type proto_library targets)
    "any": [],
    "api": ["source_context", "type"],
    "descriptor": [],
    "duration": [],
    "empty": [],
    "field_mask": [],
    "source_context": [],
    "struct": [],
    "timestamp": [],
    "type": ["any", "source_context"],
    "wrappers": [],
}

def _protobuf_root_build():
    s = [
        'load("@rules_proto//proto:defs.bzl", "proto_lang_toolchain", "proto_library")',
        "",
        "# /usr/bin/protoc (Debian protobuf-compiler); default of --proto_compiler",
        'exports_files(["protoc"])',
        "",
        "# default of --proto_toolchain_for_cc",
        "proto_lang_toolchain(",
        '    name = "cc_toolchain",',
        '    command_line = "--cpp_out=$(OUT)",',
        '    runtime = ":protobuf",',
        "    # WKT code is already inside libprotobuf.so: never generate it again",
        "    blacklisted_protos = [{}],".format(", ".join(['":{}_proto"'.format(n) for n in _WKT])),
        ")",
        "",
    ]
    for name, deps in _WKT.items():
        s.append('proto_library(name = "{n}_proto", srcs = ["src/google/protobuf/{n}.proto"], strip_import_prefix = "src", deps = [{d}])'.format(
            n = name,
            d = ", ".join(['":{}_proto"'.format(d) for d in deps]),
        ))
    s.append('filegroup(name = "well_known_protos", srcs = [{}])'.format(
        ", ".join(['"src/google/protobuf/{}.proto"'.format(n) for n in _WKT]),
    ))
    return "\n".join(s) + "\n"

# Called once from WORKSPACE, not a macro of a package: no `name`.
# buildifier: disable=unnamed-macro
def kompact_dependencies():
    """Declares every external repository; call from WORKSPACE."""

    # --- Bazel's own rule repositories, which Bazel 4.2.3's built-in WORKSPACE
    # suffix would otherwise download from GitHub. A WORKSPACE's own definitions
    # win over the suffix's maybe(http_archive, ...).
    file_repository(
        # Debian's bazel-rules-cc 0.0.4 needs Bazel >= 5.1: use our stand-in.
        name = "rules_cc",
        files = {
            Label("//third_party/offline:rules_cc/defs.bzl"): "cc/defs.bzl",
            Label("//third_party/offline:rules_cc/cc.BUILD"): "cc/BUILD.bazel",
        },
    )
    native.local_repository(
        name = "rules_java",  # Debian bazel-rules-java 4.0.0
        path = "/usr/share/bazel/rules/java",
    )
    native.local_repository(
        name = "rules_proto",  # Debian bazel-rules-proto 4.0.0
        path = "/usr/share/bazel/rules/proto",
    )
    native.local_repository(
        name = "bazel_skylib",  # Debian bazel-skylib 1.0.3
        path = "/usr/share/bazel/tools/skylib",
    )
    file_repository(
        # `bazel test` analyses @bazel_tools//tools/test:coverage_report_generator
        # even without coverage; upstream's is a downloaded Java tool.
        name = "remote_coverage_tools",
        files = {
            Label("//third_party/offline:remote_coverage_tools/root.BUILD"): "BUILD.bazel",
            Label("//third_party/offline:remote_coverage_tools/lcov_merger.py"): "lcov_merger.py",
            Label("//third_party/offline:remote_coverage_tools/coverage_report_generator.py"): "coverage_report_generator.py",
        },
    )

    # --- C++ libraries from Debian -dev packages --------------------------------
    system_cc_repository(
        name = "com_google_absl",
        targets = ABSL_TARGETS,
        install_hint = "apt-get install libabsl-dev pkg-config (tools/install_deps.sh)",
    )
    system_cc_repository(
        name = "com_google_protobuf",
        targets = {
            ":protobuf": "protobuf",
            ":protobuf_lite": "protobuf-lite",
            ":protoc_lib": "-lprotoc protobuf",
        },
        symlinks = {
            "protoc": "/usr/bin/protoc",
            "src/google/protobuf": "/usr/include/google/protobuf",
        },
        extra_build = {"": _protobuf_root_build()},
        install_hint = "apt-get install libprotobuf-dev protobuf-compiler pkg-config (tools/install_deps.sh)",
    )
    system_cc_repository(
        name = "com_github_grpc_grpc",
        targets = {
            ":grpc": "grpc",
            ":grpc++": "grpc++",
            ":grpc++_unsecure": "grpc++_unsecure",
            ":grpc++_reflection": "-lgrpc++_reflection grpc++",
        },
        symlinks = {"grpc_cpp_plugin": "/usr/bin/grpc_cpp_plugin"},
        files = {Label("//tools/build_defs:cc_grpc_library.bzl"): "bazel/cc_grpc_library.bzl"},
        extra_build = {
            "": 'exports_files(["grpc_cpp_plugin"])\n',
            "bazel": 'exports_files(["cc_grpc_library.bzl"])\n',
        },
        install_hint = "apt-get install libgrpc++-dev protobuf-compiler-grpc pkg-config (tools/install_deps.sh)",
    )
    system_cc_repository(
        name = "com_google_googletest",
        targets = {
            # upstream: gtest includes gmock; gtest_main's main() is gmock_main.
            ":gtest": "gmock gtest",
            ":gtest_main": "gmock_main gmock gtest",
        },
        install_hint = "apt-get install libgtest-dev libgmock-dev pkg-config (tools/install_deps.sh)",
    )
    system_cc_repository(
        name = "com_github_google_benchmark",
        targets = {
            ":benchmark": "benchmark",
            ":benchmark_main": "-lbenchmark_main benchmark",
        },
        install_hint = "apt-get install libbenchmark-dev pkg-config (tools/install_deps.sh)",
    )
    system_cc_repository(
        name = "com_github_google_glog",
        targets = {":glog": "libglog"},
        install_hint = "apt-get install libgoogle-glog-dev pkg-config (tools/install_deps.sh)",
    )
    system_cc_repository(
        name = "com_github_gflags_gflags",
        targets = {":gflags": "gflags"},
        install_hint = "apt-get install libgflags-dev pkg-config (tools/install_deps.sh)",
    )
    system_cc_repository(
        # toml++ 3.3 as a compiled shared library (Debian libtomlplusplus-dev).
        name = "tomlplusplus",
        targets = {":tomlplusplus": "tomlplusplus"},
        install_hint = "apt-get install libtomlplusplus-dev pkg-config (tools/install_deps.sh)",
    )
    system_cc_repository(
        # OpenSSL 3 (Debian libssl-dev): TLS for the TCP transport. Only //net/tls and
        # //testing/tls may depend on it (tools/ci/check_dag.sh). Labels as BoringSSL's.
        name = "openssl",
        targets = {
            ":ssl": "libssl libcrypto",
            ":crypto": "libcrypto",
        },
        install_hint = "apt-get install libssl-dev openssl pkg-config (tools/install_deps.sh)",
    )
    system_cc_repository(
        # C++ Actor Framework 0.17 (Debian libcaf-dev; no pkg-config file), only
        # for the side-by-side peer benchmarks in //bench/peers/caf.
        name = "caf",
        targets = {
            ":core": "-lcaf_core -lpthread",
            ":io": "-lcaf_io -lcaf_core -lpthread",
        },
        install_hint = "apt-get install libcaf-dev (tools/install_deps.sh)",
    )
