#!/usr/bin/env bash
# Bad input and a bad environment, end to end: each case ends in its documented exit code with
# one line on standard error naming what was wrong and where (file:line where there is a line),
# within 60 s and 1 GiB of address space, never a signal. Files: binary junk, truncated YAML and
# JSON, deep nesting, the wrong kind, invalid UTF-8, UTF-16 with a BOM (read as UTF-8, logs too) or
# without one (said what it is), a 100 MB
# line, an empty file, gzip followed by junk. Kubeconfigs: the asked context missing, bad base64,
# oversized (and an oversized tokenFile), KUBECONFIG=/dev/zero, none at all, no cluster behind. Certificates: a private key,
# DER. Against the loopback API server: exec plugins that print junk or fail, an expired token,
# a refused user name and password. A probe of a loopback TLS server whose leaf has 10,000 SANs
# and whose chain has 20 certificates. `analyze --follow` across copytruncate and rotation.
# Every input is generated here.
# usage: bad_input_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: bad_input_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
samples="$here/../samples"
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3 openssl gzip
python=/usr/bin/python3
# shellcheck source=../support/fake-apiserver.sh
source "$support/fake-apiserver.sh"
w=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$w"' EXIT

# run NAME STDIN ARGS...: the binary under 1 GiB of address space and a 60 s bound, with no
# kubeconfig of the user's; sets $code and leaves $w/out and $w/err.
run() {
  local name=$1 input=$2; shift 2
  (ulimit -v 1048576; exec timeout 60 env -u KUBECONFIG HOME="$w/home" "$binary" "$@") <"$input" >"$w/out" 2>"$w/err"
  code=$?
  printf '      %s: exit %s, %s\n' "$name" "$code" "$(head -c 300 "$w/err" | head -1)"
}
# expect NAME CODE [STDERR-TEXT...]: exit CODE, at most one line on standard error holding every
# STDERR-TEXT.
expect() {
  local name=$1 want=$2; shift 2
  if [ "$code" != "$want" ]; then bad "$name: exit $code, expected $want"; return; fi
  if [ "$(wc -l <"$w/err")" -gt 1 ]; then bad "$name: $(wc -l <"$w/err") lines on standard error"; return; fi
  for text in "$@"; do
    grep -qF -- "$text" "$w/err" || { bad "$name: standard error lacks '$text'"; return; }
  done
  ok "$name"
}
# lacks NAME TEXT: neither output nor error holds TEXT.
lacks() {
  if grep -qF -- "$2" "$w/out" "$w/err"; then bad "$1"; else ok "$1"; fi
}
mkdir -p "$w/home"
: >"$w/empty"

