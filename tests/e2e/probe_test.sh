#!/usr/bin/env bash
# `probe` against real registries: Debian's docker-registry on 127.0.0.1, one TLS fault each,
# certificates made here by openssl. For each fault, by host name and by IP, the probe's verdict
# is asserted and cross-checked with the genuine Go client error skopeo prints for the same
# registry (`explain` of that message must name the same problem, except where the probe knows
# more: a missing intermediate, which Go reports as an unknown authority).
# usage: probe_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: probe_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../support/tls-registries.sh
source "$here/../support/tls-registries.sh"
registries_setup skopeo htpasswd
root_ca="$work/r/trust/ca.crt"

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }

# field JSON-FILE EXPRESSION: a value from the probe's JSON (python expression over d).
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }

# probe_case FAULT HOST CA(none|root) WANT_PROBE WANT_GO
probe_case() {
  local fault=$1 host=$2 ca=$3 want=$4 want_go=$5 port args=() out problem ms go_msg go_problem certs
  port=${REGISTRY_PORT[$fault]}
  [ "$ca" = root ] && args=(--ca-file "$root_ca")
  out="$work/$fault-$host-$ca.json"
  timeout 30 "$binary" probe "$host:$port" "${args[@]}" -o json > "$out"
  problem=$(field "$out" 'd["problem"]')
  ms=$(field "$out" 'd["elapsed_ms"]')
  certs=$work/r/trust-none; [ "$ca" = root ] && certs=$work/r/trust
  go_msg=$(timeout 20 skopeo inspect --retry-times 0 --cert-dir "$certs" "docker://$host:$port/team/app:1" 2>&1 >/dev/null)
  go_problem=$(printf '%s\n' "$go_msg" | timeout 20 "$binary" explain - -o json |
               python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["findings"][0]["problem"] if d["findings"] else "none")')
  if [ "$problem" = "$want" ] && [ "$go_problem" = "$want_go" ]; then
    ok "$(printf '%-21s %-10s ca=%-4s probe=%-22s skopeo=%-22s %4s ms' "$fault" "$host" "$ca" "$problem" "$go_problem" "$ms")"
  else
    bad "$fault $host ca=$ca: want probe=$want skopeo=$want_go, got probe=${problem:-nothing} skopeo=${go_problem:-nothing}"
  fi
}

probe_case good                 localhost  root ok                     not-found
probe_case good                 127.0.0.1  root ok                     not-found
probe_case unknown-ca           localhost  none unknown-authority      unknown-authority
probe_case unknown-ca           127.0.0.1  none unknown-authority      unknown-authority
probe_case unknown-ca           localhost  root ok                     not-found
probe_case self-signed          localhost  none unknown-authority      unknown-authority
probe_case self-signed          127.0.0.1  none unknown-authority      unknown-authority
probe_case missing-intermediate localhost  root incomplete-chain       unknown-authority
probe_case missing-intermediate 127.0.0.1  root incomplete-chain       unknown-authority
probe_case wrong-name           localhost  root hostname-mismatch      hostname-mismatch
probe_case wrong-name           127.0.0.1  root no-ip-sans             no-ip-sans
probe_case expired              localhost  root expired                expired
probe_case expired              127.0.0.1  root expired                expired
probe_case not-yet-valid        localhost  root not-yet-valid          not-yet-valid
probe_case not-yet-valid        127.0.0.1  root not-yet-valid          not-yet-valid
probe_case no-ip-san            localhost  root ok                     not-found
probe_case no-ip-san            127.0.0.1  root no-ip-sans             no-ip-sans
probe_case cn-only              localhost  root legacy-common-name     legacy-common-name
probe_case cn-only              127.0.0.1  root no-ip-sans             no-ip-sans
probe_case plain-http           localhost  root http-response-to-https http-response-to-https
probe_case plain-http           127.0.0.1  root http-response-to-https http-response-to-https

# The trust anchor of a self-signed registry is that certificate.
out="$work/self-signed-localhost-none.json"
want_sha=$(openssl x509 -in "$work/r/self.pem" -outform DER | sha256sum | cut -d' ' -f1)
[ "$(field "$out" 'd["trust_anchor"]["sha256"]')" = "$want_sha" ] && ok "self-signed: trust anchor is the served certificate ($want_sha)" ||
  bad "self-signed: trust anchor sha256 $(field "$out" 'd["trust_anchor"]["sha256"]') is not $want_sha"
