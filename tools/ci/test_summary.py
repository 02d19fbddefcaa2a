#!/usr/bin/env python3
"""Counts test cases from one `bazel test` run: prints 'N passed, N failed'.

usage: test_summary.py <bazel test log> <bazel-testlogs dir> [--append TOTALS_FILE]

Each test target's test.xml gives its test cases (a gtest binary counts every
TEST); a target without test cases (sh_test, config tests) counts as one. A target
that failed, timed out, or did not build counts as failed. With --append the counts
are also added to TOTALS_FILE ("passed failed" on one line), so .ci/run can sum
several invocations.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

LINE = re.compile(
    r"^(//\S+|@\S+)\s+(?:\(cached\) )?"
    r"(PASSED|FAILED|FLAKY|TIMEOUT|NO STATUS|FAILED TO BUILD|INCOMPLETE|SKIPPED)\b")


def count(log_path, testlogs):
    passed = failed = 0
    failures = []
    with open(log_path, errors="replace") as log:
        for line in log:
            m = LINE.match(line)
            if not m:
                continue
            label, status = m.groups()
            if status == "SKIPPED":
                continue
            pkg, _, name = label[2:].partition(":")
            xml = os.path.join(testlogs, pkg, name, "test.xml")
            cases = fails = 0
            if status in ("PASSED", "FAILED", "FLAKY") and os.path.exists(xml):
                try:
                    for tc in ET.parse(xml).getroot().iter("testcase"):
                        if tc.get("status") == "notrun":
                            continue
                        cases += 1
                        if tc.find("failure") is not None or tc.find("error") is not None:
                            fails += 1
                except ET.ParseError:
                    cases = 0
            if cases == 0:
                cases, fails = 1, (0 if status == "PASSED" else 1)
            elif status != "PASSED" and fails == 0:
                fails = 1  # crashed after its last recorded case
            passed += cases - fails
            failed += fails
            if status != "PASSED":
                failures.append("%s %s" % (label, status))
    return passed, failed, failures


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    passed, failed, failures = count(argv[1], argv[2])
    for f in failures:
        print("  failed: " + f)
    print("%d passed, %d failed" % (passed, failed))
    if len(argv) >= 5 and argv[3] == "--append":
        total_p = total_f = 0
        if os.path.exists(argv[4]):
            with open(argv[4]) as t:
                parts = t.read().split()
                if len(parts) == 2:
                    total_p, total_f = int(parts[0]), int(parts[1])
        with open(argv[4], "w") as t:
            t.write("%d %d\n" % (total_p + passed, total_f + failed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
