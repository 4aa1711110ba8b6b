#!/usr/bin/env bash
# Cluster mode end to end: the binary against a loopback HTTPS API server (tests/support/
# fake_apiserver.py, answering as kube-apiserver does) and real registries (docker-registry on
# 127.0.0.1 with openssl-made certificates). Covers every kubeconfig auth mode, the error
# messages, and the diagnosis, cluster checks and fix order of each scenario in
# tests/support/cluster_fixture.py. Asserts that only GET requests were made and that no
# credential appears in any output or verbose log.
# usage: cluster_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: cluster_test.sh BINARY}
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
reg2="127.0.0.1:${REGISTRY_PORT[self-signed]}"

# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"

# --- the API server's certificates, tokens and fixture -------------------------------------------
k="$work/k"
mkdir -p "$k"
secret_token="tok-admin-3f9c2a7d51e4"
cat > "$k/tokens" <<TOK
$secret_token admin
tok-limited-77aa01 limited
tok-exec-v1-5b1e09 exec-user
tok-sa-c0ffee11 system:serviceaccount:ci:certdoctor
TOK
fixture="$k/fixture.json"
scenario() { "$python" "$support/cluster_fixture.py" "$1" "$fixture" --registry "$reg" --registry2 "$reg2" --ca "$root_ca" --other-ca "$work/r/self.pem"; }
scenario ca-missing
apiserver_start "$k" || { echo "FAIL: the test API server did not start"; exit 1; }
api_pid=$APISERVER_PID
trap 'kill $api_pid 2>/dev/null; registries_stop; rm -rf "$work"' EXIT
port=$APISERVER_PORT
server="https://127.0.0.1:$port"

b64() { base64 -w0 < "$1"; }

# kubeconfig FILE USER-YAML [CLUSTER-YAML [SERVER]]: the test server's kubeconfig (tests/support/
# fake-apiserver.sh) with that user, and a second context "other" without a namespace.
kubeconfig() {
  local extra=()
  [ -n "${3:-}" ] && extra+=(--cluster "$3")
  [ -n "${4:-}" ] && extra+=(--server "$4")
  apiserver_kubeconfig "$1" --user "$2" "${extra[@]}" --also-context other
}

kubeconfig "$k/token.yaml" "    token: $secret_token"
kubeconfig "$k/data.yaml" "    client-certificate-data: $(b64 "$k/client.pem")
    client-key-data: $(b64 "$k/client.key")" "    certificate-authority-data: $(b64 "$k/ca.pem")"
mkdir -p "$k/rel"
cp "$k/client.pem" "$k/client.key" "$k/ca.pem" "$k/rel/"
kubeconfig "$k/rel/files.yaml" "    client-certificate: client.pem
    client-key: client.key" "    certificate-authority: ca.pem"
printf '%s\n' "$secret_token" > "$k/token-file"
kubeconfig "$k/tokenfile.yaml" "    tokenFile: $k/token-file"
kubeconfig "$k/limited.yaml" "    token: tok-limited-77aa01"
kubeconfig "$k/badtoken.yaml" "    token: tok-wrong-000000"
kubeconfig "$k/insecure.yaml" "    token: $secret_token" "    insecure-skip-tls-verify: true"
kubeconfig "$k/tlsname.yaml" "    token: $secret_token" "    certificate-authority: $k/ca.pem
    tls-server-name: kube.test" "https://localhost:$port"
kubeconfig "$k/notlsname.yaml" "    token: $secret_token" "    certificate-authority: $k/ca.pem" "https://localhost:$port"

# Exec plugins: v1 with a token (counts its runs), v1beta1 with a client certificate.
cat > "$k/exec-token.sh" <<'SH'
#!/bin/sh
echo run >> "$EXEC_COUNT"
[ -n "$KUBERNETES_EXEC_INFO" ] || { echo "no KUBERNETES_EXEC_INFO" >&2; exit 1; }
case "$KUBERNETES_EXEC_INFO" in *'"server"'*) echo "$KUBERNETES_EXEC_INFO" > "$EXEC_COUNT.info";; esac
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"2099-01-01T00:00:00Z"}}\n' "$1"
SH
"$python" - "$k" > "$k/exec-cert.sh" <<'PY'
import json, sys
k = sys.argv[1]
cred = {"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
        "status": {"clientCertificateData": open(k + "/client.pem").read(), "clientKeyData": open(k + "/client.key").read()}}