# ... and trusting exactly that anchor makes Go's verification pass.
field "$out" 'd["trust_anchor"]["pem"]' > "$work/anchor.pem"
anchor_ok=$(timeout 30 "$binary" probe "localhost:${REGISTRY_PORT[self-signed]}" --no-system-roots --ca-file "$work/anchor.pem" -o json |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["problem"])')
[ "$anchor_ok" = ok ] && ok "self-signed: --ca-file with the printed anchor makes the verdict ok" || bad "self-signed: with the anchor: $anchor_ok"

# An unknown CA whose root is not sent: the top certificate is offered with a warning.
out="$work/unknown-ca-localhost-none.json"
[ -n "$(field "$out" 'd["trust_anchor"]["warning"]')" ] && ok "unknown-ca: the non-root anchor carries a warning" ||
  bad "unknown-ca: no warning on a non-root anchor"
# A missing intermediate: the anchor is the trusted root, reached through the caIssuers URL.
out="$work/missing-intermediate-localhost-root.json"
root_sha=$(openssl x509 -in "$work/r/root.pem" -outform DER | sha256sum | cut -d' ' -f1)
[ "$(field "$out" 'd["trust_anchor"]["sha256"]')" = "$root_sha" ] && ok "missing-intermediate: anchor is the root" ||
  bad "missing-intermediate: anchor $(field "$out" 'd["trust_anchor"]["sha256"]')"

# Names and dates: no CA helps, so none is offered (never an intermediate as "the CA to add").
for name in wrong-name-localhost-root wrong-name-127.0.0.1-root expired-localhost-root not-yet-valid-localhost-root \
            cn-only-localhost-root cn-only-127.0.0.1-root no-ip-san-127.0.0.1-root; do
  [ "$(field "$work/$name.json" 'd["trust_anchor"] is None and d["missing_issuer"] is None')" = True ] &&
    ok "$name: no trust anchor offered" || bad "$name: offers $(field "$work/$name.json" 'd["trust_anchor"]')"
done

# The chain is shown as served, with the fields the JSON promises.
out="$work/good-localhost-root.json"
chain_ok=$(field "$out" 'len(d["chain"]) == 2 and d["chain"][0]["dns_names"] == ["localhost"] and d["chain"][0]["ip_addresses"] == ["127.0.0.1"] and d["chain"][1]["is_ca"] and d["chain"][0]["signature_algorithm"] == "sha256WithRSAEncryption" and len(d["chain"][0]["sha256"]) == 64')
[ "$chain_ok" = True ] && ok "good: chain of 2 with names, CA flag, algorithm, fingerprint" || bad "good: chain fields"
[ "$(field "$out" 'd["registry"]["status"]')" = ok ] && ok "good: GET /v2/ answers 200" || bad "good: registry $(field "$out" 'd["registry"]')"

# The system roots, as Go finds them: $SSL_CERT_FILE, any number of other roots around the one that
# matters, blocks Go skips (another type, undecodable DER), and no --ca-file.
{
  [ -r /etc/ssl/certs/ca-certificates.crt ] && awk '/BEGIN CERTIFICATE/ {n++} n <= 20' /etc/ssl/certs/ca-certificates.crt
  printf -- '-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n'
  printf -- '-----BEGIN X509 CRL-----\nAAAAAAAA\n-----END X509 CRL-----\n'
  printf -- '-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n'
} > "$work/others.pem"
cat "$work/others.pem" "$work/r/root.pem" > "$work/system.pem"
SSL_CERT_FILE="$work/system.pem" timeout 30 "$binary" probe "localhost:${REGISTRY_PORT[good]}" -o json > "$work/system-good.json"
got=$(field "$work/system-good.json" '(d["problem"], d["verified_with"], d["registry"]["status"])')
[ "$got" = "('ok', ['system ($work/system.pem)'], 'ok')" ] && ok "system roots: the root among others in \$SSL_CERT_FILE verifies; GET /v2/ trusts it too" ||
  bad "system roots with the root: $got"
SSL_CERT_FILE="$work/others.pem" timeout 30 "$binary" probe "localhost:${REGISTRY_PORT[good]}" -o json > "$work/system-none.json"
[ "$(field "$work/system-none.json" 'd["problem"]')" = unknown-authority ] && ok "system roots without the root: unknown-authority" ||
  bad "system roots without the root: $(field "$work/system-none.json" 'd["problem"]')"
# Go anchors at any pool certificate: an intermediate in the bundle completes a leaf served alone.
cat "$work/others.pem" "$work/r/int.pem" > "$work/system-int.pem"
SSL_CERT_FILE="$work/system-int.pem" timeout 30 "$binary" probe "localhost:${REGISTRY_PORT[missing-intermediate]}" -o json > "$work/system-int.json"
[ "$(field "$work/system-int.json" 'd["problem"]')" = ok ] && ok "system roots: an intermediate in the bundle anchors a leaf served alone" ||
  bad "system roots with the intermediate: $(field "$work/system-int.json" 'd["problem"]')"