# --- files -------------------------------------------------------------------------------------
"$python" - "$w" "$samples" <<'PY'
import random, sys
w, samples = sys.argv[1], sys.argv[2]
rnd = random.Random(16)
junk = bytes(rnd.randrange(256) for _ in range(4096)) + b"\0"
open(f"{w}/junk.bin", "wb").write(junk)
run = open(f"{samples}/taskrun-unknown-authority.yaml", "rb").read()
open(f"{w}/cut.yaml", "wb").write(b"apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: cut, namespace: ci}\nstatus: {conditions: [{type: Succeeded,\n")
open(f"{w}/cut.json", "wb").write(b'{"apiVersion": "tekton.dev/v1", "kind": "TaskRun",\n "metadata": {"name": "cut",\n')
open(f"{w}/deep.yaml", "wb").write(b"kind: TaskRun\nspec: " + b"[" * 100000 + b"\n")
open(f"{w}/deep.json", "wb").write(b'{"kind": "TaskRun", "spec": ' + b"[" * 100000 + b"]" * 100000 + b"}\n")
open(f"{w}/configmap.yaml", "wb").write(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-registry-cert, namespace: tekton-pipelines}\ndata: {cert: x}\n")
# invalid UTF-8 inside the failure message: read all the same, the bytes replaced
marker = b"x509: certificate signed by unknown authority"
assert marker in run
open(f"{w}/bad-utf8.yaml", "wb").write(run.replace(marker, b"\xff\xfe\xc3(" + marker, 1))
# as PowerShell's > writes it
open(f"{w}/utf16.yaml", "wb").write(b"\xff\xfe" + run.decode().encode("utf-16-le"))
open(f"{w}/utf16be.yaml", "wb").write(b"\xfe\xff" + run.decode().encode("utf-16-be"))
# a controller log as PowerShell's > writes it (UTF-16 LE, a BOM), in UTF-16 BE, and without a BOM
log = open(f"{samples}/controller.log", "rb").read().decode()
open(f"{w}/utf16.log", "wb").write(b"\xff\xfe" + log.encode("utf-16-le"))
open(f"{w}/utf16be.log", "wb").write(b"\xfe\xff" + log.encode("utf-16-be"))
open(f"{w}/utf16-nobom.log", "wb").write(log.encode("utf-16-le"))
open(f"{w}/utf16-nobom.yaml", "wb").write(run.decode().encode("utf-16-be"))
line = b'{"level":"error","msg":"failed to create task run pod: Get \\"https://registry.corp.example:8443/v2/\\": tls: failed to verify certificate: x509: certificate signed by unknown authority","knative.dev/key":"ci/build-1"}\n'
with open(f"{w}/long.log", "wb") as f:
    f.write(b"a" * (100 << 20) + b"\n")
    f.write(line)
PY
head -c $((100 << 20)) /dev/zero | tr '\0' 'a' >"$w/line100mb.txt"

run "binary junk" "$w/empty" diagnose -f "$w/junk.bin"
expect "binary junk to diagnose -f: exit 3 naming the file" 3 "junk.bin: binary data"
run "truncated YAML" "$w/empty" diagnose -f "$w/cut.yaml"
expect "a YAML dump cut short: exit 3 with file:line" 3 "cut.yaml:"
run "truncated JSON" "$w/empty" diagnose -f "$w/cut.json"
expect "a JSON dump cut short: exit 3 with file:line" 3 "cut.json:"
run "deep YAML" "$w/empty" diagnose -f "$w/deep.yaml"
expect "100,000 nested YAML lists: exit 3 naming the file" 3 "deep.yaml"
run "deep JSON" "$w/empty" diagnose -f "$w/deep.json"
expect "100,000 nested JSON arrays: exit 3 naming the file" 3 "deep.json"
run "wrong kind" "$w/empty" diagnose -f "$w/configmap.yaml"
expect "a ConfigMap given to diagnose -f: exit 3 saying what it holds" 3 "configmap.yaml"
run "invalid UTF-8" "$w/empty" diagnose -f "$w/bad-utf8.yaml" -o json
expect "invalid UTF-8 in a message: the run is still diagnosed (exit 1)" 1
"$python" -c 'import json,sys; json.load(open(sys.argv[1]))' "$w/out" 2>/dev/null && ok "and the JSON report is valid UTF-8 JSON" ||
  bad "the JSON report of invalid UTF-8 input does not parse"
