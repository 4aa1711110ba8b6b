#!/usr/bin/env bash
# Fetches Debian 12 source and binary packages for the release build through a private apt
# configuration under DIR (the system's apt setup is left alone). apt checks the archive's
# signed Release files against the Debian archive keyring and every file against the sha256 the
# signed indexes list, so nothing unverified reaches the build. The mirrors are the system's own.
# usage: debian_packages.sh DIR source PACKAGE...      unpacked (Debian patches applied) in DIR/src
#        (and linked as DIR/src/PACKAGE)
#        debian_packages.sh DIR download PACKAGE:ARCH... unpacked into DIR/root-ARCH
set -euo pipefail
dir=${1:?usage: debian_packages.sh DIR source|download PACKAGE...}
action=${2:?usage: debian_packages.sh DIR source|download PACKAGE...}
shift 2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# One at a time per DIR: the build may ask for sources and binaries at once.
exec 9> "$dir/.lock"
flock 9
apt_dir=$dir/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/sources.list.d"

# The system's Debian sources with deb-src added (deb822 and one-line formats).
sources=$apt_dir/sources.list.d/debian.sources
if [ ! -s "$sources" ]; then
  : > "$sources.tmp"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -qi '^Signed-By:.*debian-archive-keyring' "$f" || continue
    sed -E 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb deb-src/' "$f" >> "$sources.tmp"
    echo >> "$sources.tmp"
  done
  list=$apt_dir/sources.list.d/debian.list
  : > "$list"
  if [ -f /etc/apt/sources.list ]; then
    grep -E '^deb[[:space:]]' /etc/apt/sources.list | grep -v '^deb-src' |
      while read -r line; do echo "$line"; echo "deb-src${line#deb}"; done > "$list" || true
  fi
  [ -s "$sources.tmp" ] || [ -s "$list" ] || { echo "debian_packages: no Debian apt source on this system" >&2; exit 1; }
  mv "$sources.tmp" "$sources"
fi

apt_opts=(
  -o Dir::State="$apt_dir" -o Dir::State::status=/var/lib/dpkg/status
  -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir" -o Dir::Cache::Archives="$apt_dir/archives"
  -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt_dir/sources.list.d"
  -o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o APT::Architectures::=arm64
  -o Acquire::Languages=none -o APT::Sandbox::User=root -o Debug::NoLocking=1
  -o Acquire::AllowInsecureRepositories=false -o APT::Get::AllowUnauthenticated=false
)
# One index download a day is enough for a build.
if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Sources*' -mmin -1440 2>/dev/null | head -1)" ]; then
  apt-get "${apt_opts[@]}" -qq update
fi

case "$action" in
  source)
    mkdir -p "$dir/src"
    cd "$dir/src"
    for p in "$@"; do
      name=${p%%/*}
      # apt-get source checks the .dsc and tarballs against the signed Sources index.
      ls -d "$name"-[0-9]*/ >/dev/null 2>&1 || apt-get "${apt_opts[@]}" -qq source "$p" >/dev/null
      # DIR/src/NAME: the unpacked tree without its version, for stable paths.
      # (an empty directory there is the one CMake's ExternalProject makes ahead of time).
      [ -L "$name" ] || [ ! -d "$name" ] || rmdir "$name"
      ln -sfn "$(ls -d "$name"-[0-9]*/ | head -1)" "$name"
    done
    ;;
  download)
    cd "$apt_dir/archives"
    for p in "$@"; do
      arch=${p##*:}
      apt-get "${apt_opts[@]}" -qq download "$p"
      deb=$(ls -t "${p%%:*}"_*_"$arch".deb | head -1)
      mkdir -p "$dir/root-$arch"
      dpkg-deb -x "$deb" "$dir/root-$arch"
    done
    ;;
  *) echo "debian_packages: unknown action $action" >&2; exit 2 ;;
esac
