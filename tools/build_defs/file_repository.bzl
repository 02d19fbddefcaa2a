"""A repository made of files from the kompact repository (offline stand-ins).

    file_repository(
        name = "rules_cc",
        files = {
            Label("//third_party/offline/rules_cc:defs.bzl"): "cc/defs.bzl",
            Label("//third_party/offline/rules_cc:cc.BUILD"): "cc/BUILD.bazel",
        },
    )

Each labelled file is symlinked to its path inside the new repository; a
WORKSPACE file and (unless given) an empty root BUILD.bazel are written. Labels (not relative paths, as local_repository takes)
keep this working when kompact is itself an external repository of a consumer.
"""

def _file_repository_impl(rctx):
    for label, dest in rctx.attr.files.items():
        rctx.symlink(rctx.path(label), dest)
    if "BUILD.bazel" not in rctx.attr.files.values():
        rctx.file("BUILD.bazel", "")
    rctx.file("WORKSPACE", "workspace(name = {})\n".format(repr(rctx.name)))

file_repository = repository_rule(
    implementation = _file_repository_impl,
    attrs = {
        "files": attr.label_keyed_string_dict(allow_files = True, mandatory = True),
    },
)
