#!/usr/bin/env bash
# The amd64 release binary, as unpacked from its krew archive, run where users run it: a bare
# Debian 11 root (glibc 2.31, no OpenSSL 3, no libcurl; tests/support/debian11-root.sh) entered
# with chroot. Offline (`version`, `explain`, `diagnose -f`), `probe` of loopback registries
# addressed as localhost (names through /etc/hosts; the trust store where Debian, RHEL and
# SSL_CERT_FILE put it), and `diagnose taskrun/x` against the loopback API server through a
# kubeconfig (a CA file, the system trust, an exec credential plugin, https_proxy). Each answer
# must equal the one the same binary gives on the build host.
# usage: release_debian11_test.sh BUILD-DIR
set -u
build=$(cd "${1:?usage: release_debian11_test.sh BUILD-DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
root_dir=$(cd "$here/../.." && pwd)
python=/usr/bin/python3
[ "$(id -u)" -eq 0 ] || { echo "SKIP: chroot needs root"; exit 77; }
for tool in debootstrap chroot mount docker-registry openssl "$python"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed (.ci/install-deps installs it)"; exit 77; }
done
archive="$build/krew/kubectl-tekton_certdoctor_linux_amd64.tar.gz"
[ -f "$archive" ] || { echo "FAIL: $archive is missing (cmake --build build --target krew-archive)"; exit 1; }

# shellcheck source=../support/debian11-root.sh
source "$support/debian11-root.sh"
# shellcheck source=../support/tls-registries.sh
source "$support/tls-registries.sh"
# shellcheck source=../support/fake-apiserver.sh
source "$support/fake-apiserver.sh"

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  debian11_leave
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  registries_stop
  rm -rf "$work"
}
trap cleanup EXIT

debian11_root "$build/release-roots" || { echo "FAIL: no Debian 11 root"; exit 1; }

# What goes into the root, under /work: the archive's files, samples, certificates, kubeconfigs.
mkdir -p "$work/bin" "$work/k"
tar -xzf "$archive" -C "$work/bin" || { echo "FAIL: cannot unpack $archive"; exit 1; }
cp -r "$root_dir/tests/samples" "$work/samples"
registries_start "$work/r" || { echo "FAIL: could not start the registries"; exit 1; }
root_ca="$work/r/trust/ca.crt"
k="$work/k"
echo "tok-debian11-51c2 admin" > "$k/tokens"
echo "tok-exec-debian11-77 exec-user" >> "$k/tokens"
"$python" "$support/cluster_fixture.py" ca-missing "$k/fixture.json" \
  --registry "127.0.0.1:${REGISTRY_PORT[good]}" --registry2 "127.0.0.1:${REGISTRY_PORT[self-signed]}" --ca "$root_ca"
