#!/usr/bin/env bash
# README's runbook recipes, run as written: every ```sh block after a `<!-- recipe: NAME -->`
# marker is extracted from README.md and run by bash, with `kubectl` on PATH finding the built
# plugin. Offline recipes read tests/samples' dump (as taskrun.yaml); cluster recipes talk to the
# loopback test API server (tests/support/fake_apiserver.py) through a kubeconfig, where the group
# "support" holds exactly plugin/rbac/certdoctor-reader.yaml. Each recipe's exit code, output and
# files are checked; a marked recipe this script has no check for is a failure.
# usage: readme_recipes_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: readme_recipes_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
root="$here/../.."
support="$here/../support"
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3 openssl kubectl jq
# shellcheck source=../support/fake-apiserver.sh
source "$support/fake-apiserver.sh"

work=$(mktemp -d)
k="$work/k"
mkdir -p "$k" "$work/bin" "$work/recipes" "$work/home"
ln -s "$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")" "$work/bin/kubectl-tekton_certdoctor"
admin_token="tok-admin-51f0a2c9d3"
printf '%s admin\n' "$admin_token" > "$k/tokens"
# The runs' registry: a loopback port nothing listens on, so that the probe stays on this machine.
/usr/bin/python3 "$support/kubectl_way_fixture.py" "$k/fixture.json" --registry 127.0.0.1:1 \
  --bind-reader "$root/plugin/rbac/certdoctor-reader.yaml" || { echo "FAIL: fixture"; exit 1; }
apiserver_start "$k" || { echo "FAIL: the test API server did not start"; exit 1; }
api_pid=$APISERVER_PID
trap 'kill $api_pid 2>/dev/null; rm -rf "$work"' EXIT
apiserver_kubeconfig "$k/kubeconfig" "$admin_token"

# The recipes, by name.
/usr/bin/python3 - "$root/README.md" "$work/recipes" <<'PY' || { echo "FAIL: could not read the recipes"; exit 1; }
import re, sys
text = open(sys.argv[1]).read()
found = re.findall(r"<!-- recipe: ([a-z0-9-]+) -->\n```sh\n(.*?)```\n", text, re.S)
names = [n for n, _ in found]
if len(found) != text.count("<!-- recipe:") or len(set(names)) != len(names):
    sys.exit("a recipe marker without a ```sh block right after it, or a name used twice")
for name, body in found:
    open("%s/%s.sh" % (sys.argv[2], name), "w").write(body)
PY

# run_recipe NAME: runs it in a directory of its own; sets status, out, err, dir.
run_recipe() {
  dir="$work/run-$1"
  mkdir -p "$dir"
  cp "$root/tests/samples/taskrun-unknown-authority.yaml" "$dir/taskrun.yaml"
  (cd "$dir" && env -u KUBERNETES_SERVICE_HOST HOME="$work/home" KUBECONFIG="$k/kubeconfig" PATH="$work/bin:$PATH" \
     timeout 120 bash "$work/recipes/$1.sh" > "$dir/.out" 2> "$dir/.err")
  status=$?
  out=$(cat "$dir/.out")
  err=$(cat "$dir/.err")
}
expect() { # NAME WHAT CONDITION...
  local name=$1 what=$2
  shift 2
  if "$@"; then ok "$name: $what"; else bad "$name: $what (exit $status; stderr: ${err:0:400})"; fi
}
contains() { grep -qF -- "$2" "$1" 2>/dev/null; }

checked=0
for script in "$work"/recipes/*.sh; do
  name=$(basename "$script" .sh)
  : > "$k/requests.log"
  run_recipe "$name"
  expect "$name" "no error on standard error" test -z "$(printf '%s' "$err" | grep 'error')"
  checked=$((checked + 1))
  case $name in
    explain-pasted)
      expect "$name" "exit 1, a problem" test "$status" -eq 1
      expect "$name" "answer.md is the Markdown diagnosis" contains "$dir/answer.md" "## tekton-certdoctor: 1 problem found"
      expect "$name" "with the controller's fix" contains "$dir/answer.md" "add-ca-to-config-registry-cert" ;;
    markdown-ticket)
      expect "$name" "exit 1, a problem" test "$status" -eq 1
      expect "$name" "ticket.md names the run" contains "$dir/ticket.md" "TaskRun ci/build-1"
      expect "$name" "read through the API" contains "$k/requests.log" "/namespaces/ci/taskruns/build-1" ;;
    markdown-ticket-from-dump)
      expect "$name" "exit 1, a problem" test "$status" -eq 1
      expect "$name" "ticket.md names the run" contains "$dir/ticket.md" "TaskRun ci/build-and-push-r4x8q" ;;
    ci-gate)
      expect "$name" "the gate fails the job (exit 1)" test "$status" -eq 1
      expect "$name" "and says why" test "$out" = "registry certificate problem: tekton-controller unknown-authority registry.corp.example:8443"
      expect "$name" "keeping the JSON" contains "$dir/certdoctor.json" '"status": "problems-found"' ;;
    sweep)
      expect "$name" "exit 0" test "$status" -eq 0
      expect "$name" "one group of the three failed runs" test "$out" = "$(printf '3\ttekton-controller\tunknown-authority\t127.0.0.1:1')" ;;
    rbac-read-only)
      expect "$name" "exit 0" test "$status" -eq 0
      expect "$name" "the sweep as a member of support sees the three failed runs" test "$out" = "problems-found: 3 failed runs, $(jq '.notes | length' "$dir/as-support.json") notes"
      expect "$name" "the binding names the shipped ClusterRole" test \
        "$(/usr/bin/python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["roleRef"]["name"])' "$dir/certdoctor-binding.yaml")" = \
        "$(/usr/bin/python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["metadata"]["name"])' "$root/plugin/rbac/certdoctor-reader.yaml")"
      requests=$(/usr/bin/python3 -c '
import json, sys
# The plugin'"'"'s requests (kubectl create --dry-run=client may look at the server too).
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
lines = [l for l in lines if l["agent"].startswith("kubectl-tekton_certdoctor/")]
jane = [l for l in lines if l["user"] == "jane" and l["impersonate_groups"] == ["support"]]
print(len(jane), len(lines), sum(1 for l in jane if l["status"] == 403), sum(1 for l in lines if l["method"] != "GET"),
      ",".join(sorted({l["path"] for l in jane if l["status"] == 403})) or "-")' "$k/requests.log")
      read -r as_jane total forbidden writes refused <<< "$requests"
      expect "$name" "every request ran as jane in support ($as_jane of $total)" test "$as_jane" -gt 0 -a "$as_jane" -eq "$total"
      expect "$name" "the ClusterRole allowed every read ($forbidden refused: $refused)" test "$forbidden" -eq 0
      expect "$name" "GET requests only" test "$writes" -eq 0 ;;
    *)
      bad "$name: a recipe this test has no check for"; checked=$((checked - 1)) ;;
  esac
done
if [ "$checked" -ge 6 ]; then ok "$checked recipes run"; else bad "only $checked recipes found in README.md"; fi

e2e_summary "README recipes"
