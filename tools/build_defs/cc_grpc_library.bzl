"""Stand-in for upstream @com_github_grpc_grpc//bazel:cc_grpc_library.bzl.

Served as @com_github_grpc_grpc//bazel:cc_grpc_library.bzl by //third_party:repositories.bzl.
Same call shape as upstream's grpc_only=True form, so BUILD files stay
portable to the real gRPC repo:

    proto_library(name = "foo_proto", srcs = ["foo.proto"])
    cc_proto_library(name = "foo_cc_proto", deps = [":foo_proto"])
    cc_grpc_library(
        name = "foo_cc_grpc",
        srcs = [":foo_proto"],
        deps = [":foo_cc_proto"],
        grpc_only = True,
    )

Runs Debian's /usr/bin/protoc with /usr/bin/grpc_cpp_plugin.
"""

def _import_path(f, proto_root):
    """The path protoc knows `f` by (relative to its --proto_path)."""
    p = f.path
    if proto_root and proto_root != "." and p.startswith(proto_root + "/"):
        return p[len(proto_root) + 1:]
    if not f.is_source and p.startswith(f.root.path + "/"):
        p = p[len(f.root.path) + 1:]
    if p.startswith("external/"):
        p = p.split("/", 2)[2]
    return p

def _proto_path_arg(path):
    if path in ("", "."):
        return None
    return "--proto_path=" + path

def _generate_cc_impl(ctx):
    info = ctx.attr.srcs[0][ProtoInfo]
    root = info.proto_source_root
    pkg = ctx.label.package
    hdrs, srcs = [], []
    out_dir = None
    for src in info.direct_sources:
        base = _import_path(src, root)[:-len(".proto")]
        rel = base[len(pkg) + 1:] if pkg and base.startswith(pkg + "/") else base
        h = ctx.actions.declare_file(rel + ".grpc.pb.h")
        hdrs.append(h)
        if ctx.attr.generate_mocks:
            hdrs.append(ctx.actions.declare_file(rel + "_mock.grpc.pb.h"))
        srcs.append(ctx.actions.declare_file(rel + ".grpc.pb.cc"))
        d = h.path[:-len(base + ".grpc.pb.h")].rstrip("/")
        if out_dir == None:
            out_dir = d
        elif out_dir != d:
            fail("inconsistent output roots {} vs {}".format(out_dir, d))

    args = ctx.actions.args()
    args.add("--plugin=protoc-gen-grpc=" + ctx.executable._plugin.path)
    args.add("--grpc_out=" + ("generate_mock_code=true:" if ctx.attr.generate_mocks else "") + out_dir)
    args.add_all(info.transitive_proto_path, map_each = _proto_path_arg)
    args.add("--proto_path=.")
    args.add_all(info.direct_sources)
    ctx.actions.run(
        executable = ctx.executable._protoc,
        tools = [ctx.executable._plugin],
        inputs = info.transitive_sources,
        outputs = hdrs + srcs,
        arguments = [args],
        mnemonic = "GrpcCppGen",
        progress_message = "Generating gRPC C++ code for %s" % ctx.label,
    )
    return [
        DefaultInfo(files = depset(hdrs + srcs)),
        OutputGroupInfo(hdrs = depset(hdrs), srcs = depset(srcs)),
    ]

_generate_cc = rule(
    implementation = _generate_cc_impl,
    attrs = {
        "srcs": attr.label_list(providers = [ProtoInfo], mandatory = True),
        "generate_mocks": attr.bool(default = False),
        "_protoc": attr.label(
            default = Label("@com_google_protobuf//:protoc"),
            executable = True,
            cfg = "exec",
            allow_single_file = True,
        ),
        "_plugin": attr.label(
            default = Label("//:grpc_cpp_plugin"),
            executable = True,
            cfg = "exec",
            allow_single_file = True,
        ),
    },
)

def cc_grpc_library(
        name,
        srcs,
        deps,
        grpc_only = True,
        generate_mocks = False,
        well_known_protos = False,  # accepted for upstream compatibility; WKTs are in libprotobuf
        use_external = False,  # accepted for upstream compatibility
        **kwargs):
    if len(srcs) != 1:
        fail("cc_grpc_library: srcs must be exactly one proto_library", "srcs")
    if not grpc_only:
        fail("this cc_grpc_library supports grpc_only = True only: put a cc_proto_library in deps")
    _generate_cc(
        name = name + "__grpc_codegen",
        srcs = srcs,
        generate_mocks = generate_mocks,
        visibility = ["//visibility:private"],
        tags = kwargs.get("tags", []),
    )
    for group in ("hdrs", "srcs"):
        native.filegroup(
            name = "{}__grpc_{}".format(name, group),
            srcs = [":" + name + "__grpc_codegen"],
            output_group = group,
            visibility = ["//visibility:private"],
            tags = kwargs.get("tags", []),
        )
    native.cc_library(
        name = name,
        srcs = [":{}__grpc_srcs".format(name)],
        hdrs = [":{}__grpc_hdrs".format(name)],
        deps = deps + [Label("//:grpc++")] + ([Label("@com_google_googletest//:gtest")] if generate_mocks else []),
        **kwargs
    )
