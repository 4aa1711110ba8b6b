#!/usr/bin/env python3
"""Go's own verifier test table through the probe: the cases of verifyTests in crypto/x509's
verify_test.go, read at test time from the Go installed on this machine (Debian's golang-go ships
its source; nothing of it is copied into this repository), each run as
`probe --chain-file LEAF+INTERMEDIATES --ca-file ROOTS --no-system-roots --at TIME [--server-name]`
and held to the outcome Go's table expects.

Cases a TLS client cannot meet are left out, by name in the output: those that ask for other
extended key usages than server authentication (a TLS client always asks for that one). Go runs
this table with GODEBUG=x509sha1=1, which no controller sets (and Go 1.24 removed): where the
table expects a chain signed with SHA-1 to verify, the probe must say what a controller says,
insecure-signature naming SHA-1; those cases are counted apart.

usage: go_verify_table_test.py PATH-TO-kubectl-tekton_certdoctor
Exit 77 (skipped) when no Go source with verify_test.go is installed.
"""
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# What each errorCallback of Go's table accepts, as the probe's go_error kinds.
EXPECT = {
    "expectHostnameError": {"hostname-mismatch", "no-ip-sans", "legacy-common-name"},
    "expectExpired": {"expired", "not-yet-valid"},
    "expectUsageError": {"incompatible-usage"},
    "expectAuthorityUnknown": {"unknown-authority", "insecure-signature", "rsa-key-too-small"},
    "expectHashError": None,  # any failure whose words say "algorithm unimplemented"
    "expectNameConstraintsError": {"name-constraints"},
    "expectNotAuthorizedError": {"not-authorized-to-sign"},
    "expectUnhandledCriticalExtension": {"unhandled-critical-extension"},
}


def verify_test_source():
    candidates = []
    go = shutil.which("go")
    if go:
        root = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True).stdout.strip()
        candidates.append(os.path.join(root, "src/crypto/x509/verify_test.go"))
    candidates += sorted(glob.glob("/usr/lib/go-*/src/crypto/x509/verify_test.go"), reverse=True)
    for path in candidates:
        if os.path.isfile(path):
            return path
    return None


def top_level_entries(block):
    """The { ... } entries of a Go composite literal's body, by brace depth (strings hold no braces here)."""
    entries, depth, start = [], 0, None
    for i, ch in enumerate(block):
        if ch == "{":
            depth += 1
            if depth == 1:
                start = i
        elif ch == "}":
            depth -= 1
            if depth == 0 and start is not None:
                entries.append(block[start + 1:i])
                start = None
    return entries


def parse(source):
    consts = dict(re.findall(r"(?m)^(?:const|var) (\w+) = `(-----BEGIN CERTIFICATE-----.*?)`", source, re.S))
    body = source[source.index("var verifyTests = []verifyTest{") + len("var verifyTests = []verifyTest{"):]
    body = body[:body.index("\n}\n")]
    cases = []
    for n, entry in enumerate(top_level_entries(body)):
        entry = re.sub(r"(?m)//.*$", "", entry)
        def field(name, pattern=r"([^,\n]+)"):
            m = re.search(r"\b" + name + r":\s*" + pattern, entry)
            return m.group(1).strip() if m else None
        def idents(name):
            m = re.search(r"\b" + name + r":\s*\[\]string\{([^}]*)\}", entry)
            return [s.strip() for s in m.group(1).split(",") if s.strip()] if m else []
        callback = field("errorCallback")
        cases.append({
            "name": (field("name", r'"([^"]*)"') or f"case {n}"),
            "leaf": field("leaf"),
            "intermediates": idents("intermediates"),
            "roots": idents("roots"),
            "time": int(field("currentTime") or 0),
            "dns": field("dnsName", r'"([^"]*)"') or "",
            "key_usages": field("keyUsages", r"\[\]ExtKeyUsage\{([^}]*)\}"),
            "callback": callback.split("(")[0] if callback else None,
            "callback_arg": (re.search(r'\("([^"]*)"\)', callback).group(1) if callback and "(" in callback else None),
        })
    return consts, cases


def main():
    binary = os.path.abspath(sys.argv[1])
    path = verify_test_source()
    if not path:
        print("SKIP: no Go source with crypto/x509/verify_test.go is installed (Debian's golang-go ships it)")
        sys.exit(77)
    consts, cases = parse(open(path).read())
    passed = failed = left_out = sha1 = 0
    with tempfile.TemporaryDirectory() as work:
        for i, case in enumerate(cases):
            label = f"{case['name']}"
            if case["key_usages"] and case["key_usages"].strip() != "ExtKeyUsageServerAuth":
                left_out += 1
                print(f"left out  {label}: asks for {case['key_usages']}, which a TLS client never does")
                continue
            chain = os.path.join(work, f"{i}.chain.pem")
            roots = os.path.join(work, f"{i}.roots.pem")
            with open(chain, "w") as f:
                f.write("\n".join(consts[c] for c in [case["leaf"]] + case["intermediates"]) + "\n")
            with open(roots, "w") as f:
                f.write("\n".join(consts[c] for c in case["roots"]) + "\n")
            at = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            args = [binary, "probe", "--chain-file", chain, "--ca-file", roots, "--no-system-roots", "--at", at, "-o", "json"]
            if case["dns"]:
                args += ["--server-name", case["dns"]]
            done = subprocess.run(args, capture_output=True, text=True, timeout=30)
            try:
                report = json.loads(done.stdout)
                kind, detail = report["go_error"], report["detail"]
            except (ValueError, KeyError):
                kind, detail = "no-report", done.stderr.strip()
            if case["callback"] is None and kind == "insecure-signature" and "insecure algorithm SHA1-" in detail:
                sha1 += 1
                passed += 1
                print(f"ok    {label:40s} {kind} (Go's table allows SHA-1 by GODEBUG; controllers do not)")
                continue
            if case["callback"] is None:
                good, want = kind == "ok", "ok"
            else:
                accepted = EXPECT.get(case["callback"], set())
                want = case["callback"] + (f"({case['callback_arg']!r})" if case["callback_arg"] else "")
                if accepted is None:
                    good = kind != "ok" and "algorithm unimplemented" in detail
                else:
                    good = kind in accepted and (case["callback_arg"] is None or case["callback_arg"] in detail)
            if good:
                passed += 1
                print(f"ok    {label:40s} {kind}")
            else:
                failed += 1
                print(f"FAIL  {label:40s} want {want}, got {kind}: {detail}")
    print(f"\n{path}: {len(cases)} cases, {left_out} left out, {sha1} held to the verdict without x509sha1=1")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: go_verify_table_test.py BINARY")
    main()