run "UTF-16 LE" "$w/empty" diagnose -f "$w/utf16.yaml"
expect "UTF-16 LE with a BOM (PowerShell's >) is read: exit 1, diagnosed" 1
grep -q "unknown authority" "$w/out" && ok "and the UTF-16 run's failure is in the report" || bad "the UTF-16 run's failure is not in the report"
run "UTF-16 BE" "$w/empty" diagnose -f "$w/utf16be.yaml"
expect "UTF-16 BE with a BOM is read: exit 1" 1
run "UTF-16 explain" "$w/utf16.yaml" explain -
expect "UTF-16 on explain's standard input is read: exit 1" 1
run "UTF-16 log" "$w/empty" analyze "$w/utf16.log" -o json
expect "a UTF-16 LE log with a BOM (PowerShell's >) is decoded and analysed: exit 1" 1
env -u KUBECONFIG "$binary" analyze "$samples/controller.log" -o json >"$w/utf8-analysis.json" 2>/dev/null
# summary FILE: what an analysis found, the file names left out of where each group starts.
summary() {
  "$python" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["lines_scanned"], d["matched_lines"], [(g["pattern"], g["count"], g["first_line"].rsplit(":", 1)[1]) for g in d["groups"]])' "$1" 2>/dev/null
}
utf16_summary=$(summary "$w/out")
utf8_summary=$(summary "$w/utf8-analysis.json")
[ -n "$utf8_summary" ] && [ "$utf16_summary" = "$utf8_summary" ] &&
  ok "the UTF-16 log gives the UTF-8 log's lines, groups and line numbers (${utf8_summary:0:60}...)" ||
  bad "the UTF-16 log gives '${utf16_summary:-nothing}', the UTF-8 one '${utf8_summary:-nothing}'"
run "UTF-16 BE log" "$w/empty" analyze "$w/utf16be.log"
expect "a UTF-16 BE log with a BOM is analysed: exit 1" 1
run "UTF-16 log without a BOM" "$w/empty" analyze "$w/utf16-nobom.log"
expect "a UTF-16 log without a BOM: exit 3, said what it is in one line" 3 "utf16-nobom.log: UTF-16 LE text without a byte order mark" "iconv -f UTF-16LE"
run "UTF-16 dump without a BOM" "$w/empty" diagnose -f "$w/utf16-nobom.yaml"
expect "a UTF-16 BE dump without a BOM: exit 3, said what it is" 3 "utf16-nobom.yaml: UTF-16 BE text without a byte order mark"
run "UTF-16 log followed" "$w/empty" analyze --follow "$w/utf16.log"
expect "--follow on a UTF-16 log: exit 3, said what it is and how to convert it" 3 "utf16.log: UTF-16 text" "iconv"
run "100 MB line to explain" "$w/line100mb.txt" explain -
expect "a 100 MB line on explain's standard input: exit 3, over the 64 MiB bound" 3 "standard input: larger than 64 MiB"
run "100 MB line in a log" "$w/empty" analyze "$w/long.log" -o json
expect "a 100 MB line in a log is skipped past its first MiB, the next line found (exit 1)" 1
run "empty dump" "$w/empty" diagnose -f "$w/empty"
expect "an empty file to diagnose -f: exit 3 naming it" 3 "$w/empty"
run "empty log" "$w/empty" analyze "$w/empty"
expect "an empty log: nothing found (exit 0)" 0

# gzip(1) warns about trailing junk and keeps what it inflated; so does analyze.
gzip -c <"$samples/controller.log" >"$w/junk-after.log.gz"
printf 'this is not gzip data\n' >>"$w/junk-after.log.gz"
run "gzip + junk" "$w/empty" analyze "$w/junk-after.log.gz" -o json
expect "a gzip member followed by junk keeps the results (exit 1)" 1
grep -q "after the end of the gzip data are not gzip; they were ignored" "$w/out" &&
  ok "and the report warns about the ignored bytes" || bad "no warning about the bytes after the gzip data"

