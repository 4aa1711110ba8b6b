#!/usr/bin/env bash
# How long `kubectl tekton-certdoctor <TAB>` takes: the __complete entry point on a command name
# (no cluster), on `taskrun/` with the names of 1,000 TaskRuns from the loopback test API server,
# and the same through the kubectl_complete-tekton_certdoctor shim and through kubectl itself,
# against `kubectl version --client`. Median of N runs each.
# usage: bench/completion_latency.sh [BUILD-DIR] [RUNS]
set -eu
build=$(cd "${1:-build}" && pwd)
runs=${2:-30}
binary=$build/kubectl-tekton_certdoctor
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/support/fake-apiserver.sh
source "$here/../tests/support/fake-apiserver.sh"
work=$(mktemp -d)
trap 'kill ${APISERVER_PID:-} 2>/dev/null; rm -rf "$work"' EXIT
echo "tok-bench-7f3e admin" > "$work/tokens"
echo '{"generate": {"taskruns": 1000, "failed": 0, "registries": 1, "namespaces": 1}}' > "$work/fixture.json"
apiserver_start "$work"
apiserver_kubeconfig "$work/kubeconfig" tok-bench-7f3e
export KUBECONFIG=$work/kubeconfig

median_ms() {
  local i t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}
names=$("$binary" __complete -n team-00 diagnose taskrun/ | grep -c '^taskrun/')
echo "candidates for taskrun/ (every page of the list): $names"
echo "__complete diag:                          $(median_ms "$binary" __complete diag) ms (median of $runs)"
echo "__complete -n team-00 diagnose taskrun/:  $(median_ms "$binary" __complete -n team-00 diagnose taskrun/) ms"
echo "shim -n team-00 diagnose taskrun/:        $(median_ms "$build/kubectl_complete-tekton_certdoctor" -n team-00 diagnose taskrun/) ms"
if command -v kubectl >/dev/null; then
  echo "kubectl __complete tekton-certdoctor -n team-00 diagnose taskrun/: $(PATH="$build:$PATH" median_ms kubectl __complete tekton-certdoctor -n team-00 diagnose taskrun/) ms"
  echo "kubectl version --client:                 $(median_ms kubectl version --client) ms"
fi