print("#!/bin/sh\ncat <<'JSON'\n" + json.dumps(cred) + "\nJSON")
PY
chmod +x "$k/exec-token.sh" "$k/exec-cert.sh"
kubeconfig "$k/exec.yaml" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./exec-token.sh
      args: [tok-exec-v1-5b1e09]
      env: [{name: EXEC_COUNT, value: $k/exec.count}]
      provideClusterInfo: true
      interactiveMode: Never"
kubeconfig "$k/exec-cert.yaml" "    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: $k/exec-cert.sh"
kubeconfig "$k/exec-missing.yaml" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: certdoctor-no-such-plugin
      installHint: 'Install it with: apt install certdoctor-no-such-plugin'"

# Merged KUBECONFIG: a.yaml sets current-context and the good cluster; b.yaml repeats the cluster
# with a dead server (the first file wins) and holds the user and the context.
cat > "$k/a.yaml" <<KC
apiVersion: v1
kind: Config
current-context: merged
clusters:
- name: shared
  cluster: {server: "$server", certificate-authority: "$k/ca.pem"}
KC
cat > "$k/b.yaml" <<KC
apiVersion: v1
kind: Config
current-context: other
clusters:
- name: shared
  cluster: {server: "https://127.0.0.1:9", certificate-authority: "$k/ca.pem"}
users:
- name: tok
  user: {token: "$secret_token"}
contexts:
- name: merged
  context: {cluster: shared, user: tok, namespace: ci}
- name: other
  context: {cluster: shared, user: tok, namespace: elsewhere}
KC

# In-cluster: the service account files, and the API server as the kubernetes service.
mkdir -p "$k/sa"
echo "tok-sa-c0ffee11" > "$k/sa/token"; cp "$k/ca.pem" "$k/sa/ca.crt"; echo ci > "$k/sa/namespace"

# --- helpers ----------------------------------------------------------------------------------------
# cd_run NAME ARGS...: runs the binary (with KUBECONFIG unset unless given), keeps stdout/stderr/rc.
cd_run() {
  local name=$1; shift
  timeout 60 env -u KUBECONFIG HOME="$k/home" "$binary" "$@" > "$k/$name.out" 2> "$k/$name.err"
  echo $? > "$k/$name.rc"
}
# check NAME DESCRIPTION PYTHON-EXPR: d is the JSON of NAME's output, rc its exit code, err its stderr.
check() {
  local name=$1 what=$2 expr=$3
  if "$python" - "$k/$name.out" "$k/$name.rc" "$k/$name.err" "$expr" <<'PY'
import json, sys
out, rc, err, expr = sys.argv[1:]
text = open(out).read()
try:
    d = json.loads(text)
except ValueError:
    d = None
rc = int(open(rc).read())
err = open(err).read()
def fixes(i=0): return [f["id"] for f in d["findings"][i]["fixes"]]
def commands(): return [c for f in d["findings"] for x in f["fixes"] for c in x["commands"]]
def parses(c):
    import subprocess
    return subprocess.run(["bash", "-n", "-c", c]).returncode == 0
def check_of(id, registry=None): return next((c["status"] for c in d["cluster_checks"] if c["id"] == id and (registry is None or c.get("registry") == registry)), None)
sys.exit(0 if eval(expr) else 1)
PY
  then ok "$what"; else bad "$what (rc=$(cat "$k/$name.rc"); $(head -c 400 "$k/$name.err"))"; fi
}

# --- authentication modes -------------------------------------------------------------------------
for mode in token data tokenfile insecure tlsname exec-cert; do
  cd_run "auth-$mode" diagnose taskrun/build-1 --kubeconfig "$k/$mode.yaml" -o json --no-probe
  check "auth-$mode" "auth $mode: reads the run" 'rc == 1 and d["findings"][0]["stage"] == "entrypoint-lookup"'
done
cd_run auth-files diagnose taskrun/build-1 --kubeconfig "$k/rel/files.yaml" -o json --no-probe
check auth-files "auth client-certificate/client-key files relative to the kubeconfig" 'rc == 1 and d["cluster"]["context"] == "test"'
: > "$k/exec.count"
cd_run auth-exec diagnose taskrun/build-1 --kubeconfig "$k/exec.yaml" -o json --no-probe
check auth-exec "auth exec v1 (relative command, env, token)" 'rc == 1 and d["findings"]'
runs=$(wc -l < "$k/exec.count")
if [ "$runs" = 1 ]; then ok "exec plugin ran once for $(grep -c '"GET"' "$k/requests.log") requests so far (cached until expiry)"; else bad "exec plugin ran $runs times"; fi
if grep -q "\"server\": *\"$server\"" "$k/exec.count.info" 2>/dev/null || grep -q "$server" "$k/exec.count.info" 2>/dev/null; then
  ok "provideClusterInfo passes the cluster in KUBERNETES_EXEC_INFO"; else bad "provideClusterInfo: no cluster in KUBERNETES_EXEC_INFO"; fi