apiserver_start "$k" || { echo "FAIL: the test API server did not start"; exit 1; }
pids+=("$APISERVER_PID")
server="https://localhost:$APISERVER_PORT"
# kubeconfig NAME USER-YAML [CLUSTER-CA-LINE [SERVER]]: file paths relative to the kubeconfig, so
# that the same file serves on the host and in the root.
kubeconfig() {
  cat > "$k/$1.yaml" <<KC
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${4:-$server}
    tls-server-name: kube.test
${3-    certificate-authority: ca.pem}
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
kubeconfig token "    token: tok-debian11-51c2"
kubeconfig system-trust "    token: tok-debian11-51c2" ""
kubeconfig short-name "    token: tok-debian11-51c2" "    certificate-authority: ca.pem" "https://kube:$APISERVER_PORT"
printf '#!/bin/sh\nprintf %s\n' \
  "'{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"tok-exec-debian11-77\"}}'" > "$k/exec-token.sh"
chmod +x "$k/exec-token.sh"
kubeconfig exec "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./exec-token.sh
      interactiveMode: Never"
"$python" "$support/connect_proxy.py" "$k/proxy.log" "$k/proxy.port" &
pids+=($!)
for _ in $(seq 1 50); do [ -s "$k/proxy.port" ] && break; sleep 0.1; done

debian11_enter "$work" || { echo "FAIL: cannot enter the Debian 11 root"; exit 1; }
R=$DEBIAN11_CHROOT

# The root is what it should be: glibc 2.31, neither OpenSSL 3 nor libcurl, no CA bundle.
libc=$(chroot "$R" getconf GNU_LIBC_VERSION 2>&1)
[ "$libc" = "glibc 2.31" ] && ok "the root runs $libc" || bad "the root's C library: $libc"
if chroot "$R" sh -c 'ls /usr/lib/*/libssl.so.3* /usr/lib/*/libcurl.so* /etc/ssl/certs/ca-certificates.crt' >/dev/null 2>&1; then
  bad "the root has OpenSSL 3, libcurl or a CA bundle"
else
  ok "the root has no OpenSSL 3, no libcurl and no CA bundle"
fi

# same NAME JSON-FIELDS ENV... -- ARGS...: runs the binary on the host and in the root (paths
# under /work inside); exit codes and the named fields of the JSON output must be equal.
same() {
  local name=$1 fields=$2 env_args=() host_args=() arg
  shift 2
  while [ "$1" != "--" ]; do env_args+=("$1"); shift; done
  shift
  for arg in "$@"; do host_args+=("${arg//\/work\//$work/}"); done
  local host_env=()
  for arg in "${env_args[@]}"; do host_env+=("${arg//\/work\//$work/}"); done
  (cd "$work" && timeout 60 env "${host_env[@]}" "$work/bin/kubectl-tekton_certdoctor" "${host_args[@]}" \
     > "$work/$name.host.out" 2> "$work/$name.host.err"); local host_rc=$?
  timeout 60 chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/work "${env_args[@]}" \
    /work/bin/kubectl-tekton_certdoctor "$@" > "$work/$name.root.out" 2> "$work/$name.root.err"
  local root_rc=$?
  local verdict
  verdict=$("$python" - "$work/$name.host.out" "$work/$name.root.out" "$fields" <<'PY'
import json, sys
def pick(path, fields):
    text = open(path).read()
    if fields == "-":
        return text
    d = json.loads(text)
    return [eval(f, {"d": d}) for f in fields.split(";")]
try:
    a, b = pick(sys.argv[1], sys.argv[3]), pick(sys.argv[2], sys.argv[3])
    print("same" if a == b else f"host {a!r:.300} root {b!r:.300}")
except Exception as e:
    print(f"unreadable output: {e}")
PY
)
  if [ "$host_rc" = "$root_rc" ] && [ "$verdict" = same ]; then
    ok "$(printf '%-28s exit %s, as on the host' "$name" "$root_rc")"
    return 0
  fi
  bad "$name: host exit $host_rc, root exit $root_rc; $verdict; root stderr: $(head -c 300 "$work/$name.root.err")"
  return 1
}
# want NAME EXPRESSION: a check of the root's JSON output d (and exit code rc).
want() {
  local name=$1 expr=$2 rc
  if "$python" - "$work/$name.root.out" "$expr" <<'PY'; then ok "$name: $expr"; else bad "$name: not $expr"; fi
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2], {"d": d}) else 1)
PY
}

same version - -- version
same explain 'd["findings"][0]["problem"];len(d["findings"])' -- \
  explain 'x509: certificate signed by unknown authority' -o json
want explain 'd["findings"][0]["problem"] == "unknown-authority"'
same diagnose-file 'd["findings"][0]["problem"];len(d["findings"])' -- \
  diagnose -f /work/samples/taskrun-unknown-authority.yaml -o json
want diagnose-file 'len(d["findings"]) > 0'

good=${REGISTRY_PORT[good]}
same probe-ca-file 'd["problem"]' -- probe "localhost:$good" --ca-file /work/r/trust/ca.crt -o json
want probe-ca-file 'd["problem"] == "ok"'
same probe-unknown-ca 'd["problem"]' -- probe "localhost:${REGISTRY_PORT[unknown-ca]}" -o json
want probe-unknown-ca 'd["problem"] == "unknown-authority"'
same probe-ssl-cert-file 'd["problem"]' SSL_CERT_FILE=/work/r/trust/ca.crt -- probe "localhost:$good" -o json
want probe-ssl-cert-file 'd["problem"] == "ok"'

# The trust store where RHEL keeps it (in the root only: the host has its own).
mkdir -p "$R/etc/pki/tls/certs"
cat "$root_ca" "$k/ca.pem" > "$R/etc/pki/tls/certs/ca-bundle.crt"
timeout 60 chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/work /work/bin/kubectl-tekton_certdoctor \
  probe "localhost:$good" -o json > "$work/probe-rhel-bundle.root.out" 2> "$work/probe-rhel-bundle.root.err"
want probe-rhel-bundle 'd["problem"] == "ok"'

same cluster-token 'd["findings"][0]["problem"];len(d["findings"])' -- \
  diagnose taskrun/build-1 --kubeconfig /work/k/token.yaml -o json
want cluster-token 'len(d["findings"]) > 0'
same cluster-exec-plugin 'd["findings"][0]["problem"]' -- \
  diagnose taskrun/build-1 --kubeconfig /work/k/exec.yaml -o json --no-probe
grep -q '"user": "exec-user"' "$k/requests.log" && ok "the exec plugin's token reached the API server" ||
  bad "no request as the exec plugin's user"
: > "$k/proxy.log"
timeout 60 chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/work https_proxy="http://127.0.0.1:$(cat "$k/proxy.port")" \
  /work/bin/kubectl-tekton_certdoctor diagnose taskrun/build-1 --kubeconfig /work/k/token.yaml -o json --no-probe \
  > "$work/cluster-proxy.root.out" 2> "$work/cluster-proxy.root.err"