# A token realm on another host: the challenge is read and the realm's TLS is probed too.
timeout 30 "$binary" probe "localhost:${REGISTRY_PORT[token-realm]}" --ca-file "$root_ca" -o json > "$work/realm.json"
realm=$(field "$work/realm.json" '(d["registry"]["status"], d["registry"]["auth_scheme"], d["registry"]["realm_problem"])')
[ "$realm" = "('auth-required', 'Bearer', 'hostname-mismatch')" ] && ok "token-realm: 401 Bearer, realm host has a wrong-name certificate" ||
  bad "token-realm: $realm"

# Network failures, each within its bound.
timeout 30 "$binary" probe "127.0.0.1:${REGISTRY_PORT[closed]}" -o json > "$work/closed.json"
[ "$(field "$work/closed.json" 'd["problem"]')" = connection-refused ] && ok "closed port: connection-refused" || bad "closed port: $(field "$work/closed.json" 'd["problem"]')"
start=$(date +%s%N)
timeout 30 "$binary" probe "127.0.0.1:${REGISTRY_PORT[silent]}" --timeout 2s -o json > "$work/silent.json"
took=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$(field "$work/silent.json" 'd["problem"]')" = timeout ] && [ "$took" -lt 4000 ]; then
  ok "silent server: timeout after $took ms (bound 2 s)"
else
  bad "silent server: $(field "$work/silent.json" 'd["problem"]') after $took ms"
fi
timeout 30 "$binary" probe "no-such-host.invalid:443" --timeout 5s -o json > "$work/dns.json"
[ "$(field "$work/dns.json" 'd["problem"]')" = name-resolution ] && ok "unknown name: name-resolution" || bad "unknown name: $(field "$work/dns.json" 'd["problem"]')"

# An image reference targets its registry.
timeout 30 "$binary" probe "localhost:${REGISTRY_PORT[good]}/team/app:v1" --ca-file "$root_ca" -o json > "$work/image.json"
[ "$(field "$work/image.json" '(d["host"], d["port"] > 0, d["problem"])')" = "('localhost', True, 'ok')" ] && ok "image reference: probes its registry" ||
  bad "image reference: $(field "$work/image.json" '(d["host"], d["problem"])')"

# A malformed --ca-file is a clear error, exit 3, and nothing is contacted.
printf 'not a certificate\n' > "$work/junk.pem"
err=$("$binary" probe "localhost:${REGISTRY_PORT[good]}" --ca-file "$work/junk.pem" 2>&1 >/dev/null); rc=$?
[ $rc -eq 3 ] && [[ "$err" == *"junk.pem: no PEM certificate"* ]] && ok "junk --ca-file: exit 3, names the file" || bad "junk --ca-file: rc=$rc $err"

# --probe folds the chain into a diagnosis: a missing intermediate corrects "unknown authority".
msg() { printf 'failed to create task run pod "t": translating TaskSpec to Pod: Get "https://localhost:%s/v2/": x509: certificate signed by unknown authority. Maybe missing or invalid Task ci/t' "$1"; }
timeout 60 "$binary" explain --probe --ca-file "$root_ca" "$(msg "${REGISTRY_PORT[missing-intermediate]}")" -o json > "$work/corrected.json"
got=$(field "$work/corrected.json" '(d["findings"][0]["problem"], d["findings"][0]["message_problem"], d["findings"][0]["fixes"][0]["id"])')
[ "$got" = "('incomplete-chain', 'unknown-authority', 'serve-full-chain')" ] && ok "explain --probe: unknown-authority corrected to incomplete-chain, serve-full-chain first" ||
  bad "explain --probe on a missing intermediate: $got"
# ... and a self-signed registry's certificate goes into the config-registry-cert patch.
timeout 60 "$binary" explain --probe "$(msg "${REGISTRY_PORT[self-signed]}")" -o json > "$work/with-ca.json"
pem_line=$(sed -n 2p "$work/r/self.pem")
field "$work/with-ca.json" 'd["findings"][0]["fixes"][0]["manifest"]' | grep -qF "    $pem_line" &&
  ok "explain --probe: the registry's real CA is in the add-CA manifest, under cert: |" || bad "explain --probe: CA PEM missing from the manifest"
