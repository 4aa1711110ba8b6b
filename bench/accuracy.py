#!/usr/bin/env python3
"""Accuracy of the diagnosis on the real-world corpus (tests/corpus/reports/*.yaml), measured by
running the built binary as a user would (`explain -o json -`, the text on standard input).

The corpus is split once into a working part and a held-out part (tests/corpus/split.tsv, one
line per entry: its id, the sha256 of its text cut to 16 hex digits, and its part). Rules are
tuned on the working part only; both parts are reported. Entries not yet in the split file are
assigned at random (25% held out) with --assign, which never moves an entry already assigned.

Prints, for each part and kind (single messages, whole inputs): the share with the right problem,
the right component, and both; wrong components among findings; registry fixes given to
look-alikes; accuracy by expected component and by expected problem; the confusion pairs; and
the misses. It asserts nothing: it is a benchmark, not a test.

usage: bench/accuracy.py [--binary build/kubectl-tekton_certdoctor] [--assign] [--misses N] [--held-out-misses]
                         [--split-at REV]

The held-out part's misses are counted but not listed unless asked for, so that tuning reads the
working part only.
"""
import argparse
import collections
import glob
import hashlib
import json
import os
import random
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "corpus", "reports")
SPLIT = os.path.join(ROOT, "tests", "corpus", "split.tsv")
# Fix ids that change how something trusts or talks to a registry (never right for a look-alike),
# as the catalog marks them.
FIX_RULES = [yaml.safe_load(open(p, encoding="utf-8")) for p in glob.glob(os.path.join(ROOT, "patterns", "fixes", "*.yaml"))]
REGISTRY_FIXES = {f["id"] for f in FIX_RULES if f.get("registry_fix")}
# Fix ids that hold only for some callers (their applies_to names sites, stages or components), as
# src/fix/fix_policy.cpp depends_on_caller() decides. A wrong-component fix is one of these
# presented as THE fix: not marked `conditional` (offered only if the guessed caller made the
# request, after the step that tells the callers apart).
CALLER_FIXES = {f["id"] for f in FIX_RULES
                if any((f.get("applies_to") or {}).get(k) for k in ("sites", "stages", "components"))
                and f["id"] != "identify-the-caller"}


def presented_as_the_fix(fixes):
    return [f for f in fixes if f["id"] in CALLER_FIXES and not f.get("conditional", False)]


def entry_id(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_corpus():
    entries = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "*.yaml"))):
        for e in yaml.safe_load(open(path, encoding="utf-8")) or []:
            e["file"] = os.path.basename(path)
            e["id"] = entry_id(e["text"])
            e.setdefault("kind", "message")
            e["lookalike"] = bool(e.get("lookalike", False))
            entries.append(e)
    return entries