KUBECONFIG="$k/a.yaml:$k/missing.yaml:$k/b.yaml" timeout 60 env HOME="$k/home" "$binary" diagnose taskrun/build-1 -o json --no-probe \
  > "$k/merged.out" 2> "$k/merged.err"; echo $? > "$k/merged.rc"
check merged "KUBECONFIG a:missing:b merged, the first file to set a value wins" 'rc == 1 and d["cluster"]["context"] == "merged" and not d["cluster"]["server"].endswith(":9")'
timeout 60 env -u KUBECONFIG HOME="$k/home" KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$port" \
  TEKTON_CERTDOCTOR_SERVICEACCOUNT_DIR="$k/sa" "$binary" diagnose taskrun/build-1 -o json --no-probe > "$k/incluster.out" 2> "$k/incluster.err"
echo $? > "$k/incluster.rc"
check incluster "in-cluster service account (token, CA, namespace file)" 'rc == 1 and d["cluster"]["context"] == "in-cluster" and d["cluster"]["namespace"] == "ci"'
if grep -q '"user": "system:serviceaccount:ci:certdoctor"' "$k/requests.log"; then ok "in-cluster requests carry the service account token"; else bad "in-cluster: no request as the service account"; fi

# proxy-url: through a loopback CONNECT proxy that logs where it was asked to go.
"$python" "$support/connect_proxy.py" "$k/proxy.log" "$k/proxy.port" &
proxy_pid=$!
for _ in $(seq 1 50); do [ -s "$k/proxy.port" ] && break; sleep 0.1; done
kubeconfig "$k/proxy.yaml" "    token: $secret_token" "    certificate-authority: $k/ca.pem
    proxy-url: http://127.0.0.1:$(cat "$k/proxy.port")"
cd_run auth-proxy diagnose taskrun/build-1 --kubeconfig "$k/proxy.yaml" -o json --no-probe
kill $proxy_pid 2>/dev/null
check auth-proxy "proxy-url: the requests go through the proxy" 'rc == 1 and d["findings"]'
grep -q "^127.0.0.1:$port$" "$k/proxy.log" 2>/dev/null && ok "the proxy tunnelled to the API server" || bad "the proxy saw no CONNECT to the API server"

# --- errors ---------------------------------------------------------------------------------------
cd_run err-context diagnose taskrun/build-1 --kubeconfig "$k/token.yaml" --context nope
check err-context "a missing context lists the ones that exist (exit 2)" 'rc == 2 and "\"nope\"" in err and "other, test" in err'
cd_run err-401 diagnose taskrun/build-1 --kubeconfig "$k/badtoken.yaml" --no-probe
check err-401 "401 points at the credentials (exit 4)" 'rc == 4 and "401 Unauthorized" in err and "token" in err and "tok-wrong" not in err'
scenario sweep
cd_run err-403 diagnose taskruns --kubeconfig "$k/limited.yaml" --no-probe
check err-403 "403 names the verb and the resource (exit 4)" 'rc == 4 and "may not list taskruns.tekton.dev in namespace ci" in err'
scenario ca-missing
cd_run err-404 diagnose taskrun/nope --kubeconfig "$k/token.yaml" --no-probe
check err-404 "a run that does not exist (exit 3)" 'rc == 3 and "taskrun \"nope\" not found in namespace ci" in err'
cd_run err-tlsname diagnose taskrun/build-1 --kubeconfig "$k/notlsname.yaml" --no-probe
check err-tlsname "without tls-server-name the API server's name does not match (exit 4)" 'rc == 4 and "cannot reach the API server" in err'
cd_run err-exec diagnose taskrun/build-1 --kubeconfig "$k/exec-missing.yaml" --no-probe
check err-exec "a missing exec plugin prints its installHint" 'rc == 4 and "Install it with: apt install certdoctor-no-such-plugin" in err'
printf 'apiVersion: v1\nclusters: [\n  - name: x\n' > "$k/broken.yaml"
cd_run err-yaml diagnose taskrun/build-1 --kubeconfig "$k/broken.yaml"
check err-yaml "a malformed kubeconfig names the file and line" 'rc == 4 and "broken.yaml: line" in err and err.count("\n") == 1'
cd_run err-none diagnose taskrun/build-1
check err-none "no kubeconfig and not in a pod: says so (exit 4, the environment)" 'rc == 4 and "no kubeconfig found" in err and err.count("\n") == 1'
cd_run err-resource diagnose deployment/x --kubeconfig "$k/token.yaml"
check err-resource "a resource type that is not a run (exit 2)" 'rc == 2 and "taskrun/NAME" in err'
timeout 20 "$python" -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(15)' > "$k/silent.port" &
silent_pid=$!
for _ in $(seq 1 50); do [ -s "$k/silent.port" ] && break; sleep 0.1; done
kubeconfig "$k/silent.yaml" "    token: $secret_token" "    certificate-authority: $k/ca.pem" "https://127.0.0.1:$(cat "$k/silent.port")"
start=$(date +%s%N)
cd_run err-timeout diagnose taskrun/build-1 --kubeconfig "$k/silent.yaml" --request-timeout 1s --no-probe
ms=$(( ($(date +%s%N) - start) / 1000000 ))
kill $silent_pid 2>/dev/null
check err-timeout "a silent API server ends in a timeout error (${ms} ms for --request-timeout 1s)" 'rc == 4 and "request-timeout" in err'