# A bare Go error (no Tekton wrapper) names its registry by URL, and is probed too.
timeout 60 "$binary" explain --probe "Get \"https://localhost:${REGISTRY_PORT[self-signed]}/v2/\": x509: certificate signed by unknown authority" -o json > "$work/bare.json"
got=$(field "$work/bare.json" '(d["findings"][0]["stage"], d["findings"][0]["probe"]["problem"])')
[ "$got" = "('unknown', 'unknown-authority')" ] && ok "explain --probe on a bare Go error probes the URL's registry" || bad "explain --probe on a bare Go error: $got"
# diagnose -f --probe, one probe per registry however many runs name it.
sed "s/registry.corp.example:8443/localhost:${REGISTRY_PORT[self-signed]}/g" "$here/../samples/taskrun-unknown-authority.yaml" > "$work/tr.yaml"
timeout 60 "$binary" diagnose -f "$work/tr.yaml" --probe -o json > "$work/diag.json"
got=$(field "$work/diag.json" '(d["findings"][0]["probe"]["problem"], d["findings"][0]["probe"]["trust_anchor"]["sha256"] == "'"$want_sha"'")')
[ "$got" = "('unknown-authority', True)" ] && ok "diagnose -f --probe: the probe is attached with the anchor's fingerprint" || bad "diagnose -f --probe: $got"

# --entrypoint: images pushed with skopeo from an OCI layout written here, Entrypoint and Cmd
# read back per platform, anonymously and with a docker config.json against an htpasswd registry.
python3 "$here/../support/write_oci_layout.py" "$work/oci"
good=${REGISTRY_PORT[good]}
basic=${REGISTRY_PORT[basic-auth]}
password=$(cat "$work/r/basic-auth.password")
timeout 60 skopeo copy -q --dest-cert-dir "$work/r/trust" "oci:$work/oci:single" "docker://localhost:$good/team/app:v1" &&
timeout 60 skopeo copy -q --all --dest-cert-dir "$work/r/trust" "oci:$work/oci:multi" "docker://localhost:$good/team/app:multi" &&
timeout 60 skopeo copy -q --dest-cert-dir "$work/r/trust" --dest-creds "certdoctor:$password" "oci:$work/oci:single" "docker://localhost:$basic/private/app:v1" ||
  bad "pushing the test images with skopeo"
timeout 30 "$binary" probe "localhost:$good/team/app:v1" --ca-file "$root_ca" --entrypoint -o json > "$work/ep1.json"
got=$(field "$work/ep1.json" '[(p["os"], p["architecture"], p["entrypoint"], p["cmd"]) for p in d["image"]["platforms"]]')
[ "$got" = "[('linux', 'amd64', ['/bin/app', 'serve'], ['--port', '8080'])]" ] && ok "--entrypoint: single-platform image reads back as pushed" ||
  bad "--entrypoint single: $got"
timeout 30 "$binary" probe "localhost:$good/team/app:multi" --ca-file "$root_ca" --entrypoint -o json > "$work/ep2.json"
got=$(field "$work/ep2.json" '[(p["architecture"], p["variant"], p["entrypoint"], p["cmd"]) for p in d["image"]["platforms"]]')
[ "$got" = "[('amd64', '', ['/bin/app', 'serve'], ['--port', '8080']), ('arm64', 'v8', ['/bin/app-arm'], [])]" ] &&
  ok "--entrypoint: an index gives one entry per platform" || bad "--entrypoint multi: $got"
# diagnose with --ca-file: the failed lookup's fix carries the image's Entrypoint and Cmd, per
# platform, as a JSON patch of the Task whose test operations name each step's index and name.
cat > "$work/lookup.yaml" <<YAML
apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: build-1, namespace: ci}
spec: {taskRef: {name: build}}
status:
  conditions:
  - type: Succeeded
    status: "False"
    reason: PodCreationFailed
    message: 'failed to create task run pod "build-1": translating TaskSpec to Pod: Get "https://localhost:$good/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority. Maybe missing or invalid Task ci/build'
  taskSpec:
    steps:
    - {name: prepare, image: alpine, script: 'true'}
    - {name: app, image: 'localhost:$good/team/app:v1'}
    - {name: multi, image: 'localhost:$good/team/app:multi', args: [--keep]}
YAML
timeout 60 "$binary" diagnose -f "$work/lookup.yaml" --probe --ca-file "$root_ca" -o json > "$work/lookup.json" 2> "$work/lookup.err"
got=$(field "$work/lookup.json" '(lambda s: (s["manifest"], [c for c in s["commands"] if "patch task" in c], s["description"]))(next(x for x in d["findings"][0]["fixes"] if x["id"] == "set-step-command"))')
for want in 'command: ["/bin/app","serve"]' 'args: ["--port","8080"]' '{"op":"test","path":"/spec/steps/1/name","value":"app"}' \
            '{"op":"add","path":"/spec/steps/2/command","value":["/bin/app","serve"]}' 'linux/arm64/v8' 'patch task'; do
  [[ "$got" == *"$want"* ]] && ok "diagnose --ca-file: set-step-command has $want" || bad "diagnose --ca-file: no $want in $got"
