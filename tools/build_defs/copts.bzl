"""Compiler flags for kompact's own code: the one place they are defined.

-Werror applies only when kompact is the main workspace, so that a consumer who
builds @kompact//... with another compiler is not broken by a new warning.
"""

# Always on for our code (C++20 itself comes from .bazelrc, see README).
_WARNINGS = [
    "-Wall",
    "-Wextra",
    "-Wno-unused-parameter",  # interface overrides and handler signatures
    # g++ 12 at -O2 reports std::variant/std::optional members moved through
    # inlined code as "may be used uninitialized" (GCC bugs 80635, 105562);
    # definite uses of uninitialised values are still -Wuninitialized errors.
    "-Wno-maybe-uninitialized",
]

def kompact_copts():
    """Flags for kompact's libraries, binaries and tests."""
    werror = ["-Werror"] if native.repository_name() == "@" else []
    return _WARNINGS + werror

def kompact_test_copts():
    """Flags for tests: gtest's macros trip -Wsign-compare on size comparisons."""
    return kompact_copts() + ["-Wno-sign-compare"]