want cluster-proxy 'len(d["findings"]) > 0'
grep -q "^localhost:$APISERVER_PORT$" "$k/proxy.log" && ok "https_proxy: the request went through the proxy" ||
  bad "https_proxy: the proxy saw no CONNECT to localhost:$APISERVER_PORT ($(head -c 200 "$k/proxy.log"))"
# No CA in the kubeconfig: the API server's CA from the system bundle (RHEL's path, above).
timeout 60 chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/work /work/bin/kubectl-tekton_certdoctor \
  diagnose taskrun/build-1 --kubeconfig /work/k/system-trust.yaml -o json --no-probe \
  > "$work/cluster-system-trust.root.out" 2> "$work/cluster-system-trust.root.err"
want cluster-system-trust 'len(d["findings"]) > 0'
# SSL_CERT_FILE replaces that bundle (here with one that lacks the API server's CA: refused), and
# SSL_CERT_DIR adds a hashed directory (openssl rehash) that has it.
mkdir -p "$work/certdir"
cp "$k/ca.pem" "$work/certdir/kube-ca.pem"
openssl rehash "$work/certdir" >/dev/null 2>&1 || c_rehash "$work/certdir" >/dev/null 2>&1
chroot_run() {
  local name=$1
  shift
  timeout 60 chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/work "$@" > "$work/$name.root.out" 2> "$work/$name.root.err"
  echo $?
}
rc=$(chroot_run cluster-ssl-cert-file SSL_CERT_FILE=/work/r/trust/ca.crt /work/bin/kubectl-tekton_certdoctor \
  diagnose taskrun/build-1 --kubeconfig /work/k/system-trust.yaml -o json --no-probe)
[ "$rc" = 4 ] && ok "cluster-ssl-cert-file: a bundle without the API server's CA is refused (exit 4)" ||
  bad "cluster-ssl-cert-file: exit $rc; $(head -c 300 "$work/cluster-ssl-cert-file.root.err")"
rc=$(chroot_run cluster-ssl-cert-dir SSL_CERT_FILE=/work/r/trust/ca.crt SSL_CERT_DIR=/work/certdir \
  /work/bin/kubectl-tekton_certdoctor diagnose taskrun/build-1 --kubeconfig /work/k/system-trust.yaml -o json --no-probe)
[ "$rc" = 1 ] && ok "cluster-ssl-cert-dir: the API server's CA found in SSL_CERT_DIR (exit 1, a diagnosis)" ||
  bad "cluster-ssl-cert-dir: exit $rc; $(head -c 300 "$work/cluster-ssl-cert-dir.root.err")"

# Search domains: the root's resolv.conf names a loopback DNS server and the domain
# certdoctor.test; the short names "registry" (the probe's own lookup) and "kube" (libcurl's)
# must be found as registry.certdoctor.test and kube.certdoctor.test.
"$python" "$support/loopback_dns.py" certdoctor.test 53 "$k/dns.log" 600 2> "$k/dns.err" &
pids+=($!)
# The server creates its log once it holds the port.
for _ in $(seq 1 50); do [ -e "$k/dns.log" ] && break; sleep 0.1; done
if [ ! -e "$k/dns.log" ]; then
  echo "note: no DNS server on 127.0.0.1:53 (port taken?): the search-domain checks are left out; $(head -c 200 "$k/dns.err")"
else
  printf 'nameserver 127.0.0.1\nsearch certdoctor.test\noptions timeout:2 attempts:2\n' > "$R/etc/resolv.conf"
  timeout 60 chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/work /work/bin/kubectl-tekton_certdoctor \
    probe "registry:$good" --ca-file /work/r/trust/ca.crt -o json > "$work/probe-search.root.out" 2> "$work/probe-search.root.err"
  # The registry's certificate names localhost and 127.0.0.1: reached, then refused by name.
  want probe-search 'd["problem"] == "hostname-mismatch"'
  grep -q '^registry.certdoctor.test 1$' "$k/dns.log" && ok "probe: registry found as registry.certdoctor.test" ||
    bad "probe: no query for registry.certdoctor.test ($(head -c 200 "$k/dns.log"))"
  timeout 60 chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/work /work/bin/kubectl-tekton_certdoctor \
    diagnose taskrun/build-1 --kubeconfig /work/k/short-name.yaml -o json --no-probe \
    > "$work/cluster-search.root.out" 2> "$work/cluster-search.root.err"
  want cluster-search 'len(d["findings"]) > 0'
  grep -q '^kube.certdoctor.test 1$' "$k/dns.log" && ok "API client: kube found as kube.certdoctor.test" ||
    bad "API client: no query for kube.certdoctor.test ($(head -c 200 "$k/dns.log"))"
fi

echo "release on Debian 11: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
