#!/usr/bin/env bash
# diagnose --apply end to end: the binary against the loopback API server (tests/support/
# fake_apiserver.py, which stores writes, bumps resourceVersions, answers 409, dry runs and
# SelfSubjectAccessReview, and plays rollouts and a concurrent writer) and real registries
# (docker-registry on 127.0.0.1 with openssl-made certificates). One scenario per situation of
# issue 14; each prints the requests --apply made (from requests.log), and checks the objects the
# server holds afterwards. No token, key or password may appear in any output or log.
# usage: apply_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: apply_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
python=/usr/bin/python3
[ -x "$python" ] || { echo "SKIP: /usr/bin/python3 is not installed"; exit 77; }
# shellcheck source=../support/tls-registries.sh
source "$support/tls-registries.sh"
# shellcheck source=../support/fake-apiserver.sh
source "$support/fake-apiserver.sh"
registries_setup
root_ca="$work/r/trust/ca.crt"
reg="127.0.0.1:${REGISTRY_PORT[good]}"

# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"

k="$work/k"
mkdir -p "$k"
secret_token="tok-admin-9d4e7b2a61c3"
echo "$secret_token admin" > "$k/tokens"
fixture="$k/fixture.json"
planted_password="hunter2-planted-9f8e7d"
planted_key="planted-private-key-material-5a4b3c"
# A third team's CA, for the concurrent writer.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$k/third.key" -out "$k/third.pem" -days 2 \
  -subj "/CN=third-team-ca" -addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1 || { echo "FAIL: openssl"; exit 1; }

# scenario NAME [PYTHON that edits the fixture `f`]: writes the fixture (the server re-reads it,
# and forgets every earlier write).
scenario() {
  "$python" "$support/cluster_fixture.py" "$1" "$fixture.new" --registry "$reg" --ca "$root_ca" --other-ca "$work/r/self.pem" || exit 1
  "$python" - "$fixture.new" "${2:-}" <<'PY' || exit 1
import json, sys
f = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(f, open(sys.argv[1], "w"))
PY
  mv "$fixture.new" "$fixture"
  touch -d "+1 second" "$fixture"  # a new mtime even within the same second
}
scenario ca-missing
apiserver_start "$k" || { echo "FAIL: the test API server did not start"; exit 1; }
api_pid=$APISERVER_PID
trap 'kill $api_pid 2>/dev/null; registries_stop; rm -rf "$work"' EXIT
apiserver_kubeconfig "$k/kubeconfig" "$secret_token"
kc=(--kubeconfig "$k/kubeconfig" -n ci)

