#!/usr/bin/env bash
# Hostile values in what the tool reads never become live commands or raw terminal and Markdown
# control: a newline in a controller log's knative.dev/key, in a dumped run's name and
# namespace, and in a step image read through the API (the loopback test API server). Every
# printed command is parsed by `bash -n`, then run with stub tools on an empty PATH in a scratch
# folder: the stubs record their arguments, and the injected commands must never run. Also: a
# report that cannot be written is exit 4, and 160,000 identical lines make one finding.
# usage: hostile_output_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: hostile_output_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3
python=/usr/bin/python3
work=$(mktemp -d)
api_pid=
trap '[ -n "$api_pid" ] && kill $api_pid 2>/dev/null; rm -rf "$work"' EXIT

expect() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

# Stub tools: each records its name and arguments (as JSON) and does nothing else.
stubs="$work/stubs"
mkdir -p "$stubs"
for tool in kubectl jq openssl skopeo cat sed rm id touch curl sudo mkdir tee systemctl crictl base64 cp mv \
            ln chmod podman docker crane helm git awk grep head tail tr xargs env sh; do
  cat > "$stubs/$tool" <<STUB
#!$python
import json, sys
with open("$work/stub.log", "a") as log:
    log.write(json.dumps(["$tool"] + sys.argv[1:]) + "\n")
STUB
  chmod +x "$stubs/$tool"
done

