#!/usr/bin/env bash
# The time and peak memory the tool takes against each hostile peer on loopback (the cases of
# tests/e2e/hostile_peers_test.sh, run with /usr/bin/time -v). Prints one line per case.
# usage: bench/hostile_peers.sh [PATH-TO-kubectl-tekton_certdoctor]   (default build/kubectl-tekton_certdoctor)
set -u
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-$here/../build/kubectl-tekton_certdoctor}
MEASURE=1 exec bash "$here/../tests/e2e/hostile_peers_test.sh" "$binary"
