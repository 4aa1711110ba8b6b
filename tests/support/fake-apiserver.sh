#!/usr/bin/env bash
# Starts tests/support/fake_apiserver.py on 127.0.0.1 with certificates made here by openssl.
# Source it from a test or benchmark:
#
#   source tests/support/fake-apiserver.sh
#   echo "TOKEN USER" > "$dir/tokens"; write "$dir/fixture.json"
#   apiserver_start "$dir" || exit 1     # sets APISERVER_PID and APISERVER_PORT
#   apiserver_kubeconfig "$dir/kubeconfig" TOKEN
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
  for _ in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
  [ -s "$dir/port" ] || { echo "fake-apiserver: did not start: $(cat "$dir/server.err")" >&2; return 1; }
  APISERVER_PORT=$(cat "$dir/port")
}

# apiserver_kubeconfig FILE TOKEN: a kubeconfig for the started server (its CA, bearer TOKEN,
# namespace ci), for the scripts that need no other authentication.
apiserver_kubeconfig() {
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "https://127.0.0.1:$APISERVER_PORT", certificate-authority: "$APISERVER_DIR/ca.pem"}}]
users: [{name: u, user: {token: $2}}]
contexts: [{name: test, context: {cluster: test, user: u, namespace: ci}}]
current-context: test
KC
}
