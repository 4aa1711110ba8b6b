#!/usr/bin/env bash
# Genuine client errors, diagnosed: starts Debian's docker-registry on 127.0.0.1 once per TLS
# fault (certificates made here by openssl), makes skopeo (Go, the same x509 wording as the Tekton
# controller), curl (OpenSSL) and git (GnuTLS) fail against each, and checks that `explain` names
# the problem the fault is. Every client call has a timeout; every loop runs over a fixed list.
#
# usage: registry_clients_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: registry_clients_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)

# shellcheck source=../support/tls-registries.sh
source "$here/../support/tls-registries.sh"
registries_setup skopeo curl git
trust="$work/r/trust"
no_trust="$work/r/trust-none"

passed=0
failed=0

# check CLIENT FAULT HOST WANT_COMPONENT WANT_PROBLEM MESSAGE
check() {
  local client=$1 fault=$2 host=$3 want_component=$4 want_problem=$5 message=$6 got
  got=$(printf '%s\n' "$message" | timeout 20 "$binary" explain - -o json |
        python3 -c 'import json,sys
d=json.load(sys.stdin); f=d["findings"][0] if d["findings"] else {}
print(f.get("component","none"), f.get("problem","none"))' 2>/dev/null)
  if [ "$got" = "$want_component $want_problem" ]; then
    passed=$((passed + 1))
    printf 'ok    %-7s %-21s %-10s %-28s\n' "$client" "$fault" "$host" "$want_problem"
  else
    failed=$((failed + 1))
    printf 'FAIL  %-7s %-21s %-10s want %s %s, got %s\n      message: %s\n' "$client" "$fault" "$host" \
      "$want_component" "$want_problem" "${got:-nothing}" "$message"
  fi
}

# skopeo: the fault, the host it is reached by, the trust it gets, and the problem Go reports.
skopeo_cases=(
  "unknown-ca localhost none unknown-authority"
  "unknown-ca 127.0.0.1 none unknown-authority"
  "self-signed localhost none unknown-authority"
  "self-signed 127.0.0.1 none unknown-authority"
  "missing-intermediate localhost root unknown-authority"
  "missing-intermediate 127.0.0.1 root unknown-authority"
  "wrong-name localhost root hostname-mismatch"
  "wrong-name 127.0.0.1 root no-ip-sans"
  "expired localhost root expired"
  "expired 127.0.0.1 root expired"
  "not-yet-valid localhost root not-yet-valid"
  "no-ip-san 127.0.0.1 root no-ip-sans"
  "cn-only localhost root legacy-common-name"
  "cn-only 127.0.0.1 root no-ip-sans"
  "plain-http localhost root http-response-to-https"
  "plain-http 127.0.0.1 root http-response-to-https"
  "good localhost root not-found"
)
for case in "${skopeo_cases[@]}"; do
  read -r fault host trusted problem <<<"$case"
  certs=$trust; [ "$trusted" = none ] && certs=$no_trust
  port=${REGISTRY_PORT[$fault]}
  message=$(timeout 20 skopeo inspect --retry-times 0 --cert-dir "$certs" "docker://$host:$port/team/app:1" 2>&1 >/dev/null)
  check skopeo "$fault" "$host" step-tool "$problem" "$message"
done

# curl (OpenSSL): the same faults through another TLS stack and its own wording.
curl_cases=(
  "unknown-ca localhost none unknown-authority"
  "self-signed localhost none unknown-authority"
  "wrong-name localhost root hostname-mismatch"
  "expired localhost root expired"
  "not-yet-valid localhost root not-yet-valid"
  "plain-http localhost root http-response-to-https"
)
for case in "${curl_cases[@]}"; do
  read -r fault host trusted problem <<<"$case"
  ca=(--cacert "$trust/ca.crt"); [ "$trusted" = none ] && ca=(--cacert "$work/r/self.pem" --capath /nonexistent)
  [ "$trusted" = none ] && [ "$fault" = self-signed ] && ca=(--cacert "$work/r/root.pem")
  message=$(timeout 20 curl -sS --max-time 10 "${ca[@]}" "https://$host:${REGISTRY_PORT[$fault]}/v2/" 2>&1 >/dev/null)
  check curl "$fault" "$host" step-tool "$problem" "$message"
done

# git over HTTPS (GnuTLS in Debian's git): unknown CA.
message=$(GIT_TERMINAL_PROMPT=0 GIT_SSL_CAINFO="$work/r/self.pem" timeout 20 \
  git ls-remote "https://localhost:${REGISTRY_PORT[unknown-ca]}/team/repo.git" 2>&1 >/dev/null)
check git unknown-ca localhost git unknown-authority "$message"

echo "registry clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
