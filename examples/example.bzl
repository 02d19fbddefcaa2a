"""kompact_example: an example binary plus the smoke test that runs it.

    kompact_example(
        name = "helloworld",
        srcs = ["helloworld.cc"],
        expect = ["Hello World!"],         # extended regexes that must match a line
    )

creates `//examples:helloworld` (a kompact_cc_binary; `tools/bazel run` it) and
`//examples:helloworld_test`, an sh_test that runs it through smoke_test.sh:
the test fails unless the binary exits 0 within `limit` seconds, every `expect`
pattern matches a line of its output, no `reject` pattern does, and for each
pair in `in_order` the first pattern matches a line before the second. `args` are
passed to the binary in the test only; `stdin` is a file fed to it. An example
whose output needs another kind of check sets `smoke_test = False` and brings its
own `<name>_test`.
"""

load("//tools/build_defs:kompact.bzl", "kompact_cc_binary")

def _quote(pattern):
    if "'" in pattern:
        fail("smoke-test patterns cannot contain single quotes: " + pattern)
    return "'" + pattern.replace("$", "$$") + "'"

def kompact_example(
        name,
        srcs,
        deps = [],
        data = [],
        args = [],
        expect = [],
        reject = [],
        in_order = [],
        stdin = None,
        limit = 60,
        test_size = "small",
        smoke_test = True,
        **kwargs):
    """An example binary `name` and, unless smoke_test is False, `name`_test running it.

    Args:
      name: the binary; the smoke test is `name`_test.
      srcs: its sources.
      deps: its dependencies (glog is added).
      data: runtime files of the binary and the test.
      args: arguments for the binary in the smoke test.
      expect: extended regexes each of which must match a line of the output.
      reject: extended regexes none of which may match a line.
      in_order: (first, second) pattern pairs: first matches a line before second does.
      stdin: a file fed to the binary's standard input in the test.
      limit: seconds the binary may run in the test.
      test_size: the sh_test's size.
      smoke_test: False for examples that bring their own test.
      **kwargs: passed to the binary.
    """
    kompact_cc_binary(
        name = name,
        srcs = srcs,
        deps = deps + ["@com_github_google_glog//:glog"],
        data = data,
        **kwargs
    )
    if not smoke_test:
        return
    smoke_args = ["--limit", str(limit)]
    for pattern in expect:
        smoke_args += ["--expect", _quote(pattern)]
    for pattern in reject:
        smoke_args += ["--reject", _quote(pattern)]
    for first, second in in_order:
        smoke_args += ["--in-order", _quote(first), _quote(second)]
    test_data = [":" + name] + data
    if stdin:
        smoke_args += ["--stdin", "$(location {})".format(stdin)]
        test_data.append(stdin)
    native.sh_test(
        name = name + "_test",
        size = test_size,
        srcs = ["//examples:smoke_test.sh"],
        args = smoke_args + ["--", "$(location :{})".format(name)] + [_quote(a) for a in args],
        data = test_data,
    )