# --- certificates ------------------------------------------------------------------------------
(
  cd "$w" || exit 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem -days 2 \
    -subj /CN=bad-input-root -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj /CN=registry.test
  printf 'subjectAltName=DNS:registry.test\nextendedKeyUsage=serverAuth\n' >leaf.ext
  openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -CAcreateserial -days 2 -extfile leaf.ext -out leaf.pem
  openssl x509 -in leaf.pem -outform DER -out leaf.der
) >/dev/null 2>&1 || { echo "FAIL: openssl could not make the certificates"; exit 1; }
run "chain file with a key" "$w/empty" probe --chain-file "$w/leaf.key"
expect "a private key as --chain-file: exit 3, said so" 3 "leaf.key" "private key"
cat "$w/leaf.pem" "$w/leaf.key" >"$w/leaf-and-key.pem"
run "chain file with a cert and key" "$w/empty" probe --chain-file "$w/leaf-and-key.pem"
expect "a certificate with its private key as --chain-file: exit 3, said so" 3 "private key"
lacks "the private key is not echoed" "$(sed -n 2p "$w/leaf.key")"
run "DER chain file" "$w/empty" probe --chain-file "$w/leaf.der" --server-name registry.test --ca-file "$w/root.pem"
expect "a DER certificate as --chain-file is read (exit 0: Go accepts it)" 0
run "key as --ca-file" "$w/empty" probe --chain-file "$w/leaf.pem" --ca-file "$w/leaf.key"
expect "a private key as --ca-file: exit 3 naming it" 3 "leaf.key"

# --- kubeconfigs -------------------------------------------------------------------------------
cat >"$w/kc.yaml" <<'KC'
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: bad-input-token-1f3a}}]
contexts: [{name: dev, context: {cluster: c, user: u}}]
current-context: gone
KC
run "missing --context" "$w/empty" diagnose taskruns --kubeconfig "$w/kc.yaml" --context prod
expect "a --context the kubeconfig lacks: exit 2, naming the file and the contexts there" 2 \
  "context \"prod\" is not in the kubeconfig ($w/kc.yaml); contexts there: dev"
run "missing current-context" "$w/empty" diagnose taskruns --kubeconfig "$w/kc.yaml"
expect "a current-context the kubeconfig lacks: exit 4 (the file, not the command line)" 4 \
  "context \"gone\" is not in the kubeconfig" "current-context names it"
sed 's/current-context: gone/current-context: dev/; s#server: "https://127.0.0.1:1"#server: "https://127.0.0.1:1", certificate-authority-data: "not*base64!"#' \
  "$w/kc.yaml" >"$w/kc-base64.yaml"
run "bad base64" "$w/empty" diagnose taskruns --kubeconfig "$w/kc-base64.yaml"
expect "certificate-authority-data that is not base64: exit 4 naming the file and cluster" 4 "$w/kc-base64.yaml" "certificate-authority-data"
{ cat "$w/kc.yaml"; head -c $((17 << 20)) /dev/zero | tr '\0' '#'; echo; } >"$w/kc-big.yaml"
run "oversized kubeconfig" "$w/empty" diagnose taskruns --kubeconfig "$w/kc-big.yaml"
expect "a 17 MiB kubeconfig: exit 4, naming it, without advice about logs" 4 "kc-big.yaml" "larger than"
lacks "the oversized kubeconfig's error gives no advice about logs" "part of the log"
head -c $((2 << 20)) /dev/zero | tr '\0' 'x' >"$w/token-big"
sed "s/current-context: gone/current-context: dev/; s#token: bad-input-token-1f3a#tokenFile: $w/token-big#" "$w/kc.yaml" >"$w/kc-tokenfile.yaml"
run "oversized tokenFile" "$w/empty" diagnose taskruns --kubeconfig "$w/kc-tokenfile.yaml" --request-timeout 5s
expect "a 2 MiB tokenFile: exit 4, naming it, without advice about logs" 4 "tokenFile" "token-big" "larger than"
lacks "the oversized tokenFile's error gives no advice about logs" "part of the log"
code=$(
  (ulimit -v 1048576; KUBECONFIG=/dev/zero HOME="$w/home" timeout 60 "$binary" diagnose taskruns) </dev/null >"$w/out" 2>"$w/err"
  echo $?
)
expect "KUBECONFIG=/dev/zero: exit 4, a character device, not 'no such file'" 4 "/dev/zero: is a character device"
run "no kubeconfig" "$w/empty" diagnose taskruns
expect "no kubeconfig at all: exit 4 (the environment), saying where it looked" 4 "no kubeconfig found"
sed 's/current-context: gone/current-context: dev/' "$w/kc.yaml" >"$w/kc-nocluster.yaml"
run "no cluster" "$w/empty" diagnose taskruns --kubeconfig "$w/kc-nocluster.yaml" --request-timeout 5s
expect "no cluster behind the server address: exit 4 naming it" 4 "127.0.0.1:1"
lacks "the token is not printed" "bad-input-token-1f3a"

