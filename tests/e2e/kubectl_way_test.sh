#!/usr/bin/env bash
# The plugin as kubectl users expect it, against the loopback test API server
# (tests/support/fake_apiserver.py): shell completion through bash's own machinery, through the
# kubectl_complete-tekton_certdoctor shim with the words kubectl passes, and through kubectl
# itself; runs named as TYPE NAME; kubectl's connection flags (-s, --token,
# --certificate-authority, --insecure-skip-tls-verify, --as, --as-group), with the requests the
# server saw; and the generated man page, checked by groff.
# usage: kubectl_way_test.sh PATH-TO-kubectl-tekton_certdoctor
set -u
binary=${1:?usage: kubectl_way_test.sh BINARY}
bindir=$(cd "$(dirname "$binary")" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
# shellcheck source=../support/e2e-lib.sh
source "$support/e2e-lib.sh"
e2e_require python3 openssl
# shellcheck source=../support/fake-apiserver.sh
source "$support/fake-apiserver.sh"

work=$(mktemp -d)
k="$work/k"
mkdir -p "$k"
admin_token="tok-admin-9d1c44e07b"
limited_token="tok-limited-31aa5e"
printf '%s admin\n%s limited\n' "$admin_token" "$limited_token" > "$k/tokens"
/usr/bin/python3 "$support/kubectl_way_fixture.py" "$k/fixture.json" || { echo "FAIL: fixture"; exit 1; }
apiserver_start "$k" || { echo "FAIL: the test API server did not start"; exit 1; }
api_pid=$APISERVER_PID
silent_pid=""
trap 'kill $api_pid $silent_pid 2>/dev/null; rm -rf "$work"' EXIT
server="https://127.0.0.1:$APISERVER_PORT"
kc="$k/kubeconfig"
apiserver_kubeconfig "$kc" "$admin_token"
export HOME="$work/home"   # no ~/.kube/config of the machine's
mkdir -p "$HOME"
unset KUBERNETES_SERVICE_HOST

complete_words() { KUBECONFIG=$kc "$binary" __complete "$@" 2>&1; }
has_line() { printf '%s\n' "$1" | cut -f1 | grep -qxF -- "$2"; }

# --- cobra's protocol: __complete WORDS... PARTIAL ------------------------------------------------
out=$(complete_words diag)
if has_line "$out" diagnose && [ "$(printf '%s\n' "$out" | tail -n1)" = ":4" ]; then ok "__complete diag: diagnose, then :4"; else bad "__complete diag: $out"; fi
out=$(complete_words diagnose taskrun/b)
if has_line "$out" taskrun/build-1 && has_line "$out" taskrun/build-2 && ! has_line "$out" taskrun/other-1; then
  ok "taskrun/NAME from the cluster, in the context's namespace"; else bad "taskrun/b: $out"; fi
out=$(complete_words diagnose tr "")
if has_line "$out" build-1 && has_line "$out" build-2; then ok "TYPE NAME: the second word from the cluster"; else bad "tr NAME: $out"; fi
out=$(complete_words diagnose -n default tr/)
if has_line "$out" tr/other-1 && ! has_line "$out" tr/build-1; then ok "-n picks the namespace names come from"; else bad "-n default tr/: $out"; fi
out=$(complete_words diagnose --namespace=default pipelinerun/)
if [ "$(printf '%s\n' "$out" | grep -c /)" -eq 0 ]; then ok "no PipelineRun in default: no candidates"; else bad "pipelinerun/ in default: $out"; fi
out=$(complete_words diagnose pr/)
if has_line "$out" pr/release-7; then ok "pipelinerun names"; else bad "pr/: $out"; fi
out=$(complete_words diagnose -n "")
if has_line "$out" ci && has_line "$out" default; then ok "-n: namespaces from the cluster"; else bad "-n: $out"; fi
out=$(complete_words diagnose --context "")
if has_line "$out" test; then ok "--context: contexts from the kubeconfig"; else bad "--context: $out"; fi
# A kubeconfig's names reach the terminal only when they hold no control or bidi character.
printf 'apiVersion: v1\nkind: Config\ncontexts:\n- name: plain\n- name: "evil\\e[31m"\n- name: "rtl\\u202eexe"\n' > "$k/names.yaml"
out=$("$binary" __complete diagnose --kubeconfig "$k/names.yaml" --context "")
if [ "$out" = "$(printf 'plain\n:4')" ]; then ok "--context: names with escapes are not offered"; else bad "--context escapes: $(printf '%s' "$out" | od -c | head -3)"; fi
out=$(complete_words explain -o "")
if has_line "$out" json && has_line "$out" yaml && has_line "$out" markdown && has_line "$out" text; then ok "-o: the formats"; else bad "-o: $out"; fi
out=$(complete_words diagnose --output=y)
if has_line "$out" --output=yaml; then ok "--output=y: --output=yaml"; else bad "--output=y: $out"; fi
out=$(complete_words diagnose --li)
if has_line "$out" --limit; then ok "flags of the command"; else bad "--li: $out"; fi
out=$(complete_words patterns l)
if has_line "$out" list && has_line "$out" lint && ! has_line "$out" test; then ok "subcommands of patterns"; else bad "patterns l: $out"; fi
out=$(complete_words diagnose -f "")
if [ "$(printf '%s\n' "$out" | tail -n1)" = ":0" ]; then ok "-f: file names (directive 0)"; else bad "-f: $out"; fi
out=$(complete_words __complete)
if ! has_line "$out" __complete && ! has_line "$out" __manpage; then ok "hidden entry points are not offered"; else bad "hidden: $out"; fi

# The limited user may not list namespaces: no candidates, no error text, exit 0.
apiserver_kubeconfig "$k/limited.yaml" "$limited_token"
out=$(KUBECONFIG=$k/limited.yaml "$binary" __complete diagnose -n "" 2>&1); status=$?
if [ $status -eq 0 ] && [ "$out" = ":4" ]; then ok "a 403 means no candidates"; else bad "403: $status $out"; fi

# A server that accepts and never answers: the lookup gives up on its own bound.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(120)' "$work/silent.port" &
silent_pid=$!
for _ in $(seq 1 50); do [ -s "$work/silent.port" ] && break; sleep 0.1; done
cat > "$work/silent.yaml" <<KC
apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "https://127.0.0.1:$(cat "$work/silent.port")", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: s, context: {cluster: s, user: u, namespace: ci}}]
current-context: s
KC
out=$(KUBECONFIG=$work/silent.yaml timeout 20 "$binary" __complete diagnose taskrun/ 2>&1); status=$?
if [ $status -eq 0 ] && [ "$out" = ":4" ]; then ok "a silent API server: no candidates, the lookup ends by itself"; else bad "silent: $status $out"; fi

