#!/usr/bin/env bash
# `probe --chain-file`: a chain someone was handed, judged offline as Go would. Certificates are
# made here by openssl; the pasted form is a real `openssl s_client -showcerts` output from an
# `openssl s_server` on 127.0.0.1. Also: the verification time (--at), names not checked without
# --server-name, when the chain stops verifying, and bad input as one line with exit 3.
# usage: chain_file_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: chain_file_test.sh BINARY}
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v openssl >/dev/null || { echo "SKIP: openssl is not installed"; exit 77; }
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work" || exit 1

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }

# A root (60 days), an intermediate (40 days) and a leaf for reg.example (90 days): the chain
# stops verifying when the intermediate expires.
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key root.key; key inter.key; key leaf.key
openssl req -x509 -new -key root.key -subj /CN=Chain-Root -days 60 -out root.pem \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -new -key inter.key -subj /CN=Chain-Intermediate -out inter.csr 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n' > ca.ext
openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -days 40 -extfile ca.ext -out inter.pem 2>/dev/null
openssl req -new -key leaf.key -subj /CN=reg.example -out leaf.csr 2>/dev/null
printf 'subjectAltName=DNS:reg.example,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -days 90 -extfile leaf.ext -out leaf.pem 2>/dev/null
cat leaf.pem inter.pem > chain.pem
inter_not_after=$(date -u -d "$(openssl x509 -in inter.pem -noout -enddate | cut -d= -f2)" +%Y-%m-%dT%H:%M:%SZ)

# check NAME WANT_RC WANT_PROBLEM ARGS...: runs `probe` with -o json and checks exit and problem.
check() {
  local name=$1 want_rc=$2 want=$3 rc got
  shift 3
  timeout 20 "$binary" probe "$@" -o json > "$name.json" 2> "$name.err"; rc=$?
  got=$(field "$name.json" 'd["problem"]')
  if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ]; then ok "$name: $got (exit $rc)"; else bad "$name: want $want exit $want_rc, got ${got:-nothing} exit $rc $(head -c 300 "$name.err")"; fi
}
trust=(--ca-file root.pem --no-system-roots)
check pem-with-name 0 ok --chain-file chain.pem --server-name reg.example "${trust[@]}"
got=$(field pem-with-name.json '(d["chain_source"], d["chain_file"], d["names_checked"], d["valid_until"], len(d["chain"]))')
[ "$got" = "('file', 'chain.pem', True, '$inter_not_after', 2)" ] && ok "the JSON says the chain came from a file and verifies until the intermediate's notAfter" || bad "file JSON: $got (want valid_until $inter_not_after)"
check no-name 0 ok --chain-file chain.pem "${trust[@]}"
[ "$(field no-name.json 'd["names_checked"]')" = False ] && ok "without --server-name: names_checked false" || bad "names_checked: $(field no-name.json 'd["names_checked"]')"
timeout 20 "$binary" probe --chain-file chain.pem "${trust[@]}" | grep -q "names not checked" && ok "the text report says names were not checked" || bad "text report does not say names were not checked"
check wrong-name 1 hostname-mismatch --chain-file chain.pem --server-name other.example "${trust[@]}"
check ip-name 0 ok --chain-file chain.pem --server-name 127.0.0.1 "${trust[@]}"
check ip-not-in-sans 1 hostname-mismatch --chain-file chain.pem --server-name 10.0.0.1 "${trust[@]}"
check untrusted 1 unknown-authority --chain-file chain.pem --server-name reg.example --no-system-roots
check in-50-days 1 expired --chain-file chain.pem --server-name reg.example --at +50d "${trust[@]}"
[[ "$(field in-50-days.json 'd["detail"]')" == *"is after $inter_not_after"* ]] && ok "in 50 days: Go's wording names the intermediate's notAfter" || bad "expired wording: $(field in-50-days.json 'd["detail"]')"
check yesterday 1 not-yet-valid --chain-file chain.pem --server-name reg.example --at "$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)" "${trust[@]}"
check from-stdin 0 ok --chain-file - --server-name reg.example "${trust[@]}" < chain.pem
# The leaf alone, with the root given: the intermediate is missing, named, and the leaf is never
# offered as the CA to add; a wrong name or date offers no CA at all.
check leaf-only 1 incomplete-chain --chain-file leaf.pem --server-name reg.example "${trust[@]}"
got=$(field leaf-only.json '(d["trust_anchor"], d["missing_issuer"]["subject"], len(d["missing_issuer"]["key_id"]) > 0)')
[ "$got" = "(None, 'CN=Chain-Intermediate', True)" ] && ok "leaf only: the missing intermediate named with its key id, no anchor" || bad "leaf only: $got"
for name in wrong-name in-50-days yesterday; do
  [ "$(field "$name.json" 'd["trust_anchor"] is None')" = True ] && ok "$name: no CA offered" || bad "$name: offers $(field "$name.json" 'd["trust_anchor"]')"