# check_commands NAME JSON-FILE TEXT-FILE EXPECTED-ARGUMENT: every command in the JSON report and
# every "$ " line of the text report parses and, run with the stubs, runs no injected command;
# some stub received EXPECTED-ARGUMENT as one whole argument.
check_commands() {
  local name=$1 json=$2 text=$3 expected=$4
  : > "$work/stub.log"
  local scratch="$work/scratch-$name"
  mkdir -p "$scratch"
  if "$python" - "$json" "$text" "$stubs" "$scratch" <<'PY'
import json, subprocess, sys
json_file, text_file, stubs, scratch = sys.argv[1:]
d = json.load(open(json_file))
commands = [c for f in d["findings"] for fix in f["fixes"] for c in fix["commands"]]
commands += [line.strip()[2:] for line in open(text_file, encoding="utf-8", errors="replace") if line.strip().startswith("$ ")]
assert commands, "no commands printed"
for c in commands:
    assert "\n" not in c, "a command spans lines: %r" % c
    r = subprocess.run(["/bin/bash", "-n", "-c", c], capture_output=True, text=True)
    assert r.returncode == 0, "bash -n rejects %r: %s" % (c, r.stderr)
    subprocess.run(["/bin/bash", "-c", c], cwd=scratch, env={"PATH": stubs, "HOME": scratch},
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
print(len(commands), "commands")
PY
  then ok "$name: every printed command parses and runs as one command"; else bad "$name: printed commands"; fi
  if "$python" - "$work/stub.log" "$expected" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
ran = {c[0] for c in calls}
assert not ran & {"rm", "id", "touch"}, "an injected command ran: %s" % sorted(ran & {"rm", "id", "touch"})
assert any(sys.argv[2] in c[1:] for c in calls), "no tool received %r whole; calls: %s" % (sys.argv[2], calls[:5])
PY
  then ok "$name: no injected command ran; the hostile value reached a tool as one argument"; else bad "$name: stubs"; fi
  [ ! -e "$scratch/pwned" ] || bad "$name: a file was created by an injected command"
}

# check_inert NAME FILE [markdown]: no ESC, BEL or other control byte, no line that the payload
# starts (outside Markdown's fenced blocks).
check_inert() {
  if "$python" - "$2" "${3:-text}" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
bad = sorted({b for b in data if (b < 0x20 and b not in (0x0a,)) or b == 0x7f})
assert not bad, "control bytes %s" % bad
fence = 0
for line in data.decode("utf-8", "replace").split("\n"):
    t = line.lstrip(" $>")
    if sys.argv[2] == "markdown":
        ticks = len(t) - len(t.lstrip("`"))
        if ticks >= 3:
            fence = ticks if fence == 0 else (0 if ticks >= fence and t.strip("`") == "" else fence)
            continue
        if fence:
            continue
    assert not t.startswith("rm -rf") and not t.startswith("touch pwned"), "a payload line: %r" % line
assert fence == 0, "a fenced block left open"
PY
  then ok "$1: no control byte and no payload line"; else bad "$1: output not inert"; fi
}

# --- 1. a controller log line whose knative.dev/key holds a newline --------------------------
"$python" - > "$work/key.log" <<'PY'
import json
print(json.dumps({"level": "error", "ts": "2026-11-25T14:14:10.000Z", "logger": "tekton-pipelines-controller",
                  "caller": "taskrun/taskrun.go:200", "msg": "Returned an error",
                  "knative.dev/kind": "tekton.dev.TaskRun", "knative.dev/key": "ci/build-1\nrm -rf ~ #",
                  "targetMethod": "ReconcileKind",
                  "error": 'failed to create task run pod "build-1": translating TaskSpec to Pod: error getting image '
                           'manifest: Get "https://registry.private/v2/": x509: certificate signed by unknown authority. '
                           'Maybe missing or invalid Task ci/build'}))
PY
"$binary" explain -o json - < "$work/key.log" > "$work/key.json"
"$binary" explain --no-color - < "$work/key.log" > "$work/key.txt"
"$binary" explain -o markdown - < "$work/key.log" > "$work/key.md"
check_commands knative-key "$work/key.json" "$work/key.txt" $'build-1\nrm -rf ~ #'
check_inert "knative-key text" "$work/key.txt"
check_inert "knative-key markdown" "$work/key.md" markdown

# --- 2. a dumped TaskRun whose name and namespace hold a newline, quotes and escapes ---------
"$python" - "$here/../samples/taskrun-unknown-authority.yaml" > "$work/dump.json" <<'PY'
import json, sys, yaml
tr = yaml.safe_load(open(sys.argv[1]))
tr["metadata"]["name"] = "build-1\nrm -rf ~ #\x1b]0;pwned\x07"
tr["metadata"]["namespace"] = "ci';touch pwned;'\n```\n# injected"
print(json.dumps(tr))
PY
"$binary" diagnose -f "$work/dump.json" -o json > "$work/dump.out.json"
"$binary" diagnose -f "$work/dump.json" --no-color > "$work/dump.txt"
"$binary" diagnose -f "$work/dump.json" -o markdown > "$work/dump.md"
check_commands dump "$work/dump.out.json" "$work/dump.txt" $'build-1\nrm -rf ~ #\x1b]0;pwned\x07'
check_inert "dump text" "$work/dump.txt"
check_inert "dump markdown" "$work/dump.md" markdown
# -o yaml: every string double-quoted with escapes, so the values stay on their line; bidi
# controls and other non-ASCII characters are escaped too, and PyYAML reads back the JSON document.
"$binary" diagnose -f "$work/dump.json" -o yaml > "$work/dump.yaml"
check_inert "dump yaml" "$work/dump.yaml"
expect "dump YAML is ASCII and reads back as the JSON document" \
  "\"$python\" -c 'import json,sys,yaml; y=open(sys.argv[1],\"rb\").read(); sys.exit(max(y) >= 0x80 or yaml.safe_load(y) != json.load(open(sys.argv[2])))' \"$work/dump.yaml\" \"$work/dump.out.json\""
expect "dump JSON keeps the name exactly" \
  "\"$python\" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d[\"findings\"][0][\"object\"][\"name\"] != \"build-1\\nrm -rf ~ #\\x1b]0;pwned\\x07\")' \"$work/dump.out.json\""

# --- 2b. the names a fix patches: a ServiceAccount, a Task, an IP registry ----------------
"$python" - "$here/../samples/taskrun-unknown-authority.yaml" > "$work/sa.json" <<'PY'
import json, sys, yaml
tr = yaml.safe_load(open(sys.argv[1]))
tr["spec"]["serviceAccountName"] = "sa';touch pwned;'$(touch pwned)"
tr["spec"]["taskRef"]["name"] = "task $(touch pwned)\n#"
tr["status"]["taskSpec"]["steps"][1]["name"] = "build\"$(touch pwned)"
tr["status"]["conditions"][0]["message"] = (
    'failed to create task run pod "build-and-push-r4x8q": translating TaskSpec to Pod: GET '
    'https://registry.corp.example:8443/v2/platform/builder/manifests/2.4: UNAUTHORIZED: authentication required. '
    'Maybe missing or invalid Task ci/build-and-push')
print(json.dumps(tr))
PY
"$binary" diagnose -f "$work/sa.json" -o json > "$work/sa.out.json"
"$binary" diagnose -f "$work/sa.json" --no-color > "$work/sa.txt"
check_commands service-account "$work/sa.out.json" "$work/sa.txt" "sa';touch pwned;'\$(touch pwned)"
expect "service-account: the run's own ServiceAccount is patched, by a JSON patch add" \
  "grep -q 'patch serviceaccount .*sa.*--type json -p .*\"op\":\"add\",\"path\":\"/imagePullSecrets/-\"' \"$work/sa.txt\""
"$python" - "$here/../samples/taskrun-unknown-authority.yaml" > "$work/ip.json" <<'PY'
import json, sys, yaml
tr = yaml.safe_load(open(sys.argv[1]))
tr["status"]["conditions"][0]["message"] = (
    'failed to create task run pod "build-and-push-r4x8q": translating TaskSpec to Pod: Get "https://10.20.30.40:5000/v2/": '
    'tls: failed to verify certificate: x509: cannot validate certificate for 10.20.30.40 because it doesn\'t contain any IP SANs. '
    'Maybe missing or invalid Task ci/build-and-push')
print(json.dumps(tr))
PY
"$binary" diagnose -f "$work/ip.json" -o json > "$work/ip.out.json"
"$binary" diagnose -f "$work/ip.json" --no-color > "$work/ip.txt"
check_commands ip-registry "$work/ip.out.json" "$work/ip.txt" "subjectAltName=IP:10.20.30.40"
expect "ip-registry: an IP SAN and no SNI, never DNS:10.20.30.40" \
  "grep -q -- '-noservername' \"$work/ip.txt\" && ! grep -q 'DNS:10.20.30.40' \"$work/ip.txt\" && ! grep -q -- '-servername' \"$work/ip.txt\""

# --- 3. cluster mode: a step image a tenant wrote, read through the API ----------------------
# shellcheck source=../support/fake-apiserver.sh
source "$support/fake-apiserver.sh"
k="$work/k"
mkdir -p "$k"
echo "tok-hostile-1 admin" > "$k/tokens"
"$python" "$support/cluster_fixture.py" hostile-image "$k/fixture.json" --registry 127.0.0.1:5999 \
  --ca /etc/ssl/certs/ca-certificates.crt || bad "fixture"
if apiserver_start "$k"; then
  api_pid=$APISERVER_PID
  apiserver_kubeconfig "$k/kubeconfig" tok-hostile-1
  for fmt in json text markdown; do
    timeout 60 env -u KUBECONFIG HOME="$k" "$binary" diagnose taskrun/pull-1 --kubeconfig "$k/kubeconfig" --no-probe \
      --no-color -o "$fmt" > "$k/out.$fmt" 2> "$k/err.$fmt"
    echo $? > "$k/rc.$fmt"
  done
  expect "cluster: the run is diagnosed (exit 1)" '[ "$(cat "$k/rc.json")" = 1 ]'
  check_commands cluster-image "$k/out.json" "$k/out.text" 'pull-1'
  check_inert "cluster text" "$k/out.text"
  check_inert "cluster markdown" "$k/out.markdown" markdown
  check_inert "cluster stderr" "$k/err.text"
else
  bad "the test API server did not start"
fi

# --- 4. a report that cannot be written ------------------------------------------------------
msg='failed to create task run pod "x": translating TaskSpec to Pod: error getting image manifest: Get https://registry.private/v2/: x509: certificate signed by unknown authority'
"$binary" explain "$msg" > /dev/full 2> "$work/full.err"
rc=$?
expect "a full disk: exit 4 with one line naming standard output (rc=$rc)" \
  '[ $rc = 4 ] && [ "$(wc -l < "$work/full.err")" = 1 ] && grep -q "standard output" "$work/full.err"'
"$binary" explain "$msg" >&- 2> "$work/closed.err"
rc=$?
expect "a closed standard output: exit 4 (rc=$rc)" '[ $rc = 4 ] && grep -q "standard output" "$work/closed.err"'

# --- 5. 160,000 identical failure lines: one finding, its places counted ---------------------
yes "$msg" | head -n 160000 > "$work/same.log"
timeout 120 "$binary" explain -o json - < "$work/same.log" > "$work/same.json"
rc=$?
expect "160,000 identical lines: one finding, 20 places listed, 160,000 counted (rc=$rc)" \
  "\"$python\" -c 'import json,sys; d=json.load(open(sys.argv[1])); e=d[\"findings\"][0][\"evidence\"]; sys.exit(not (d[\"count\"] == 1 and len(e[\"seen_in\"]) == 20 and e[\"seen_in_total\"] == 160000))' \"$work/same.json\""

e2e_summary "hostile output"
