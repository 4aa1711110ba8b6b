#!/usr/bin/env python3
"""The probe against Go itself: chains made here with openssl, each judged by
`probe --chain-file --at` and by crypto/x509 Verify (tests/support/go_oracle, built here with the
machine's Go), with the same pool, name and time; the verdict classes, and Go's words, must agree.

The cases cover Go's rules a TLS client meets, each with a passing and a failing variant (validity,
SAN/wildcard/IP/CN-only names, a missing intermediate, parents chosen by key identifier and by
subject, several candidate parents, basic constraints and path length, key usage and extended key
usage through the chain, name constraints, critical extensions, SHA-1/MD5, RSA-PSS parameters,
small RSA keys, X.509 v1 issuers, the limit of 100 signature checks), then bounded random
mutations of a three-certificate chain (seeded, so a failure replays). Go's message must be the
probe's detail word for word too. Cases tagged with a name in
tests/support/go_oracle/known_differences.tsv are not compared; they must still differ as listed.

usage: go_differential_test.py PATH-TO-kubectl-tekton_certdoctor
Exit 77 (skipped) only when `go` is not installed.
"""
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ORACLE_SRC = os.path.join(ROOT, "tests", "support", "go_oracle", "main.go")
KNOWN = os.path.join(ROOT, "tests", "support", "go_oracle", "known_differences.tsv")
MUTATIONS = 80  # random variants of the base chain; bounded, seeded
SEED = int(os.environ.get("CERTDOCTOR_DIFF_SEED", "17"))


def run(args):
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {done.stderr.strip()}")
    return done


class Maker:
    """Keys and certificates by openssl, in a temporary directory."""

    def __init__(self, work):
        self.work = work
        self.keys = {}
        self.serial = 1000
        self.has_skid = set()  # the certificates with a subject key identifier
        self.start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

    def key(self, name):
        if name in self.keys:
            return self.keys[name]
        path = os.path.join(self.work, f"key-{name}.pem")
        if name.startswith("rsa"):
            bits = name[3:].split("-")[0] or "2048"
            run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}", "-out", path])
        elif name.startswith("ed"):
            run(["openssl", "genpkey", "-algorithm", "ED25519", "-out", path])
        else:
            run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path])
        self.keys[name] = path
        return path

    def cert(self, name, cn, key, issuer=None, exts=(), days=30, digest="sha256", v1=False, subject=None, sigopts=()):
        """A certificate; issuer is (cert path, key name) or None (self-signed)."""
        self.serial += 1
        csr = os.path.join(self.work, f"{name}.csr")
        pem = os.path.join(self.work, f"{name}.pem")
        run(["openssl", "req", "-new", "-key", self.key(key), "-subj", subject or f"/CN={cn}", "-out", csr])
        args = ["openssl", "x509", "-req", "-in", csr, "-days", str(days), "-set_serial", str(self.serial), "-out", pem]
        if digest != "default":
            args.append("-" + digest)
        for opt in sigopts:
            args += ["-sigopt", opt]
        if issuer is None:
            args += ["-signkey", self.key(key)]
        else:
            args += ["-CA", issuer[0], "-CAkey", self.key(issuer[1])]
        if not v1:
            exts = list(exts or ["subjectKeyIdentifier=hash"])
            if issuer is not None and issuer[0] not in self.has_skid:
                # openssl cannot copy a key identifier the issuer does not have
                exts = [e for e in exts if not e.startswith("authorityKeyIdentifier")]
            if "subjectKeyIdentifier=hash" in exts:
                self.has_skid.add(pem)
            ext = os.path.join(self.work, f"{name}.ext")
            with open(ext, "w") as f:
                f.write("[e]\n" + "\n".join(exts) + "\n")
            args += ["-extfile", ext, "-extensions", "e"]
        run(args)
        return pem

    def at(self, hours):
        return (self.start + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


CA = ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign", "subjectKeyIdentifier=hash",
      "authorityKeyIdentifier=keyid"]
LEAF = ["subjectAltName=DNS:reg.example.test", "extendedKeyUsage=serverAuth", "keyUsage=critical,digitalSignature",
        "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid"]
HOST = "reg.example.test"


