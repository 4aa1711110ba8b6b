#!/usr/bin/env bash
# Secrets are never printed. Kubeconfigs with planted tokens (inline, in a tokenFile, from an
# exec plugin), a password, a client key, a docker config.json with auths, and config-registry-cert
# with a key named after each word of src/util/secret_value.h's list, used by every
# command that reads them (diagnose a run, a sweep, analyze --from-cluster, probe --entrypoint,
# export) in every output format with -v, on success and on failure; then every standard output,
# standard error and exported file is searched for each planted value (and its base64).
# usage: secrets_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: secrets_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3 openssl base64
python=/usr/bin/python3
# shellcheck source=../support/fake-apiserver.sh
source "$support/fake-apiserver.sh"
w=$(mktemp -d)
trap 'kill $APISERVER_PID 2>/dev/null; rm -rf "$w"' EXIT
mkdir -p "$w/outputs"

token=planted-token-7f3e9a41
file_token=planted-file-token-0c5d
exec_token=planted-exec-token-92ab6e
password=planted-password-c41d88
docker_password=planted-docker-pass-5e6f
identity_token=planted-identity-token-d3a1
printf '%s admin\n%s admin\n%s admin\n' "$token" "$file_token" "$exec_token" >"$w/tokens"
"$python" "$support/cluster_fixture.py" ca-missing "$w/fixture.json" --registry 127.0.0.1:1 --ca "$w/tokens" ||
  { echo "FAIL: no fixture"; exit 1; }
# The words that make a key name look like a credential, as src/util/secret_value.h lists them:
# config-registry-cert gets one key named after each, holding a planted value.
mapfile -t secret_words < <(sed -n '/BEGIN secret key words/,/END secret key words/p' "$here/../../src/util/secret_value.h" |
  grep -o '"[^"]*"' | tr -d '"')
[ "${#secret_words[@]}" -ge 9 ] && ok "${#secret_words[@]} secret key words read from src/util/secret_value.h" ||
  bad "the secret key words could not be read from src/util/secret_value.h (${#secret_words[@]})"
"$python" - "$w/fixture.json" "${secret_words[@]}" <<'PY' || { echo "FAIL: could not plant the ConfigMap keys"; exit 1; }
import json, sys
path, words = sys.argv[1], sys.argv[2:]
fixture = json.load(open(path))
cms = [o for o in fixture["objects"] if o.get("kind") == "ConfigMap" and o["metadata"]["name"] == "config-registry-cert"]
assert cms, "no config-registry-cert in the fixture"
for cm in cms:
    data = cm.setdefault("data", {})
    for i, word in enumerate(words):
        data[("registry" if word.startswith(".") else "registry-") + word] = f"planted-configmap-value-{i}-9b3e"
    cm["metadata"].setdefault("annotations", {})["example.com/credential"] = "planted-annotation-value-44c1"
json.dump(fixture, open(path, "w"), indent=1)
PY
apiserver_start "$w" || { echo "FAIL: the test API server did not start"; exit 1; }
printf '%s\n' "$file_token" >"$w/token-file"
printf '#!/bin/sh\nprintf %s\n' "'{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$exec_token\"}}'" >"$w/plugin.sh"
chmod +x "$w/plugin.sh"
cert_data=$(base64 -w0 <"$w/client.pem")
key_data=$(base64 -w0 <"$w/client.key")
cat >"$w/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "https://127.0.0.1:$APISERVER_PORT", certificate-authority: "$w/ca.pem"}}]
users:
- {name: inline, user: {token: $token}}
- {name: file, user: {tokenFile: "$w/token-file"}}
- {name: exec, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: "$w/plugin.sh"}}}
- {name: password, user: {username: admin, password: $password}}
- {name: key, user: {client-certificate-data: $cert_data, client-key-data: $key_data}}
contexts:
- {name: inline, context: {cluster: test, user: inline, namespace: ci}}
- {name: file, context: {cluster: test, user: file, namespace: ci}}
- {name: exec, context: {cluster: test, user: exec, namespace: ci}}
- {name: password, context: {cluster: test, user: password, namespace: ci}}
- {name: key, context: {cluster: test, user: key, namespace: ci}}
current-context: inline
KC
docker_auth=$(printf 'robot:%s' "$docker_password" | base64 -w0)
cat >"$w/docker-config.json" <<JSON
{"auths": {"127.0.0.1:1": {"auth": "$docker_auth", "identitytoken": "$identity_token"},
           "registry.corp.example:8443": {"username": "robot", "password": "$docker_password"}}}
JSON

n=0
# out ARGS...: runs the binary (30 s at most), keeping its standard output and error.
out() {
  n=$((n + 1))
  timeout 30 env -u KUBECONFIG "$binary" "$@" >"$w/outputs/$n.out" 2>"$w/outputs/$n.err" </dev/null
  echo "$? $*" >"$w/outputs/$n.cmd"
}
for ctx in inline file exec password key; do
  for format in text json yaml markdown; do
    out diagnose taskrun/build-1 --kubeconfig "$w/kubeconfig" --context "$ctx" --no-probe -o "$format" -v
  done
  out diagnose taskruns -A --kubeconfig "$w/kubeconfig" --context "$ctx" --no-probe -o json -vv
  out analyze --from-cluster --kubeconfig "$w/kubeconfig" --context "$ctx" -o json -v
