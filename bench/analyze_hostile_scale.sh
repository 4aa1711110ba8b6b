#!/usr/bin/env bash
# Peak memory of `analyze` on a hostile log: every line a failure against a registry never seen
# before (300,000 lines by default, about 140 MB), so that every line asks for a new group. The
# groups' bounds (kMaxGroups, kMaxGroupBytes) must hold the peak whatever the count. Prints the
# log's size, the time, the peak RSS, and what the report says it kept and counted.
# usage: bench/analyze_hostile_scale.sh [BUILD-DIR] [LINES]
set -eu
build=${1:-build}
lines=${2:-300000}
binary=$(cd "$build" && pwd)/kubectl-tekton_certdoctor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/hostile.log" "$lines" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    for i in range(n):
        f.write('{"level":"error","ts":1700000000.%06d,"logger":"tekton-pipelines-controller","caller":"taskrun/taskrun.go:512",'
                '"msg":"failed to create task run pod \\"run-%d\\": translating TaskSpec to Pod: error getting image manifest: '
                'Get \\"https://registry-%d.team-%d.corp.example:8443/v2/\\": tls: failed to verify certificate: x509: '
                'certificate signed by unknown authority","knative.dev/key":"ns-%d/run-%d"}\n' % (i % 1000000, i, i, i % 977, i % 311, i))
PY
echo "log: $lines lines, $(($(stat -c %s "$work/hostile.log") / 1048576)) MiB, every line a new registry"
cat "$work/hostile.log" >/dev/null
/usr/bin/time -v -o "$work/time" "$binary" analyze "$work/hostile.log" -o json >"$work/report.json" || true
echo "analyze: $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time") wall," \
  "peak RSS $(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time") / 1024 )) MiB"
/usr/bin/python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
log = r
print("report: %s failure lines, %d groups kept, %s lines counted outside groups" %
      (log.get("matched_lines"), len(r.get("groups", [])), log.get("ungrouped_lines")))
PY