# --- against the loopback API server -----------------------------------------------------------
secret="bad-input-good-7d21"
echo "$secret admin" >"$w/tokens"
"$python" "$support/cluster_fixture.py" ca-missing "$w/fixture.json" --registry 127.0.0.1:1 --ca "$w/tokens" ||
  { echo "FAIL: no fixture"; exit 1; }
apiserver_start "$w" || { echo "FAIL: the test API server did not start"; exit 1; }
pids+=("$APISERVER_PID")
# user KC-NAME USER-YAML: a kubeconfig for the test server with that user.
user() { apiserver_kubeconfig "$w/$1.yaml" --user "$2"; }
plugin() {
  printf '#!/bin/sh\n%s\n' "$2" >"$w/$1.sh"
  chmod +x "$w/$1.sh"
  user "$1" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $w/$1.sh"
}
plugin exec-junk "echo 'Please open https://login.example/device and enter code ABCD'"
run "exec junk" "$w/empty" diagnose taskrun/build-1 --kubeconfig "$w/exec-junk.yaml" --no-probe
expect "an exec plugin that prints junk: exit 4, naming the user and plugin" 4 "user u: exec plugin" "did not print an ExecCredential"
plugin exec-fails "echo '{\"kind\": \"ExecCredential\"}'; exit 3"
run "exec fails" "$w/empty" diagnose taskrun/build-1 --kubeconfig "$w/exec-fails.yaml" --no-probe
expect "an exec plugin that exits 3: exit 4 with its exit code" 4 "failed with exit code 3"
plugin exec-hangs "sleep 300"
run "exec hangs" "$w/empty" diagnose taskrun/build-1 --kubeconfig "$w/exec-hangs.yaml" --no-probe --request-timeout 2s
expect "an exec plugin that hangs: exit 4 after --request-timeout" 4 "did not finish within 2000ms"
user expired "    token: expired-token-5be0"
run "expired token" "$w/empty" diagnose taskrun/build-1 --kubeconfig "$w/expired.yaml" --no-probe
expect "a token the server no longer accepts: exit 4, 401, the token may have expired" 4 "401 Unauthorized" "the token may have expired"
lacks "the expired token is not printed" "expired-token-5be0"
user basic "    username: admin
    password: wrong-password-93c1"
run "basic refused" "$w/empty" diagnose taskrun/build-1 --kubeconfig "$w/basic.yaml" --no-probe
expect "a refused user name and password: exit 4, 401, naming basic authentication" 4 "401 Unauthorized" "user name or password"
lacks "a refused password login does not say no credentials were configured" "no credentials were configured"
lacks "the password is not printed" "wrong-password-93c1"

# --- the probe takes what Go's TLS client takes ------------------------------------------------
"$python" - "$w" <<'PY' || { echo "FAIL: could not make the long chain"; exit 1; }
import subprocess, sys
w = sys.argv[1]
def sh(*args):
    subprocess.run(args, check=True, cwd=w, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
# root -> 19 intermediates -> leaf with 10,000 SANs: a leaf of 229 KB, a certificate message of about 237 KB (Go takes up to 256 KiB)
sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca0.key",
   "-out", "ca0.pem", "-days", "2", "-subj", "/CN=long-root", "-addext", "basicConstraints=critical,CA:TRUE")