done
[[ "$got" != *"<ENTRYPOINT"* && "$got" != *'/spec/steps/2/args'* ]] && ok "diagnose --ca-file: no placeholder, and the step with args keeps them" ||
  bad "diagnose --ca-file: a placeholder or args replaced: $got"
got=$(field "$work/lookup.json" '(lambda a: a["commands"][0].startswith("printf") and "-----BEGIN CERTIFICATE-----" in a["commands"][0] and a["commands"][0].endswith("> registry-ca.pem") and not any("save the PEM" in c["text"] for c in a["comments"]))(next(x for x in d["findings"][0]["fixes"] if x["id"] == "add-ca-to-config-registry-cert"))')
[ "$got" = True ] && ok "diagnose --ca-file: the CA fix writes the probed PEM by its first command" || bad "diagnose --ca-file: the CA fix: $got"
# The printed Task patch, applied by kubectl (no cluster): the commands set, the step's own args
# kept; with the steps in another order its test operations refuse it.
if command -v kubectl > /dev/null; then
  python3 - "$work/lookup.json" "$work" "$good" <<'PY' && ok "diagnose --ca-file: kubectl applies the Task patch; moved steps refuse it" || bad "diagnose --ca-file: the Task patch and kubectl"
import json, subprocess, sys
out, work, port = sys.argv[1:]
d = json.load(open(out))
cmd = next(c for x in d["findings"][0]["fixes"] if x["id"] == "set-step-command" for c in x["commands"] if "patch task" in c)
patch = cmd[cmd.index("-p '") + 4:-1]
task = {"apiVersion": "tekton.dev/v1", "kind": "Task", "metadata": {"name": "build", "namespace": "ci"},
        "spec": {"steps": [{"name": "prepare", "image": "alpine", "script": "true"},
                           {"name": "app", "image": "localhost:%s/team/app:v1" % port},
                           {"name": "multi", "image": "localhost:%s/team/app:multi" % port, "args": ["--keep"]}]}}
def apply(t):
    open(work + "/task.json", "w").write(json.dumps(t))
    return subprocess.run(["kubectl", "patch", "--local", "-f", work + "/task.json", "--type", "json", "-p", patch, "-o", "json"],
                          capture_output=True, text=True, timeout=30, env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin"})
r = apply(task)
assert r.returncode == 0, r.stderr
steps = json.loads(r.stdout)["spec"]["steps"]
assert steps[1]["command"] == ["/bin/app", "serve"] and steps[1]["args"] == ["--port", "8080"], steps[1]
assert steps[2]["command"] == ["/bin/app", "serve"] and steps[2]["args"] == ["--keep"], steps[2]
task["spec"]["steps"][1], task["spec"]["steps"][2] = task["spec"]["steps"][2], task["spec"]["steps"][1]
assert apply(task).returncode != 0
PY
fi
"$binary" probe "localhost:$basic/private/app:v1" --ca-file "$root_ca" --entrypoint -o json > "$work/ep3.json"; rc=$?
[ $rc -eq 1 ] && [[ "$(field "$work/ep3.json" 'd["image"]["error"]')" == *"--registry-config"* ]] &&
  ok "--entrypoint without credentials: exit 1, says to pass --registry-config" || bad "--entrypoint without credentials: rc=$rc"
printf '{"auths":{"localhost:%s":{"auth":"%s"}}}' "$basic" "$(printf 'certdoctor:%s' "$password" | base64 -w0)" > "$work/config.json"
timeout 30 "$binary" probe "localhost:$basic/private/app:v1" --ca-file "$root_ca" --entrypoint --registry-config "$work/config.json" -v -o json \
  > "$work/ep4.json" 2> "$work/ep4.err"
got=$(field "$work/ep4.json" 'd["image"]["platforms"][0]["entrypoint"]')
[ "$got" = "['/bin/app', 'serve']" ] && ok "--entrypoint with a docker config.json: reads the private image" || bad "--entrypoint with credentials: $got"
if grep -qF "$password" "$work/ep4.json" "$work/ep4.err" ||
   grep -qF "$(printf 'certdoctor:%s' "$password" | base64 -w0)" "$work/ep4.json" "$work/ep4.err"; then
  bad "the registry password appears in the output"
else
  ok "the registry password appears nowhere in the output or the verbose log"
fi

echo "probe: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