def load_split():
    split = {}
    if os.path.exists(SPLIT):
        for line in open(SPLIT, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                eid, part = line.split("\t")[:2]
                split[eid] = part.strip()
    return split


def assign(entries, split):
    rng = random.Random()  # a new draw for new entries; the file keeps every earlier one
    new = [e for e in entries if e["id"] not in split]
    for e in new:
        split[e["id"]] = "held-out" if rng.random() < 0.25 else "working"
    with open(SPLIT, "w", encoding="utf-8") as f:
        f.write("# id (sha256 of the text, 16 hex digits)\tpart\tsource; drawn once, at random, 25% held out\n")
        by_id = {e["id"]: e for e in entries}
        for eid in sorted(split):
            source = by_id[eid]["source"] if eid in by_id else "(no longer in the corpus)"
            f.write("%s\t%s\t%s\n" % (eid, split[eid], source))
    print("assigned %d new entries; %d in the split" % (len(new), len(split)))


def diagnose(binary, text, patterns_dir=None):
    extra = ["--patterns-dir", patterns_dir] if patterns_dir else []
    r = subprocess.run([binary, "explain", "-o", "json"] + extra + ["-"], input=text.encode("utf-8"),
                       capture_output=True, timeout=60)
    try:
        d = json.loads(r.stdout)
    except ValueError:
        return None
    return d["findings"][0] if d.get("findings") else {"component": "none", "stage": "none", "problem": "none",
                                                        "lookalike": False, "fixes": []}


def pct(n, d):
    return "%5.1f%% (%d/%d)" % (100.0 * n / d, n, d) if d else "    - (0/0)"


def report(name, results, misses_shown, show_misses=True):
    if not results:
        return
    n = len(results)
    problem = sum(r["problem_ok"] for r in results)
    component = sum(r["component_ok"] for r in results)
    both = sum(r["problem_ok"] and r["component_ok"] for r in results)
    wrong_component = sum(not r["component_ok"] and r["got"]["component"] not in ("unknown", "none") for r in results)
    wrong_high = sum(not r["component_ok"] and r["got"]["component"] not in ("unknown", "none")
                     and r["got"].get("confidence", "high") == "high" for r in results)
    wrong_fix = sum(r["wrong_fix"] for r in results)
    lookalike_missed = sum(r["lookalike_missed"] for r in results)
    fixed_elsewhere = sum(r["fixed_elsewhere"] for r in results)
    conditional_elsewhere = sum(r["conditional_elsewhere"] for r in results)
    print("\n== %s: %d entries" % (name, n))
    print("  right problem:              %s" % pct(problem, n))
    print("  right component:            %s" % pct(component, n))
    print("  both right:                 %s" % pct(both, n))
    print("  (strict, where \"not recognised\" is never right: problem %s, component %s)" % (
        pct(sum(r["strict_problem_ok"] for r in results), n).strip(),
        pct(sum(r["strict_component_ok"] for r in results), n).strip()))
    print("  wrong component (not unknown): %s" % pct(wrong_component, n))
    print("  ... of them stated with high confidence: %s" % pct(wrong_high, n))
    print("  registry fix for a look-alike:  %d" % wrong_fix)
    print("  fixes for a wrong component:    %d (presented as the fix)" % fixed_elsewhere)
    print("  ... offered only as conditional: %d (each under the condition of the caller it assumes)" % conditional_elsewhere)
    print("  look-alike not flagged as one:  %d" % lookalike_missed)
    for key in ("component", "problem"):
        table = collections.defaultdict(lambda: [0, 0])
        for r in results:
            table[r["want"][key]][0] += r[key + "_ok"]
            table[r["want"][key]][1] += 1
        print("  by expected %s:" % key)
        for k in sorted(table, key=lambda k: -table[k][1]):
            print("    %-28s %s" % (k, pct(*table[k])))
    confusion = collections.Counter()
    for r in results:
        for key in ("component", "problem"):
            if not r[key + "_ok"]:
                confusion["%s %s -> %s" % (key, r["want"][key], r["got"][key])] += 1
    if confusion:
        print("  confusion pairs:")
        for pair, count in confusion.most_common():
            print("    %3d  %s" % (count, pair))
    misses = [r for r in results if not (r["problem_ok"] and r["component_ok"]) or r["wrong_fix"]]
    if misses and not show_misses:
        print("  misses: %d (not listed for the held-out part; --held-out-misses lists them)" % len(misses))
    elif misses:
        print("  misses (%d%s):" % (len(misses), ", first %d shown" % misses_shown if len(misses) > misses_shown else ""))
        for r in misses[:misses_shown]:
            e = r["entry"]
            text = " ".join(e["text"].split())
            print("    [%s] %s want %s/%s got %s/%s%s: %s" % (
                e["source"], e["id"], r["want"]["component"], r["want"]["problem"], r["got"]["component"],
                r["got"]["problem"], " (wrong fix)" if r["wrong_fix"] else "", text[:140]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", default=os.path.join(ROOT, "build", "kubectl-tekton_certdoctor"))
    p.add_argument("--assign", action="store_true", help="add new corpus entries to the split file")
    p.add_argument("--misses", type=int, default=40)
    p.add_argument("--patterns-dir", help="load these rules over the built-in catalog (to try a change without a build)")
    p.add_argument("--held-out-misses", action="store_true",
                   help="list the held-out part's misses too (never read them to write rules)")
    p.add_argument("--split-at", metavar="REV",
                   help="score only the entries the split held at git revision REV, in their parts then "
                        "(today's rules on an earlier day's corpus: the same held-out set, before and after)")
    p.add_argument("--files", metavar="A.yaml,B.yaml",
                   help="score only the entries of these corpus files (a batch gathered together, scored "
                        "at first sight before any rule is written from it)")
    a = p.parse_args()
    entries = load_corpus()
    split = load_split()
    if a.assign:
        # Over the whole corpus, whatever --files names: the file keeps every entry's source.
        assign(entries, split)
        return
    if a.files:
        wanted = set(a.files.split(","))
        unknown = wanted - {e["file"] for e in entries}
        if unknown:
            sys.exit("no such corpus file: %s" % ", ".join(sorted(unknown)))
        entries = [e for e in entries if e["file"] in wanted]
    if a.split_at:
        old = subprocess.run(["git", "-C", ROOT, "show", a.split_at + ":tests/corpus/split.tsv"],
                             capture_output=True, text=True, check=True).stdout
        earlier = {line.split("\t")[0] for line in old.splitlines() if line.strip() and not line.startswith("#")}
        entries = [e for e in entries if e["id"] in earlier]
    unassigned = [e for e in entries if e["id"] not in split]
    if unassigned:
        sys.exit("%d corpus entries are in no part: run with --assign first" % len(unassigned))
    sources = collections.Counter(e["source"] for e in entries)
    print("corpus: %d entries (%d single messages, %d whole inputs) from %d distinct sources" % (
        len(entries), sum(e["kind"] == "message" for e in entries), sum(e["kind"] == "whole" for e in entries),
        len(sources)))
    for key in ("component", "problem"):
        counts = collections.Counter(e[key] for e in entries)
        print("  by %s: %s" % (key, ", ".join("%s %d" % kv for kv in counts.most_common())))
    print("  look-alikes: %d; files: %s" % (sum(e["lookalike"] for e in entries), ", ".join(
        "%s %d" % kv for kv in sorted(collections.Counter(e["file"] for e in entries).items()))))
    results = collections.defaultdict(list)
    for e in entries:
        got = diagnose(a.binary, e["text"], a.patterns_dir)
        if got is None:
            got = {"component": "error", "stage": "error", "problem": "error", "lookalike": False, "fixes": []}
        fixes = {f["id"] for f in got.get("fixes", [])}
        # "Not recognised" names no caller: right where the text names none (`unknown`); and for
        # an entry labelled unknown/other (no site, no cause), not recognising it is the answer.
        none = got["component"] == "none"
        r = {"entry": e, "want": e, "got": got,
             "problem_ok": got["problem"] == e["problem"]
                           or (none and e["problem"] == "other" and e["component"] == "unknown"),
             "component_ok": got["component"] == e["component"] or (none and e["component"] == "unknown"),
             "strict_problem_ok": got["problem"] == e["problem"],
             "strict_component_ok": got["component"] == e["component"],
             "wrong_fix": e["lookalike"] and bool(fixes & REGISTRY_FIXES),
             "lookalike_missed": e["lookalike"] and got["component"] != "none" and not got.get("lookalike"),
             "fixed_elsewhere": got["component"] not in ("unknown", "none", e["component"])
                                and bool(presented_as_the_fix(got.get("fixes", []))),
             "conditional_elsewhere": got["component"] not in ("unknown", "none", e["component"])
                                      and any(f.get("conditional") for f in got.get("fixes", []))}
        results[(split[e["id"]], e["kind"])].append(r)
    for part in ("working", "held-out"):
        for kind, label in (("message", "single messages"), ("whole", "whole inputs")):
            report("%s part, %s" % (part, label), results[(part, kind)], a.misses,
                   show_misses=part == "working" or a.held_out_misses)


if __name__ == "__main__":
    main()
