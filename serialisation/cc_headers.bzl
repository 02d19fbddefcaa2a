"""cc_headers: the headers of cc_library targets (transitively) as runfiles.

For tests that run a compiler themselves (//serialisation:compile_fail_test) and
need the headers of libraries whose header files are not exported as targets.
With `ser_id_bits`, the headers (the generated serialisation/ser_id_config.h among
them) come from a build with that SerId width, whatever the command line says, so
one `bazel test` checks the diagnostics of every width.
"""

_SER_ID = "//serialisation:ser_id_bits"

def _ser_id_transition_impl(settings, attr):
    return {_SER_ID: attr.ser_id_bits if attr.ser_id_bits else settings[_SER_ID]}

_ser_id_transition = transition(
    implementation = _ser_id_transition_impl,
    inputs = [_SER_ID],
    outputs = [_SER_ID],
)

def _cc_headers_impl(ctx):
    headers = depset(transitive = [d[CcInfo].compilation_context.headers for d in ctx.attr.deps])
    return [DefaultInfo(files = headers, runfiles = ctx.runfiles(transitive_files = headers))]

cc_headers = rule(
    implementation = _cc_headers_impl,
    doc = "The transitive headers of `deps` as files and runfiles.",
    attrs = {
        "deps": attr.label_list(providers = [CcInfo], cfg = _ser_id_transition),
        "ser_id_bits": attr.string(
            doc = "The SerId width to build `deps` with (\"\": the command line's).",
            values = ["", "8", "16", "32", "64"],
        ),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)