# --- scenarios ------------------------------------------------------------------------------------
kc=(--kubeconfig "$k/token.yaml")
scenario ca-missing
cd_run ca-missing diagnose taskrun/build-1 "${kc[@]}" -o json
check ca-missing "CA missing: checks" 'rc == 1 and check_of("config-registry-cert-present") == "pass" and check_of("config-registry-cert-key") == "fail" and check_of("config-registry-cert-trusts-registry") == "fail"'
check ca-missing "CA missing: add the probed CA first, the lookup step named" 'fixes()[0] == "add-ca-to-config-registry-cert" and "BEGIN CERTIFICATE" in d["findings"][0]["fixes"][0]["manifest"] and d["findings"][0]["lookup_steps"] == [{"name": "build", "image": "'"$reg"'/team/app:v1"}]'
check ca-missing "CA missing: Tekton version picks the chain (v0.56 -> v0.47 and later)" 'd["cluster"]["tekton_version"] == "v0.56.0" and d["findings"][0]["chain"]["versions"] == "v0.47 and later"'
cd_run ca-missing-text diagnose taskrun/build-1 "${kc[@]}"
check ca-missing-text "text output shows the checklist" '"Cluster checks" in text and "[FAIL] config-registry-cert-key" in text and "[pass] config-registry-cert-present" in text' 2>/dev/null
cd_run ca-missing-md diagnose taskrun/build-1 "${kc[@]}" -o markdown
check ca-missing-md "markdown output has the checks table" '"| `config-registry-cert-key` | **fail** |" in text'

scenario stale-controller
# The Task's step image, pushed to the registry, so that its Entrypoint can be read with the
# bundle config-registry-cert holds.
pushed=0
if command -v skopeo > /dev/null; then
  "$python" "$support/write_oci_layout.py" "$k/oci" &&
    timeout 60 skopeo copy -q --dest-cert-dir "$work/r/trust" "oci:$k/oci:single" "docker://$reg/team/app:v1" && pushed=1
fi
cd_run stale diagnose tr/build-1 "${kc[@]}" -o json
if [ $pushed = 1 ]; then
  check stale "CA trusted by config-registry-cert: the step's command read from the image with that bundle, as a Task patch" '
(lambda x: "<ENTRYPOINT" not in x["manifest"] and "command: [\"/bin/app\",\"serve\"]" in x["manifest"] and any("patch task '"'build'"'" in c and "\"op\":\"test\",\"path\":\"/spec/steps/0/name\"" in c for c in x["commands"]))(next(f for f in d["findings"][0]["fixes"] if f["id"] == "set-step-command"))'
else
  bad "pushing the step image with skopeo"
