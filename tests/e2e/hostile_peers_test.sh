#!/usr/bin/env bash
# Hostile peers on loopback (tests/support/hostile_peer.py): an API server and a registry that
# accept and never answer, trickle a byte a second, send 100 MB bodies or thousands of
# certificates, loop redirects or redirect to another host, send JSON cut short, or a list whose
# continue token never ends. Each case must end (within a 120 s guard) with its exit code and a
# clear error, within 1 GiB of address space; credentials never follow a redirect to another host.
# With MEASURE=1 (bench/hostile_peers.sh) each case's wall time and peak RSS are printed.
# usage: hostile_peers_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: hostile_peers_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3 openssl
[ "${MEASURE:-0}" = 1 ] && { [ -x /usr/bin/time ] || { echo "SKIP: /usr/bin/time is not installed"; exit 77; }; }
python=/usr/bin/python3
w=$(mktemp -d)
peer=""
trap '[ -n "$peer" ] && kill "$peer" 2>/dev/null; rm -rf "$w"' EXIT

(
  cd "$w" || exit 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
    -subj /CN=hostile-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=hostile
  printf 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2\nextendedKeyUsage=serverAuth\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem
  # 4,000 copies of the CA after the leaf: a certificate message of about 2 MB
  { cat server.pem; for _ in $(seq 1 4000); do cat ca.pem; done; } >many.pem
) >/dev/null 2>&1 || { echo "FAIL: openssl could not make the certificates"; exit 1; }
secret_user=robot
secret_password=hostile-password-6b2f

