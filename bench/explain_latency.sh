#!/usr/bin/env bash
# Whole-process latency of `explain` on the message from the developers' guide, against
# `kubectl version --client` as the yardstick of a kubectl plugin's start-up. Median of N runs.
# usage: bench/explain_latency.sh [BUILD-DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-50}
binary=$build/kubectl-tekton_certdoctor
message='failed to create task run pod "task-run": translating TaskSpec to Pod: error getting image manifest: Get https://registry.private/v2/: x509: certificate signed by unknown authority. Maybe missing or invalid Task default/task'
median_ms() {
  local i t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
echo "explain (text):           $(median_ms "$binary" explain "$message") ms (median of $runs)"
echo "explain -o json:          $(median_ms "$binary" explain "$message" -o json) ms"
echo "diagnose -f sample:       $(median_ms "$binary" diagnose -f tests/samples/pipelinerun-v1-with-children.yaml) ms"
if command -v kubectl >/dev/null; then
  echo "kubectl version --client: $(median_ms kubectl version --client) ms"
fi
