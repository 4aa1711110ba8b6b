#!/usr/bin/env bash
# The krew archives hold binaries that work alone: for each platform the binary asks nothing of
# the host that cmake/release-abi.txt does not record (today: no shared library, no glibc symbol
# version, no program interpreter), is built for its architecture, and (amd64, here) runs its
# embedded catalog's examples with an empty environment, found by kubectl as
# `kubectl tekton-certdoctor`.
# usage: krew_archive_test.sh BUILD-DIR SOURCE-DIR
set -u
build=${1:?usage: krew_archive_test.sh BUILD-DIR SOURCE-DIR}
source_dir=${2:?usage: krew_archive_test.sh BUILD-DIR SOURCE-DIR}
passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for arch in amd64 arm64; do
  archive="$build/krew/kubectl-tekton_certdoctor_linux_$arch.tar.gz"
  [ -f "$archive" ] || { bad "$arch: $archive is missing"; continue; }
  mkdir -p "$work/$arch"
  tar -xzf "$archive" -C "$work/$arch" || { bad "$arch: tar"; continue; }
  bin="$work/$arch/kubectl-tekton_certdoctor"
  needed=$(readelf --dynamic --wide "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | paste -sd, -)
  newest=$(readelf --version-info --wide "$bin" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
  record=$(awk -v a="$arch" '$1 == a { print $2 " " $3 }' "$source_dir/cmake/release-abi.txt")
  [ "${needed:-none} ${newest:-none}" = "$record" ] &&
    ok "$arch: needs ${needed:-no shared library}, glibc ${newest:-none} (as recorded)" ||
    bad "$arch: needs '${needed:-none}' and glibc '${newest:-none}'; cmake/release-abi.txt records '$record'"
  if readelf --program-headers "$bin" | grep -q INTERP; then bad "$arch: has a program interpreter"; else ok "$arch: no program interpreter (static)"; fi
  machine=$(readelf --file-header "$bin" | sed -n 's/^ *Machine: *//p')
  want=$([ "$arch" = amd64 ] && echo "Advanced Micro Devices X86-64" || echo "AArch64")
  [ "$machine" = "$want" ] && ok "$arch: built for $machine" || bad "$arch: built for $machine"
  if readelf --sections "$bin" | grep -q '\.debug_'; then bad "$arch: carries debug information"; else ok "$arch: stripped"; fi
done

d="$work/amd64"
(cd "$d" && env -i PATH="$d:/usr/bin:/bin" HOME="$d" timeout 20 ./kubectl-tekton_certdoctor patterns test >/dev/null) &&
  ok "the lone amd64 binary runs its embedded catalog's examples" ||
  bad "the lone amd64 binary cannot run its embedded catalog's examples"
if command -v kubectl >/dev/null 2>&1; then
  out=$(cd "$d" && env -i PATH="$d:/usr/bin:/bin" HOME="$d" timeout 20 kubectl tekton-certdoctor version)
  case "$out" in "tekton-certdoctor v"*|"tekton-certdoctor "[0-9]*) ok "kubectl runs the plugin: $out" ;;
    *) bad "kubectl tekton-certdoctor version printed: $out" ;; esac
fi
echo "krew archive: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