def with_ext(base, **replace):
    """base with the lines whose key is given replaced (None drops a line), others appended."""
    out = []
    seen = set()
    for line in base:
        key = line.split("=", 1)[0]
        if key in replace:
            seen.add(key)
            if replace[key] is not None:
                out.append(f"{key}={replace[key]}")
        else:
            out.append(line)
    for key, value in replace.items():
        if key not in seen and value is not None:
            out.append(f"{key}={value}")
    return out


class Case:
    def __init__(self, name, chain, roots, host, at, tags=()):
        self.name, self.chain, self.roots, self.host, self.at, self.tags = name, chain, roots, host, at, set(tags)


def build(m, name, root=None, inter=None, leaf=None, serve_inter=True, pool=("root",), host=HOST, at=1, tags=(),
          extra_served=(), extra_pool=()):
    """root -> intermediate -> leaf; each level's keyword overrides for Maker.cert."""
    spec = {}
    for level, default, override in (("root", dict(cn="Diff Root", key="root", exts=CA, days=60), root),
                                      ("inter", dict(cn="Diff Intermediate", key="inter", exts=CA, days=50), inter),
                                      ("leaf", dict(cn=HOST, key="leaf", exts=LEAF, days=40), leaf)):
        spec[level] = dict(default, **(override or {}))
    paths = {}
    r = dict(spec["root"])
    paths["root"] = m.cert(f"{name}-root", r.pop("cn"), r.pop("key"), None, **r)
    i = dict(spec["inter"])
    paths["inter"] = m.cert(f"{name}-inter", i.pop("cn"), i.pop("key"), (paths["root"], spec["root"]["key"]), **i)
    lf = dict(spec["leaf"])
    paths["leaf"] = m.cert(f"{name}-leaf", lf.pop("cn"), lf.pop("key"), (paths["inter"], spec["inter"]["key"]), **lf)
    chain = [paths["leaf"]] + ([paths["inter"]] if serve_inter else []) + list(extra_served)
    roots = [paths[p] for p in pool] + list(extra_pool)
    return Case(name, chain, roots, host, m.at(at), tags)


