#!/usr/bin/env bash
# The patches the fixes print, applied by kubectl itself (`kubectl patch --local`, no cluster):
# configure-pull-credentials adds regcred to the run's ServiceAccount and keeps the pull secrets
# already there, with or without a list; a strategic merge patch would have replaced the list
# (a ServiceAccount's imagePullSecrets has no merge key), which is why the fix uses a JSON patch.
# usage: fix_patches_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: fix_patches_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../support/e2e-lib.sh
source "$here/../support/e2e-lib.sh"
e2e_require python3 kubectl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$here/../samples/taskrun-unknown-authority.yaml" > "$work/run.json" <<'PY'
import json, sys, yaml
tr = yaml.safe_load(open(sys.argv[1]))
tr["spec"]["serviceAccountName"] = "deployer"
tr["status"]["conditions"][0]["message"] = (
    'failed to create task run pod "build-and-push-r4x8q": translating TaskSpec to Pod: GET '
    'https://registry.corp.example:8443/v2/platform/builder/manifests/2.4: UNAUTHORIZED: authentication required. '
    'Maybe missing or invalid Task ci/build-and-push')
print(json.dumps(tr))
PY
"$binary" diagnose -f "$work/run.json" -o json > "$work/report.json"
if /usr/bin/python3 - "$work/report.json" "$work" <<'PY'
import json, re, subprocess, sys
report, work = sys.argv[1:]
d = json.load(open(report))
fix = next(x for x in d["findings"][0]["fixes"] if x["id"] == "configure-pull-credentials")
line = next(c for c in fix["commands"] if c.startswith("if "))
assert "serviceaccount 'deployer'" in line and "serviceaccount 'default'" not in line, line
patches = re.findall(r"--type json -p '([^']*)'", line)
assert len(patches) == 2, line
def apply(sa, patch, kind="json"):
    open(work + "/sa.json", "w").write(json.dumps(sa))
    r = subprocess.run(["kubectl", "patch", "--local", "-f", work + "/sa.json", "--type", kind, "-p", patch, "-o", "json"],
                       capture_output=True, text=True, timeout=30, env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    return [s["name"] for s in json.loads(r.stdout).get("imagePullSecrets", [])]
sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "deployer", "namespace": "ci"},
      "imagePullSecrets": [{"name": "team-registry"}]}
got = apply(sa, patches[0])
assert got == ["team-registry", "regcred"], got
bare = {k: v for k, v in sa.items() if k != "imagePullSecrets"}
got = apply(bare, patches[1])
assert got == ["regcred"], got
# Why not a strategic merge patch: for a ServiceAccount it replaces the list.
got = apply(sa, '{"imagePullSecrets":[{"name":"regcred"}]}', "strategic")
assert got == ["regcred"], got
PY
then ok "pull credentials: the run's ServiceAccount gets regcred beside its own secrets (kubectl applies the printed patch); a strategic merge would have replaced them"
else bad "pull credentials: the printed patch and kubectl"; fi
# A step that failed on its own: the next step (its log, through explain) is in the report itself.
"$binary" diagnose -f "$here/../samples/taskrun-step-failed.yaml" > "$work/step.out" 2> "$work/step.err"
grep -q "logs 'image-build-5-pod' -c 'step-build-and-push' | kubectl tekton-certdoctor explain -" "$work/step.out" &&
  ok "a step failure: the kubectl logs ... | explain - step is on standard output" || bad "step failure: $(cat "$work/step.out" "$work/step.err")"
e2e_summary "fix patches"
