#!/usr/bin/env bash
# `export DIR`: a report's fixes as files for a change process. The folder holds runbook.md (every
# step in order), backup.sh (what the steps change, saved first), and a script and manifest per
# fix, each script accepted by `bash -n`, also for a run with hostile names. An existing folder
# is refused without --force and replaced whole with it; a folder that cannot be written leaves
# nothing behind; what is not a report is exit 3.
# usage: export_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: export_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
sample="$here/../samples/taskrun-unknown-authority.yaml"

"$binary" diagnose -f "$sample" -o json > report.json
"$binary" export out -f report.json > export.txt; rc=$?
[ $rc = 0 ] && [ -f out/runbook.md ] && [ -f out/backup.sh ] && ok "export: exit 0, runbook.md and backup.sh written" || bad "export: rc=$rc $(ls out 2>&1)"
[ "$(ls out)" = "$(printf '%s\n' 01-add-ca-to-config-registry-cert.sh 01-add-ca-to-config-registry-cert.yaml 02-set-step-command.sh 02-set-step-command.yaml 03-rerun.sh backup.sh runbook.md)" ] &&
  ok "one script per fix and one file per manifest, numbered in the plan's order" || bad "files: $(ls out | tr '\n' ' ')"
steps=$(grep -o '^### Step [0-9]*: .*(`[a-z-]*`)' out/runbook.md | sed 's/.*(`\(.*\)`)/\1/' | tr '\n' ' ')
[ "$steps" = "add-ca-to-config-registry-cert set-step-command rerun " ] && ok "the runbook names the steps in order" || bad "runbook steps: $steps"
grep -q 'get configmap config-registry-cert -o yaml > config-registry-cert.backup.yaml' out/backup.sh &&
  ok "backup.sh saves the ConfigMap the steps change" || bad "backup.sh: $(cat out/backup.sh)"
all_parse=1
for f in out/*.sh; do bash -n "$f" || { all_parse=0; bad "bash -n rejects $f"; }; done
[ $all_parse = 1 ] && ok "every script passes bash -n"
cmp -s <(sed -n '/^```sh$/,/^```$/p' out/runbook.md | grep -v '^```' | grep -v '^#') \
       <(cat out/0*.sh | grep -v '^#') && ok "the runbook's commands are the scripts' commands, in order" || bad "runbook and scripts differ"

# An existing folder: refused without --force, untouched; replaced whole with it.
before=$(cat out/* | sha256sum)
echo stale > out/stale.txt
"$binary" export out -f report.json > /dev/null 2> refuse.err; rc=$?
[ $rc = 2 ] && grep -q -- "--force" refuse.err && [ -f out/stale.txt ] && ok "a folder that is not empty: exit 2, says --force, left as it was" ||
  bad "no --force: rc=$rc $(cat refuse.err)"
"$binary" export out -f report.json --force > /dev/null; rc=$?
[ $rc = 0 ] && [ ! -e out/stale.txt ] && [ "$(cat out/* | sha256sum)" = "$before" ] && ok "--force replaces the folder whole" || bad "--force: rc=$rc"
[ -z "$(ls -a | grep certdoctor-)" ] && ok "no scratch folder is left beside it" || bad "left: $(ls -a)"

# A folder that cannot be made: exit 4, nothing written.
echo file > blocker
"$binary" export blocker/sub -f report.json > /dev/null 2> blocked.err; rc=$?
[ $rc = 4 ] && [ "$(ls -a | grep -c certdoctor-)" = 0 ] && [ "$(cat blocker)" = file ] && ok "an unwritable place: exit 4, nothing half-written" ||
  bad "unwritable: rc=$rc $(cat blocked.err)"

# Standard input, and what is not a report.
"$binary" diagnose -f "$sample" -o json | "$binary" export piped > /dev/null && [ -f piped/runbook.md ] && ok "the report piped in" || bad "piped"
echo '{"schema": "something/else"}' | "$binary" export nope > /dev/null 2> nope.err; rc=$?
[ $rc = 3 ] && [ ! -e nope ] && ok "not a report: exit 3, no folder" || bad "not a report: rc=$rc $(cat nope.err)"

# Hostile names in the run: every exported script still parses, the runbook has no raw fence.
/usr/bin/python3 - "$sample" > hostile.json <<'PY'
import json, sys, yaml
tr = yaml.safe_load(open(sys.argv[1]))
tr["metadata"]["name"] = "build-1\n```\nrm -rf ~ #$(touch pwned)"
tr["metadata"]["namespace"] = "ci';touch pwned;'"
tr["spec"]["serviceAccountName"] = "sa $(touch pwned)"
print(json.dumps(tr))
PY
"$binary" diagnose -f hostile.json -o json | "$binary" export hostile > /dev/null; rc=$?
ok_all=1
for f in hostile/*.sh; do bash -n "$f" || ok_all=0; done
[ $rc = 0 ] && [ $ok_all = 1 ] && [ "$(grep -c '^```' hostile/runbook.md)" = "$(( $(ls hostile/*.sh | grep -vc backup) * 2 ))" ] &&
  ok "hostile names: every script parses, the runbook's fences are its own" || bad "hostile: rc=$rc parse=$ok_all"
[ ! -e pwned ] && ok "nothing ran while exporting" || bad "a file was created"

e2e_summary "export"
