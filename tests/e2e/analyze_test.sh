#!/usr/bin/env bash
# `analyze` end to end: the binary on logs built from real message shapes (the controller's zap
# JSON lines, kaniko, buildah, containerd, kubelet journal lines, git), read from a file, a gzip
# file, standard input and a growing stream (--follow), with a line over the bound and binary junk
# in the middle. Exact counts, groups, runs, times and fixes; bad input gets one line and an exit
# code. (--from-cluster is covered by cluster_test.sh, which has the API server.)
# usage: analyze_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: analyze_test.sh BINARY}
python=/usr/bin/python3
[ -x "$python" ] || { echo "SKIP: /usr/bin/python3 is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
# wait_for FILE PATTERN: waits at most 5 s until FILE has a line matching PATTERN.
wait_for() {
  for _ in $(seq 1 50); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
check() {  # check NAME COMMAND...: passes when the command succeeds
  local name=$1; shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}

# --- a log of every kind of line -------------------------------------------------------------
"$python" - "$work" <<'PY'
import gzip, json, os, sys
w = sys.argv[1]
reg, other = "registry.corp.example:8443", "10.20.0.7:5000"
lines = []
def zap(level, ts, logger, msg, key=None, kind="tekton.dev.TaskRun", **extra):
    d = {"level": level, "ts": ts, "logger": logger, "caller": "taskrun/taskrun.go:803", "msg": msg}
    d.update(extra)
    if key:
        d["knative.dev/kind"] = kind
        d["knative.dev/key"] = key
    return json.dumps(d)
for i in range(40):
    lines.append(zap("info", "2026-11-20T09:00:%02d.000Z" % i, "tekton-pipelines-controller", "Reconcile succeeded", "ci/ok-%d" % i, duration="12ms"))
    lines.append(zap("warn", "2026-11-20T09:00:%02d.500Z" % i, "tekton-pipelines-controller", "taskrun ci/x-%d not found in the lister, retrying after timeout" % i))
# 1-3: the controller's entrypoint lookup against an unknown CA, three runs (one twice)
for i, run in enumerate(["build-1", "build-2", "build-3", "build-1"]):
    lines.append(zap("error", "2026-11-20T09:1%d:00.000Z" % i, "tekton-pipelines-controller.taskrun-reconciler",
                     'Failed to create task run pod for taskrun "%s": translating TaskSpec to Pod: Get "https://%s/v2/": '
                     'tls: failed to verify certificate: x509: certificate signed by unknown authority' % (run, reg), "ci/" + run))
# 4: the generic reconcile error, epoch-seconds ts, hostname mismatch on another registry
lines.append(json.dumps({"level": "error", "ts": 1763629800.25, "logger": "tekton-pipelines-controller", "msg": "Reconcile error",
                         "knative.dev/kind": "tekton.dev.TaskRun", "knative.dev/key": "team-a/web-7",
                         "error": 'failed to create task run pod "web-7": translating TaskSpec to Pod: Get "https://%s/v2/": tls: '
                                  'failed to verify certificate: x509: certificate is valid for registry.other, not 10.20.0.7. '
                                  'Maybe missing or invalid Task team-a/web' % other}))
# 5: the bundles resolver
lines.append(zap("error", "2026-11-20T09:20:00.000Z", "bundleresolver",
                 'error getting "bundleresolver" "ci/bundles-abc": cannot retrieve the oci image: Get "https://%s/v2/": '
                 'tls: failed to verify certificate: x509: certificate signed by unknown authority' % reg))
# 6: kaniko in a step (plain text, kubectl logs --timestamps)
lines.append('2026-11-20T09:21:00.123456789Z error checking push permissions -- make sure you entered the correct tag name, '
             'and that you are authenticated correctly, and try again: checking push permission for "%s/team/app:v1": '
             'creating push check transport for %s failed: Get "https://%s/v2/": tls: failed to verify certificate: x509: '
             'certificate signed by unknown authority' % (reg, reg, reg))
# 7: containerd (logfmt) pulling a step image
lines.append('time="2026-11-20T09:22:00.000000000Z" level=error msg="PullImage \\"%s/team/app:v1\\" failed" error="failed to '
             'pull and unpack image \\"%s/team/app:v1\\": failed to resolve reference \\"%s/team/app:v1\\": failed to do '
             'request: Head \\"https://%s/v2/team/app/manifests/v1\\": tls: failed to verify certificate: x509: '
             'certificate signed by unknown authority"' % (reg, reg, reg, reg))
# binary junk in the middle: NUL bytes, invalid UTF-8, no newline for a while
junk = bytes(range(256)) * 8
# a line longer than 1 MiB whose failure is near its start
long_line = ('Get "https://%s/v2/": x509: certificate signed by unknown authority ' % reg) + "A" * (1100 * 1024)
# 8: buildah, after the junk
tail = ['Error: creating build container: initializing source docker://%s/team/base:1: pinging container registry %s: '
        'Get "https://%s/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority' % (reg, reg, reg),
        zap("info", "2026-11-20T09:30:00.000Z", "tekton-pipelines-controller", "Reconcile succeeded", "ci/ok-99")]
body = ("\n".join(lines) + "\n").encode() + junk + b"\n" + long_line.encode() + b"\n" + ("\n".join(tail) + "\n").encode()
open(os.path.join(w, "mixed.log"), "wb").write(body)
with gzip.open(os.path.join(w, "mixed.log.gz"), "wb") as f:
    f.write(body)
# One file of two gzip members, as `cat a.gz b.gz` makes.
with open(os.path.join(w, "two-members.gz"), "wb") as f:
    f.write(gzip.compress(("\n".join(lines[:40]) + "\n").encode()))
    f.write(gzip.compress(("\n".join(lines[80:]) + "\n").encode()))
# The expected line count: every '\n', plus a last line without one.
print(body.count(b"\n"), file=open(os.path.join(w, "lines"), "w"))
PY
lines=$(cat "$work/lines")

# --- a file, as JSON: exact counts and groups ----------------------------------------------------
"$binary" analyze "$work/mixed.log" -o json > "$work/out.json"
rc=$?
check "a log with failures exits 1" [ "$rc" = 1 ]
"$python" - "$work/out.json" "$lines" <<'PY' && ok "file: exact lines, failure lines, groups, runs, times and fixes" || bad "file: JSON content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["lines_scanned"] == int(sys.argv[2]), (d["lines_scanned"], sys.argv[2])
assert d["matched_lines"] == 10, d["matched_lines"]
by_key = {}
for g in d["groups"]:
    by_key.setdefault((g["component"], g["problem"], g["registry"]), []).append(g)
reg = "registry.corp.example:8443"
want = {("tekton-controller", "unknown-authority", reg): 4,
        ("tekton-controller", "hostname-mismatch", "10.20.0.7:5000"): 1,
        ("tekton-resolver", "unknown-authority", reg): 1,
        ("step-tool", "unknown-authority", reg): 2,   # kaniko and buildah
        ("unknown", "unknown-authority", reg): 1,     # the bare Go error at the start of the long line
        ("kubelet", "unknown-authority", reg): 1}
assert {k: sum(g["count"] for g in gs) for k, gs in by_key.items()} == want, by_key
# A group is one site: kaniko and buildah are a group each, with their own tool's fix.
tools = by_key[("step-tool", "unknown-authority", reg)]
assert sorted(g["pattern"].split("/")[0] for g in tools) == ["containers-image", "kaniko"], [g["pattern"] for g in tools]
assert all(g["count"] == 1 and g["fixes"][0]["id"] == "configure-step-tool-ca" for g in tools), tools
groups = {k: gs[0] for k, gs in by_key.items()}
lookup = groups[("tekton-controller", "unknown-authority", reg)]
assert [o["name"] for o in lookup["objects"]] == ["build-1", "build-2", "build-3"], lookup["objects"]
assert lookup["runs"] == lookup["objects"] and lookup["runs_total"] == lookup["objects_total"], lookup
assert all(o["kind"] == "TaskRun" and o["namespace"] == "ci" for o in lookup["objects"])
assert lookup["first_seen"] == "2026-11-20T09:10:00.000Z" and lookup["last_seen"] == "2026-11-20T09:13:00.000Z", lookup
assert [f["id"] for f in lookup["fixes"]][:2] == ["add-ca-to-config-registry-cert", "set-step-command"], lookup["fixes"]
assert any(reg in c for f in lookup["fixes"] for c in f["commands"]), "the fix commands name the registry"
assert lookup["first_line"] == sys.argv[1].replace("out.json", "mixed.log") + ":81", lookup["first_line"]
mismatch = groups[("tekton-controller", "hostname-mismatch", "10.20.0.7:5000")]
assert mismatch["first_seen"].startswith("2025-11-20T09:10:00.250"), mismatch["first_seen"]
assert mismatch["objects"] == [{"kind": "TaskRun", "namespace": "team-a", "name": "web-7"}]
assert "add-ca-to-config-registry-cert" not in [f["id"] for f in mismatch["fixes"]], "no CA for a hostname mismatch"
resolver = groups[("tekton-resolver", "unknown-authority", reg)]
assert resolver["fixes"][0]["id"] in ("add-ca-to-resolvers", "add-ca-to-config-registry-cert"), resolver["fixes"]
finding = d["findings"][lookup["finding"]]
assert finding["stage"] == "entrypoint-lookup" and finding["chain"]["frames"], finding
assert d["status"] == "problems-found"
PY

# --- the same bytes gzip-compressed, and through standard input ---------------------------------
"$binary" analyze "$work/mixed.log.gz" -o json > "$work/gz.json"
"$python" - "$work/out.json" "$work/gz.json" <<'PY' && ok "gzip file: the same counts and groups" || bad "gzip file"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda d: sorted((g["component"], g["problem"], g["registry"], g["count"]) for g in d["groups"])
assert (a["lines_scanned"], a["matched_lines"], key(a)) == (b["lines_scanned"], b["matched_lines"], key(b))
assert b["sources"][0]["gzip"] is True
PY
cat "$work/mixed.log" | "$binary" analyze -o json > "$work/stdin.json"
"$python" - "$work/out.json" "$work/stdin.json" <<'PY' && ok "standard input (a pipe): the same counts and groups" || bad "stdin"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda d: sorted((g["component"], g["problem"], g["registry"], g["count"], g["first_line"].split(":")[-1]) for g in d["groups"])
assert (a["lines_scanned"], a["matched_lines"], key(a)) == (b["lines_scanned"], b["matched_lines"], key(b)), (key(a), key(b))
assert b["long_lines"] == 1, b["long_lines"]  # a stream holds at most 1 MiB of a line
assert b["sources"][0]["name"] == "stdin"
PY
"$binary" analyze "$work/two-members.gz" -o json > "$work/two.json"
"$python" - "$work/two.json" <<'PY' && ok "a gzip file of two members is read to its end" || bad "two gzip members"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["lines_scanned"] == 40 + 8, d["lines_scanned"]
assert d["matched_lines"] == 8, d["matched_lines"]
PY

# --- text and Markdown ------------------------------------------------------------------------
"$binary" analyze "$work/mixed.log" --no-color > "$work/out.txt"
check "text: the summary line counts lines and groups" grep -q "registry or TLS failure lines in 7 groups" "$work/out.txt"
check "text: the largest group first, with its runs" grep -q "4 x tekton-controller/unknown-authority at registry.corp.example:8443" "$work/out.txt"
check "text: a diagnosis stands for its lines" grep -q "stands for 4 log lines" "$work/out.txt"
"$binary" analyze "$work/mixed.log" -o markdown > "$work/out.md"
check "markdown: a table of the groups" grep -q "^| 1 | 4 | \`tekton-controller\` | \`unknown-authority\` |" "$work/out.md"

# --- progress on a terminal only -------------------------------------------------------------------
if command -v script > /dev/null; then
  timeout 60 script -qec "'$binary' analyze '$work/mixed.log' > /dev/null" /dev/null > "$work/tty.txt" 2>&1
  check "a file read on a terminal shows its progress" grep -q "reading $work/mixed.log" "$work/tty.txt"
fi
"$binary" analyze "$work/mixed.log" > /dev/null 2> "$work/notty.err"
check "no progress line when standard error is not a terminal" sh -c "! grep -q reading '$work/notty.err'"

# --- many registries: the overview by problem, and the largest groups only ---------------------
for i in $(seq 1 25); do
  echo "Get \"https://reg-$i.corp.example/v2/\": tls: failed to verify certificate: x509: certificate signed by unknown authority"
done > "$work/many.log"
"$binary" analyze "$work/many.log" --no-color > "$work/many.txt"
check "many groups: an overview by component and problem" grep -q "25 x unknown/unknown-authority at 25 registries" "$work/many.txt"
check "many groups: the text lists 20 and says where the rest are" grep -q "+5 more groups; -o json lists every group" "$work/many.txt"
"$binary" analyze "$work/many.log" -o json > "$work/many.json"
"$python" - "$work/many.json" <<'PY' && ok "many groups: JSON has every group and the overview" || bad "many groups: JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["groups"]) == 25 and d["by_problem"] == [{"component": "unknown", "problem": "unknown-authority", "lines": 25, "registries": 25}]
PY

# --- no failure, and bad input ------------------------------------------------------------------
head -n 80 "$work/mixed.log" > "$work/clean.log"
"$binary" analyze "$work/clean.log" > "$work/clean.txt"
rc=$?
check "a log without failures exits 0 and says so" sh -c "[ $rc = 0 ] && grep -q 'No registry or TLS failure in 80 lines' '$work/clean.txt'"
"$binary" analyze "$work/missing.log" > "$work/err.out" 2> "$work/err.txt"
rc=$?
check "a missing file: one line naming it, exit 4, nothing on stdout" sh -c "[ $rc = 4 ] && [ \$(wc -l < '$work/err.txt') = 1 ] && grep -q 'missing.log: cannot open' '$work/err.txt' && [ ! -s '$work/err.out' ]"
head -c 3000 "$work/mixed.log.gz" > "$work/cut.gz"
"$binary" analyze "$work/cut.gz" > "$work/err.out" 2> "$work/err.txt"
rc=$?
check "a truncated gzip file: one line, exit 3, no half report" sh -c "[ $rc = 3 ] && [ \$(wc -l < '$work/err.txt') = 1 ] && grep -q 'cut.gz: the gzip data ends early' '$work/err.txt' && [ ! -s '$work/err.out' ]"
{ printf '\x1f\x8b\x08\x00'; head -c 5000 /dev/urandom; } > "$work/junk.gz"
"$binary" analyze "$work/junk.gz" > /dev/null 2> "$work/err.txt"
rc=$?
check "a corrupt gzip file: one line naming it, exit 3" sh -c "[ $rc = 3 ] && [ \$(wc -l < '$work/err.txt') = 1 ] && grep -q 'junk.gz: not valid gzip' '$work/err.txt'"
"$binary" analyze "$work" > /dev/null 2> "$work/err.txt"
rc=$?
check "a directory: a usage error naming it" sh -c "[ $rc = 2 ] && grep -q 'is a directory' '$work/err.txt'"
head -c 2000000 /dev/urandom > "$work/random.bin"
timeout 20 "$binary" analyze "$work/random.bin" -o json > "$work/random.json"
rc=$?
check "random bytes: read to the end, no crash" sh -c "[ $rc = 0 ] || [ $rc = 1 ]"

# --- past the groups' bound: every line counted, the rest in no group, said in every format ------
"$python" - "$work/many.log" <<'PY'
import sys
pad = "p" * 40000
with open(sys.argv[1], "w") as f:
    for i in range(400):
        f.write('{"level":"error","msg":"%s Get \\"https://r%d.corp.example/v2/\\": x509: certificate signed by unknown authority","knative.dev/key":"ci/b-%d"}\n' % (pad, i, i))
PY
timeout 60 "$binary" analyze "$work/many.log" -o json > "$work/many.json"
"$python" - "$work/many.json" <<'PY' && ok "past the bound: matched_lines = grouped + ungrouped_lines, and a note" || bad "past the bound: JSON"
import json, sys
d = json.load(open(sys.argv[1]))
grouped = sum(g["count"] for g in d["groups"])
assert d["matched_lines"] == 400 and d["ungrouped_lines"] > 0 and grouped + d["ungrouped_lines"] == 400, (d["matched_lines"], grouped, d["ungrouped_lines"])
assert any("counted but not grouped" in n for n in d["notes"]), d["notes"]
PY
timeout 60 "$binary" analyze "$work/many.log" > "$work/many.txt"
check "past the bound: the text's first line says how many lines are in no group" sh -c "head -1 '$work/many.txt' | grep -q 'of them in none (see the notes)'"

# --- --follow on a stream: each new group is printed while the stream is still open ---------------
mkfifo "$work/fifo"
timeout 20 "$binary" analyze -f - -o json < "$work/fifo" > "$work/follow.out" 2>&1 &
follower=$!
exec 3> "$work/fifo"
sed -n '81p' "$work/mixed.log" >&3
check "--follow prints a new group before the stream ends" wait_for "$work/follow.out" '"event":"new_group"'
sed -n '82,84p' "$work/mixed.log" >&3
sed -n '85p' "$work/mixed.log" >&3
exec 3>&-
wait "$follower"
rc=$?
"$python" - "$work/follow.out" <<'PY' && ok "--follow: one event per new group, then the totals" || bad "--follow output"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
new = [e for e in events if e["event"] == "new_group"]
assert [(e["component"], e["problem"]) for e in new] == [("tekton-controller", "unknown-authority"), ("tekton-controller", "hostname-mismatch")], new
assert events[-1] == {"event": "end", "lines_scanned": 5, "matched_lines": 5, "groups": 2}, events[-1]
PY
check "--follow exits 1 when it saw failures" [ "$rc" = 1 ]
# A look-alike first: each event names the group that just appeared, whatever the report's order.
{ echo 'Internal error occurred: failed calling webhook "w.example": failed to call webhook: Post "https://w.svc/": x509: certificate signed by unknown authority'
  sed -n '81p' "$work/mixed.log"; } | timeout 20 "$binary" analyze -f - -o json > "$work/follow2.out" 2>&1
"$python" - "$work/follow2.out" <<'PY' && ok "--follow: a new group after a look-alike is the one printed" || bad "--follow after a look-alike"
import json, sys
new = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "new_group"]
assert [e["component"] for e in new] == ["webhook", "tekton-controller"], new
PY

# --- --follow on a file that grows (tail -f), stopped by SIGTERM -----------------------------------
: > "$work/grow.log"
"$binary" analyze --follow "$work/grow.log" > "$work/grow.out" 2>&1 &
follower=$!
sleep 0.3
sed -n '81p' "$work/mixed.log" >> "$work/grow.log"
check "--follow FILE prints a group appended to the file" wait_for "$work/grow.out" '^new: tekton-controller/unknown-authority'
kill -TERM "$follower"
for _ in $(seq 1 50); do kill -0 "$follower" 2>/dev/null || break; sleep 0.1; done
kill -0 "$follower" 2>/dev/null && { kill -KILL "$follower"; bad "--follow FILE stops on SIGTERM"; } || ok "--follow FILE stops on SIGTERM"
wait "$follower" 2>/dev/null
check "--follow FILE ends with the summary" grep -q "Scanned 1 line" "$work/grow.out"

# --- usage errors ---------------------------------------------------------------------------------
"$binary" analyze --tail 5 "$work/mixed.log" > /dev/null 2> "$work/err.txt"
rc=$?
check "--tail without --from-cluster is a usage error" sh -c "[ $rc = 2 ] && grep -q 'go with --from-cluster' '$work/err.txt'"
"$binary" analyze -f "$work/mixed.log" "$work/clean.log" > /dev/null 2> "$work/err.txt"
rc=$?
check "--follow with two files is a usage error" [ "$rc" = 2 ]

echo "analyze: $passed passed, $failed failed"
[ "$failed" = 0 ]