done
for format in text json markdown; do
  out probe 127.0.0.1:1/team/app:v1 --entrypoint --registry-config "$w/docker-config.json" -o "$format" -v --timeout 2s
done
out probe registry.corp.example:8443/team/app:v1 --entrypoint --registry-config "$w/docker-config.json" -v --timeout 2s
out diagnose taskrun/build-1 --kubeconfig "$w/kubeconfig" --no-probe -o json --redact -v
# Credentials pasted along with a failure (a step's log, a run's condition): a URL's password, a
# token as a URL's user, an Authorization header, a registry login's password.
url_password=planted-url-pass-61b2
url_token=ghp_plantedurltoken0123456789abcdef
bearer=planted-bearer-token-8d0c
login_password=planted-login-pass-a7e3
cat >"$w/pasted.log" <<LOG
+ docker login -u ci -p $login_password registry.private:5000
Error response from daemon: Get "https://registry.private:5000/v2/": x509: certificate signed by unknown authority
+ git clone https://ci:$url_password@git.example.com/team/app.git
fatal: unable to access 'https://ci:$url_password@git.example.com/team/app.git/': SSL certificate problem: self signed certificate
fatal: repository 'https://$url_token@github.com/team/private.git/' not found
> GET /v2/ HTTP/1.1
> Authorization: Bearer $bearer
curl: (60) SSL certificate problem: unable to get local issuer certificate
LOG
for format in text json yaml markdown; do
  out explain -o "$format" "$w/pasted.log"
  out analyze -o "$format" "$w/pasted.log"
done
out explain -o json --redact "$w/pasted.log"
grep -qF "https://ci:***@git.example.com/team/app.git/" "$w/outputs/$((n - 8)).out" &&
  ok "the pasted log was diagnosed, the URL's password masked where it is quoted" ||
  bad "explain did not quote the pasted URL masked: $(head -c 300 "$w/outputs/$((n - 8)).out")"
# an export folder, from a report of the cluster
timeout 30 env -u KUBECONFIG "$binary" diagnose taskrun/build-1 --kubeconfig "$w/kubeconfig" --no-probe -o json >"$w/report.json" 2>/dev/null
timeout 30 "$binary" export "$w/export" -f "$w/report.json" >"$w/outputs/export.out" 2>"$w/outputs/export.err"
[ -d "$w/export" ] && ok "the export folder was written" || bad "no export folder to search"

# The commands did run: the successful contexts diagnosed the run (exit 1), the password one was refused.
grep -q "^1 diagnose taskrun/build-1 .*--context inline .*-o json" "$w"/outputs/*.cmd && ok "a token user's diagnosis ran (exit 1)" ||
  bad "the token user's diagnosis did not exit 1: $(cat "$w"/outputs/1.err)"
grep -q "^1 diagnose taskrun/build-1 .*--context exec .*-o json" "$w"/outputs/*.cmd && ok "the exec plugin user's diagnosis ran" ||
  bad "the exec user's diagnosis did not exit 1"
grep -q "^1 diagnose taskrun/build-1 .*--context key .*-o json" "$w"/outputs/*.cmd && ok "the client certificate user's diagnosis ran" ||
  bad "the client certificate user's diagnosis did not exit 1"
grep -q "^4 diagnose taskrun/build-1 .*--context password" "$w"/outputs/*.cmd && ok "the password user was refused (exit 4)" ||
  bad "the password user was not refused"
grep -q "GET " "$w"/outputs/*.err && ok "-v logged the API requests" || bad "-v logged no request"

key_line=$(sed -n 2p "$w/client.key")
planted_configmap=()
for i in "${!secret_words[@]}"; do planted_configmap+=("planted-configmap-value-$i-9b3e"); done
for planted in "${planted_configmap[@]}" planted-annotation-value-44c1 "$token" "$file_token" "$exec_token" "$password" "$docker_password" "$identity_token" "$docker_auth" \
  "$url_password" "$url_token" "$bearer" "$login_password" \
  "$key_data" "${key_data:0:40}" "$key_line" "$(printf 'admin:%s' "$password" | base64 -w0)"; do
  if hits=$(grep -rlF -- "$planted" "$w/outputs" "$w/export" "$w/report.json" 2>/dev/null); then
    bad "a planted secret (${planted:0:12}...) is printed in: $(echo "$hits" | xargs -n1 basename | tr '\n' ' ')"
  else
    ok "never printed: ${planted:0:12}..."
  fi
done
grep -q "PRIVATE KEY" "$w"/outputs/* && bad "a private key block is printed" || ok "no private key block in any output"
echo "      $n commands, $(cat "$w"/outputs/* | wc -c) bytes of output searched"
e2e_summary "secrets"