open(f"{w}/ca.ext", "w").write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n")
for i in range(1, 20):
    sh("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f"ca{i}.key",
       "-out", f"ca{i}.csr", "-subj", f"/CN=long-intermediate-{i}")
    sh("openssl", "x509", "-req", "-in", f"ca{i}.csr", "-CA", f"ca{i-1}.pem", "-CAkey", f"ca{i-1}.key",
       "-CAcreateserial", "-days", "2", "-extfile", "ca.ext", "-out", f"ca{i}.pem")
sans = ",".join(["DNS:registry.test"] + [f"DNS:san{n}.registry.test" for n in range(10000)])
open(f"{w}/big.ext", "w").write(f"subjectAltName={sans}\nextendedKeyUsage=serverAuth\n")
sh("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "big.key",
   "-out", "big.csr", "-subj", "/CN=registry.test")
sh("openssl", "x509", "-req", "-in", "big.csr", "-CA", "ca19.pem", "-CAkey", "ca19.key", "-CAcreateserial",
   "-days", "2", "-extfile", "big.ext", "-out", "big.pem")
with open(f"{w}/intermediates.pem", "w") as out:
    for i in range(19, 0, -1):
        out.write(open(f"{w}/ca{i}.pem").read())
PY
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$w/big.pem" -key "$w/big.key" -cert_chain "$w/intermediates.pem" \
  -naccept 4 </dev/null >/dev/null 2>"$w/s_server.err" &
pids+=($!)
for _ in $(seq 1 50); do "$python" -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$port" 2>/dev/null && break; sleep 0.1; done
run "big certificate message" "$w/empty" probe "127.0.0.1:$port" --server-name registry.test --ca-file "$w/ca0.pem" -o json --timeout 20s
expect "a 10,000-SAN leaf behind 19 intermediates: the handshake completes and Go's verdict is given (exit 0)" 0
"$python" - "$w/out" <<'PY' && ok "all 20 certificates served are in the report" || bad "the chain in the report is not the 20 served"
import json, sys
r = json.load(open(sys.argv[1]))
probes = r.get("probes") or [r]
chain = probes[0].get("chain", [])
sys.exit(0 if len(chain) == 20 else 1)
PY

# --- analyze --follow as tail -F ---------------------------------------------------------------
failure() { # REGISTRY RUN: one controller log line failing against REGISTRY
  printf '{"level":"error","ts":1700000000.5,"msg":"failed to create task run pod: Get \\"https://%s/v2/\\": tls: failed to verify certificate: x509: certificate signed by unknown authority","knative.dev/key":"ci/%s"}\n' "$1" "$2"
}
followed="$w/follow/controller.log"
mkdir -p "$w/follow"
failure first.registry.test:5000 run-1 >"$followed"
timeout 60 env -u KUBECONFIG "$binary" analyze --follow "$followed" -o json >"$w/follow.out" 2>"$w/follow.err" &
follower=$!
pids+=("$follower")
# seen TEXT: waits (at most 10 s) until the follower has printed TEXT.
seen() {
  local _
  for _ in $(seq 1 100); do grep -qF "$1" "$w/follow.out" && return 0; sleep 0.1; done
  return 1
}
seen first.registry.test && ok "follow: the first failure is reported" || bad "follow: the first failure is not reported"
# logrotate's copytruncate: the file is copied away and cut to nothing in place; then written again
cp "$followed" "$followed.1"
: >"$followed"
sleep 0.5
failure after-truncate.registry.test:5000 run-2 >>"$followed"
seen after-truncate.registry.test && ok "follow: a line written after copytruncate is reported" ||
  bad "follow: a line written after copytruncate is not reported"
# rotation by rename: a new file takes the name
mv "$followed" "$followed.2"
failure after-rename.registry.test:5000 run-3 >"$followed"
seen after-rename.registry.test && ok "follow: a line in the file that replaced the rotated one is reported" ||
  bad "follow: a line in the new file after rotation is not reported"
kill -INT "$follower" 2>/dev/null
wait "$follower" 2>/dev/null

e2e_summary "bad input"
