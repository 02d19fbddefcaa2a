"""kompact_config_test: run a test binary under a fixed build configuration.

The build configurations (low_latency, thread_pinning, silent_logging, SerId
width, implicit routes) must reach the code. A config test builds `binary` with
the given settings through a configuration transition — whatever flags the
`bazel test` command line had — and runs it with `args`, so one `bazel test //...`
proves every configuration:

    kompact_config_test(
        name = "build_config_low_latency_test",
        binary = ":build_config_check",
        low_latency = True,
        args = ["--low_latency=1"],
    )

Settings not given are reset to their defaults (fastbuild, every bool config off,
SerId width 64, implicit routes on), so the expectation never depends on the
caller. (Bazel 4 cannot transition on --define; that is why the configurations
are build settings.)
"""

_MODE = "//command_line_option:compilation_mode"
_LOW_LATENCY = "//base:low_latency"
_THREAD_PINNING = "//base:thread_pinning"
_SILENT_LOGGING = "//base:silent_logging"
_SER_ID = "//serialisation:ser_id_bits"
_ROUTES = "//routing:implicit_routes"

def _fixed_config_impl(_settings, attr):
    return {
        _MODE: attr.compilation_mode,
        _LOW_LATENCY: attr.low_latency,
        _THREAD_PINNING: attr.thread_pinning,
        _SILENT_LOGGING: attr.silent_logging,
        _SER_ID: attr.ser_id_bits,
        _ROUTES: attr.implicit_routes,
    }

_fixed_config = transition(
    implementation = _fixed_config_impl,
    inputs = [],
    outputs = [_MODE, _LOW_LATENCY, _THREAD_PINNING, _SILENT_LOGGING, _SER_ID, _ROUTES],
)

def _config_test_impl(ctx):
    binary = ctx.attr.binary[0][DefaultInfo]
    exe = ctx.executable.binary
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        output = script,
        content = "#!/usr/bin/env bash\nset -euo pipefail\nexec ./{} {} \"$@\"\n".format(
            exe.short_path,
            " ".join(["'{}'".format(a) for a in ctx.attr.args_for_binary]),
        ),
        is_executable = True,
    )
    runfiles = ctx.runfiles(files = [exe]).merge(binary.default_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

_config_test = rule(
    implementation = _config_test_impl,
    test = True,
    attrs = {
        "binary": attr.label(mandatory = True, executable = True, cfg = _fixed_config),
        "args_for_binary": attr.string_list(),
        "low_latency": attr.bool(),
        "thread_pinning": attr.bool(),
        "silent_logging": attr.bool(),
        "compilation_mode": attr.string(default = "fastbuild", values = ["fastbuild", "dbg", "opt"]),
        "ser_id_bits": attr.string(default = "64"),
        "implicit_routes": attr.bool(default = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)

def kompact_config_test(
        name,
        binary,
        args = [],
        compilation_mode = "fastbuild",
        low_latency = False,
        thread_pinning = False,
        silent_logging = False,
        ser_id_bits = "64",
        implicit_routes = True,
        size = "small",
        **kwargs):
    _config_test(
        name = name,
        binary = binary,
        args_for_binary = args,
        low_latency = low_latency,
        thread_pinning = thread_pinning,
        silent_logging = silent_logging,
        compilation_mode = compilation_mode,
        ser_id_bits = ser_id_bits,
        implicit_routes = implicit_routes,
        size = size,
        **kwargs
    )