def rule_cases(m):
    """Each of Go's rules with a passing and a failing variant."""
    c = []
    add = c.append
    # Validity of each certificate on the path, at chosen times.
    add(build(m, "valid"))
    add(build(m, "leaf-expired", at=41 * 24))
    add(build(m, "leaf-not-yet-valid", at=-2))
    add(build(m, "intermediate-expired", inter=dict(days=5), at=6 * 24))
    add(build(m, "root-expired", root=dict(days=5), at=6 * 24))
    # Names: SANs only, wildcards, IP SANs, Common Name.
    add(build(m, "san-mismatch", host="other.example.test"))
    add(build(m, "host-trailing-dot", host=HOST + "."))
    add(build(m, "host-upper-case", host=HOST.upper()))
    add(build(m, "names-not-checked", host=""))
    add(build(m, "names-not-checked-wrong-san", leaf=dict(exts=with_ext(LEAF, subjectAltName="DNS:x.test")), host=""))
    wild = with_ext(LEAF, subjectAltName="DNS:*.example.test")
    add(build(m, "wildcard-one-label", leaf=dict(exts=wild), host="reg.example.test"))
    add(build(m, "wildcard-two-labels", leaf=dict(exts=wild), host="a.reg.example.test"))
    add(build(m, "wildcard-bare-domain", leaf=dict(exts=wild), host="example.test"))
    add(build(m, "wildcard-partial-label", leaf=dict(exts=with_ext(LEAF, subjectAltName="DNS:r*.example.test")), host=HOST))
    ip = with_ext(LEAF, subjectAltName="DNS:reg.example.test,IP:127.0.0.1,IP:::1")
    add(build(m, "ip-san", leaf=dict(exts=ip), host="127.0.0.1"))
    add(build(m, "ip-san-v6", leaf=dict(exts=ip), host="::1"))
    add(build(m, "ip-san-mismatch", leaf=dict(exts=ip), host="127.0.0.2"))
    add(build(m, "ip-without-ip-sans", host="127.0.0.1"))
    no_san = with_ext(LEAF, subjectAltName=None)
    add(build(m, "cn-only-legacy", leaf=dict(exts=no_san), host=HOST))
    add(build(m, "cn-only-other-host", leaf=dict(exts=no_san), host="other.example.test"))
    add(build(m, "cn-only-no-name-checked", leaf=dict(exts=no_san), host=""))
    # Missing intermediate; any pool certificate anchors.
    add(build(m, "missing-intermediate", serve_inter=False))
    add(build(m, "intermediate-in-pool", serve_inter=False, pool=("inter",)))
    add(build(m, "leaf-in-pool", serve_inter=False, pool=("leaf",)))
    add(build(m, "empty-pool", pool=()))
    # Parents by key identifier, the subject as fallback, several candidates with one subject.
    other_root = m.cert("other-root", "Diff Root", "root-b", None, exts=CA, days=60)
    add(build(m, "same-subject-other-key-only", pool=(), extra_pool=[other_root]))
    add(build(m, "same-subject-both-keys", pool=("root",), extra_pool=[other_root]))
    add(build(m, "same-subject-both-keys-other-first", pool=(), extra_pool=[other_root]))
    c[-1].roots.append(c[-2].roots[0])
    no_kid = [e for e in CA if not e.startswith(("subjectKeyIdentifier", "authorityKeyIdentifier"))]
    leaf_no_kid = [e for e in LEAF if not e.startswith(("subjectKeyIdentifier", "authorityKeyIdentifier"))]
    add(build(m, "no-key-identifiers", root=dict(exts=no_kid), inter=dict(exts=no_kid), leaf=dict(exts=leaf_no_kid)))
    expired_inter = m.cert("expired-twin", "Diff Intermediate", "inter", (c[0].roots[0], "root"), exts=CA, days=1)
    add(build(m, "candidate-expired-and-valid", extra_served=[expired_inter], at=3 * 24))
    add(build(m, "candidate-both-expired", inter=dict(days=1), extra_served=[expired_inter], at=3 * 24))
    # Basic constraints, path length, X.509 v1 issuers.
    add(build(m, "intermediate-ca-false", inter=dict(exts=with_ext(CA, basicConstraints="critical,CA:FALSE"))))
    add(build(m, "intermediate-no-basic-constraints", inter=dict(exts=with_ext(CA, basicConstraints=None))))
    add(build(m, "root-ca-false", root=dict(exts=with_ext(CA, basicConstraints="critical,CA:FALSE"))))
    add(build(m, "root-pathlen-0", root=dict(exts=with_ext(CA, basicConstraints="critical,CA:TRUE,pathlen:0"))))
    add(build(m, "root-pathlen-1", root=dict(exts=with_ext(CA, basicConstraints="critical,CA:TRUE,pathlen:1"))))
    add(build(m, "intermediate-pathlen-0", inter=dict(exts=with_ext(CA, basicConstraints="critical,CA:TRUE,pathlen:0"))))
    add(build(m, "v1-root", root=dict(v1=True)))
    add(build(m, "v1-intermediate", inter=dict(v1=True)))
    add(build(m, "v1-leaf", leaf=dict(v1=True), host=HOST))
    add(build(m, "v1-leaf-no-name", leaf=dict(v1=True), host=""))
    # Key usage (Go checks keyCertSign on issuers only) and extended key usage through the chain.
    add(build(m, "intermediate-without-cert-sign", inter=dict(exts=with_ext(CA, keyUsage="critical,digitalSignature"))))
    add(build(m, "root-without-cert-sign", root=dict(exts=with_ext(CA, keyUsage="critical,cRLSign"))))
    add(build(m, "leaf-key-usage-cert-sign-only", leaf=dict(exts=with_ext(LEAF, keyUsage="critical,keyCertSign"))))
    add(build(m, "leaf-eku-client-only", leaf=dict(exts=with_ext(LEAF, extendedKeyUsage="clientAuth"))))
    add(build(m, "leaf-eku-none", leaf=dict(exts=with_ext(LEAF, extendedKeyUsage=None))))
    add(build(m, "leaf-eku-any", leaf=dict(exts=with_ext(LEAF, extendedKeyUsage="anyExtendedKeyUsage"))))
    add(build(m, "leaf-eku-ns-sgc", leaf=dict(exts=with_ext(LEAF, extendedKeyUsage="nsSGC"))))
    add(build(m, "intermediate-eku-client-only", inter=dict(exts=with_ext(CA, extendedKeyUsage="clientAuth"))))
    add(build(m, "intermediate-eku-server", inter=dict(exts=with_ext(CA, extendedKeyUsage="serverAuth"))))
    add(build(m, "intermediate-eku-any", inter=dict(exts=with_ext(CA, extendedKeyUsage="anyExtendedKeyUsage"))))
    add(build(m, "root-eku-code-signing", root=dict(exts=with_ext(CA, extendedKeyUsage="codeSigning"))))
    add(build(m, "root-eku-server-leaf-none", root=dict(exts=with_ext(CA, extendedKeyUsage="serverAuth")),
              leaf=dict(exts=with_ext(LEAF, extendedKeyUsage=None))))
    # Name constraints, on the intermediate and on the root.
    def nc(value):
        return dict(exts=with_ext(CA, nameConstraints="critical," + value))
    add(build(m, "nc-dns-permitted", inter=nc("permitted;DNS:.example.test")))
    add(build(m, "nc-dns-not-permitted", inter=nc("permitted;DNS:.other.test")))
    add(build(m, "nc-dns-excluded", inter=nc("excluded;DNS:reg.example.test")))
    add(build(m, "nc-dns-excluded-other", inter=nc("excluded;DNS:bad.example.test")))
    add(build(m, "nc-dns-leading-dot-exact", inter=nc("permitted;DNS:.reg.example.test")))
    add(build(m, "nc-dns-on-root", root=nc("permitted;DNS:other.test")))
    ip_leaf = dict(exts=with_ext(LEAF, subjectAltName="DNS:reg.example.test,IP:10.1.2.3"))
    add(build(m, "nc-ip-permitted", inter=nc("permitted;IP:10.0.0.0/255.0.0.0"), leaf=ip_leaf))
    add(build(m, "nc-ip-not-permitted", inter=nc("permitted;IP:192.168.0.0/255.255.0.0,permitted;DNS:example.test"), leaf=ip_leaf))
    add(build(m, "nc-ip-excluded", inter=nc("excluded;IP:10.1.0.0/255.255.0.0"), leaf=ip_leaf))
    mail_leaf = dict(exts=with_ext(LEAF, subjectAltName="DNS:reg.example.test,email:ops@example.test"))
    add(build(m, "nc-email-permitted", inter=nc("permitted;email:example.test"), leaf=mail_leaf))
    add(build(m, "nc-email-not-permitted", inter=nc("permitted;email:other.test"), leaf=mail_leaf))
    add(build(m, "nc-email-mailbox-excluded", inter=nc("excluded;email:ops@example.test"), leaf=mail_leaf))
    uri_leaf = dict(exts=with_ext(LEAF, subjectAltName="DNS:reg.example.test,URI:https://reg.example.test/v2/"))
    add(build(m, "nc-uri-permitted", inter=nc("permitted;URI:.example.test"), leaf=uri_leaf))
    add(build(m, "nc-uri-excluded", inter=nc("excluded;URI:reg.example.test"), leaf=uri_leaf))
    add(build(m, "nc-cn-only-leaf", inter=nc("permitted;DNS:.other.test"), leaf=dict(exts=no_san)))
    add(build(m, "nc-dirname-critical",
              inter=dict(exts=with_ext(CA, nameConstraints="critical,permitted;dirName:dir_sect") + ["[dir_sect]", "CN=Diff"])))
    add(build(m, "nc-dirname-not-critical", inter=dict(exts=with_ext(CA, nameConstraints="permitted;dirName:dir_sect") + ["[dir_sect]", "CN=Diff"])))
    # Critical extensions Go does not handle.
    add(build(m, "leaf-unknown-critical", leaf=dict(exts=LEAF + ["1.2.3.4=critical,ASN1:NULL"])))
    add(build(m, "leaf-unknown-not-critical", leaf=dict(exts=LEAF + ["1.2.3.4=ASN1:NULL"])))
    add(build(m, "intermediate-unknown-critical", inter=dict(exts=CA + ["1.2.3.4=critical,ASN1:NULL"])))
    add(build(m, "root-unknown-critical", root=dict(exts=CA + ["1.2.3.4=critical,ASN1:NULL"])))
    add(build(m, "intermediate-policy-constraints-critical", inter=dict(exts=CA + ["policyConstraints=critical,requireExplicitPolicy:0"])))
    # Signature algorithms Go refuses, and the anchor's own signature that Go never checks.
    add(build(m, "leaf-sha1", leaf=dict(digest="sha1")))
    add(build(m, "leaf-md5", leaf=dict(digest="md5", key="rsa2048"), inter=dict(key="rsa2048-i")))
    add(build(m, "leaf-sha384", leaf=dict(digest="sha384")))
    add(build(m, "intermediate-sha1", inter=dict(digest="sha1")))
    add(build(m, "root-self-signed-sha1", root=dict(digest="sha1")))
    add(build(m, "rsa-chain-sha512", root=dict(key="rsa2048-r"), inter=dict(key="rsa2048-i", digest="sha512"),
              leaf=dict(digest="sha512")))
    add(build(m, "ed25519-root", root=dict(key="ed-root", digest="default"), inter=dict(digest="default")))
    # RSA-PSS: Go takes only a salt as long as the hash.
    pss = ["rsa_padding_mode:pss", "rsa_pss_saltlen:digest"]
    add(build(m, "rsa-pss-salt-digest", root=dict(key="rsa2048-r"), inter=dict(key="rsa2048-i", sigopts=pss),
              leaf=dict(sigopts=pss)))
    add(build(m, "rsa-pss-salt-max", root=dict(key="rsa2048-r"), inter=dict(key="rsa2048-i"),
              leaf=dict(sigopts=["rsa_padding_mode:pss", "rsa_pss_saltlen:max"])))
    # The work limit: at most 100 signature checks, pool candidates first.
    def decoys(count):
        return [m.cert(f"decoy-{n}", "Diff Intermediate", f"decoy-{n}", None, exts=CA, days=60) for n in range(count)]
    add(build(m, "work-limit-60-decoys", pool=("root",), extra_pool=decoys(60)))
    add(build(m, "work-limit-101-decoys", pool=("root",), extra_pool=decoys(101)))
    # Small RSA keys: the issuer's key is what verification uses.
    add(build(m, "rsa-512-intermediate", inter=dict(key="rsa512-i"), tags=["rsa-key-under-1024"]))
    add(build(m, "rsa-1024-intermediate", inter=dict(key="rsa1024-i")))
    add(build(m, "rsa-512-leaf", leaf=dict(key="rsa512-l")))
    return c


