#!/usr/bin/env bash
# Hostile and broken input end to end, each under a 256 MiB address-space limit: a YAML alias
# bomb, flow lists of 16 MB and more (under a key the reader skips and under one it keeps), a
# 60 MB API object and a 60 MB zap log line pasted to `explain -`, and dumps cut short (before
# status, inside a quoted message). Each must end with its exit code and at most one line on
# standard error, never a signal. Every input is generated here.
# usage: hostile_input_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: hostile_input_test.sh BINARY}
support=$(cd "$(dirname "$0")/../support" && pwd)
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME STDIN ARGS...: the binary under 256 MiB of address space and a 60 s bound;
# sets $code, and leaves its output in $work/out and $work/err.
run() {
  local name=$1 input=$2; shift 2
  (ulimit -v 262144; exec timeout 60 "$binary" "$@") <"$input" >"$work/out" 2>"$work/err"
  code=$?
  printf '      %s: exit %s, %s\n' "$name" "$code" "$(head -c 240 "$work/err" | head -1)"
}
# expect NAME CODE [STDERR-TEXT...]: the last run exited CODE, wrote at most one line to standard
# error, and that line holds every STDERR-TEXT.
expect() {
  local name=$1 want=$2; shift 2
  local lines
  lines=$(wc -l <"$work/err")
  if [ "$code" != "$want" ]; then bad "$name: exit $code, expected $want"; return; fi
  if [ "$lines" -gt 1 ]; then bad "$name: $lines lines on standard error"; return; fi
  for text in "$@"; do
    grep -qF -- "$text" "$work/err" || { bad "$name: standard error lacks '$text'"; return; }
  done
  ok "$name"
}

"$python" - "$work" <<'PY'
import sys
work = sys.argv[1]
def write(name, text):
    with open(f"{work}/{name}", "w") as f:
        f.write(text)
# nine levels of nine aliases: 9^9 strings once expanded
bomb = ["kind: TaskRun", "metadata: {name: bomb, namespace: ci}", 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
for level in range(1, 10):
    bomb.append(f"l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 9) + "]")
write("bomb.yaml", "\n".join(bomb) + "\n")
head = "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: flow, namespace: ci}\n"
write("flow-skipped.yaml", head + "spec: {params: [" + ",".join(["a"] * 8_000_000) + "]}\n")
write("flow-kept.yaml", head + "status: {conditions: [" + ",".join(["{}"] * 21_000_000) + "]}\n")
write("api-object.json", '{"apiVersion":"tekton.dev/v1","kind":"TaskRun","metadata":{"name":"x","namespace":"ci"},'
      '"spec":{"params":[' + ",".join(["{}"] * 20_000_000) + "]}}\n")
write("zap.log", '{"level":"error","ts":1700000000.5,"msg":"failed to create task run pod: Get \\"https://registry.corp.example:8443/v2/\\": '
      'tls: failed to verify certificate: x509: certificate signed by unknown authority","knative.dev/key":"ci/build-1",'
      '"extra":[' + ",".join(["[]"] * 20_000_000) + "]}\n")
PY
sample="$source_dir/tests/samples/taskrun-unknown-authority.yaml"
sed '/^status:/,$d' "$sample" >"$work/cut-before-status.yaml"
sed '/      to Pod:/,$d' "$sample" >"$work/cut-in-message.yaml"
: >"$work/empty"

run "alias bomb" "$work/empty" diagnose -f "$work/bomb.yaml"
expect "an alias bomb is refused at its first alias" 3 "bomb.yaml:4:" "aliases"

run "16 MB flow list under spec" "$work/empty" diagnose -f "$work/flow-skipped.yaml"
expect "a 16 MB flow list the reader skips costs no memory; the run has no status" 3 "TaskRun ci/flow"

run "63 MB flow list under status.conditions" "$work/empty" diagnose -f "$work/flow-kept.yaml"
expect "a 63 MB flow list the reader keeps is refused within its budget" 3 "flow-kept.yaml:4:" "more values than its size allows"

run "60 MB API object to explain" "$work/api-object.json" explain -
expect "a 60 MB API object pasted to explain is read within bounds (nothing recognised)" 3

run "60 MB zap line to explain" "$work/zap.log" explain - -o json
expect "a 60 MB zap line is read by its fields" 1
grep -q '"problem": *"unknown-authority"' "$work/out" && ok "the zap line's message is diagnosed" || bad "the zap line's message is not diagnosed"

run "cut before status" "$work/empty" diagnose -f "$work/cut-before-status.yaml"
expect "a dump cut before status is not understood, naming file and run" 3 \
  "cut-before-status.yaml: TaskRun ci/build-and-push-r4x8q" "no Succeeded condition"

run "cut inside the quoted message" "$work/empty" diagnose -f "$work/cut-in-message.yaml"
expect "a dump cut inside a quoted message is not understood, naming file and run" 3 \
  "cut-in-message.yaml: TaskRun ci/build-and-push-r4x8q" "no Succeeded condition"

run "a succeeded run" "$work/empty" diagnose -f "$source_dir/tests/samples/taskrun-succeeded.yaml"
expect "a whole succeeded run still has no problems" 0

e2e_summary "hostile input"