fi
check stale "CA present, controller older: trusts pass, restarted fail" 'check_of("config-registry-cert-trusts-registry") == "pass" and check_of("controller-restarted-after-config") == "fail" and check_of("config-registry-cert-pem") == "pass"'
check stale "CA present, controller older: restart first, no CA added again" 'fixes()[0] == "restart-tekton-controller" and "add-ca-to-config-registry-cert" not in fixes()'
# The test certificates live two to three days: within the default warning of 30 days, past one of 1 day.
check stale "the registry's chain and the bundle's CA expire within 30 days" '[c["status"] for c in d["cluster_checks"] if c["id"] == "certificates-expire-soon"] == ["fail", "fail"] and any("'"$reg"'" in c["detail"] for c in d["cluster_checks"] if c["id"] == "certificates-expire-soon")'
cd_run stale-1d diagnose tr/build-1 "${kc[@]}" -o json --expiry-warning 1d
check stale-1d "--expiry-warning 1d: nothing expires that soon" '[c["status"] for c in d["cluster_checks"] if c["id"] == "certificates-expire-soon"] == ["pass", "pass"]'

scenario restarted
cd_run restarted diagnose taskrun/build-1 "${kc[@]}" -o json
check restarted "CA present, controller restarted after the run failed: re-run first" 'check_of("controller-restarted-after-config") == "pass" and fixes()[0] == "rerun" and any("before the controller restarted" in n for n in d["notes"])'

scenario wrong-key
cd_run wrong-key diagnose taskrun/build-1 "${kc[@]}" -o json
check wrong-key "CA under the wrong key: key check fails, move it first" 'check_of("config-registry-cert-key") == "fail" and "ca.crt" in [c["detail"] for c in d["cluster_checks"] if c["id"] == "config-registry-cert-key"][0] and fixes()[0] == "move-ca-to-cert-key" and "'"'"'{{index .data \"ca.crt\"}}'"'"'" in " ".join(d["findings"][0]["fixes"][0]["commands"])'

scenario other-team
cd_run other-team diagnose taskrun/build-1 "${kc[@]}" -o json
check other-team "another team's CA in cert: the complete ConfigMap holds it, then the registry's CA, once each" '
fixes()[0] == "add-ca-to-config-registry-cert" and (lambda m: m.count("BEGIN CERTIFICATE") == 2 and m.index(open("'"$work/r/self.pem"'").read().splitlines()[1]) < m.rindex("BEGIN CERTIFICATE") and "README" in m and "team.example/owner: platform" in m and "app.kubernetes.io/part-of: tekton-pipelines" in m)(d["findings"][0]["fixes"][0]["manifest"])'
check other-team "the patch carries the complete bundle, every command parses, none is a comment" '
(lambda p: json.loads(p[p.index("-p ") + 4:-1])["data"]["cert"].count("BEGIN CERTIFICATE") == 2)(next(c for c in d["findings"][0]["fixes"][0]["commands"] if "patch configmap" in c)) and all(parses(c) and not c.startswith("#") for c in commands())'

scenario operator-statefulset
cd_run operator diagnose taskrun/build-1 "${kc[@]}" -o json
check operator "operator with statefulset-ordinals: the direct edit (never the TektonConfig options, which panic the operator), the StatefulSet restarted" '
fixes()[0] == "add-ca-to-config-registry-cert" and (lambda c: not any("tektonconfig" in x for x in c) and any("patch configmap config-registry-cert" in x for x in c) and any("rollout restart statefulset tekton-pipelines-controller" in x for x in c))(d["findings"][0]["fixes"][0]["commands"]) and "Tekton Operator owns this installation" in d["findings"][0]["fixes"][0]["description"]'

scenario cm-absent
cd_run cm-absent diagnose taskrun/build-1 "${kc[@]}" -o json
check cm-absent "ConfigMap absent: present fails, create it first" 'check_of("config-registry-cert-present") == "fail" and fixes()[0] == "create-config-registry-cert" and "kind: ConfigMap" in d["findings"][0]["fixes"][0]["manifest"]'

scenario kubelet
cd_run kubelet diagnose taskrun/pull-1 "${kc[@]}" -o json
check kubelet "kubelet pull failure, detail only in the events" 'rc == 1 and d["findings"][0]["component"] == "kubelet" and d["findings"][0]["problem"] == "unknown-authority" and fixes()[0] == "trust-ca-on-nodes" and len(d["findings"]) == 1 and d["findings"][0]["node"] == "worker-2"'
check kubelet "kubelet pull failure: no config-registry-cert fix" '"add-ca-to-config-registry-cert" not in fixes() and "restart-tekton-controller" not in fixes()'

