#!/usr/bin/env bash
# A bare Debian 11 (bullseye, glibc 2.31, no OpenSSL 3, no libcurl) made by
# `debootstrap --variant=minbase`, kept under the build directory so that reruns take seconds.
# Source it from a test:
#
#   source tests/support/debian11-root.sh
#   debian11_root "$build/release-roots" || exit 1   # sets DEBIAN11_ROOT (read-only use)
#   debian11_enter "$work"                           # a writable overlay of it with /proc, /dev
#                                                    # and $work bound at /work: DEBIAN11_CHROOT
#   chroot "$DEBIAN11_CHROOT" /work/...              # as many times as needed
#   debian11_leave                                   # unmounts (also call it from the EXIT trap)
#
# The mirror is the one the system's apt uses for Debian. Needs root, debootstrap and chroot.

# The system's Debian mirror (the URI of its first non-security Debian source).
_debian11_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS=""; FS="\n" }
         /debian-archive-keyring/ && !/-security/ {
           for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); print a[2]; exit }
         }' "$f"
  done | head -1
  if [ -f /etc/apt/sources.list ]; then
    awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^(http|https|file):/) { print $i; exit } }' /etc/apt/sources.list
  fi
}

debian11_root() {
  local cache=$1 mirror log
  DEBIAN11_ROOT=$cache/bullseye
  [ -f "$DEBIAN11_ROOT/.complete" ] && return 0
  mirror=$(_debian11_mirror | head -1)
  [ -n "$mirror" ] || { echo "debian11-root: no Debian mirror in the system's apt sources" >&2; return 1; }
  mkdir -p "$cache"
  rm -rf "$DEBIAN11_ROOT.new"
  log=$cache/debootstrap.log
  echo "debian11-root: debootstrap --variant=minbase bullseye (once; log in $log)" >&2
  if ! timeout 1200 debootstrap --variant=minbase bullseye "$DEBIAN11_ROOT.new" "$mirror" > "$log" 2>&1; then
    echo "debian11-root: debootstrap failed: $(tail -3 "$log")" >&2
    return 1
  fi
  # Name resolution in the root: /etc/hosts as every distribution has it.
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$DEBIAN11_ROOT.new/etc/hosts"
  rm -rf "$DEBIAN11_ROOT"
  mv "$DEBIAN11_ROOT.new" "$DEBIAN11_ROOT"
  touch "$DEBIAN11_ROOT/.complete"
}

DEBIAN11_MOUNTS=()
debian11_enter() {
  local work=$1 layer
  layer=$(mktemp -d)
  mkdir -p "$layer/upper" "$layer/work" "$layer/merged"
  DEBIAN11_LAYER=$layer
  if mount -t overlay overlay -o "lowerdir=$DEBIAN11_ROOT,upperdir=$layer/upper,workdir=$layer/work" "$layer/merged" 2>/dev/null; then
    DEBIAN11_MOUNTS+=("$layer/merged")
  else
    cp -a "$DEBIAN11_ROOT/." "$layer/merged/"  # no overlayfs here: a copy (about 150 MB)
  fi
  DEBIAN11_CHROOT=$layer/merged
  mkdir -p "$DEBIAN11_CHROOT/work"
  mount -t proc proc "$DEBIAN11_CHROOT/proc" && DEBIAN11_MOUNTS+=("$DEBIAN11_CHROOT/proc") || return 1
  mount --bind /dev "$DEBIAN11_CHROOT/dev" && DEBIAN11_MOUNTS+=("$DEBIAN11_CHROOT/dev") || return 1
  mount --bind "$work" "$DEBIAN11_CHROOT/work" && DEBIAN11_MOUNTS+=("$DEBIAN11_CHROOT/work") || return 1
}

debian11_leave() {
  local i
  for ((i = ${#DEBIAN11_MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${DEBIAN11_MOUNTS[$i]}" 2>/dev/null || umount -l "${DEBIAN11_MOUNTS[$i]}" 2>/dev/null
  done
  DEBIAN11_MOUNTS=()
  [ -n "${DEBIAN11_LAYER:-}" ] || return 0
  # Never remove through a mount that is still there (/dev, the work directory).
  if grep -qF " $DEBIAN11_LAYER/" /proc/mounts; then
    echo "debian11-root: $DEBIAN11_LAYER is still mounted; left in place" >&2
  else
    rm -rf --one-file-system "$DEBIAN11_LAYER"
  fi
  DEBIAN11_LAYER=
}
