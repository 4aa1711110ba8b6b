#!/usr/bin/env bash
# Runs libFuzzer targets, each for SECONDS, from seed corpora made of the tests' own inputs.
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]     (default: every *_fuzz in BUILD_DIR/tests/fuzz)
# BUILD_DIR is a build configured with CXX=clang++ -DCERTDOCTOR_FUZZ=ON. The corpus a run grows
# is kept in BUILD_DIR/fuzz-corpus/TARGET (the next run starts from it); a crashing input is
# written to BUILD_DIR/fuzz-artifacts/ and the script fails. Prints one line per target:
#   TARGET: N executions in S s, corpus C inputs, result ok|crash
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
build="$(cd "${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}" && pwd)"
seconds="${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}"
shift 2
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for t in "$build"/tests/fuzz/*_fuzz; do targets+=("$(basename "$t")"); done
fi

# Seeds per target, from the tests' samples, corpus and catalog; certificates are made here
# (none is checked in).
seed() {
  local target="$1" dir="$2"
  mkdir -p "$dir"
  case "$target" in
    normalise_match_fuzz)
      python3 - "$source_dir" "$dir" <<'PY'
import glob, hashlib, os, sys, yaml
src, out = sys.argv[1], sys.argv[2]
texts = []
# One corpus entry in eight, chosen by its digest (the same ones on every run): libFuzzer runs
# every seed before its time limit counts, and the whole corpus under ASan takes minutes.
for f in sorted(glob.glob(src + "/tests/corpus/*.yaml") + glob.glob(src + "/tests/corpus/reports/*.yaml")):
    for doc in yaml.safe_load_all(open(f)):
        for item in (doc if isinstance(doc, list) else []):
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                if hashlib.sha1(item["text"].encode()).hexdigest()[0] in "01":
                    texts.append(item["text"])
for f in glob.glob(src + "/patterns/**/*.yaml", recursive=True):
    doc = yaml.safe_load(open(f))
    if isinstance(doc, dict):
        for e in (doc.get("examples") or {}).get("match") or []:
            texts.append(e if isinstance(e, str) else str(e.get("text", "")) if isinstance(e, dict) else "")
for t in texts:
    if t:
        name = hashlib.sha1(t.encode()).hexdigest()
        open(os.path.join(out, name), "w").write(t)
PY
      ;;
    dump_reader_fuzz)
      cp "$source_dir"/tests/samples/*.yaml "$source_dir"/tests/samples/*.json "$dir"/ ;;
    log_scan_fuzz)
      # the sample log in pieces (the fuzzer's inputs stay small), and one piece gzipped
      split -l 20 "$source_dir/tests/samples/controller.log" "$dir/controller-"
      head -c 4096 "$source_dir/tests/samples/controller.log" | gzip -c >"$dir/controller.gz" ;;
    certificates_fuzz)
      local tmp
      tmp="$(mktemp -d)"
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
        -subj /CN=fuzz-ca -days 2 -addext basicConstraints=critical,CA:TRUE 2>/dev/null
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/leaf.key" -out "$tmp/leaf.csr" \
        -subj /CN=registry.example 2>/dev/null
      printf 'subjectAltName=DNS:registry.example,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$tmp/ext"
      openssl x509 -req -in "$tmp/leaf.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial -days 2 \
        -extfile "$tmp/ext" -out "$tmp/leaf.pem" 2>/dev/null
      cat "$tmp/leaf.pem" "$tmp/ca.pem" >"$dir/chain.pem"
      cp "$tmp/ca.pem" "$dir/ca.pem"
      openssl x509 -in "$tmp/leaf.pem" -outform DER -out "$dir/leaf.der"
      { echo "CONNECTED(00000003)"; echo "---"; echo "Certificate chain"; cat "$tmp/leaf.pem" "$tmp/ca.pem"; echo "---"; } >"$dir/s_client.txt"
      rm -rf "$tmp" ;;
    configmap_merge_fuzz)
      # config-registry-cert as the applier's tests read it (a bundle, other keys, a planted
      # password and key), a NUL byte, then the CA to add; certificates are made here.
      local tmp
      tmp="$(mktemp -d)"
      for name in a b reg; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/$name.key" \
          -out "$tmp/$name.pem" -subj "/CN=fuzz-$name" -days 2 -addext basicConstraints=critical,CA:TRUE 2>/dev/null
      done
      python3 - "$tmp" "$dir" <<'PY'
import json, os, sys
tmp, out = sys.argv[1], sys.argv[2]
pem = {n: open(os.path.join(tmp, n + ".pem")).read() for n in ("a", "b", "reg")}
key = open(os.path.join(tmp, "a.key")).read()
def cm(data, labels=None, annotations=None):
    meta = {"name": "config-registry-cert", "namespace": "tekton-pipelines", "resourceVersion": "41"}
    if labels: meta["labels"] = labels
    if annotations: meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}
seeds = {
    "bundle": (cm({"cert": pem["a"] + pem["b"], "note": "kept"}, {"app.kubernetes.io/part-of": "tekton-pipelines"}), pem["reg"]),
    "already-there": (cm({"cert": pem["a"] + "\n" + pem["reg"]}), pem["reg"]),
    "duplicate-in-bundle": (cm({"cert": pem["a"] + pem["a"]}), pem["b"] + pem["reg"]),
    "secrets-beside": (cm({"cert": pem["a"], "registry-password": "hostile-password-6b2f", "tls.key": key},
                          annotations={"example.com/token": "planted-token-77a1"}), pem["reg"]),
    "key-in-bundle": (cm({"cert": pem["a"] + key}), pem["reg"] + key),
    # a BEGIN line OpenSSL does not take for one, then a key, then a whole certificate
    "key-before-certificate": (cm({"cert": pem["a"] + "-----BEGIN CERTIFICATE-----junk\n" + key + pem["b"]}), pem["reg"]),
    "no-data": (cm(None), pem["reg"]),
    "absent": (None, pem["reg"]),
}
for name, (obj, added) in seeds.items():
    text = (json.dumps(obj) if obj is not None else "") + "\0" + added
    open(os.path.join(out, name), "w").write(text)
PY
      rm -rf "$tmp" ;;
    *)
      if [ -d "$here/seeds/$target" ]; then cp "$here/seeds/$target"/* "$dir"/; fi ;;
  esac
}

mkdir -p "$build/fuzz-artifacts"
failed=0
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/$target"
  [ -x "$binary" ] || { echo "run.sh: $binary is not built (cmake --build $build --target fuzz_targets)" >&2; exit 2; }
  corpus="$build/fuzz-corpus/$target"
  seeds="$build/fuzz-seeds/$target"
  rm -rf "$seeds"
  seed "$target" "$seeds"
  mkdir -p "$corpus"
  log="$build/fuzz-artifacts/$target.log"
  # Inputs up to 64 KiB; a second per input at most; 2 GiB of RSS; leaks are findings too.
  set +e
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$binary" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-artifacts/$target-" "$corpus" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  inputs="$(find "$corpus" -type f | wc -l)"
  if [ "$rc" -eq 0 ]; then
    echo "$target: ${runs:-?} executions in ${seconds} s, corpus $inputs inputs, result ok"
  else
    failed=1
    echo "$target: ${runs:-?} executions in ${seconds} s, corpus $inputs inputs, result crash (exit $rc)"
    grep -E "ERROR: |runtime error|SUMMARY|Test unit written" "$log" | head -8 | sed 's/^/  /'
  fi
done
exit "$failed"