# --- bash's completion machinery over the generated script -------------------------------------
"$binary" completion bash > "$work/completion.bash"
if bash -n "$work/completion.bash"; then ok "completion bash: valid bash"; else bad "completion bash: syntax"; fi
# bash_complete WORD... : COMP_WORDS as bash splits the line (the last word is the cursor's), COMPREPLY out.
bash_complete() {
  KUBECONFIG=$kc bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    __kubectl_tekton_certdoctor_complete
    printf "%s\n" "${COMPREPLY[@]}"' _ "$work/completion.bash" "$binary" "$@"
}
out=$(bash_complete diag)
if [ "$out" = diagnose ]; then ok "bash: diag<TAB> -> diagnose"; else bad "bash diag: $out"; fi
out=$(bash_complete diagnose taskrun/build-)
if [ "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" = "taskrun/build-1 taskrun/build-2 " ]; then ok "bash: taskrun/<TAB> -> the TaskRuns"; else bad "bash taskrun/: $out"; fi
out=$(bash_complete diagnose --output = y)
if [ "$out" = yaml ]; then ok "bash: --output=y<TAB> (split at '=' by bash) -> yaml"; else bad "bash --output=y: $out"; fi
out=$(bash_complete explain -o "")
if [ "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" = "json markdown text yaml " ]; then ok "bash: -o <TAB>"; else bad "bash -o: $out"; fi
out=$(bash_complete completion "")
if [ "$(printf '%s\n' "$out" | tr '\n' ' ')" = "bash zsh fish " ]; then ok "bash: completion <TAB>"; else bad "bash completion: $out"; fi
# zsh: the completion function run by zsh itself, with compsys's _describe and _files standing in
# (they print what they were given).
if command -v zsh >/dev/null 2>&1; then
  "$binary" completion zsh > "$work/completion.zsh"
  cat > "$work/zsh-run.zsh" <<'ZSH'
compdef() { :; }
_describe() { print -l -- "${(@P)4}"; [[ $5 == -S ]] && print -- "(no space)"; }
_files() { print -- "(files)"; }
source "$1"
shift
words=("$@"); CURRENT=$#words
_kubectl-tekton_certdoctor
ZSH
  zsh_complete() { KUBECONFIG=$kc zsh -f "$work/zsh-run.zsh" "$work/completion.zsh" "$binary" "$@" 2>&1; }
  out=$(zsh_complete diag)
  if [ "$out" = "diagnose:Diagnose TaskRuns and PipelineRuns: in the cluster, or dumped to a file" ]; then ok "zsh: diag -> diagnose, with its description"; else bad "zsh diag: $out"; fi
  out=$(zsh_complete diagnose taskrun/)
  if printf '%s\n' "$out" | grep -qx 'taskrun/build-1'; then ok "zsh: taskrun/ -> the TaskRuns"; else bad "zsh taskrun/: $out"; fi
  out=$(zsh_complete diagnose -f "")
  if [ "$out" = "(files)" ]; then ok "zsh: -f completes file names"; else bad "zsh -f: $out"; fi
