#!/usr/bin/env python3
"""How often the fixes the tool offers still carry a placeholder, on the corpus's working part.

Runs `explain -o json` on every working entry (as bench/accuracy.py does) and counts, in the
first fix of each finding that has fixes, the placeholders the report lists in the fix's
`placeholders` (REGISTRY-HOST, NAMESPACE, NODE ...: what the templates print where the finding
holds no value). Prints figures only; it asserts nothing. A placeholder that the text could have filled (a host, an image, a node the
paste names) is a fix the user must still edit.

usage: python3 bench/placeholders.py [--binary build/kubectl-tekton_certdoctor] [--all-fixes]
"""
import argparse
import collections
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import accuracy  # noqa: E402  (the corpus loader, the split and the runner)

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", default=os.path.join(accuracy.ROOT, "build", "kubectl-tekton_certdoctor"))
    p.add_argument("--all-fixes", action="store_true", help="count every fix of a finding, not only its first")
    a = p.parse_args()
    split = accuracy.load_split()
    entries = [e for e in accuracy.load_corpus() if split.get(e["id"]) == "working"]
    with_fixes = carrying = 0
    by_token = collections.Counter()
    by_fix = collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(max(1, os.cpu_count() or 1)) as pool:
        for got in pool.map(lambda e: accuracy.diagnose(a.binary, e["text"]), entries):
            fixes = (got or {}).get("fixes") or []
            if not fixes:
                continue
            with_fixes += 1
            seen = False
            for fix in fixes if a.all_fixes else fixes[:1]:
                tokens = set(fix.get("placeholders", []))
                seen = seen or bool(tokens)
                for t in tokens:
                    by_token[t] += 1
                    by_fix[(fix["id"], t)] += 1
            carrying += seen
    print("working entries: %d; findings with fixes: %d; %s carrying a placeholder: %d" % (
        len(entries), with_fixes, "any fix" if a.all_fixes else "first fix", carrying))
    print("by placeholder:")
    for t, n in by_token.most_common():
        print("  %-18s %5d" % (t, n))
    print("by fix and placeholder (top 25):")
    for (fix, t), n in by_fix.most_common(25):
        print("  %-34s %-18s %5d" % (fix, t, n))


if __name__ == "__main__":
    main()
