"""cc_headers: the headers of cc_library targets (transitively) as runfiles.

For tests that run a compiler themselves (//serialisation:compile_fail_test) and
need the headers of libraries whose header files are not exported as targets.
"""

def _cc_headers_impl(ctx):
    headers = depset(transitive = [d[CcInfo].compilation_context.headers for d in ctx.attr.deps])
    return [DefaultInfo(files = headers, runfiles = ctx.runfiles(transitive_files = headers))]

cc_headers = rule(
    implementation = _cc_headers_impl,
    attrs = {"deps": attr.label_list(providers = [CcInfo])},
)
