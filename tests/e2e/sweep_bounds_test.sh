#!/usr/bin/env bash
# Sweeps against an API server whose list never ends (tests/support/fake_apiserver.py with its
# "continue" modes, on 127.0.0.1): a repeated or oversized continue token, a run listed twice, the
# page cap, and a list that expires half-way are each an error (exit 4) that says how far the
# sweep got, never "no problems found".
# usage: sweep_bounds_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: sweep_bounds_test.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3 openssl
python=/usr/bin/python3
# shellcheck source=../support/fake-apiserver.sh
source "$support/fake-apiserver.sh"

k=$(mktemp -d)
trap 'kill $APISERVER_PID 2>/dev/null; rm -rf "$k"' EXIT

echo "tok-sweep-5d1e admin" > "$k/tokens"
"$python" "$support/cluster_fixture.py" sweep "$k/base.json" --registry 127.0.0.1:1 --registry2 127.0.0.1:2 --ca "$k/tokens" ||
  { echo "FAIL: no fixture"; exit 1; }
cp "$k/base.json" "$k/fixture.json"
apiserver_start "$k" || { echo "FAIL: the test API server did not start"; exit 1; }
apiserver_kubeconfig "$k/kubeconfig" tok-sweep-5d1e

# mode MODE [BYTES]: the server's continue tokens from now on ("" for a list that ends).
mode() {
  "$python" - "$k/base.json" "$k/fixture.json" "$@" <<'PY'
import json, os, sys, time
d = json.load(open(sys.argv[1]))
if sys.argv[3]:
    d["continue"] = {"mode": sys.argv[3], "bytes": int(sys.argv[4]) if len(sys.argv) > 4 else 0}
with open(sys.argv[2] + ".tmp", "w") as f:
    json.dump(d, f)
# The server reads the fixture again when its mtime changes: make sure it does, however coarse
# the file system's clock.
mtime = max(time.time_ns(), os.stat(sys.argv[2]).st_mtime_ns + 10_000_000)
os.utime(sys.argv[2] + ".tmp", ns=(mtime, mtime))
os.replace(sys.argv[2] + ".tmp", sys.argv[2])
PY
}
# sweep NAME ARGS...: a sweep of all namespaces; keeps stdout, stderr, exit code, the requests it
# made, and its peak memory in KiB when GNU time is installed.
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%M' -o)
sweep() {
  local name=$1; shift
  local before=0
  [ -f "$k/requests.log" ] && before=$(wc -l < "$k/requests.log")
  ${timer[@]+"${timer[@]}" "$k/$name.kb"} timeout 120 env -u KUBECONFIG "$binary" diagnose taskruns -A \
    --kubeconfig "$k/kubeconfig" --no-probe "$@" > "$k/$name.out" 2> "$k/$name.err"
  echo $? > "$k/$name.rc"
  tail -n +"$((before + 1))" "$k/requests.log" | grep -c '/taskruns' > "$k/$name.pages"
}
# check NAME DESCRIPTION PYTHON-EXPR: rc, err (its stderr), pages (list requests made).
check() {
  local name=$1 what=$2 expr=$3
  if "$python" - "$k/$name.rc" "$k/$name.err" "$k/$name.pages" "$expr" <<'PY'
import sys
rc, err, pages = int(open(sys.argv[1]).read()), open(sys.argv[2]).read(), int(open(sys.argv[3]).read())
sys.exit(0 if eval(sys.argv[4]) else 1)
PY
  then ok "$what"; else bad "$what (rc=$(cat "$k/$name.rc"), $(cat "$k/$name.pages") list requests; $(head -c 300 "$k/$name.err"))"; fi
}

sweep ends --chunk-size 2
check ends "a list that ends: the sweep finishes (exit 1, failed runs found)" 'rc == 1 and pages == 5'

mode repeat
sweep repeat --chunk-size 2 -l tekton.dev/task=nothing
check repeat "the same continue token again: exit 4 after 2 pages, one line" \
  'rc == 4 and "sent a continue token it had sent before" in err and "after 2 pages (0 TaskRuns read, 0 failed)" in err and err.count("\n") == 1'

mode cycle
sweep cycle --chunk-size 2 -l tekton.dev/task=nothing
check cycle "three continue tokens in turn: exit 4 when the first comes back" \
  'rc == 4 and "sent a continue token it had sent before" in err and "after 4 pages (0 TaskRuns read, 0 failed)" in err'

mode endless 70000
sweep oversized --chunk-size 2
check oversized "a 70,000-byte continue token is not sent: exit 4 after the first page" \
  'rc == 4 and "continue token is 70000 bytes (more than 64 KiB)" in err and pages == 1'

mode endless
sweep again --chunk-size 2
check again "an endless list that serves the same runs again: exit 4 at the first run seen twice" \
  'rc == 4 and "a second time" in err and pages == 2'

# Empty pages with a new token each time: only the page cap stops it. Pages of one run, so that
# the cap (10,000 pages) is reached in seconds; memory stays flat as the tokens are not kept.
mode endless 2000
sweep endless --chunk-size 1 -l tekton.dev/task=nothing
check endless "an endless list of new 2 KB tokens: exit 4 at the page cap, saying so" \
  'rc == 4 and "still had more after 10000 pages" in err and "after 10000 pages (0 TaskRuns read, 0 failed)" in err and pages == 10000'
if [ -s "$k/endless.kb" ]; then
  kb=$(tail -1 "$k/endless.kb")
  [ "$kb" -lt $((128 * 1024)) ] && ok "the endless sweep's peak memory stays small (${kb} KiB for 10,000 tokens of 2 KB)" ||
    bad "the endless sweep used ${kb} KiB"
else
  echo "skip  the endless sweep's peak memory (/usr/bin/time is not installed)"
fi

mode expire
sweep expire --chunk-size 2
check expire "a list whose continue token expires half-way: exit 4, how far it got" \
  'rc == 4 and "410" in err and "the sweep stopped after 1 page (2 TaskRuns read" in err'

mode ""
sweep healthy --chunk-size 2 -l tekton.dev/task=nothing
check healthy "a list that ends with nothing failed is still exit 0" 'rc == 0'

e2e_summary "sweep bounds"
