#!/usr/bin/env python3
"""Writes the krew manifest for a set of built archives.

Takes the repository's krew-manifest.yaml as the template: everything above `platforms:` is
kept as written (description, caveats), the version is set, and one platform is written per
archive with its URI, its sha256 (as a quoted string) and its files as found in the archive.

  krew_manifest.py --template krew-manifest.yaml --version v0.2.0 --out OUT.yaml ARCHIVE...

At release, --out krew-manifest.yaml replaces the placeholders in the repository's manifest
(README, "Release"). An archive is named kubectl-tekton_certdoctor_OS_ARCH.tar.gz.
"""
import argparse
import hashlib
import os
import re
import sys
import tarfile

BINARY = "kubectl-tekton_certdoctor"
ARCHIVE_NAME = re.compile(r"^" + re.escape(BINARY) + r"_([a-z]+)_([a-z0-9]+)\.tar\.gz$")


def fail(message):
    print(f"krew_manifest: {message}", file=sys.stderr)
    sys.exit(1)


def platform_text(path, uri_base):
    name = os.path.basename(path)
    m = ARCHIVE_NAME.match(name)
    if not m:
        fail(f"{path}: not named {BINARY}_OS_ARCH.tar.gz")
    os_name, arch = m.groups()
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    with tarfile.open(path) as t:
        members = sorted(i.name for i in t.getmembers() if i.isfile())
    if BINARY not in members:
        fail(f"{path}: holds no {BINARY}")
    members.remove(BINARY)
    files = "".join(f"        - from: {m}\n          to: .\n" for m in [BINARY] + members)
    return (f"    - selector:\n        matchLabels:\n          os: {os_name}\n          arch: {arch}\n"
            f"      uri: \"{uri_base}/{name}\"\n      sha256: \"{sha}\"\n"
            f"      files:\n{files}      bin: {BINARY}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--template", required=True)
    ap.add_argument("--version", required=True, help="v-prefixed semantic version, e.g. v0.2.0")
    ap.add_argument("--out", required=True)
    ap.add_argument("--uri-base", help="where the archives are published (default: the homepage's "
                    "GitHub release download folder for --version)")
    ap.add_argument("archives", nargs="+")
    args = ap.parse_args()
    if not re.fullmatch(r"v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?", args.version):
        fail(f"version {args.version!r} is not a v-prefixed semantic version")
    with open(args.template, encoding="utf-8") as f:
        text = f.read()
    head, sep, _ = text.partition("\n  platforms:\n")
    if not sep:
        fail(f"{args.template}: no spec.platforms (it must be the last field of spec)")
    # The note on placeholders goes with them.
    head = re.sub(r"(?m)^  #[^\n]*\n(?=(  #[^\n]*\n)*  version:)", "", head)
    head, n = re.subn(r"(?m)^  version: .*$", f'  version: "{args.version}"', head)
    if n != 1:
        fail(f"{args.template}: no spec.version line")
    uri_base = args.uri_base
    if not uri_base:
        homepage = re.search(r"(?m)^  homepage: *\"?([^\"\n]+)\"?$", head)
        if not homepage:
            fail(f"{args.template}: no spec.homepage to derive --uri-base from")
        uri_base = f"{homepage.group(1).rstrip('/')}/releases/download/{args.version}"
    platforms = "".join(platform_text(a, uri_base.rstrip("/")) for a in args.archives)
    out = head + sep + platforms
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(out)
    os.replace(tmp, args.out)
    print(f"krew_manifest: wrote {args.out} ({len(args.archives)} platforms, {args.version})")


if __name__ == "__main__":
    main()