fi
for shell in zsh fish; do
  "$binary" completion "$shell" > "$work/completion.$shell" || bad "completion $shell"
  if command -v "$shell" >/dev/null 2>&1; then
    if "$shell" -n "$work/completion.$shell"; then ok "completion $shell: valid $shell"; else bad "completion $shell: syntax"; fi
  elif grep -q "__complete" "$work/completion.$shell"; then
    ok "completion $shell: calls __complete ($shell is not installed to check its syntax)"
  else
    bad "completion $shell: no __complete"
  fi
done
"$binary" completion tcsh > /dev/null 2> "$work/err"; status=$?
if [ $status -eq 2 ] && grep -q "bash, zsh or fish" "$work/err"; then ok "completion tcsh: usage error"; else bad "completion tcsh: $status"; fi

# --- the shim kubectl runs: kubectl_complete-tekton_certdoctor WORDS... PARTIAL ---------------
shim="$bindir/kubectl_complete-tekton_certdoctor"
if [ -x "$shim" ]; then
  out=$(KUBECONFIG=$kc "$shim" diag)
  if has_line "$out" diagnose; then ok "shim: diag -> diagnose"; else bad "shim diag: $out"; fi
  out=$(KUBECONFIG=$kc "$shim" diagnose taskrun/)
  if has_line "$out" taskrun/build-1; then ok "shim: taskrun/ -> a TaskRun from the API server"; else bad "shim taskrun/: $out"; fi
  out=$(KUBECONFIG=$kc "$shim" --namespace=default diagnose tr/)
  if has_line "$out" tr/other-1; then ok "shim: --namespace=VALUE before the command"; else bad "shim --namespace=: $out"; fi
  out=$(KUBECONFIG=$kc "$shim" -n default diagnose tr "")
  if has_line "$out" other-1 && ! has_line "$out" build-1; then ok "shim: -n VALUE before the command, TYPE NAME"; else bad "shim -n: $out"; fi
else
  bad "the build did not put kubectl_complete-tekton_certdoctor next to the binary"
fi
if command -v kubectl >/dev/null 2>&1; then
  out=$(PATH="$bindir:$PATH" KUBECONFIG=$kc kubectl __complete tekton-certdoctor diag 2>/dev/null)
  if has_line "$out" diagnose; then ok "kubectl __complete tekton-certdoctor diag -> diagnose"; else bad "kubectl diag: $out"; fi
  out=$(PATH="$bindir:$PATH" KUBECONFIG=$kc kubectl __complete tekton-certdoctor diagnose taskrun/ 2>/dev/null)
  if has_line "$out" taskrun/build-1; then ok "kubectl completes a TaskRun name through the plugin"; else bad "kubectl taskrun/: $out"; fi
else
  echo "note: kubectl is not installed; kubectl's own completion is not checked"
fi

# --- TYPE NAME and TYPE/NAME ---------------------------------------------------------------------
diag_json() { "$binary" diagnose "$@" --kubeconfig "$kc" --no-probe -o json 2> "$work/err"; }
slash=$(diag_json taskrun/build-1); s1=$?
for form in "taskrun build-1" "tr build-1" "tr/build-1" "taskruns build-1"; do
  # shellcheck disable=SC2086
  other=$(diag_json $form); s2=$?
  if [ $s1 -eq 1 ] && [ $s2 -eq 1 ] && [ "$other" = "$slash" ]; then ok "'$form' is taskrun/build-1"; else bad "'$form': $s1 $s2 $(cat "$work/err")"; fi
done
out=$(diag_json pipelinerun release-7); status=$?
if [ $status -eq 1 ] && printf '%s' "$out" | grep -q '"name": *"build-2"'; then ok "'pipelinerun release-7' with its child"; else bad "pipelinerun release-7: $status $(cat "$work/err")"; fi

# --- kubectl's connection flags ------------------------------------------------------------------
: > "$k/requests.log"
out=$(KUBECONFIG=/nonexistent "$binary" diagnose tr build-1 -n ci -s "$server" --token "$admin_token" \
      --certificate-authority "$k/ca.pem" --no-probe -v -o json 2> "$work/err"); status=$?
if [ $status -eq 1 ] && printf '%s' "$out" | grep -q '"problem": *"unknown-authority"'; then ok "-s, --token, --certificate-authority without a kubeconfig"; else bad "flags only: $status $(cat "$work/err")"; fi
if ! grep -qF "$admin_token" "$work/err" && ! printf '%s' "$out" | grep -qF "$admin_token"; then ok "--token is never printed, -v included"; else bad "the token was printed"; fi
out=$(KUBECONFIG=/nonexistent "$binary" diagnose tr/build-1 -n ci -s "$server" --token "$admin_token" --insecure-skip-tls-verify \
      --no-probe -o json 2> "$work/err"); status=$?
