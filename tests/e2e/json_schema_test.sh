#!/usr/bin/env bash
# Every -o json the binary prints validates against plugin/report.schema.json (JSON Schema
# 2020-12, checked with Debian's python3-jsonschema); so does -o yaml, read back by PyYAML.
# usage: json_schema_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: json_schema_test.sh BINARY}
root=$(cd "$(dirname "$0")/../.." && pwd)
python=/usr/bin/python3
"$python" -c 'import jsonschema' 2>/dev/null || { echo "SKIP: python3-jsonschema is not installed"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
run() {
  n=$((n + 1))
  timeout 20 "$binary" "$@" -o json > "$work/$n.json" 2>/dev/null
  timeout 20 "$binary" "$@" -o yaml > "$work/$n.yaml" 2>/dev/null
}
run explain 'failed to create task run pod "task-run": translating TaskSpec to Pod: Get "https://registry.private/v2/": x509: certificate signed by unknown authority. Maybe missing or invalid Task default/task'
run explain 'all good'
run explain 'Internal error occurred: failed calling webhook "w.example": failed to call webhook: Post "https://w.svc/": x509: certificate signed by unknown authority'
for sample in "$root"/tests/samples/*.yaml "$root"/tests/samples/*.json; do run diagnose -f "$sample"; done
run analyze "$root/tests/samples/controller.log"
# More distinct failures than one pasted text keeps: findings_not_kept and its note.
"$python" -c 'for i in range(520): print("Get \"https://r%d.example/v2/\": x509: certificate signed by unknown authority" % i)' > "$work/many.txt"
n=$((n + 1)); timeout 20 "$binary" explain - -o json < "$work/many.txt" > "$work/$n.json" 2>/dev/null
timeout 20 "$binary" explain - -o yaml < "$work/many.txt" > "$work/$n.yaml" 2>/dev/null
grep -q '"findings_not_kept": 20' "$work/$n.json" || { echo "FAIL: explain of 520 distinct failures: no findings_not_kept 20"; exit 1; }
run analyze /dev/null
while IFS= read -r text; do run explain "$text"; done < <("$python" -c '
import sys, yaml
for name in ("public-reports.yaml", "generated.yaml", "shapes.yaml"):
    for e in yaml.safe_load(open(sys.argv[1] + "/tests/corpus/" + name)):
        print(e["text"].replace("\n", " "))' "$root")

"$python" - "$root/plugin/report.schema.json" "$work" <<'PY'
import json, pathlib, sys
import jsonschema
import yaml
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
passed = failed = 0
for path in sorted(pathlib.Path(sys.argv[2]).glob("*.json"), key=lambda p: int(p.stem)):
    doc = json.load(open(path))
    errors = list(validator.iter_errors(doc))
    if errors:
        failed += 1
        print(f"FAIL output {path.stem}: {errors[0].json_path}: {errors[0].message}")
    else:
        passed += 1
    # -o yaml: the same document.
    if yaml.safe_load(open(path.with_suffix(".yaml"))) != doc:
        failed += 1
        print(f"FAIL output {path.stem}: -o yaml is not the -o json document")
print(f"json schema: {passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
PY