# start MODE: the peer in MODE; sets $port.
start() {
  [ -n "$peer" ] && kill "$peer" 2>/dev/null
  rm -f "$w/port" "$w/peer.log" "$w/requests.log"
  local chain=()
  [ "$1" = many-certs ] && chain=(--chain "$w/many.pem")
  "$python" "$support/hostile_peer.py" --mode "$1" --cert "$w/server.pem" --key "$w/server.key" "${chain[@]}" \
    --port-file "$w/port" --log "$w/peer.log" --requests "$w/requests.log" 2>"$w/peer.err" &
  peer=$!
  for _ in $(seq 1 100); do [ -s "$w/port" ] && break; sleep 0.1; done
  port=$(cat "$w/port" 2>/dev/null) || { bad "the $1 peer did not start: $(cat "$w/peer.err")"; return 1; }
  cat >"$w/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: h, cluster: {server: "https://127.0.0.1:$port", certificate-authority: "$w/ca.pem"}}]
users: [{name: u, user: {token: hostile-token-1a2b}}]
contexts: [{name: h, context: {cluster: h, user: u, namespace: ci}}]
current-context: h
KC
}
# case NAME WANT-CODE TEXT ARGS...: runs the binary; checks exit code, one line of error holding
# TEXT (on standard error, or in the report for a probe), and prints time and peak RSS.
case_() {
  local name=$1 want=$2 text=$3; shift 3
  local start end
  start=$(date +%s%N)
  if [ "${MEASURE:-0}" = 1 ]; then
    (ulimit -v 1048576; exec timeout 120 /usr/bin/time -v -o "$w/time" env -u KUBECONFIG "$binary" "$@") </dev/null >"$w/out" 2>"$w/err"
  else
    (ulimit -v 1048576; exec timeout 120 env -u KUBECONFIG "$binary" "$@") </dev/null >"$w/out" 2>"$w/err"
  fi
  code=$?
  end=$(date +%s%N)
  if [ "${MEASURE:-0}" = 1 ]; then
    local rss
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$w/time")
    printf '%-44s exit %s  %6.1f s  peak %5s MiB  %s\n' "$name" "$code" "$(awk -v d=$((end - start)) 'BEGIN { print d / 1e9 }')" \
      "$((rss / 1024))" "$(head -1 "$w/err" | cut -c1-150)"
  else
    printf '      %s: exit %s, %s\n' "$name" "$code" "$(head -c 300 "$w/err" | head -1)"
  fi
  if [ "$code" != "$want" ]; then bad "$name: exit $code, expected $want"; return; fi
  if [ "$(grep -vc '^Command being timed\|^\s' "$w/err")" -gt 1 ] && [ "$want" = 4 ]; then bad "$name: several lines of error"; return; fi
  if ! grep -qF -- "$text" "$w/err" "$w/out"; then bad "$name: lacks '$text'"; return; fi
  ok "$name"
}
api() { case_ "$@" diagnose taskruns -A --kubeconfig "$w/kubeconfig" --no-probe --request-timeout 5s; }
# registry NAME CODE TEXT [PATH [ARGS...]]: probe the peer as a registry (PATH: /repository:tag).
registry() {
  local name=$1 want=$2 text=$3 path=${4:-}
  shift 3
  [ $# -gt 0 ] && shift
  case_ "$name" "$want" "$text" probe "127.0.0.1:$port$path" --ca-file "$w/ca.pem" --timeout 5s -o json "$@"
}

start silent && api "API server that never answers" 4 "5000"
start silent && registry "registry that never answers" 1 "TLS handshake timeout"
start trickle && api "API server that trickles a byte a second" 4 "5000"
start trickle && registry "registry that trickles a byte a second: TLS judged, /v2/ timed out" 0 'timed out after'
start big-body && api "API server that announces 100 MB: refused at the headers" 4 "larger than"
# body_sent SAYS: the bytes of the body the peer got rid of before the tool hung up, against a
# bound. Announced: refused before reading any (what the sockets' buffers took is all that went).
# Chunked: read up to the 64 MiB bound, then refused.
body_sent() { sed -n 's/.*"body_sent": \([0-9]*\).*/\1/p' "$w/peer.log" | head -1; }
for _ in $(seq 1 50); do [ -n "$(body_sent)" ] && break; sleep 0.1; done
sent=$(body_sent)
if [ -z "$sent" ]; then bad "the big-body peer logged no count of what it sent"
elif [ "$sent" -ge $((16 << 20)) ]; then bad "a body announced as 100 MB was read ($sent bytes went) before it was refused"
else ok "a body announced as 100 MB was refused at its headers ($sent bytes went into the sockets' buffers)"; fi
start big-chunked && api "API server that streams 100 MB chunked" 4 "larger than"
for _ in $(seq 1 50); do [ -n "$(body_sent)" ] && break; sleep 0.1; done
sent=$(body_sent)
if [ -n "$sent" ] && [ "$sent" -ge $((60 << 20)) ] && [ "$sent" -lt $((100 << 20)) ]; then
  ok "a chunked body was refused at its 64 MiB bound ($sent bytes went)"
else
  bad "a chunked 100 MB body: ${sent:-no count} bytes went, expected the 64 MiB bound and less than all"
fi
start big-body && registry "registry whose /v2/ sends 100 MB: read within its bound" 0 '"http_status": 200'
start many-certs && api "API server with 4,000 certificates" 4 "excessive message size"
start many-certs && registry "registry with 4,000 certificates" 1 "excessive message size"
start redirect-loop && api "API server that loops redirects" 4 "302"
start redirect-loop && registry "registry that loops redirects: /v2/ is not followed" 0 'answered 302'
start bad-json && api "API server that sends JSON cut short" 4 "JSON"
start endless-list && api "API server whose list never ends" 4 "does not end"
start redirect-away &&
  printf '{"auths": {"127.0.0.1:%s": {"auth": "%s"}}}\n' "$port" "$(printf '%s:%s' "$secret_user" "$secret_password" | base64 -w0)" >"$w/docker.json" &&
  registry "registry redirecting a blob to another host: the image is read" 0 '"/app"' /team/app:v1 --entrypoint --registry-config "$w/docker.json"
if [ -s "$w/peer.log" ]; then
  grep -q '"authorization": true' "$w/peer.log" && bad "credentials followed the redirect to another host" ||
    ok "credentials did not follow the redirect to another host"
else
  bad "the redirect to another host was not followed, so nothing was checked"
fi
grep -rqF "$secret_password" "$w/out" "$w/err" && bad "the registry password is printed" || ok "the registry password is not printed"
e2e_summary "hostile peers"
