#!/usr/bin/env bash
# --redact end to end: a dumped run, a pasted log line and an analyzed log, in every output format
# (and export's files), lose their registry hosts, IPs, namespaces, run names and image paths;
# the same name gets the same placeholder in every format; Tekton's names and the vocabulary stay.
# usage: redact_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: redact_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
samples="$here/../samples"
# shellcheck source=../support/e2e-lib.sh
source "$here/../support/e2e-lib.sh"
e2e_require python3
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
secrets=(registry.corp.example build-and-push-r4x8q platform/builder platform/golang 10.44.0.17 "ci/" team-a web-7 10.20.0.7)

for format in text json yaml markdown; do
  "$binary" diagnose -f "$samples/taskrun-unknown-authority.yaml" --redact -o "$format" >"$w/dump.$format" 2>"$w/err"
  [ $? = 1 ] && ok "diagnose -f --redact -o $format: exit 1" || bad "diagnose -f --redact -o $format: $(cat "$w/err")"
  printf '%s\n' 'E1120 09:14:03.1 1 taskrun.go:512] failed to create task run pod "build-and-push-r4x8q": translating TaskSpec to Pod: Get "https://10.44.0.17:8443/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority. Maybe missing or invalid Task ci/build-and-push' |
    "$binary" explain - --redact -o "$format" >"$w/explain.$format" 2>"$w/err"
  "$binary" analyze "$samples/controller.log" --redact -o "$format" >"$w/analyze.$format" 2>"$w/err"
done
for f in "$w"/dump.* "$w"/explain.* "$w"/analyze.*; do
  leaked=""
  for s in "${secrets[@]}"; do grep -qF -- "$s" "$f" && leaked="$leaked $s"; done
  [ -z "$leaked" ] && ok "$(basename "$f"): no name left" || bad "$(basename "$f") still shows:$leaked"
done
grep -q "registry-1.example" "$w/dump.text" && grep -q "registry-1.example" "$w/dump.markdown" &&
  grep -q "registry-1.example" "$w/dump.json" && ok "the same registry placeholder in every format" ||
  bad "the registry placeholder differs between formats"
grep -q "192.0.2.1" "$w/explain.json" && ok "an IP becomes a documentation address" || bad "no documentation address for the IP"
for word in config-registry-cert tekton-pipelines unknown-authority; do
  grep -q -- "$word" "$w/dump.json" && ok "$word stays" || bad "$word was redacted"
done
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$w/dump.json" && ok "the redacted JSON parses" || bad "the redacted JSON does not parse"
"$binary" export "$w/export" -f "$w/dump.json" --redact >/dev/null 2>"$w/err" || bad "export --redact: $(cat "$w/err")"
grep -rqF -e registry.corp.example -e build-and-push-r4x8q "$w/export" && bad "the export folder shows names" ||
  ok "the export folder of a redacted report shows no names"
e2e_summary "redact"
