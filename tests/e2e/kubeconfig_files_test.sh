#!/usr/bin/env bash
# What a kubeconfig names, read defensively, against the loopback test API server
# (tests/support/fake_apiserver.py): files that are FIFOs, devices or too large are refused within
# --request-timeout; exec credential plugins are bounded by --request-timeout and stopped with
# their children; a token (inline, from tokenFile, from an exec plugin) holding CR/LF is refused
# before any request, with a one-line error naming the field and never the token.
# usage: kubeconfig_files_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: kubeconfig_files_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3 openssl
python=/usr/bin/python3
# shellcheck source=../support/fake-apiserver.sh
source "$support/fake-apiserver.sh"

k=$(mktemp -d)
trap 'kill $APISERVER_PID 2>/dev/null; [ -s "$k/child.pid" ] && kill "$(cat "$k/child.pid")" 2>/dev/null; rm -rf "$k"' EXIT

secret="tok-files-8c2e4b"
echo "$secret admin" > "$k/tokens"
"$python" "$support/cluster_fixture.py" ca-missing "$k/fixture.json" --registry 127.0.0.1:1 --ca "$k/tokens" ||
  { echo "FAIL: no fixture"; exit 1; }
apiserver_start "$k" || { echo "FAIL: the test API server did not start"; exit 1; }

# kubeconfig NAME USER-YAML [CLUSTER-YAML]: a kubeconfig with one cluster (the test server), one user.
kubeconfig() {
  cat > "$k/$1.yaml" <<KC
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
${3:-    certificate-authority: $k/ca.pem}
users:
- name: u
  user:
$2
contexts:
- name: test
  context: {cluster: test, user: u, namespace: ci}
current-context: test
KC
}
# run NAME ARGS...: diagnose taskrun/build-1 with the kubeconfig NAME (20 s at most; a hang shows
# as exit 124); keeps stdout, stderr, exit code, time, and the API requests it made.
run() {
  local name=$1 start before=0; shift
  [ -f "$k/requests.log" ] && before=$(wc -l < "$k/requests.log")
  start=$(date +%s%N)
  timeout 20 env -u KUBECONFIG "$binary" diagnose taskrun/build-1 --kubeconfig "$k/$name.yaml" --no-probe -o json "$@" \
    > "$k/$name.out" 2> "$k/$name.err" < /dev/null
  echo $? > "$k/$name.rc"
  echo $(( ($(date +%s%N) - start) / 1000000 )) > "$k/$name.ms"
  local after=0
  [ -f "$k/requests.log" ] && after=$(wc -l < "$k/requests.log")
  echo $((after - before)) > "$k/$name.requests"
}
# check NAME DESCRIPTION PYTHON-EXPR: rc, err, ms, requests.
check() {
  local name=$1 what=$2 expr=$3
  if "$python" - "$k/$name" "$expr" <<'PY'
import sys
base, expr = sys.argv[1:]
rc, err = int(open(base + ".rc").read()), open(base + ".err").read()
ms, requests = int(open(base + ".ms").read()), int(open(base + ".requests").read())
sys.exit(0 if eval(expr) else 1)
PY
  then ok "$what"; else bad "$what (rc=$(cat "$k/$name.rc"), $(cat "$k/$name.ms") ms; $(head -c 300 "$k/$name.err"))"; fi
}

# The control: a tokenFile that is a regular file works.
printf '%s\n' "$secret" > "$k/token"
kubeconfig tokenfile "    tokenFile: $k/token"
run tokenfile
check tokenfile "a regular tokenFile is read (exit 1, the run diagnosed)" 'rc == 1 and requests > 0'

# A FIFO nobody writes to: refused at once, whatever --request-timeout says.
mkfifo "$k/token.fifo"
kubeconfig fifo "    tokenFile: $k/token.fifo"
run fifo --request-timeout 30s
check fifo "a tokenFile that is a FIFO is refused at once (exit 4), naming the field and the path" \
  'rc == 4 and "user u: tokenFile '"$k"'/token.fifo: is a FIFO, not a regular file" in err and err.count("\n") == 1 and ms < 5000 and requests == 0'