# run NAME ARGS...: runs the binary with stdin from /dev/null (no terminal); keeps stdout, stderr,
# the exit code and the requests it made.
run() {
  local name=$1; shift
  local before; before=$(wc -l < "$k/requests.log" 2>/dev/null || echo 0)
  timeout 120 env -u KUBECONFIG HOME="$k/home" "$binary" "$@" < /dev/null > "$k/$name.out" 2> "$k/$name.err"
  echo $? > "$k/$name.rc"
  tail -n +"$((before + 1))" "$k/requests.log" > "$k/$name.requests"
  # Request by request, what --apply did (every write and review; the diagnosis's GETs counted).
  echo "---- $name: exit $(cat "$k/$name.rc"); $(grep -c '"method": "GET"' "$k/$name.requests") GETs, then:"
  "$python" - "$k/$name.requests" <<'PY'
import json, sys
started = False
for line in open(sys.argv[1]):
    r = json.loads(line)
    started = started or r["method"] != "GET"
    if started:  # from the first review or write on: the re-reads, rollout polls and --verify too
        extra = (" (" + r["review"] + ")") if r.get("review") else ""
        print("     %s %s -> %d%s" % (r["method"], r["path"], r["status"], extra))
PY
}
# api GET PATH: the object the server holds now, as JSON on stdout.
api() {
  "$python" - "$APISERVER_PORT" "$k/ca.pem" "$secret_token" "$1" <<'PY'
import json, ssl, sys, urllib.request
port, ca, token, path = sys.argv[1:]
ctx = ssl.create_default_context(cafile=ca)
req = urllib.request.Request("https://127.0.0.1:%s%s" % (port, path), headers={"Authorization": "Bearer " + token})
try:
    print(urllib.request.urlopen(req, context=ctx, timeout=10).read().decode())
except urllib.error.HTTPError as e:
    print(json.dumps({"code": e.code}))
PY
}
# check NAME DESCRIPTION PYTHON-EXPR: d is NAME's JSON output (or None), out/err its streams, rc its
# exit code, reqs its requests, writes those other than GET and reviews; get(PATH) an object now.
check() {
  local name=$1 what=$2 expr=$3
  if "$python" - "$k/$name.out" "$k/$name.err" "$k/$name.rc" "$k/$name.requests" "$expr" "$APISERVER_PORT" "$k/ca.pem" "$secret_token" <<'PY'
import json, os, ssl, sys, urllib.request
outf, errf, rcf, reqf, expr, port, ca, token = sys.argv[1:]
out, err, rc = open(outf).read(), open(errf).read(), int(open(rcf).read())
try:
    d = json.loads(out)
except ValueError:
    d = None
reqs = [json.loads(l) for l in open(reqf)]
writes = [r for r in reqs if r["method"] != "GET" and "selfsubjectaccessreviews" not in r["path"]]
reviews = [r for r in reqs if "selfsubjectaccessreviews" in r["path"]]
ctx = ssl.create_default_context(cafile=ca)
def get(path):
    req = urllib.request.Request("https://127.0.0.1:%s%s" % (port, path), headers={"Authorization": "Bearer " + token})
    return json.loads(urllib.request.urlopen(req, context=ctx, timeout=10).read())
CM = "/api/v1/namespaces/tekton-pipelines/configmaps/config-registry-cert"
DEPLOY = "/apis/apps/v1/namespaces/tekton-pipelines/deployments/tekton-pipelines-controller"
def cert(): return get(CM).get("data", {}).get("cert", "")
def pems(text):
    import re
    return [b for b in re.findall(r"-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----", text)]
def body(pem): return "".join(open(pem).read().split("-----")[2].split())
def holds_once(text, pem): return ["".join(p.split("-----")[2].split()) for p in pems(text)].count(body(pem)) == 1
def position(text, pem): return ["".join(p.split("-----")[2].split()) for p in pems(text)].index(body(pem))
try:
    passed = eval(expr)
except Exception as e:  # a missing field is a failure, shown
    print("  the check raised %r" % e)
    passed = False
if not passed and os.environ.get("APPLY_TEST_DEBUG"):
    cm = get(CM) if True else None
    print("  ConfigMap now: keys %s, %d certificates under cert" % (sorted(cm.get("data", {})), len(pems(cert()))))
sys.exit(0 if passed else 1)
PY
  then ok "$name: $what"; else bad "$name: $what"; echo "  exit $(cat "$k/$name.rc"); stderr:"; sed 's/^/    /' "$k/$name.err" | head -40; fi
}

other_ca="$work/r/self.pem"
# The registry serves leaf and intermediate: the CA the probe names, and --apply adds, is the intermediate.
probed_ca="$work/r/int.pem"
plant='f["objects"] = [o for o in f["objects"]]
for o in f["objects"]:
    if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "config-registry-cert":
        o["data"]["registry-password"] = "'"$planted_password"'"
        o["data"]["client.key"] = "-----BEGIN PRIVATE KEY-----\n'"$planted_key"'\n-----END PRIVATE KEY-----\n"'

