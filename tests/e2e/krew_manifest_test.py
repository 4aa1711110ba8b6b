#!/usr/bin/python3
"""The krew manifests validate as krew validates them (kubernetes-sigs/krew's
internal/index/validation and the limits of `kubectl krew search`), against the archives built.

- The generated manifest (build/krew/tekton-certdoctor.yaml): every rule, with each platform's
  sha256 equal to its archive's, each `files` entry present in the archive and every archive
  file listed, `bin` among the files, one platform per archive.
- The repository's krew-manifest.yaml: the same rules, except that version, uri and sha256 may
  hold the quoted placeholder RELEASE-PLACEHOLDER until a release writes them.

usage: krew_manifest_test.py BUILD-DIR SOURCE-DIR
"""
import hashlib
import os
import re
import sys
import tarfile

import yaml

PLACEHOLDER = "RELEASE-PLACEHOLDER"
BINARY = "kubectl-tekton_certdoctor"
SEARCH_COLUMN = 50  # krew search cuts a longer shortDescription to 47 characters and "..."
WINDOWS_FORBIDDEN = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
SEMVER = re.compile(r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$")

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}{': ' + detail if detail else ''}")


def placeholder_or(value, allow_placeholder, rule):
    if allow_placeholder and value == PLACEHOLDER:
        return True
    return isinstance(value, str) and rule(value)


def validate(label, path, archives, allow_placeholder, rbac_resources):
    with open(path, encoding="utf-8") as f:
        m = yaml.safe_load(f)
    spec = m.get("spec") or {}
    name = (m.get("metadata") or {}).get("name", "")
    check(f"{label}: apiVersion and kind", m.get("apiVersion") == "krew.googlecontainertools.github.com/v1alpha2"
          and m.get("kind") == "Plugin")
    # krew: ^[\w-]+$ and no Windows device name; the naming guide: lowercase words and hyphens,
    # no kubectl prefix; file name = plugin name.
    check(f"{label}: name {name!r} follows krew's rules", isinstance(name, str) and re.fullmatch(r"[\w-]+", name)
          and name.upper() not in WINDOWS_FORBIDDEN and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
          and not name.startswith("kubectl"))
    check(f"{label}: the binary is kubectl-NAME with _ for -", BINARY == "kubectl-" + name.replace("-", "_"))
    short = spec.get("shortDescription")
    check(f"{label}: shortDescription fits krew search's column ({SEARCH_COLUMN})",
          isinstance(short, str) and short and "\n" not in short and "\r" not in short and len(short) <= SEARCH_COLUMN,
          repr(short))
    check(f"{label}: version is a v-prefixed semantic version", placeholder_or(
        spec.get("version"), allow_placeholder, lambda v: SEMVER.match(v) is not None), repr(spec.get("version")))
    check(f"{label}: homepage is an https URL", isinstance(spec.get("homepage"), str)
          and spec["homepage"].startswith("https://"))
    check(f"{label}: description", isinstance(spec.get("description"), str) and len(spec["description"]) > len(short or ""))
    caveats = spec.get("caveats") or ""
    missing = [r for r in rbac_resources if r not in caveats]
    check(f"{label}: caveats name the RBAC needed", "RBAC" in caveats and not missing, f"missing {missing}")
    platforms = spec.get("platforms") or []
    check(f"{label}: platforms given", isinstance(platforms, list) and platforms)
    seen = set()
    for p in platforms:
        sel = p.get("selector") or {}
        labels = sel.get("matchLabels") or {}
        key = (labels.get("os"), labels.get("arch"))
        seen.add(key)
        where = f"{label}: platform {key[0]}/{key[1]}"
        check(f"{where}: selector uses only os and arch", labels and set(labels) <= {"os", "arch"}
              and "matchExpressions" not in sel and set(sel) <= {"matchLabels"})
        uri, sha = p.get("uri"), p.get("sha256")
        check(f"{where}: sha256 is 64 lowercase hex digits (a string)", placeholder_or(
            sha, allow_placeholder, lambda s: re.fullmatch(r"[a-f0-9]{64}", s) is not None), repr(sha))
        archive_name = f"{BINARY}_{key[0]}_{key[1]}.tar.gz"
        check(f"{where}: uri is https and names {archive_name}", placeholder_or(
            uri, allow_placeholder, lambda u: u.startswith("https://") and u.endswith("/" + archive_name)), repr(uri))
        files = p.get("files")
        check(f"{where}: files, each with from and to", isinstance(files, list) and files
              and all(isinstance(f, dict) and f.get("from") and f.get("to") == "." for f in files))
        check(f"{where}: bin is {BINARY}, among the files", p.get("bin") == BINARY
              and any(f.get("from") == BINARY for f in files or []))
        archive = archives.get(key)
        check(f"{where}: an archive was built for it", archive is not None)
        if archive is None:
            continue
        with open(archive, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        with tarfile.open(archive) as t:
            members = {i.name: i for i in t.getmembers()}
        listed = {f.get("from") for f in files or []}
        check(f"{where}: every file named is in the archive", listed <= set(members), f"absent {listed - set(members)}")
        check(f"{where}: the archive's binary is executable",
              BINARY in members and members[BINARY].isfile() and members[BINARY].mode & 0o111)
        if not allow_placeholder:
            check(f"{where}: sha256 is the archive's", sha == digest, f"{sha} != {digest}")
            check(f"{where}: every archive file is listed", set(members) == listed,
                  f"unlisted {set(members) - listed}")
    check(f"{label}: one platform per archive built", seen == set(archives), f"{sorted(seen)} vs {sorted(archives)}")
    return m


def main():
    build, source = sys.argv[1], sys.argv[2]
    krew = os.path.join(build, "krew")
    archives = {}
    for entry in sorted(os.listdir(krew)) if os.path.isdir(krew) else []:
        m = re.fullmatch(re.escape(BINARY) + r"_([a-z]+)_([a-z0-9]+)\.tar\.gz", entry)
        if m:
            archives[m.groups()] = os.path.join(krew, entry)
    check("archives for linux/amd64 and linux/arm64", {("linux", "amd64"), ("linux", "arm64")} <= set(archives),
          f"have {sorted(archives)}")
    with open(os.path.join(source, "plugin/rbac/certdoctor-reader.yaml"), encoding="utf-8") as f:
        role = yaml.safe_load(f)
    rbac = sorted({r for rule in role["rules"] for r in rule.get("resources", []) + rule.get("resourceNames", [])})
    validate("generated", os.path.join(krew, "tekton-certdoctor.yaml"), archives, False, rbac)
    repo = validate("krew-manifest.yaml", os.path.join(source, "krew-manifest.yaml"), archives, True, rbac)
    # Until a release, the repository's manifest holds the marked placeholders (and only them).
    spec = repo.get("spec", {})
    values = [spec.get("version")] + [p.get(k) for p in spec.get("platforms", []) for k in ("uri", "sha256")]
    check("krew-manifest.yaml: version, uris and sha256s are all released or all placeholders",
          all(v == PLACEHOLDER for v in values) or not any(v == PLACEHOLDER for v in values), repr(values))
    print(f"krew manifest: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