if [ $status -eq 1 ]; then ok "--insecure-skip-tls-verify"; else bad "insecure: $status $(cat "$work/err")"; fi
KUBECONFIG=/nonexistent "$binary" diagnose tr/build-1 -n ci -s "$server" --token "$admin_token" --no-probe > /dev/null 2> "$work/err"; status=$?
if [ $status -eq 4 ] && [ "$(wc -l < "$work/err")" -eq 1 ]; then ok "without a CA the server's certificate is refused (exit 4, one line)"; else bad "no CA: $status $(cat "$work/err")"; fi
# --token and --server over the kubeconfig's.
apiserver_kubeconfig "$k/stale.yaml" "tok-revoked"
sed -i "s|127.0.0.1:$APISERVER_PORT|127.0.0.1:1|" "$k/stale.yaml"
"$binary" diagnose tr/build-1 --kubeconfig "$k/stale.yaml" -s "$server" --token "$admin_token" --no-probe > /dev/null 2> "$work/err"; status=$?
if [ $status -eq 1 ]; then ok "--server and --token override the kubeconfig's"; else bad "override: $status $(cat "$work/err")"; fi
"$binary" diagnose tr/build-1 --kubeconfig "$k/stale.yaml" --no-probe > /dev/null 2> "$work/err"; status=$?
if [ $status -eq 4 ]; then ok "the stale kubeconfig alone fails (exit 4)"; else bad "stale: $status"; fi
# Impersonation: headers as kubectl sends them; the server then acts as that user.
: > "$k/requests.log"
"$binary" diagnose tr/build-1 --kubeconfig "$kc" --as jane --as-group support --as-group ops --no-probe > /dev/null 2> "$work/err"; status=$?
imp=$(/usr/bin/python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(len(lines), all(l["impersonate_user"] == "jane" and l["impersonate_groups"] == ["support", "ops"] and l["user"] == "jane" for l in lines))
' "$k/requests.log")
if [ $status -eq 1 ] && [ "${imp#* }" = True ] && [ "${imp% *}" -gt 0 ]; then ok "--as/--as-group: Impersonate-User and Impersonate-Group on all ${imp% *} requests"; else bad "impersonation: $status $imp $(cat "$work/err")"; fi
apiserver_kubeconfig "$k/limited.yaml" "$limited_token"
"$binary" diagnose tr/build-1 --kubeconfig "$k/limited.yaml" --as jane --no-probe > /dev/null 2> "$work/err"; status=$?
if [ $status -eq 4 ] && grep -q "cannot impersonate" "$work/err" && [ "$(wc -l < "$work/err")" -eq 1 ]; then ok "a user who may not impersonate: the 403, one line, exit 4"; else bad "impersonate 403: $status $(cat "$work/err")"; fi
"$binary" diagnose tr/build-1 --kubeconfig "$kc" --as-group support > /dev/null 2> "$work/err"; status=$?
if [ $status -eq 2 ] && grep -q -- "--as-group needs --as" "$work/err"; then ok "--as-group without --as: usage error"; else bad "as-group alone: $status"; fi

# --- the man page --------------------------------------------------------------------------------
man_page="$bindir/kubectl-tekton_certdoctor.1"
if [ -s "$man_page" ]; then
  if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -man -Tutf8 -ww -z "$man_page" 2>&1)
    if [ -z "$warnings" ]; then ok "groff -man -ww: no warning"; else bad "groff: $warnings"; fi
    text=$(groff -man -Tutf8 "$man_page" 2>/dev/null | sed 's/.\x08//g')
    missing=""
    for word in explain diagnose analyze probe "patterns list" "patterns regexes" version completion --kubeconfig --as-group \
                "EXIT STATUS" "GLOBAL FLAGS"; do
      printf '%s' "$text" | grep -qF -- "$word" || missing="$missing $word"
    done
    if [ -z "$missing" ]; then ok "the man page covers every command, the connection flags and the exit codes"; else bad "man page lacks:$missing"; fi
  else
    echo "note: groff is not installed; the man page is not checked"
  fi
  if command -v man >/dev/null 2>&1 && man -l "$man_page" 2>/dev/null | grep -q "kubectl-tekton_certdoctor"; then ok "man -l reads it"; fi
  if cmp -s "$man_page" <("$binary" __manpage); then ok "the built man page is the binary's"; else bad "the man page is stale"; fi
else
  bad "no man page next to the binary (the manpage target)"
fi

e2e_summary "kubectl way"