# 1. Another team's CA and other keys: all kept, the registry's CA once; restart; verify.
scenario other-team "$plant"
run other-team diagnose tr/build-1 "${kc[@]}" --apply --yes --verify -o json
check other-team "exit 0, the ConfigMap updated and the controller restarted, recorded in the JSON" 'rc == 0 and [(c["kind"], c["action"]) for c in d["applied"]["changes"]] == [("ConfigMap", "updated"), ("Deployment", "patched")] and d["applied"]["changes"][0]["before_resource_version"] == "4711" and d["applied"]["changes"][0]["after_resource_version"] not in ("", "4711") and not d["applied"]["changes"][0]["dry_run"]'
check other-team "the other team's CA kept, first; the registry's CA once, after it" 'holds_once(cert(), "'"$other_ca"'") and holds_once(cert(), "'"$probed_ca"'") and len(pems(cert())) == 2 and position(cert(), "'"$other_ca"'") == 0'
check other-team "every other key, label and annotation kept" 'get(CM)["data"]["README"] == "owned by the platform team" and get(CM)["metadata"]["annotations"]["team.example/owner"] == "platform" and get(CM)["metadata"]["labels"]["app.kubernetes.io/part-of"] == "tekton-pipelines"'
check other-team "the diff and a backup were shown before the write" '"+++ configmap tekton-pipelines/config-registry-cert (after)" in err and "# Backup of configmap tekton-pipelines/config-registry-cert (resourceVersion 4711)" in err and err.index("+++ configmap") < err.index("# Backup of") < err.index("Applied:")'
check other-team "every permission reviewed before the first write; the write carries the resourceVersion read" 'len(reviews) >= 2 and reqs.index(reviews[-1]) < reqs.index(writes[0]) and writes[0]["method"] == "PUT" and "dryRun" not in writes[0]["path"]'
check other-team "the restart as kubectl rollout restart: the restartedAt pod-template annotation" '"kubectl.kubernetes.io/restartedAt" in get(DEPLOY)["spec"]["template"]["metadata"]["annotations"] and writes[1]["method"] == "PATCH" and writes[1]["content_type"] == "application/merge-patch+json"'
check other-team "the rollout was waited for: the Deployment polled until rolled out" 'sum(1 for i, r in enumerate(reqs) if r["method"] == "GET" and r["path"] == DEPLOY and i > reqs.index(writes[1])) >= 2'
check other-team "--verify: Go accepts the registry with the bundle now in the cluster, the pods are newer" 'd["applied"]["verify"]["verdict"] == "ok" and d["applied"]["verify"]["pods_newer"] == "pass" and "Go accepts" in err'
check other-team "no planted password or private key in the diff, the backup or the JSON of --apply" '"'"$planted_password"'" not in err and "'"$planted_key"'" not in err and "redacted" in err'

# 2. The same again: nothing to change, nothing written.
run twice diagnose tr/build-1 "${kc[@]}" --apply --yes -o json
check twice "a second run writes nothing" 'writes == [] and reviews == [] and d["applied"]["outcome"] == "nothing-to-change" and "Nothing to change" in err'

# 3. No config-registry-cert: created, with Tekton's labels.
scenario cm-absent
run cm-absent diagnose tr/build-1 "${kc[@]}" --apply --yes -o json
check cm-absent "the ConfigMap is created (POST, 201) with the registry's CA" 'rc == 0 and writes[0]["method"] == "POST" and writes[0]["status"] == 201 and holds_once(cert(), "'"$probed_ca"'")'
check cm-absent "the new ConfigMap carries Tekton's labels" 'get(CM)["metadata"]["labels"] == {"app.kubernetes.io/instance": "default", "app.kubernetes.io/part-of": "tekton-pipelines"}'

# 4. The CA under another key: copied to `cert`, the old key kept.
scenario wrong-key
run wrong-key diagnose tr/build-1 "${kc[@]}" --apply --yes -o json
check wrong-key "the CA is under cert once, ca.crt kept" 'rc == 0 and d["applied"]["changes"][0]["fix"] == "move-ca-to-cert-key" and holds_once(cert(), "'"$root_ca"'") and holds_once(get(CM)["data"]["ca.crt"], "'"$root_ca"'")'

# 5. A concurrent writer adds a CA between the read and the write: 409, read again, merged again.
scenario other-team 'f["concurrent"] = [{"path": "/api/v1/namespaces/tekton-pipelines/configmaps/config-registry-cert", "append": {"cert": open("'"$k/third.pem"'").read()}}]'
run concurrent diagnose tr/build-1 "${kc[@]}" --apply --yes -o json -v
check concurrent "the -v log lists each write with its status" '"PUT https://127.0.0.1:" in err and "/configmaps/config-registry-cert -> 409" in err'
check concurrent "409, then read again and written again" 'rc == 0 and [w["status"] for w in writes[:2]] == [409, 200] and d["applied"]["changes"][0]["conflicts"] == 1'
check concurrent "every CA present once: the other team's, the one added meanwhile, the registry's" 'len(pems(cert())) == 3 and holds_once(cert(), "'"$probed_ca"'") and holds_once(cert(), "'"$k/third.pem"'") and holds_once(cert(), "'"$other_ca"'")'