def mutation_cases(m, rng):
    """Random variants of the base chain: each flips a few properties of its certificates."""
    choices = [
        ("root", dict(days=1)), ("inter", dict(days=1)), ("leaf", dict(days=1)),
        ("root", dict(digest="sha1")), ("inter", dict(digest="sha1")), ("leaf", dict(digest="sha1")),
        ("inter", dict(v1=True)), ("root", dict(v1=True)),
        ("inter", dict(exts=with_ext(CA, basicConstraints="critical,CA:TRUE,pathlen:0"))),
        ("root", dict(exts=with_ext(CA, basicConstraints="critical,CA:TRUE,pathlen:0"))),
        ("inter", dict(exts=with_ext(CA, basicConstraints="CA:FALSE"))),
        ("inter", dict(exts=with_ext(CA, keyUsage="digitalSignature"))),
        ("inter", dict(exts=with_ext(CA, extendedKeyUsage="clientAuth"))),
        ("root", dict(exts=with_ext(CA, extendedKeyUsage="serverAuth,clientAuth"))),
        ("inter", dict(exts=with_ext(CA, nameConstraints="critical,permitted;DNS:example.test"))),
        ("inter", dict(exts=with_ext(CA, nameConstraints="critical,excluded;DNS:reg.example.test"))),
        ("leaf", dict(exts=with_ext(LEAF, subjectAltName=None))),
        ("leaf", dict(exts=with_ext(LEAF, subjectAltName="DNS:*.example.test"))),
        ("leaf", dict(exts=with_ext(LEAF, extendedKeyUsage="clientAuth"))),
        ("leaf", dict(exts=LEAF + ["1.2.3.4=critical,ASN1:NULL"])),
        ("inter", dict(key="rsa512-m")),
        ("inter", dict(key="inter-b")),
        ("leaf", dict(cn="other.example.test")),
    ]
    cases = []
    for n in range(MUTATIONS):
        levels = {"root": {}, "inter": {}, "leaf": {}}
        tags = set()
        for level, change in rng.sample(choices, rng.randint(1, 3)):
            levels[level].update(change)
            if change.get("key", "").startswith("rsa512"):
                tags.add("rsa-key-under-1024")
        serve_inter = rng.random() > 0.15
        pool = rng.choice([("root",), ("root",), ("root",), ("inter",), ()])
        host = rng.choice([HOST, HOST, HOST, "", "other.example.test", "127.0.0.1"])
        at = rng.choice([1, 1, 1, 2 * 24, -2, 45 * 24])
        cases.append(build(m, f"mutation-{n:03d}", root=levels["root"], inter=levels["inter"], leaf=levels["leaf"],
                           serve_inter=serve_inter, pool=pool, host=host, at=at, tags=tags))
    return cases


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: go_differential_test.py BINARY")
    binary = os.path.abspath(sys.argv[1])
    go = shutil.which("go")
    if not go:
        print("SKIP: go is not installed (Debian's golang-go)")
        sys.exit(77)
    known = {}
    with open(KNOWN) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, follows, probe, oracle, why = line.rstrip("\n").split("\t")
                known[name] = (probe, oracle)
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, GOCACHE=os.path.join(work, "gocache"), GOPATH=os.path.join(work, "gopath"),
                   GOFLAGS="", GO111MODULE="auto", CGO_ENABLED="0")
        oracle = os.path.join(work, "go_oracle")
        subprocess.run([go, "build", "-o", oracle, ORACLE_SRC], check=True, env=env, cwd=work, timeout=300)
        version = subprocess.run([go, "version"], capture_output=True, text=True, env=env).stdout.strip()
        m = Maker(work)
        cases = rule_cases(m) + mutation_cases(m, random.Random(SEED))
        compared = agreed = excluded = 0
        failures = []
        classes = {}
        for case in cases:
            chain = os.path.join(work, f"{case.name}.chain.pem")
            pool = os.path.join(work, f"{case.name}.pool.pem")
            with open(chain, "w") as out:
                for p in case.chain:
                    out.write(open(p).read())
            with open(pool, "w") as out:
                for p in case.roots:
                    out.write(open(p).read())
            go_line = subprocess.run([oracle, chain, pool, case.host or "-", case.at], capture_output=True, text=True,
                                     timeout=30).stdout.rstrip("\n")
            go_class, _, go_detail = go_line.partition("\t")
            args = [binary, "probe", "--chain-file", chain, "--no-system-roots", "--at", case.at, "-o", "json"]
            if case.roots:
                args += ["--ca-file", pool]
            if case.host:
                args += ["--server-name", case.host]
            probe = subprocess.run(args, capture_output=True, text=True, timeout=30)
            try:
                report = json.loads(probe.stdout)
                probe_class, probe_detail = report["go_error"], report["detail"]
            except (ValueError, KeyError):
                probe_class, probe_detail = "no-report", probe.stderr.strip()
            tagged = sorted(case.tags & known.keys())
            if tagged:
                excluded += 1
                # Still a difference, as written down? Only a case whose classes are exactly the
                # listed pair shows it; a mutation may fail earlier for another reason.
                want_probe, want_oracle = known[tagged[0]]
                if case.name.startswith("rsa-") and (probe_class, go_class) != (want_probe, want_oracle):
                    failures.append(f"{case.name}: known difference {tagged[0]} no longer shows: "
                                    f"probe {probe_class}, Go {go_class} (listed: {want_probe} vs {want_oracle})")
                continue
            compared += 1
            classes[go_class] = classes.get(go_class, 0) + 1
            if probe_class == go_class and probe_detail == go_detail:
                agreed += 1
                print(f"ok    {case.name:45s} {go_class}")
            else:
                failures.append(f"{case.name}: probe {probe_class} ({probe_detail}) but Go {go_class} ({go_detail})")
                print(f"FAIL  {case.name:45s} probe {probe_class}, Go {go_class}\n        probe: {probe_detail}\n        go:    {go_detail}")
        print(f"\n{version}; seed {SEED}; {len(cases)} chains: {compared} compared, {agreed} agree, "
              f"{excluded} excluded as known differences")
        print("Go's verdict classes compared: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))
        for f in failures:
            print("FAIL  " + f)
        print(f"{len(cases) - len(failures)} passed, {len(failures)} failed")
        sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
