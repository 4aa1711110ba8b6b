#!/usr/bin/env python3
"""What the tool tells the user to do, tabulated over the corpus's working part.

Runs `explain -o json` on every working entry (as bench/accuracy.py does) and prints: findings by
problem and first fix; the causes whose findings most often have no fix at all (a verdict with
nothing to do about it); and, for each fix that re-issues a certificate or adds a CA, the hosts
it was planned for most often. A public service's name among the latter (registry-1.docker.io,
github.com) is a fix that is not the user's to carry out. Prints figures only; it asserts
nothing. Held-out entries are left out, as everywhere rules are written from.

usage: python3 bench/fix_audit.py [--binary build/kubectl-tekton_certdoctor] [--top N]
"""
import argparse
import collections
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import accuracy  # noqa: E402  (the corpus loader, the split and the runner)

# Fixes whose host is worth a look: a re-issue or a CA is only right for a server the user runs.
HOST_FIXES = ("reissue-registry-certificate", "reissue-server-certificate", "trust-ca-on-nodes",
              "configure-step-tool-ca", "configure-git-ca", "add-ca-to-config-registry-cert")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", default=os.path.join(accuracy.ROOT, "build", "kubectl-tekton_certdoctor"))
    p.add_argument("--top", type=int, default=12, help="rows of each table")
    a = p.parse_args()
    split = accuracy.load_split()
    entries = [e for e in accuracy.load_corpus() if split.get(e["id"]) == "working"]
    by_first = collections.Counter()
    without_fix = collections.Counter()
    findings_by_cause = collections.Counter()
    hosts = collections.defaultdict(collections.Counter)
    found = with_fix = 0
    with concurrent.futures.ThreadPoolExecutor(max(1, os.cpu_count() or 1)) as pool:
        for got in pool.map(lambda e: accuracy.diagnose(a.binary, e["text"]), entries):
            if not got or got.get("problem") in (None, "none"):
                continue
            found += 1
            fixes = [f["id"] for f in got.get("fixes", [])]
            cause = got.get("cause_rule") or "(no cause)"
            findings_by_cause[cause] += 1
            by_first[(got["problem"], fixes[0] if fixes else "(none)")] += 1
            if fixes:
                with_fix += 1
            else:
                without_fix[cause] += 1
            host = got.get("registry") or got.get("host") or "(none)"
            for fix in fixes:
                if fix in HOST_FIXES:
                    hosts[fix][host] += 1
    print("working entries: %d; findings: %d; with at least one fix: %d (%.1f%%)" % (
        len(entries), found, with_fix, 100.0 * with_fix / found if found else 0.0))
    print("\nfindings by problem and first fix (top %d):" % a.top)
    for (problem, fix), n in by_first.most_common(a.top):
        print("  %5d  %-24s %s" % (n, problem, fix))
    print("\ncauses whose findings have no fix (top %d; findings without / with that cause):" % a.top)
    for cause, n in without_fix.most_common(a.top):
        print("  %5d / %-5d %s" % (n, findings_by_cause[cause], cause))
    print("\nhosts the re-issue and CA fixes were planned for (top 5 each):")
    for fix in HOST_FIXES:
        if hosts[fix]:
            print("  %-32s %s" % (fix, ", ".join("%s %d" % kv for kv in hosts[fix].most_common(5))))


if __name__ == "__main__":
    main()