# 6. RBAC without update on configmaps: one clear line, nothing written.
scenario other-team 'f["deny"] = {"admin": ["update configmaps"]}'
run forbidden diagnose tr/build-1 "${kc[@]}" --apply --yes -o json
check forbidden "SelfSubjectAccessReview says no: exit 4, the verb and resource named, nothing written" 'rc == 4 and writes == [] and "update configmaps in namespace tekton-pipelines" in err and "nothing was written" in err and len([l for l in err.splitlines() if l.startswith("tekton-certdoctor: error:")]) == 1'
# The review says yes, the write is refused (403 on the write itself): the first write fails, nothing else follows.
scenario other-team 'f["deny"] = {"admin": ["update configmaps"]}; f["ssar_allows_all"] = True'
run forbidden-write diagnose tr/build-1 "${kc[@]}" --apply --yes -o json
check forbidden-write "a 403 on the write: exit 4, the verb and resource named, nothing written, no restart" 'rc == 4 and [w["status"] for w in writes] == [403] and "may not update configmaps" in err and len(pems(cert())) == 1 and "restartedAt" not in json.dumps(get(DEPLOY))'

# 7. No terminal and no --yes: the diff, then nothing written.
scenario other-team
run no-yes diagnose tr/build-1 "${kc[@]}" --apply
check no-yes "exit 5, the diff shown, no review and no write" 'rc == 5 and writes == [] and reviews == [] and "+++ configmap" in out and "--yes was not given; nothing was written" in out and len(pems(cert())) == 1'

# 7b. On a terminal: the question is asked; "n" writes nothing (exit 5), "y" applies and shows the
# rollout's progress. A pseudo-terminal stands in for the user, within a bounded wait.
tty_run() {
  local name=$1 answer=$2; shift 2
  local before; before=$(wc -l < "$k/requests.log")
  "$python" - "$answer" "$k/$name.out" "$binary" "$@" <<'PY' > "$k/$name.rc.tmp"
import os, pty, select, sys, time
answer, out, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.environ.pop("KUBECONFIG", None)
    os.execv(argv[0], argv)
text, asked, deadline = b"", False, time.time() + 90
done, status = 0, 0  # the child is reaped once: a second waitpid on it would raise
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.5)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        text += chunk
    if not asked and b"[y/N]" in text:
        os.write(fd, (answer + "\n").encode())
        asked = True
    if not done:
        done, status = os.waitpid(pid, os.WNOHANG)
    if done and not r:
        break
else:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0) if not done else (done, status)
open(out, "wb").write(text)
print(os.waitstatus_to_exitcode(status))
PY
  cp "$k/$name.rc.tmp" "$k/$name.rc"; : > "$k/$name.err"
  tail -n +"$((before + 1))" "$k/requests.log" > "$k/$name.requests"
  echo "---- $name (terminal, answered $answer): exit $(cat "$k/$name.rc"); writes: $(grep -vc '"method": "GET"' "$k/$name.requests")"
}
tty_run tty-no n diagnose tr/build-1 "${kc[@]}" --apply --no-color
check tty-no "on a terminal the question is asked; no: exit 5, no review, no write" 'rc == 5 and "Apply these changes (2 objects)? [y/N]" in out and writes == [] and reviews == [] and "nothing was written" in out'
tty_run tty-yes y diagnose tr/build-1 "${kc[@]}" --apply --no-color
check tty-yes "yes: applied, with the rollout's progress on the terminal" 'rc == 0 and [w["method"] for w in writes] == ["PUT", "PATCH"] and "waiting for the rollout of Deployment tekton-pipelines/tekton-pipelines-controller" in out and "rolled out" in out and len(pems(cert())) == 2'
scenario other-team

