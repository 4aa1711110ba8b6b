#!/usr/bin/env bash
# The krew archive holds what the manifest names, its sha256 is the one written into the
# generated manifest, and the binary inside works alone (embedded catalog, no shared libraries
# beyond glibc), found by kubectl as `kubectl tekton-certdoctor`.
# usage: krew_archive_test.sh BUILD-DIR
set -u
build=${1:?usage: krew_archive_test.sh BUILD-DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*"; echo "krew archive: 0 passed, 1 failed"; exit 1; }

timeout 300 cmake --build "$build" --target krew-archive >/dev/null || fail "krew-archive target"
archive="$build/krew/kubectl-tekton_certdoctor_linux_amd64.tar.gz"
manifest="$build/krew/tekton-certdoctor.yaml"
[ -f "$archive" ] && [ -f "$manifest" ] || fail "archive or manifest missing"

want=$(sha256sum "$archive" | cut -d' ' -f1)
grep -q "sha256: $want" "$manifest" || fail "manifest sha256 is not the archive's ($want)"

/usr/bin/python3 - "$root/krew-manifest.yaml" <<'PY' || fail "manifest fields"
import sys, yaml
m = yaml.safe_load(open(sys.argv[1]))
assert m["apiVersion"] == "krew.googlecontainertools.github.com/v1alpha2" and m["kind"] == "Plugin"
assert m["metadata"]["name"] == "tekton-certdoctor"
spec = m["spec"]
for key in ("version", "homepage", "shortDescription", "description", "platforms"):
    assert spec.get(key), key
assert spec["version"].startswith("v")
for p in spec["platforms"]:
    assert p["bin"] == "kubectl-tekton_certdoctor"
    assert {f["from"] for f in p["files"]} == {"kubectl-tekton_certdoctor", "LICENSE"}
    assert p["uri"].endswith("kubectl-tekton_certdoctor_linux_amd64.tar.gz")
PY

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work" || fail "tar"
[ "$(tar -tzf "$archive" | sort | tr '\n' ' ')" = "LICENSE kubectl-tekton_certdoctor " ] || fail "archive contents"
# Only glibc and the two libraries every current distribution ships with stable sonames.
libs=$(readelf -d "$work/kubectl-tekton_certdoctor" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
       grep -vxE 'libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2|libcurl\.so\.4|libssl\.so\.3|libcrypto\.so\.3' || true)
[ -z "$libs" ] || fail "needs shared libraries beyond glibc, libcurl 4 and OpenSSL 3: $libs"
(cd "$work" && env -i PATH="$work:/usr/bin:/bin" HOME="$work" timeout 20 ./kubectl-tekton_certdoctor patterns test >/dev/null) ||
  fail "the lone binary cannot run its embedded catalog's examples"
if command -v kubectl >/dev/null 2>&1; then
  out=$(cd "$work" && env -i PATH="$work:/usr/bin:/bin" HOME="$work" timeout 20 kubectl tekton-certdoctor version) ||
    fail "kubectl tekton-certdoctor version"
  case "$out" in "tekton-certdoctor v"*|"tekton-certdoctor "[0-9]*) ;; *) fail "version printed: $out";; esac
fi
echo "krew archive: 1 passed, 0 failed"