done
openssl x509 -in leaf.pem -outform der > leaf.der; openssl x509 -in inter.pem -outform der > inter.der
cat leaf.der inter.der > chain.der
check der 0 ok --chain-file chain.der --server-name reg.example "${trust[@]}"

# A real pasted s_client output: the text around the blocks is ignored.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl s_server -quiet -accept "127.0.0.1:$port" -cert leaf.pem -key leaf.key -cert_chain inter.pem -www > /dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  timeout 5 openssl s_client -connect "127.0.0.1:$port" -servername reg.example -showcerts < /dev/null > pasted.txt 2>&1
  grep -q 'BEGIN CERTIFICATE' pasted.txt && break
  sleep 0.1
done
check s-client-paste 0 ok --chain-file pasted.txt --server-name reg.example "${trust[@]}"
[ "$(field s-client-paste.json 'len(d["chain"])')" = 2 ] && ok "s_client paste: two certificates read" || bad "s_client paste: $(field s-client-paste.json 'len(d["chain"])') certificates"

# explain on the pasted output offers the offline probe.
timeout 20 "$binary" explain - -o json < pasted.txt > explain-paste.json 2>/dev/null
[[ "$(field explain-paste.json '" ".join(d["notes"])')" == *"probe --chain-file FILE"* ]] && ok "explain of a pasted s_client output offers probe --chain-file" ||
  bad "explain does not offer probe --chain-file: $(field explain-paste.json 'd["notes"]')"

# Bad input: one line, exit 3.
bad_input() {
  local name=$1 want=$2 err rc
  err=$(timeout 20 "$binary" probe --chain-file "$name" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 3 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ "$err" == *"$want"* ]]; then ok "$name: exit 3, one line"; else bad "$name: rc=$rc $err"; fi
}
printf 'hello, this is not a certificate\n' > junk.txt; bad_input junk.txt "neither PEM"
: > empty.txt; bad_input empty.txt "neither PEM"
printf 'some text\n-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n' > no-cert.pem; bad_input no-cert.pem "no certificate"
cat leaf.key leaf.pem > with-key.pem; bad_input with-key.pem "private key"
head -c 2000000 /dev/zero > huge.bin; bad_input huge.bin "larger than"
sed 's/^M/!/' leaf.pem > broken.pem; bad_input broken.pem "malformed"

# Flags that do not go together are usage errors (exit 2).
usage() {
  local name=$1 rc
  shift
  timeout 20 "$binary" probe "$@" > /dev/null 2>&1; rc=$?
  [ $rc -eq 2 ] && ok "$name: exit 2" || bad "$name: exit $rc"
}
usage "--at without --chain-file" localhost:1 --at +1d
usage "a target and --chain-file" localhost:1 --chain-file chain.pem
usage "a malformed --at" --chain-file chain.pem --at tomorrow
usage "neither target nor --chain-file"

# The JSON validates against the probe's part of plugin/report.schema.json.
if python3 -c 'import jsonschema' 2>/dev/null; then
  python3 - "$root/plugin/report.schema.json" pem-with-name.json no-name.json in-50-days.json <<'PY' && ok "probe JSON validates against the schema" || bad "probe JSON does not validate"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
def find(node):
    if isinstance(node, dict):
        if node.get("properties", {}).get("schema", {}).get("const") == "tekton-certdoctor/probe/v1":
            return node
        for v in node.values():
            r = find(v)
            if r: return r
    if isinstance(node, list):
        for v in node:
            r = find(v)
            if r: return r
probe = dict(find(schema))
probe["type"] = "object"
probe["$defs"] = schema.get("$defs", {})
for path in sys.argv[2:]:
    jsonschema.Draft202012Validator(probe).validate(json.load(open(path)))
PY
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