# 8. --dry-run=server: every write with dryRun=All, nothing stored, the stored form shown.
run dry-run diagnose tr/build-1 "${kc[@]}" --apply --yes --dry-run=server -o json
check dry-run "only dryRun=All writes; the ConfigMap and the Deployment unchanged" 'rc == 1 and writes and all(w["path"].endswith("?dryRun=All") for w in writes) and len(pems(cert())) == 1 and "restartedAt" not in json.dumps(get(DEPLOY)) and all(c["dry_run"] for c in d["applied"]["changes"]) and "The server would store" in err'

# 9. A rollout that never finishes: the wait ends at --timeout with a clear error.
scenario other-team 'f["rollout_stuck"] = True'
run stuck diagnose tr/build-1 "${kc[@]}" --apply --yes --timeout 6s -o json
check stuck "the wait is bounded by --timeout: exit 4, the change made, the rollout named" 'rc == 4 and "did not finish within 6s" in err and "rollout status deployment" in err and len(pems(cert())) == 2'

# 10. The operator's StatefulSet mode: nothing written. TektonConfig spec.pipeline.options.configMaps
# would crash the operator's reconcile on the shipped config-registry-cert (no data map; operator
# transformer_additional_options.go, updateConfigMaps), and a direct edit is reverted at its next
# re-apply: the direct edit is shown, with that cost, for the user to decide.
scenario operator-statefulset
run operator diagnose tr/build-1 "${kc[@]}" --apply --yes -o json
TC=/apis/operator.tekton.dev/v1alpha1/tektonconfigs/config
SS=/apis/apps/v1/namespaces/tekton-pipelines/statefulsets/tekton-pipelines-controller
check operator "nothing written, not even a review: exit 1, the outcome refused" 'rc == 1 and writes == [] and reviews == [] and d["applied"]["outcome"] == "refused"'
check operator "TektonConfig, the ConfigMap and the StatefulSet unchanged" '"configMaps" not in get("'"$TC"'")["spec"]["pipeline"]["options"] and cert() == "" and "restartedAt" not in json.dumps(get("'"$SS"'"))'
check operator "the user is told why and given the direct edit with the CA, and what it costs" '"Tekton Operator owns config-registry-cert" in err and "kubectl patch configmap config-registry-cert -n \'"'"'tekton-pipelines\'"'"' --type merge -p" in err and body("'"$probed_ca"'")[:40] in err.replace("\\n", "") and "re-applies" in err and "patch tektonconfig" not in err'

# 10b. A StatefulSet-mode controller without the operator: the CA written, the StatefulSet restarted
# as kubectl rollout restart does, and its rollout waited for.
scenario statefulset
run statefulset diagnose tr/build-1 "${kc[@]}" --apply --yes -o json
check statefulset "the ConfigMap updated, the StatefulSet (not a Deployment) restarted and waited for" 'rc == 0 and [(c["kind"], c["action"]) for c in d["applied"]["changes"]] == [("ConfigMap", "updated"), ("StatefulSet", "patched")] and holds_once(cert(), "'"$probed_ca"'") and "kubectl.kubernetes.io/restartedAt" in get("'"$SS"'")["spec"]["template"]["metadata"]["annotations"] and sum(1 for i, r in enumerate(reqs) if r["method"] == "GET" and r["path"] == "'"$SS"'" and i > reqs.index(writes[1])) >= 2'

