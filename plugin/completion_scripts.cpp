// The completion scripts `completion bash|zsh|fish` prints. Each asks the binary itself
// (`__complete WORDS... PARTIAL`, see completion.h) and only turns its answer into the shell's
// form: candidates up to the tab (bash) or with their descriptions (zsh, fish), no trailing space
// for directive 2, file names only when the directive allows them.
#include "completion.h"
#include "util/error.h"

namespace certdoctor {
namespace {

const char* const kBash = R"BASH(# bash completion for kubectl-tekton_certdoctor
#   source <(kubectl-tekton_certdoctor completion bash)
__kubectl_tekton_certdoctor_complete() {
    local -a words=()
    local i w cur=""
    # bash splits --flag=value at '='; join the pieces again.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if (( ${#words[@]} )) && [[ $w == "=" || ${words[-1]} == -*= ]] && [[ ${words[-1]} == -* ]]; then
            words[-1]+=$w
        else
            words+=("$w")
        fi
    done
    (( ${#words[@]} )) && cur=${words[-1]} && unset 'words[-1]'
    local out
    out=$("${COMP_WORDS[0]}" __complete "${words[@]}" "$cur" 2>/dev/null) || return 0
    local directive=${out##*:}
    [[ $directive =~ ^[0-9]+$ ]] || directive=0
    COMPREPLY=()
    local line value
    while IFS= read -r line; do
        [[ -z $line || $line == :* ]] && continue
        value=${line%%$'\t'*}
        [[ $value == "$cur"* ]] || continue
        # After a split '=', bash replaces only the part after it.
        [[ $cur == -*=* && ${COMP_WORDS[COMP_CWORD]} != -* ]] && value=${value#*=}
        COMPREPLY+=("$value")
    done <<< "$out"
    if (( directive & 2 )); then compopt -o nospace 2>/dev/null; fi
    if (( ${#COMPREPLY[@]} == 0 && (directive & 4) == 0 )); then
        compopt -o default 2>/dev/null
    fi
    return 0
}
complete -F __kubectl_tekton_certdoctor_complete kubectl-tekton_certdoctor
)BASH";

const char* const kZsh = R"ZSH(#compdef kubectl-tekton_certdoctor
# zsh completion for kubectl-tekton_certdoctor
#   kubectl-tekton_certdoctor completion zsh > "${fpath[1]}/_kubectl-tekton_certdoctor"
_kubectl-tekton_certdoctor() {
    local -a lines candidates
    local out directive line
    out=$("${words[1]}" __complete "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}" 2>/dev/null) || return 1
    lines=("${(@f)out}")
    directive=${lines[-1]#:}
    lines=("${(@)lines[1,-2]}")
    for line in "${lines[@]}"; do
        [[ -z $line ]] && continue
        if [[ $line == *$'\t'* ]]; then
            candidates+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
        else
            candidates+=("${line//:/\\:}")
        fi
    done
    if (( ${#candidates} )); then
        if (( directive & 2 )); then
            _describe -t values 'values' candidates -S ''
        else
            _describe -t values 'values' candidates
        fi
    elif (( (directive & 4) == 0 )); then
        _files
    fi
}
compdef _kubectl-tekton_certdoctor kubectl-tekton_certdoctor
)ZSH";

const char* const kFish = R"FISH(# fish completion for kubectl-tekton_certdoctor
#   kubectl-tekton_certdoctor completion fish > ~/.config/fish/completions/kubectl-tekton_certdoctor.fish
function __kubectl_tekton_certdoctor_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l out ($words[1] __complete $words[2..-1] $cur 2>/dev/null)
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    if test (count $out) -eq 0; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path $cur
        return
    end
    printf '%s\n' $out
end
complete -c kubectl-tekton_certdoctor -f -a '(__kubectl_tekton_certdoctor_complete)'
)FISH";

}  // namespace

std::string completion_script(const std::string& shell) {
    if (shell == "bash") return kBash;
    if (shell == "zsh") return kZsh;
    if (shell == "fish") return kFish;
    throw Error("completion " + shell + ": unknown shell; use bash, zsh or fish", ExitCode::usage);
}

}  // namespace certdoctor