scenario kaniko
cd_run kaniko diagnose taskrun/kaniko-1 "${kc[@]}" -o json
check kaniko "kaniko inside a step, read from the step log" 'rc == 1 and d["findings"][0]["component"] == "step-tool" and d["findings"][0]["tool"] == "kaniko" and "configure-step-tool-ca" in fixes() and "add-ca-to-config-registry-cert" not in fixes()'
check kaniko "kaniko: the real step, its args appended to (a JSON patch of the Task), a rerun, no config-registry-cert checks" '
(lambda x: "build-and-push" not in x["manifest"] and any("patch task '"'build'"'" in c and "/spec/steps/0/args" in c for c in x["commands"]))(next(f for f in d["findings"][0]["fixes"] if f["id"] == "configure-step-tool-ca")) and "rerun" in fixes() and check_of("config-registry-cert-key") is None and all(parses(c) for c in commands())'
# The printed patch, applied by kubectl to the Task as the API serves it: the flag joins the
# step's args; with the steps in another order its test operation refuses it.
if command -v kubectl > /dev/null; then
  "$python" - "$fixture" "$k/kaniko.out" "$k" <<'PY' && ok "kaniko: kubectl applies the printed patch to the Task; reordered steps refuse it" || bad "kaniko: the printed patch and kubectl"