kubeconfig key-fifo "    token: $secret
    client-certificate: $k/token.fifo
    client-key: $k/token.fifo"
run key-fifo
check key-fifo "a client-certificate that is a FIFO is refused (exit 4)" 'rc == 4 and "client-certificate" in err and "a FIFO" in err and requests == 0'
kubeconfig ca-device "    token: $secret" "    certificate-authority: /dev/zero"
run ca-device
check ca-device "a certificate-authority that is a device is refused (exit 4)" 'rc == 4 and "certificate-authority /dev/zero: is a character device" in err'
mkfifo "$k/kc-fifo.yaml"
run kc-fifo
check kc-fifo "a --kubeconfig that is a FIFO is refused (exit 4)" 'rc == 4 and "kubeconfig '"$k"'/kc-fifo.yaml: is a FIFO" in err'
head -c $((2 << 20)) /dev/zero | tr '\0' 'a' > "$k/token.big"
kubeconfig big "    tokenFile: $k/token.big"
run big
check big "a 2 MiB tokenFile is refused (exit 4)" 'rc == 4 and "larger than 1024 KiB" in err and requests == 0'

# CR/LF in a token: never sent as a header, never printed.
kubeconfig crlf "    token: \"$secret\\r\\nX-Injected: yes\""
run crlf
check crlf "a token holding CR/LF is refused before any request (exit 4), naming the field" \
  'rc == 4 and "user u: field token holds a CR, LF or NUL character" in err and err.count("\n") == 1 and requests == 0'
printf '%s\nX-Injected: yes\n' "$secret" > "$k/token.crlf"
kubeconfig crlf-file "    tokenFile: $k/token.crlf"
run crlf-file
check crlf-file "a tokenFile whose token holds a line break is refused (exit 4)" \
  'rc == 4 and "tokenFile '"$k"'/token.crlf: the token holds a CR, LF or NUL" in err and requests == 0'
cat > "$k/exec-crlf.sh" <<SH
#!/bin/sh
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s\\\\r\\\\nX-Injected: yes"}}\n' "$secret"
SH
chmod +x "$k/exec-crlf.sh"
kubeconfig exec-crlf "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $k/exec-crlf.sh"
run exec-crlf
check exec-crlf "an exec plugin's token holding CR/LF is refused (exit 4)" \
  'rc == 4 and "gave a token holding a CR, LF or NUL" in err and requests == 0'
if grep -qF "$secret" "$k"/*.err "$k"/*.out; then bad "a token appears in an error"; else ok "no token appears in any output or error"; fi
grep -q "X-Injected" "$k/requests.log" 2>/dev/null && bad "an injected header reached the server" || ok "no injected header reached the server"

# An exec plugin that never finishes, with a child of its own: bounded by --request-timeout,
# and the child is stopped with it.
cat > "$k/exec-hang.sh" <<SH
#!/bin/sh
sleep 300 &
echo \$! > "$k/child.pid"
sleep 300
SH
chmod +x "$k/exec-hang.sh"
kubeconfig exec-hang "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $k/exec-hang.sh"
run exec-hang --request-timeout 2s
check exec-hang "an exec plugin that never finishes: exit 4 after --request-timeout 2s, not 60 s" \
  'rc == 4 and "did not finish within 2000ms (--request-timeout)" in err and ms < 6000'
child_alive=yes
for _ in $(seq 1 20); do
  if [ -s "$k/child.pid" ] && ! kill -0 "$(cat "$k/child.pid")" 2>/dev/null; then child_alive=no; break; fi
  sleep 0.1
done
[ "$child_alive" = no ] && ok "the plugin's child process was stopped with it" || bad "the plugin's child process outlived it"

e2e_summary "kubeconfig files"
