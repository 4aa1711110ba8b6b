#!/usr/bin/env bash
# Benchmark of `diagnose taskruns -A` on a large cluster: the loopback test API server holds
# 10,000 TaskRuns, 500 of them failed against 10 real registries (docker-registry on 127.0.0.1,
# one TLS fault each). Prints the registries probed, the peak memory (max RSS) and the wall time,
# next to `kubectl get --raw` of the same list from the same server, as the floor.
# usage: bench/cluster_sweep.sh [BUILD-DIR] [RUNS]
# TASKRUNS, FAILED and REGISTRIES change the list (10,000, 500, 10 by default); registries past the
# ten real ones are closed loopback ports 1 to 190 (each probed once, refused at once), as in
#   TASKRUNS=100000 FAILED=5000 REGISTRIES=200 bash bench/cluster_sweep.sh build 3
# A run that fails (exit 2 or more) is printed as FAILED with its error, its time not taken for a
# sweep's: at that size the one request (--chunk-size 0) is over the client's 64 MiB bound.
set -u
build=${1:-build}
runs=${2:-5}
binary="$build/kubectl-tekton_certdoctor"
root=$(cd "$(dirname "$0")/.." && pwd)
support="$root/tests/support"
python=/usr/bin/python3
[ -x "$binary" ] || { echo "build first: $binary is missing"; exit 1; }
# shellcheck source=../tests/support/tls-registries.sh
source "$support/tls-registries.sh"
# shellcheck source=../tests/support/fake-apiserver.sh
source "$support/fake-apiserver.sh"
registries_setup
k="$work/k"
mkdir -p "$k"
echo "bench-token-0123456789 admin" > "$k/tokens"
faults=(good unknown-ca self-signed missing-intermediate wrong-name expired not-yet-valid no-ip-san cn-only plain-http)
regs=()
for f in "${faults[@]}"; do regs+=("\"127.0.0.1:${REGISTRY_PORT[$f]}\""); done
for i in $(seq 11 "${REGISTRIES:-10}"); do regs+=("\"127.0.0.1:$((i - 10))\""); done
list=$(IFS=,; echo "${regs[*]}")
"$python" "$support/cluster_fixture.py" ca-missing "$k/fixture.json" --registry "127.0.0.1:${REGISTRY_PORT[good]}" --ca "$work/r/trust/ca.crt"
"$python" - "$k/fixture.json" "[$list]" "${TASKRUNS:-10000}" "${FAILED:-500}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["objects"] = [o for o in d["objects"] if o["kind"] != "TaskRun"]
d["generate"] = {"taskruns": int(sys.argv[3]), "failed": int(sys.argv[4]), "registries": len(json.loads(sys.argv[2])),
                 "namespaces": 20, "registry_list": json.loads(sys.argv[2])}
json.dump(d, open(sys.argv[1], "w"))
PY
apiserver_start "$k" || exit 1
api_pid=$APISERVER_PID
trap 'kill $api_pid 2>/dev/null; registries_stop; rm -rf "$work"' EXIT
port=$APISERVER_PORT
cat > "$k/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "https://127.0.0.1:$port", certificate-authority: "$k/ca.pem"}}]
users: [{name: bench, user: {token: bench-token-0123456789}}]
contexts: [{name: bench, context: {cluster: bench, user: bench}}]
current-context: bench
KC
# BENCH_HOLD=SECONDS keeps the server up for profiling by hand.
[ -n "${BENCH_HOLD:-}" ] && { echo "server on port $port; kubeconfig $k/kubeconfig"; sleep "$BENCH_HOLD"; }

# measure LABEL COMMAND...: wall ms, max RSS KiB and exit status of one run, via GNU time.
measure() {
  local out="$k/time.$1"; shift
  local start end status
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$out.rss" "$@" > "$out.stdout" 2> "$out.stderr"
  status=$?
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(tail -n1 "$out.rss") $status"
}
# A run that failed (exit 2 or more; 1 means problems found) is named with its error, so that
# its time is never read as a sweep's.
failed_runs=()
note_failure() {  # LABEL STATUS STDERR-FILE
  [ "$2" -ge 2 ] && failed_runs+=("$1: exit $2: $(grep -m1 'error:' "$3")")
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Warm the server's item cache once.
"$binary" diagnose taskruns -A --kubeconfig "$k/kubeconfig" --no-probe -o json > /dev/null 2>&1

# The three commands run in turn, RUNS times, so that a noisy neighbour slows all of them alike;
# the ratios are the medians of each round's ratios.
have_kubectl=0
command -v kubectl >/dev/null 2>&1 && have_kubectl=1
t500s=() t0s=() ks=() r500=0 r0=0 ratios500=() ratios0=()
for _ in $(seq 1 "$runs"); do
  read -r a ra sa < <(measure tool "$binary" diagnose taskruns -A --kubeconfig "$k/kubeconfig" -o json --chunk-size 500)
  note_failure "pages of 500" "$sa" "$k/time.tool.stderr"
  cp "$k/time.tool.stdout" "$k/report.json"
  read -r b rb sb < <(measure tool "$binary" diagnose taskruns -A --kubeconfig "$k/kubeconfig" -o json --chunk-size 0)
  note_failure "one request" "$sb" "$k/time.tool.stderr"
  t500s+=("$a"); t0s+=("$b")
  [ "$ra" -gt "$r500" ] && r500=$ra
  [ "$rb" -gt "$r0" ] && r0=$rb
  if [ "$have_kubectl" = 1 ]; then
    read -r c _ sc < <(measure raw kubectl --kubeconfig "$k/kubeconfig" get --raw /apis/tekton.dev/v1/taskruns)
    note_failure "kubectl get --raw" "$sc" "$k/time.raw.stderr"
    ks+=("$c")
    ratios500+=("$(awk -v a="$a" -v c="$c" 'BEGIN {printf "%.3f", a / c}')")
    ratios0+=("$(awk -v b="$b" -v c="$c" 'BEGIN {printf "%.3f", b / c}')")
  fi
done
"$python" - "$k/report.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit("the sweep in pages of 500 wrote no report")
probed = {f["registry"] for f in d["findings"] if f["probe"]}
print("scanned %d TaskRuns, %d failed, %d root causes, registries probed: %d" % (
    d["runs_scanned"], d["failed_runs"], len(d["groups"]), len(probed)))
PY
t500=$(printf '%s\n' "${t500s[@]}" | median)
t0=$(printf '%s\n' "${t0s[@]}" | median)
echo "diagnose taskruns -A (pages of 500, the default): median wall ${t500} ms over $runs runs; peak RSS $((r500 / 1024)) MiB"
echo "diagnose taskruns -A --chunk-size 0 (one request): median wall ${t0} ms; peak RSS $((r0 / 1024)) MiB"
# Each failed run once (a failure repeats in every round).
[ "${#failed_runs[@]}" -gt 0 ] && printf '%s\n' "${failed_runs[@]}" | sort -u | sed 's/^/FAILED: /'
if [ "$have_kubectl" = 1 ]; then
  bytes=$(wc -c < "$k/time.raw.stdout")
  echo "kubectl get --raw (the same list, $((bytes / 1024 / 1024)) MiB, one request): median wall $(printf '%s\n' "${ks[@]}" | median) ms"
  echo "ratio to kubectl get --raw, median of the rounds: $(printf '%s\n' "${ratios500[@]}" | median) (pages of 500), $(printf '%s\n' "${ratios0[@]}" | median) (one request); target under 2"
else
  echo "kubectl is not installed: no comparison"
fi
