"""The build settings of kompact-cpp (Kompact's cargo features), in one list.

Each package instantiates its own flags from KOMPACT_BUILD_FLAGS with
kompact_build_flags(), and //docs:build_flags_table writes the table of
docs/reference.md from the same list (//docs:docs_test compares them), so the
reference cannot drift from the flags that exist.

    load("//tools/build_defs:build_flags.bzl", "kompact_build_flags")
    kompact_build_flags()   # in base/, serialisation/, routing/: that package's flags
"""

load("@bazel_skylib//rules:common_settings.bzl", "bool_flag", "string_flag")

# package: where the flag lives (--//<package>:<name>; --@kompact//<package>:<name>
#   from a workspace that depends on kompact).
# values: the accepted values of a string flag (Bazel rejects any other).
# config: the .bazelrc config that sets it ("" if none).
# feature: the Kompact cargo feature it stands for.
KOMPACT_BUILD_FLAGS = [
    struct(
        package = "serialisation",
        name = "ser_id_bits",
        default = "64",
        values = ["8", "16", "32", "64"],
        config = "",
        feature = "ser_id_8, ser_id_16, ser_id_32, ser_id_64",
        doc = "Width of serialisation ids (SerId) in bits. An id that does not fit the " +
              "width is a compile error. Every system that talks to another must use the same width.",
    ),
    struct(
        package = "routing",
        name = "implicit_routes",
        default = True,
        values = [],
        config = "",
        feature = "implicit_routes",
        doc = "On: broadcast (`*`) and select (`?`) path markers work on every node of the path tree. " +
              "Off: only on nodes with an explicitly set routing policy (a defence against " +
              "`tcp://host:port/*` floods).",
    ),
    struct(
        package = "base",
        name = "low_latency",
        default = False,
        values = [],
        config = "low_latency",
        feature = "low_latency",
        doc = "Pool workers and the network thread never park: lowest latency, full CPU use while idle.",
    ),
    struct(
        package = "base",
        name = "thread_pinning",
        default = False,
        values = [],
        config = "thread_pinning",
        feature = "thread_pinning",
        doc = "Pool threads are pinned to processing units.",
    ),
    struct(
        package = "base",
        name = "silent_logging",
        default = False,
        values = [],
        config = "silent_logging",
        feature = "silent_logging",
        doc = "Log statements below INFO (debug builds) or ERROR (`-c opt`) compile to nothing.",
    ),
]

def kompact_build_flag(package, name):
    """The entry of KOMPACT_BUILD_FLAGS for --//<package>:<name>.

    Args:
      package: the package the flag lives in, e.g. "serialisation".
      name: the flag's name in that package, e.g. "ser_id_bits".

    Returns:
      The flag's struct (fails the build if there is none).
    """
    for flag in KOMPACT_BUILD_FLAGS:
        if flag.package == package and flag.name == name:
            return flag
    fail("no build flag //%s:%s in KOMPACT_BUILD_FLAGS" % (package, name))

def kompact_build_flags():
    """Declares the build settings of the calling package (public, as in KOMPACT_BUILD_FLAGS)."""
    package = native.package_name()
    for flag in KOMPACT_BUILD_FLAGS:
        if flag.package != package:
            continue
        if type(flag.default) == "bool":
            bool_flag(
                name = flag.name,
                build_setting_default = flag.default,
                visibility = ["//visibility:public"],
            )
        else:
            string_flag(
                name = flag.name,
                build_setting_default = flag.default,
                values = flag.values,
                visibility = ["//visibility:public"],
            )

def _cell(text):
    return text.replace("|", "\\|")

def _build_flags_table_impl(ctx):
    lines = [
        "| Flag | Values | Default | Config | Kompact feature | Meaning |",
        "|---|---|---|---|---|---|",
    ]
    for flag in KOMPACT_BUILD_FLAGS:
        if type(flag.default) == "bool":
            values = "`true`, `false`"
            default = "`true`" if flag.default else "`false`"
        else:
            values = ", ".join(["`%s`" % v for v in flag.values])
            default = "`%s`" % flag.default
        lines.append("| `--//%s:%s` | %s | %s | %s | `%s` | %s |" % (
            flag.package,
            flag.name,
            values,
            default,
            "`--config=%s`" % flag.config if flag.config else "",
            flag.feature,
            _cell(flag.doc),
        ))
    ctx.actions.write(ctx.outputs.out, "\n".join(lines) + "\n")
    return [DefaultInfo(
        files = depset([ctx.outputs.out]),
        runfiles = ctx.runfiles(files = [ctx.outputs.out]),
    )]

build_flags_table = rule(
    implementation = _build_flags_table_impl,
    doc = "Writes the markdown table of KOMPACT_BUILD_FLAGS to `out`.",
    attrs = {"out": attr.output(mandatory = True)},
)
