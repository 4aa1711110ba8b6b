#!/usr/bin/env bash
# Starts tests/support/fake_apiserver.py on 127.0.0.1 with certificates made here by openssl.
# Source it from a test or benchmark:
#
#   source tests/support/fake-apiserver.sh
#   echo "TOKEN USER" > "$dir/tokens"; write "$dir/fixture.json"
#   apiserver_start "$dir" || exit 1     # sets APISERVER_PID and APISERVER_PORT
#   apiserver_kubeconfig "$dir/kubeconfig" TOKEN     # or --user USER-YAML ...: see below
#
# $dir then holds ca.pem (the API server's CA), server.pem/.key (IP 127.0.0.1, DNS kube.test),
# client.pem/.key (CN cert-user, signed by the same CA) and requests.log (one JSON line per request).

_apiserver_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

apiserver_certs() {
  (
    cd "$1" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=test-kube-ca" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=kube-apiserver"
    printf 'subjectAltName=IP:127.0.0.1,DNS:kube.test\nextendedKeyUsage=serverAuth\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext
    openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/O=system:masters/CN=cert-user"
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 -extfile client.ext
  ) >/dev/null 2>&1 || { echo "fake-apiserver: could not make certificates" >&2; return 1; }
}

apiserver_start() {
  local dir=$1
  apiserver_certs "$dir" || return 1
  /usr/bin/python3 "$_apiserver_here/fake_apiserver.py" --cert "$dir/server.pem" --key "$dir/server.key" \
    --client-ca "$dir/ca.pem" --tokens "$dir/tokens" --fixture "$dir/fixture.json" --log "$dir/requests.log" \
    --port-file "$dir/port" 2> "$dir/server.err" &
  APISERVER_PID=$!
  APISERVER_DIR=$dir
  local _
  # Up to 30 s: a loaded 2-core machine starting Python beside parallel tests can take several.
  for _ in $(seq 1 300); do [ -s "$dir/port" ] && break; sleep 0.1; done
  [ -s "$dir/port" ] || { echo "fake-apiserver: did not start: $(cat "$dir/server.err")" >&2; return 1; }
  APISERVER_PORT=$(cat "$dir/port")
}

# apiserver_kubeconfig FILE TOKEN
# apiserver_kubeconfig FILE --user USER-YAML [--cluster CLUSTER-YAML] [--server URL] [--also-context NAME]
# A kubeconfig for the started server: one cluster "test" (its address and CA), one user "u" (bearer
# TOKEN, or USER-YAML: the user's fields, each line indented by four spaces), and the context
# "test" (namespace ci) as the current one. CLUSTER-YAML replaces the cluster's
# `certificate-authority` line (same indent), URL the server's address; --also-context adds a
# context NAME on the same cluster and user, without a namespace.
apiserver_kubeconfig() {
  local file=$1 user="" cluster="    certificate-authority: $APISERVER_DIR/ca.pem"
  local server="https://127.0.0.1:$APISERVER_PORT" also=""
  shift
  if [ "${1:-}" != --user ]; then
    user="    token: ${1:?apiserver_kubeconfig FILE TOKEN}"
    shift
  fi
  while [ $# -gt 0 ]; do
    case "$1" in
      --user) user=$2 ;;
      --cluster) cluster=$2 ;;
      --server) server=$2 ;;
      --also-context) also="$also
- name: $2
  context: {cluster: test, user: u}" ;;
      *) echo "apiserver_kubeconfig: unknown argument $1" >&2; return 2 ;;
    esac
    shift 2
  done
  cat > "$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: $server
$cluster
users:
- name: u
  user:
$user
contexts:
- name: test
  context: {cluster: test, user: u, namespace: ci}$also
current-context: test
KC
}
