#!/usr/bin/env bash
# Whole-process latency of `explain` on the message from the developers' guide, against
# `kubectl version --client` in the same run as the yardstick of a kubectl plugin's start-up:
# the median wall time of N runs and, where `perf stat` may count, the mean CPU time (task-clock),
# which a loaded machine disturbs less. Prints figures; asserts nothing.
# usage: bench/explain_latency.sh [BUILD-DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-50}
binary=$build/kubectl-tekton_certdoctor
message='failed to create task run pod "task-run": translating TaskSpec to Pod: error getting image manifest: Get https://registry.private/v2/: x509: certificate signed by unknown authority. Maybe missing or invalid Task default/task'
perf_out=$(mktemp)
trap 'rm -f "$perf_out"' EXIT
median_ms() {
  local i t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
cpu_ms() {
  # explain exits non-zero when it found a problem: perf's status is the command's, not its own.
  : > "$perf_out"
  perf stat -x, -o "$perf_out" -e task-clock -r "$runs" "$@" >/dev/null 2>&1 || true
  awk -F, '/task-clock/ {printf "%.2f ms CPU (perf stat, mean)", $1; found=1} END {if (!found) printf "CPU n/a"}' "$perf_out"
}
have_perf=no
if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then have_perf=yes; fi
row() {
  local label=$1
  shift
  local cpu=""
  [ "$have_perf" = yes ] && cpu=", $(cpu_ms "$@")"
  printf '%-26s %s ms wall (median of %s)%s\n' "$label:" "$(median_ms "$@")" "$runs" "$cpu"
}
echo "load: $(uptime | sed 's/.*load average/load average/')"
row "explain (text)" "$binary" explain "$message"
row "explain -o json" "$binary" explain "$message" -o json
row "explain --help" "$binary" explain --help
row "version" "$binary" version
row "diagnose -f sample" "$binary" diagnose -f tests/samples/pipelinerun-v1-with-children.yaml
if command -v kubectl >/dev/null; then
  row "kubectl version --client" kubectl version --client
else
  echo "kubectl version --client:  kubectl not on PATH"
fi