import json, subprocess, sys
fixture, out, k = sys.argv[1:]
task = next(o for o in json.load(open(fixture))["objects"] if o["kind"] == "Task")
d = json.load(open(out))
cmd = next(c for x in d["findings"][0]["fixes"] if x["id"] == "configure-step-tool-ca" for c in x["commands"] if "patch task" in c)
patch = cmd[cmd.index("-p '") + 4:-1]
def apply(t):
    open(k + "/task.json", "w").write(json.dumps(t))
    return subprocess.run(["kubectl", "patch", "--local", "-f", k + "/task.json", "--type", "json", "-p", patch, "-o", "json"],
                          capture_output=True, text=True, timeout=30, env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin"})
r = apply(task)
assert r.returncode == 0, r.stderr
args = json.loads(r.stdout)["spec"]["steps"][0]["args"]
assert any(a.startswith("--registry-certificate=") for a in args), args
task["spec"]["steps"].reverse()
assert apply(task).returncode != 0
PY
fi

scenario bundles
cd_run bundles diagnose taskrun/bundle-1 "${kc[@]}" -o json
check bundles "bundles resolver: resolver-trust fails, CA to the resolvers first" 'd["findings"][0]["stage"] == "bundle-resolution" and check_of("resolver-trust") == "fail" and fixes()[0] == "add-ca-to-resolvers" and "add-ca-to-config-registry-cert" not in fixes()'

scenario bundles-v0.48
cd_run bundles48 diagnose taskrun/bundle-1 "${kc[@]}" -o json
check bundles48 "bundles on v0.48 (fetched by the controller): config-registry-cert first, not the resolvers" 'd["cluster"]["tekton_version"] == "v0.48.2" and fixes()[0] == "add-ca-to-config-registry-cert" and "add-ca-to-resolvers" not in fixes()'

scenario openshift
cd_run openshift diagnose taskrun/build-1 "${kc[@]}" -o json
check openshift "OpenShift Pipelines: the cluster trusted CA, not config-registry-cert" 'd["cluster"]["openshift"] and d["cluster"]["tekton_namespace"] == "openshift-pipelines" and check_of("openshift-trusted-cabundle") == "pass" and fixes()[0] == "add-ca-to-openshift-trusted-ca" and "add-ca-to-config-registry-cert" not in fixes()'
check openshift "OpenShift Pipelines: fix commands name the openshift-pipelines namespace" '"openshift-pipelines" in " ".join(d["findings"][0]["fixes"][0]["commands"])'

scenario stuck-resolving
cd_run stuck diagnose taskrun/git-1 "${kc[@]}" -o json --no-probe
check stuck "a run stuck in ResolvingTaskRef on a retried TLS time-out: reported, as still waiting" 'rc == 1 and d["findings"][0]["stage"] == "remote-resolution" and d["findings"][0]["problem"] == "timeout" and d["findings"][0]["stuck_resolving"] and "ResolvingTaskRef" in d["findings"][0]["explanation"] and "rerun" not in fixes()'
cd_run stuck-sweep diagnose taskruns "${kc[@]}" -o json --no-probe
check stuck-sweep "a sweep reports the stuck run, not the one still awaiting its resource" 'sorted(f["object"]["name"] for f in d["findings"]) == ["git-1"]'

scenario pipelinerun
cd_run pr diagnose pipelinerun/release-1 "${kc[@]}" -o json
check pr "PipelineRun with two failed children: both found, with the parent" 'rc == 1 and sorted(f["object"]["name"] for f in d["findings"]) == ["release-1-build", "release-1-push"] and all(f["parent"]["name"] == "release-1" for f in d["findings"])'
check pr "PipelineRun: one trusts check per registry, the self-signed one still fails" 'len([c for c in d["cluster_checks"] if c["id"] == "config-registry-cert-trusts-registry"]) == 2'

scenario v1beta1
cd_run v1beta1 diagnose taskrun/build-1 "${kc[@]}" -o json --no-probe
check v1beta1 "a cluster serving only tekton.dev/v1beta1" 'rc == 1 and d["cluster"]["tekton_api"] == "tekton.dev/v1beta1"'
check v1beta1 "v0.40 with reason CouldntGetTask: the v0.32 to v0.46 chain, no upgrade note" 'd["findings"][0]["chain"]["versions"] == "v0.32 to v0.46" and not any("upgrade" in n for n in d["notes"])'

scenario upgraded
cd_run upgraded diagnose taskrun/build-1 "${kc[@]}" -o json --no-probe
check upgraded "a message from an older release keeps its own chain, and a note says it predates the upgrade" 'd["findings"][0]["chain"]["versions"] == "v0.12 to v0.31" and any("has the shape of Tekton v0.12 to v0.31, but the controller is v0.56.0" in n for n in d["notes"])'

scenario sweep
before=$(wc -l < "$k/requests.log")
cd_run sweep diagnose taskruns -A "${kc[@]}" -o json --chunk-size 3
task_gets=$(tail -n +"$((before + 1))" "$k/requests.log" | grep -c '/tasks/build')
[ "$task_gets" = 2 ] && ok "sweep reads each namespace's Task once for 7 runs" || bad "sweep read the Task $task_gets times"
check sweep "sweep -A: 9 runs scanned in pages of 3, 8 failed, 2 root causes" 'd["runs_scanned"] == 9 and d["failed_runs"] == 8 and len(d["groups"]) == 2 and sorted(g["count"] for g in d["groups"]) == [2, 6]'
check sweep "sweep -A: each group's rerun re-creates every run of the group, once" '
all(len([c for x in d["findings"][g["finding"]]["fixes"] if x["id"] == "rerun" for c in x["commands"]]) == g["count"] for g in d["groups"])'
probes=$("$python" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for f in d["findings"] if f["probe"]))' "$k/sweep.out")
[ "$probes" = 2 ] && ok "sweep probes each of the 2 registries once" || bad "sweep probed $probes registries"
# A page at a time (8 of the 9 pages with a failed run, more than are diagnosed side by side):
# the same groups, counts, runs and order as in pages of 3.
cd_run sweep1 diagnose taskruns -A "${kc[@]}" -o json --chunk-size 1
same=$("$python" -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
view = lambda d: ([(g["pattern"], g["registry"], g["count"], g["runs"]) for g in d["groups"]], [f["object"] for f in d["findings"]], d["failed_runs"])
print(view(a) == view(b) and a["runs_scanned"] == 9)' "$k/sweep.out" "$k/sweep1.out")
[ "$same" = True ] && [ "$(cat "$k/sweep1.rc")" = 1 ] && ok "sweep in pages of 1: the same groups, runs and order as in pages of 3" ||
  bad "sweep in pages of 1 differs from pages of 3 (rc $(cat "$k/sweep1.rc"))"
# On a terminal, a sweep shows its progress on standard error (script(1) gives it a pty).
if command -v script >/dev/null 2>&1; then
  timeout 60 script -qec "env -u KUBECONFIG '$binary' diagnose taskruns -A --kubeconfig '$k/token.yaml' --no-probe --chunk-size 4 -o json" /dev/null > "$k/tty.txt" 2>&1
  grep -q "read 8 TaskRuns, 7 failed" "$k/tty.txt" && ok "a sweep on a terminal shows its progress" || bad "no progress line on a terminal"
  timeout 60 env -u KUBECONFIG "$binary" diagnose taskruns -A --kubeconfig "$k/token.yaml" --no-probe --chunk-size 4 2> "$k/notty.err" > /dev/null
  grep -q "TaskRuns," "$k/notty.err" && bad "progress written to a non-terminal" || ok "no progress line when standard error is not a terminal"
fi
cd_run sweep-since diagnose taskruns -A "${kc[@]}" -o json --since 1h
check sweep-since "--since 1h leaves out the run that failed 3 days ago" 'd["failed_runs"] == 7'
cd_run sweep-ns diagnose taskruns -n team-a "${kc[@]}" -o json --no-probe
check sweep-ns "sweep of one namespace" 'd["failed_runs"] == 4 and all(r["namespace"] == "team-a" for g in d["groups"] for r in g["runs"])'
cd_run sweep-limit diagnose taskruns -A "${kc[@]}" -o json --no-probe --limit 2
check sweep-limit "--limit 2 diagnoses 2 failed runs" 'd["failed_runs"] == 2'
cd_run sweep-l diagnose taskruns -A "${kc[@]}" -o json --no-probe -l 'tekton.dev/task=nothing'
check sweep-l "-l with no match: nothing failed (exit 0)" 'rc == 0 and d["failed_runs"] == 0'

# --- analyze --from-cluster: the controller's and the resolvers' pod logs -------------------------
scenario logs
sleep 1.1  # the server reloads its fixture when the file's mtime changes
cd_run logs analyze --from-cluster "${kc[@]}" -o json --tail 1000 --since 2h
check logs "analyze --from-cluster groups the controller's and the resolvers' log lines" \
  'rc == 1 and d["matched_lines"] == 4 and d["lines_scanned"] == 8 and sorted((g["component"], g["count"]) for g in d["groups"]) == [("tekton-controller", 3), ("tekton-resolver", 1)]'
check logs "analyze --from-cluster: the runs from knative.dev/key, the sources by pod and container" \
  '[o["name"] for g in d["groups"] if g["component"] == "tekton-controller" for o in g["objects"]] == ["build-0", "build-1", "build-2"] and any(s["name"].startswith("pod/tekton-pipelines-resolvers/") for s in d["sources"])'
if grep -q 'pods/tekton-pipelines-controller-7d9f8b6c5-x2k4q/log?container=tekton-pipelines-controller&limitBytes=[0-9]*&sinceSeconds=7200&tailLines=1000' "$k/requests.log"; then
  ok "pod logs are read with sinceSeconds, tailLines and a byte bound"; else bad "pod log request without its parameters"; fi
cd_run logs-prev analyze --from-cluster "${kc[@]}" -o json --previous
check logs-prev "--previous reads the previous instance; a container without one is a note" \
  'rc == 1 and d["matched_lines"] == 1 and d["groups"][0]["registry"] == "'"$reg2"'" and any("previous" in n for n in d["notes"])'
cd_run logs-files analyze --from-cluster "$k/x.log" "${kc[@]}"
check logs-files "log files and --from-cluster together is a usage error" 'rc == 2'

# --- read-only and secrets ------------------------------------------------------------------------
others=$(grep -vc '"method": "GET"' "$k/requests.log")
total=$(wc -l < "$k/requests.log")
[ "$others" = 0 ] && ok "all $total requests were GETs" || bad "$others requests were not GETs"
cd_run verbose diagnose taskrun/build-1 "${kc[@]}" -v -o json
cd_run verbose-exec diagnose taskrun/build-1 --kubeconfig "$k/exec.yaml" -v
cd_run verbose-data diagnose taskrun/build-1 --kubeconfig "$k/data.yaml" -v -o markdown
leaks=0
key_line=$(sed -n 2p "$k/client.key")
for f in "$k"/*.out "$k"/*.err; do
  if grep -qF -e "$secret_token" -e "tok-exec-v1-5b1e09" -e "tok-sa-c0ffee11" -e "$key_line" "$f"; then leaks=$((leaks + 1)); echo "  leak in $f"; fi
done
grep -q "GET $server/apis/tekton.dev" "$k/verbose.err" && ok "-v logs each API request" || bad "-v does not log requests"
[ "$leaks" = 0 ] && ok "no token or key in any output or verbose log ($(ls "$k"/*.out "$k"/*.err | wc -l) files)" || bad "$leaks files hold a credential"

# Every JSON report above validates against the published schema.
if "$python" -c 'import jsonschema' 2>/dev/null; then
  if "$python" - "$here/../../plugin/report.schema.json" "$k" <<'PY'
import glob, json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
n = 0
for path in glob.glob(sys.argv[2] + "/*.out"):
    try:
        doc = json.load(open(path))
    except ValueError:
        continue
    jsonschema.validate(doc, schema)
    n += 1
print("  validated", n, "JSON reports")
sys.exit(0 if n >= 20 else 1)
PY
  then ok "every cluster JSON report validates against plugin/report.schema.json"; else bad "a cluster JSON report does not validate"; fi
fi

e2e_summary "cluster"
