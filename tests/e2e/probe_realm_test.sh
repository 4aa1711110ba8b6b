#!/usr/bin/env bash
# `probe` of registries whose /v2/ answers 401 with a Bearer challenge: the token realm a pull
# must go through is probed too. A realm whose TLS fails or that never answers is a problem
# (exit 1) naming the realm's host, in text, JSON and Markdown. Registries: Debian's
# docker-registry on 127.0.0.1 (tests/support/tls-registries.sh), realms on the self-signed and
# wrong-name registries' hosts and on a server that accepts and never answers.
# usage: probe_realm_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: probe_realm_test.sh BINARY}
support=$(cd "$(dirname "$0")/../support" && pwd)
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../support/tls-registries.sh
source "$here/../support/tls-registries.sh"
registries_setup
root_ca="$work/r/trust/ca.crt"


# probe NAME FAULT ARGS...: probes localhost:PORT[FAULT] with the test root trusted; keeps the
# JSON, the exit code and the time taken.
probe() {
  local name=$1 fault=$2 start; shift 2
  start=$(date +%s%N)
  timeout 60 "$binary" probe "localhost:${REGISTRY_PORT[$fault]}" --ca-file "$root_ca" "$@" > "$work/$name.out" 2> "$work/$name.err"
  echo $? > "$work/$name.rc"
  echo $(( ($(date +%s%N) - start) / 1000000 )) > "$work/$name.ms"
}
# check NAME DESCRIPTION PYTHON-EXPR: d (the JSON output, or None), text, rc, ms.
check() {
  local name=$1 what=$2 expr=$3
  if python3 - "$work/$name" "$expr" <<'PY'
import json, sys
base, expr = sys.argv[1:]
text = open(base + ".out").read()
try:
    d = json.loads(text)
except ValueError:
    d = None
rc, ms = int(open(base + ".rc").read()), int(open(base + ".ms").read())
sys.exit(0 if eval(expr) else 1)
PY
  then ok "$what"; else bad "$what (rc=$(cat "$work/$name.rc"); $(head -c 600 "$work/$name.out") $(head -c 300 "$work/$name.err"))"; fi
}

untrusted="localhost:${REGISTRY_PORT[self-signed]}"
silent="localhost:${REGISTRY_PORT[silent]}"
wrong="localhost:${REGISTRY_PORT[wrong-name]}"

probe good good -o json
check good "no challenge: ok, exit 0, no failing host" 'rc == 0 and d["problem"] == "ok" and d["failing_host"] == ""'

probe realm-good realm-good -o json
check realm-good "realm on a host with a trusted chain that answers: ok, exit 0" \
  'rc == 0 and d["registry"]["status"] == "auth-required" and d["registry"]["realm_problem"] == "ok" and d["failing_host"] == ""'
probe basic basic-auth -o json
check basic "a Basic challenge has no realm URL to probe: exit 0" 'rc == 0 and d["registry"]["auth_scheme"] == "Basic" and d["failing_host"] == ""'

probe untrusted realm-untrusted -o json
check untrusted "realm with an untrusted certificate: exit 1, the realm is the failing host" \
  'rc == 1 and d["problem"] == "ok" and d["registry"]["status"] == "auth-required" and d["registry"]["realm_problem"] == "unknown-authority" and d["failing_host"] == "'"$untrusted"'"'
probe untrusted-text realm-untrusted --no-color
check untrusted-text "text: the first line names the realm's host and its problem" \
  'rc == 1 and text.splitlines()[0].startswith("PROBLEM unknown-authority") and "but not for its token endpoint '"$untrusted"'" in text.splitlines()[0] and "every pull gets its token there" in text'
probe untrusted-md realm-untrusted -o markdown
check untrusted-md "markdown: the heading names the realm's host" \
  'rc == 1 and "`unknown-authority` at its token endpoint `'"$untrusted"'`" in text.splitlines()[0]'

probe wrong token-realm -o json
check wrong "realm with a certificate for another name: exit 1, hostname-mismatch at the realm" \
  'rc == 1 and d["registry"]["realm_problem"] == "hostname-mismatch" and d["failing_host"] == "'"$wrong"'"'

# The realm accepts connections and never answers: bounded by --timeout, and a problem.
probe silent realm-silent --timeout 3s -o json
check silent "realm that never answers: exit 1 within the --timeout of 3 s, the realm named" \
  'rc == 1 and d["registry"]["realm_problem"] == "timeout" and d["failing_host"] == "'"$silent"'" and ms < 6000'
# With --entrypoint, the realm takes at most half of what is left, and the probe still ends in time.
probe silent-ep realm-silent --timeout 3s --entrypoint -o json
check silent-ep "realm that never answers, with --entrypoint: exit 1 within the bound" \
  'rc == 1 and d["failing_host"] == "'"$silent"'" and ms < 6000'

# A diagnosis with --probe says why the registry "passes" yet pulls fail.
msg="failed to create task run pod \"t\": translating TaskSpec to Pod: Get \"https://localhost:${REGISTRY_PORT[realm-untrusted]}/v2/\": x509: certificate signed by unknown authority. Maybe missing or invalid Task ci/t"
start=$(date +%s%N)
timeout 60 "$binary" explain --probe --ca-file "$root_ca" "$msg" -o json > "$work/explain.out" 2> "$work/explain.err"
echo $? > "$work/explain.rc"; echo $(( ($(date +%s%N) - start) / 1000000 )) > "$work/explain.ms"
check explain "explain --probe: the explanation names the failing token endpoint" \
  'rc == 1 and d["findings"][0]["probe"]["failing_host"] == "'"$untrusted"'" and "token endpoint '"$untrusted"' fails" in d["findings"][0]["explanation"]'

e2e_summary "probe realm"
