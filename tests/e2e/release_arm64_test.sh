#!/usr/bin/env bash
# The arm64 release binary, as unpacked from its krew archive, runs the offline commands under
# qemu-aarch64-static (user-mode emulation; the binary is static, so no arm64 root is needed):
# `version`, `explain`, `diagnose -f`, `patterns test`, `probe --chain-file`. Answers must equal
# those of the amd64 binary.
# usage: release_arm64_test.sh BUILD-DIR SOURCE-DIR
set -u
build=$(cd "${1:?usage: release_arm64_test.sh BUILD-DIR SOURCE-DIR}" && pwd)
source_dir=$(cd "${2:?usage: release_arm64_test.sh BUILD-DIR SOURCE-DIR}" && pwd)
qemu=$(command -v qemu-aarch64-static) || { echo "SKIP: qemu-aarch64-static is not installed (.ci/install-deps installs it)"; exit 77; }
passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for arch in amd64 arm64; do
  archive="$build/krew/kubectl-tekton_certdoctor_linux_$arch.tar.gz"
  mkdir -p "$work/$arch"
  tar -xzf "$archive" -C "$work/$arch" || { echo "FAIL: cannot unpack $archive"; exit 1; }
done
samples="$source_dir/tests/samples"

# same NAME ARGS...: exit code and output of the arm64 binary under qemu equal the amd64 binary's
# (times in milliseconds and the clock time of a verification aside: emulation is slower, and the
# two runs may fall in different seconds).
same() {
  local name=$1
  shift
  (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" timeout 60 "$work/amd64/kubectl-tekton_certdoctor" "$@" \
     > "$work/$name.amd64" 2>&1); local want_rc=$?
  (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" timeout 300 "$qemu" "$work/arm64/kubectl-tekton_certdoctor" "$@" \
     > "$work/$name.arm64" 2>&1); local rc=$?
  sed -i -E 's/[0-9]+ ms\b/N ms/g; s/("elapsed_ms": )[0-9]+/\1N/g; s/("verified_at": )"[^"]*"/\1"T"/g' \
    "$work/$name.amd64" "$work/$name.arm64"
  if [ "$rc" = "$want_rc" ] && cmp -s "$work/$name.amd64" "$work/$name.arm64"; then
    ok "$(printf '%-16s exit %s, as on amd64' "$name" "$rc")"
  else
    bad "$name: exit $rc (amd64 $want_rc); $(diff "$work/$name.amd64" "$work/$name.arm64" | head -5)"
  fi
}
same version version
same explain explain 'x509: certificate signed by unknown authority' -o json
same diagnose-file diagnose -f "$samples/taskrun-unknown-authority.yaml" -o json
same diagnose-dump diagnose -f "$samples/pipelinerun-v1-with-children.yaml"
same patterns-test patterns test
grep -q '"problem": "unknown-authority"' "$work/explain.arm64" && ok "arm64 explain names unknown-authority" ||
  bad "arm64 explain: $(head -c 300 "$work/explain.arm64")"
grep -q '"problem": "unknown-authority"' "$work/diagnose-file.arm64" && ok "arm64 diagnose -f names unknown-authority" ||
  bad "arm64 diagnose -f: $(head -c 300 "$work/diagnose-file.arm64")"

# An offline chain check: a chain made here by openssl, judged the same on both.
if command -v openssl >/dev/null 2>&1; then
  (cd "$work" &&
   openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=arm64 test root" \
     -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign &&
   openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=localhost" &&
   printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > leaf.ext &&
   openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 -extfile leaf.ext
  ) >/dev/null 2>&1 || bad "openssl could not make the test chain"
  same chain-file probe --chain-file "$work/leaf.pem" --server-name localhost --ca-file "$work/ca.pem" -o json
  grep -q '"problem": "ok"' "$work/chain-file.arm64" && ok "arm64 probe --chain-file accepts a good chain" ||
    bad "arm64 probe --chain-file: $(head -c 300 "$work/chain-file.arm64")"
fi
echo "release arm64 under qemu: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
