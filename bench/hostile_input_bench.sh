#!/usr/bin/env bash
# Exit code, wall time and peak memory of the tool on hostile and oversized inputs it makes here:
# many identical failure lines (linear time), 60 MB of distinct failures, a YAML alias bomb, a
# 16 MB inflating flow list, and dumps cut before their status. Prints one row per case.
# usage: bench/hostile_input_bench.sh [BUILD-DIR]
set -eu
build=${1:-build}
binary=$(cd "$build" && pwd)/kubectl-tekton_certdoctor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$binary" "$work" <<'PY'
import os, random, subprocess, sys, time
binary, work = sys.argv[1:]
msg = ('failed to create task run pod "task-run": translating TaskSpec to Pod: error getting image manifest: '
       'Get https://registry.private/v2/: x509: certificate signed by unknown authority. Maybe missing or invalid Task default/task')

def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path

cases = []
for n in (20000, 160000):
    cases.append(("explain, %d identical lines" % n, ["explain", "-"], write("same%d.log" % n, (msg + "\n") * n)))
rng = random.Random(7)
lines, size = [], 0
while size < 60_000_000:
    line = msg.replace("registry.private", "registry%d.private" % rng.randrange(1000)).replace(
        "default/task", "default/task%d" % rng.randrange(10**9)) + "\n"
    lines.append(line)
    size += len(line)
cases.append(("explain, 60 MB of distinct lines", ["explain", "-"], write("distinct.log", "".join(lines))))
del lines
# Distinct failures no site places, each its own finding: past the first 500 they are counted, not
# diagnosed, and what relates findings to each other must stay linear.
cases.append(("explain, 300000 distinct bare verdicts", ["explain", "-"], write("bare.log", "".join(
    'Get "https://r%d.example/v2/": x509: certificate signed by unknown authority\n' % i for i in range(300000)))))
bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    "%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n" % ((chr(98 + i), chr(98 + i)) + (chr(97 + i),) * 9) for i in range(9))
cases.append(("diagnose -f, YAML alias bomb", ["diagnose", "-f", "-"], write("bomb.yaml", bomb)))
flow = ("apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: x, namespace: ci}\nspec:\n  junk: ["
        + "{}, " * 4_000_000 + "{}]\n")
cases.append(("diagnose -f, 16 MB flow list", ["diagnose", "-f", "-"], write("flow.yaml", flow)))
sample = open(os.path.join(os.path.dirname(binary), "..", "tests", "samples", "taskrun-unknown-authority.yaml")).read() \
    if os.path.exists(os.path.join(os.path.dirname(binary), "..", "tests", "samples")) else None
if sample:
    cut = sample.index("status:")
    cases.append(("diagnose -f, a run cut before its status", ["diagnose", "-f", "-"], write("cut.yaml", sample[:cut])))
    quoted = sample.index("message:") + 40
    cases.append(("diagnose -f, a run cut inside its message", ["diagnose", "-f", "-"], write("cut2.yaml", sample[:quoted])))

import json
json.dump(cases, open(os.path.join(work, "cases.json"), "w"))
PY

# Measured from a small process: a child's peak RSS counts what its parent held when it forked.
/usr/bin/python3 - "$binary" "$work" <<'PY'
import json, os, subprocess, sys, time
binary, work = sys.argv[1:]
print("%-44s %5s %10s %12s" % ("case", "exit", "wall", "peak RSS"))
for name, args, path in json.load(open(os.path.join(work, "cases.json"))):
    with open(path) as stdin:
        start = time.monotonic()
        p = subprocess.Popen([binary] + args, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    print("%-44s %5d %8.2f s %8.1f MiB" % (name, code, wall, usage.ru_maxrss / 1024))
PY