# 12. OpenShift: the CA goes into the ConfigMap the cluster proxy's trustedCA names (openshift-config),
# every CA there kept; config-registry-cert is not touched; the controller restarted.
PROXY=/apis/config.openshift.io/v1/proxies/cluster
USER_CA=/api/v1/namespaces/openshift-config/configmaps/user-ca-bundle
OS_CM=/api/v1/namespaces/openshift-pipelines/configmaps/config-registry-cert
OS_DEPLOY=/apis/apps/v1/namespaces/openshift-pipelines/deployments/tekton-pipelines-controller
proxy='f["objects"].append({"apiVersion": "config.openshift.io/v1", "kind": "Proxy", "metadata": {"name": "cluster", "uid": "uid-proxy", "resourceVersion": "301"}, "spec": {"trustedCA": {"name": "user-ca-bundle"}}})
f["objects"].append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "user-ca-bundle", "namespace": "openshift-config", "uid": "uid-user-ca", "resourceVersion": "302"}, "data": {"ca-bundle.crt": open("'"$other_ca"'").read()}})'
scenario openshift "$proxy"
run openshift diagnose tr/build-1 "${kc[@]}" --apply --yes --verify -o json
check openshift "the proxy's trustedCA ConfigMap is updated, then the openshift-pipelines controller restarted" 'rc == 0 and [(w["method"], w["path"].split("?")[0]) for w in writes] == [("PUT", "'"$USER_CA"'"), ("PATCH", "'"$OS_DEPLOY"'")] and d["applied"]["changes"][0]["fix"] == "add-ca-to-openshift-trusted-ca"'
check openshift "ca-bundle.crt keeps the CA already there, first, and holds the registry's CA once" 'holds_once(get("'"$USER_CA"'")["data"]["ca-bundle.crt"], "'"$other_ca"'") and holds_once(get("'"$USER_CA"'")["data"]["ca-bundle.crt"], "'"$probed_ca"'") and position(get("'"$USER_CA"'")["data"]["ca-bundle.crt"], "'"$other_ca"'") == 0'
check openshift "--verify judges with the trustedCA bundle too: Go accepts the registry" 'd["applied"]["verify"]["verdict"] == "ok" and "openshift-config/user-ca-bundle (the proxy" in err'
check openshift "the proxy and config-registry-cert untouched; the user told where the CA went" 'get("'"$PROXY"'")["metadata"]["resourceVersion"] == "301" and get("'"$OS_CM"'").get("data", {}) == {} and "openshift-config/user-ca-bundle" in err'

# 13. OpenShift, the proxy names no trustedCA: nothing written; the commands to run are printed.
scenario openshift 'f["objects"].append({"apiVersion": "config.openshift.io/v1", "kind": "Proxy", "metadata": {"name": "cluster", "uid": "uid-proxy", "resourceVersion": "301"}, "spec": {}})'
run openshift-no-trusted-ca diagnose tr/build-1 "${kc[@]}" --apply --yes -o json
check openshift-no-trusted-ca "no write and no review; exit 1; the proxy left alone" 'rc == 1 and writes == [] and reviews == [] and d["applied"]["outcome"] == "refused" and get("'"$PROXY"'")["spec"] == {}'
check openshift-no-trusted-ca "the two commands are printed: the ConfigMap in openshift-config, the proxy patch" '"names no trustedCA" in err and "openshift-config/user-ca-bundle" in err and "kubectl patch proxy cluster --type merge -p" in err and "Nothing was written" in err'

# 14. --apply on a sweep is refused before anything is read: its groups may need different fixes.
scenario other-team
run sweep-apply diagnose taskruns -A --kubeconfig "$k/kubeconfig" --apply --yes
check sweep-apply "exit 2, one line saying why and what to run instead, no request at all" 'rc == 2 and reqs == [] and "not of a sweep" in err and "diagnose taskrun/NAME -n NAMESPACE --apply" in err and len(pems(cert())) == 1'

# 15. Planted secrets under -v: the request log of -v and the backups name no password or key.
scenario other-team "$plant"
run planted-verbose diagnose tr/build-1 "${kc[@]}" --apply --yes -v -o json
check planted-verbose "applied, with the -v request log on standard error" 'rc == 0 and "PUT https://127.0.0.1:" in err and "# Backup of configmap" in err'
check planted-verbose "no password, private key or token in the -v log, the backups or the diffs" '"'"$planted_password"'" not in err and "'"$planted_key"'" not in err and "'"$secret_token"'" not in err and "redacted" in err'

# 11. --apply=task: the step's command from the image, as a JSON patch with tests; a moved step is refused.
pushed=0
if command -v skopeo > /dev/null; then
  "$python" "$support/write_oci_layout.py" "$k/oci" &&
    timeout 60 skopeo copy -q --dest-cert-dir "$work/r/trust" "oci:$k/oci:single" "docker://$reg/team/app:v1" && pushed=1
