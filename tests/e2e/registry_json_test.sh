#!/usr/bin/env bash
# `probe --entrypoint` against a loopback HTTPS registry serving crafted JSON
# (tests/support/crafted_registry.py, certificate made here by openssl): fields of unexpected
# types end in a clear error that keeps the TLS verdict (never a raw json type_error), a digest
# that is no digest never reaches a request path, a bearer token holding CR/LF is never sent as a
# header, and an index cut at 32 platforms says so.
# usage: registry_json_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: registry_json_test.sh BINARY}
support=$(cd "$(dirname "$0")/../support" && pwd)
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3 openssl
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3

work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/reg.key" -out "$work/reg.pem" -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1 || { echo "FAIL: openssl"; exit 1; }
"$python" "$here/../support/crafted_registry.py" --cert "$work/reg.pem" --key "$work/reg.key" --log "$work/requests.log" \
  --port-file "$work/port" 2> "$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "FAIL: the crafted registry did not start: $(cat "$work/server.err")"; exit 1; }
reg="localhost:$(cat "$work/port")"

# probe NAME REPOSITORY [ARGS...]: probe --entrypoint of REG/REPOSITORY:v1, trusting the registry's certificate.
probe() {
  local name=$1 repo=$2; shift 2
  : > "$work/requests.log"
  timeout 60 "$binary" probe "$reg/$repo:v1" --entrypoint --ca-file "$work/reg.pem" -o json "$@" > "$work/$name.out" 2> "$work/$name.err"
  echo $? > "$work/$name.rc"
  cp "$work/requests.log" "$work/$name.requests"
}
# check NAME DESCRIPTION PYTHON-EXPR: d (the JSON), rc, err, requests (the paths the registry saw).
check() {
  local name=$1 what=$2 expr=$3
  if "$python" - "$work/$name" "$expr" <<'PY'
import json, sys
base, expr = sys.argv[1:]
try:
    d = json.load(open(base + ".out"))
except ValueError:
    d = None
rc, err = int(open(base + ".rc").read()), open(base + ".err").read()
requests = open(base + ".requests").read().splitlines()
sys.exit(0 if eval(expr) else 1)
PY
  then ok "$what"; else bad "$what (rc=$(cat "$work/$name.rc"); $(head -c 300 "$work/$name.err"); image $("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["image"])' "$work/$name.out" 2>/dev/null | head -c 400))"; fi
}

probe numeric numeric-digest
check numeric "an index entry whose digest is a number: exit 1, a clear error, the TLS verdict kept" \
  'rc == 1 and err == "" and d["problem"] == "ok" and d["failing_host"] == "" and d["image"]["error"] == "the index'"'"'s manifests[0].digest is 12345 (a number), not a string"'

probe string string-entry
check string "an index entry that is a string: exit 1, a clear error, the TLS verdict kept" \
  'rc == 1 and err == "" and d["problem"] == "ok" and "manifests[0] is \"sha256:aaaa" in d["image"]["error"] and "(a string), not an object" in d["image"]["error"]'

probe hostile hostile-digest
check hostile "a digest ../../../evil?x=1 is refused before use: no request leaves the repository" \
  'rc == 1 and "is not a digest" in d["image"]["error"] and not any("evil" in r for r in requests) and requests[-1] == "/v2/hostile-digest/manifests/v1"'

probe config config-number
check config "a manifest whose config digest is a number: exit 1, a clear error" \
  'rc == 1 and err == "" and d["problem"] == "ok" and d["image"]["error"] == "the manifest'"'"'s config.digest is 7 (a number), not a string"'

probe manifests manifests-string
check manifests "an index whose manifests is a string: exit 1, a clear error" \
  'rc == 1 and err == "" and "manifests is \"all of them\" (a string), not a list" in d["image"]["error"]'

probe swapped config-swapped
check swapped "a config blob that does not hash to its digest is refused, as go-containerregistry refuses it" \
  'rc == 1 and err == "" and d["problem"] == "ok" and "does not hash to that digest" in d["image"]["error"] and d["image"]["platforms"] == []'

probe types wrong-types
check types "a config blob with fields of other types: read, those fields empty, no crash" \
  'rc == 0 and err == "" and [(p["os"], p["architecture"], p["entrypoint"], p["cmd"]) for p in d["image"]["platforms"]] == [("", "", [], ["serve"])]'

probe crlf crlf-token
check crlf "a token endpoint answering a token with CR/LF: refused, never sent as a header" \
  'rc == 1 and "answered a token holding a CR, LF or NUL character" in d["image"]["error"] and not any("X-Injected" in r for r in requests) and any(r.startswith("/token") for r in requests)'

probe many many-platforms
check many "10,000 platforms: 32 read, and a note says the index was cut" \
  'rc == 0 and len(d["image"]["platforms"]) == 32 and d["image"]["notes"] == ["the index lists 10000 platforms; only the first 32 were read"] and len(requests) == 2 + 2 * 32'
timeout 60 "$binary" probe "$reg/many-platforms:v1" --entrypoint --ca-file "$work/reg.pem" --no-color > "$work/many.txt" 2>&1
grep -q "note: the index lists 10000 platforms; only the first 32 were read" "$work/many.txt" && ok "the note is in the text output too" ||
  bad "no note in the text output"

e2e_summary "registry json"
