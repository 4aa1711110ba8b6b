#!/usr/bin/env bash
# Accuracy on the real-world corpus, both parts of its split, by component and problem, with the
# confusion pairs and the misses (see bench/accuracy.py). Prints figures; asserts nothing.
# usage: bench/accuracy.sh [BUILD-DIR] [--misses N]
set -eu
build=${1:-build}
shift || true
exec /usr/bin/python3 "$(dirname "$0")/accuracy.py" --binary "$build/kubectl-tekton_certdoctor" "$@"