fi
if [ $pushed = 1 ]; then
  TASK=/apis/tekton.dev/v1/namespaces/ci/tasks/build
  scenario stale-controller 'f["concurrent"] = [{"path": "'"$TASK"'", "patch": [{"op": "replace", "path": "/spec/steps/0/name", "value": "prepare"}]}]'
  run task-moved diagnose tr/build-1 "${kc[@]}" --apply=task --yes -o json
  check task-moved "a step moved meanwhile: the test operations refuse it, exit 4, nothing changes" 'rc == 4 and [w["status"] for w in writes] == [422] and "nothing was patched" in err and "command" not in get("'"$TASK"'")["spec"]["steps"][0]'
  scenario stale-controller
  run task diagnose tr/build-1 "${kc[@]}" --apply=task --yes -o json
  check task "the Task's step gets the image's Entrypoint and Cmd, only the Task is written" 'rc == 0 and [w["path"].split("?")[0] for w in writes] == ["'"$TASK"'"] and writes[0]["content_type"] == "application/json-patch+json" and get("'"$TASK"'")["spec"]["steps"][0]["command"] == ["/bin/app", "serve"]'
  # A step that uses a StepAction cannot take `command`: the patch goes to the StepAction.
  ACTION=/apis/tekton.dev/v1beta1/namespaces/ci/stepactions/app-step
  scenario stale-controller 'for o in f["objects"]:
    if o["kind"] == "Task": o["spec"]["steps"][0] = {"name": "build", "ref": {"name": "app-step"}}
f["objects"].append({"apiVersion": "tekton.dev/v1beta1", "kind": "StepAction", "metadata": {"name": "app-step", "namespace": "ci", "uid": "uid-app-step", "resourceVersion": "401"}, "spec": {"image": "'"$reg"'/team/app:v1"}})'
  run stepaction diagnose tr/build-1 "${kc[@]}" --apply=task --yes -o json
  check stepaction "only the StepAction is written, as a JSON patch; it gets the image's Entrypoint and Cmd" 'rc == 0 and [w["path"].split("?")[0] for w in writes] == ["'"$ACTION"'"] and writes[0]["content_type"] == "application/json-patch+json" and get("'"$ACTION"'")["spec"]["command"] == ["/bin/app", "serve"]'
  check stepaction "the Task keeps its ref step, without command; the user told why" '"command" not in get("'"$TASK"'")["spec"]["steps"][0] and get("'"$TASK"'")["spec"]["steps"][0]["ref"] == {"name": "app-step"} and "uses the StepAction app-step" in err'
  run stepaction-twice diagnose tr/build-1 "${kc[@]}" --apply=task --yes -o json
  check stepaction-twice "a second --apply=task writes nothing" 'writes == [] and reviews == []'
else
  bad "pushing the step image with skopeo"
fi

# Every -o json of --apply validates against the report's schema (with the `applied` object).
if "$python" -c 'import jsonschema' 2>/dev/null; then
  if "$python" - "$here/../../plugin/report.schema.json" "$k" <<'PY'
import glob, json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
bad = []
for out in sorted(glob.glob(sys.argv[2] + "/*.out")):
    try:
        d = json.load(open(out))
    except ValueError:
        continue  # text output, or none after an error
    try:
        jsonschema.Draft202012Validator(schema).validate(d)
        assert "applied" in d
    except Exception as e:
        bad.append("%s: %s" % (out, str(e).splitlines()[0]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
  then ok "every JSON report of --apply validates against plugin/report.schema.json"; else bad "a JSON report of --apply does not validate"; fi
fi

# Nothing secret anywhere: not the token, not the planted password or key, in any report (the
# complete ConfigMap leaves such keys out), narrative, backup or request log.
if grep -rl -e "$secret_token" -e "$planted_password" -e "$planted_key" "$k"/*.out "$k"/*.err "$k"/requests.log > /dev/null 2>&1; then
  bad "a token, password or key appears in an output or the request log: $(grep -rl -e "$secret_token" -e "$planted_password" -e "$planted_key" "$k"/*.out "$k"/*.err "$k"/requests.log)"
else
  ok "no token, password or private key in any report, narrative, backup or request log"
fi
if grep -l -e "$secret_token" "$k"/*.out > /dev/null 2>&1; then bad "the token appears in a report"; else ok "the token appears in no report"; fi

e2e_summary "apply"
