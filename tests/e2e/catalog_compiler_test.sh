#!/usr/bin/env bash
# The build's catalog compiler: the shipped catalog compiles; a rule that fails the lint fails it
# (and with it the build), naming file:line.
# usage: catalog_compiler_test.sh CATALOG-COMPILER
set -u
compiler=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$compiler" "$work/good.cpp" || fail "the shipped catalog does not compile"
grep -q 'builtin_catalog_blob' "$work/good.cpp" || fail "no compact form written"

mkdir "$work/rules"
cat >"$work/rules/bad-problem.yaml" <<'YAML'
kind: cause
id: bad-problem
title: A cause with a problem outside the vocabulary
problem: no-such-problem
regex: 'frobnicated the registry'
explanation: It frobnicated.
examples:
  match:
    - text: 'the step frobnicated the registry'
YAML
"$compiler" "$work/bad.cpp" "$work/rules" 2>"$work/err"
status=$?
[ "$status" -eq 1 ] || fail "a lint error exits $status, not 1"
grep -q "bad-problem.yaml:[0-9]*: .*no-such-problem" "$work/err" || { cat "$work/err"; fail "the error does not name file:line and the problem"; }
[ ! -e "$work/bad.cpp" ] || fail "a catalog with errors was written"
echo "ok"
