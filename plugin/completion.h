// Shell completion, the kubectl way: one hidden entry point speaking cobra's __complete protocol
// (`__complete WORDS... PARTIAL` prints one candidate a line, "name<TAB>description", then
// ":DIRECTIVE"), and the bash, zsh and fish scripts that call it. kubectl 1.26 and later runs
// kubectl_complete-tekton_certdoctor (plugin/) with the words after the plugin's name, which
// passes them to the same entry point.
//
//   kubectl-tekton_certdoctor __complete diag        -> diagnose<TAB>Diagnose ...  :4
//   kubectl-tekton_certdoctor __complete diagnose taskrun/b   -> taskrun/build-1 (from the cluster)
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace certdoctor {

// cobra's ShellCompDirective bits.
enum CompletionDirective : int {
    kDirectiveDefault = 0,  // the shell may complete file names
    kDirectiveError = 1,
    kDirectiveNoSpace = 2,    // no space after the candidate (taskrun/)
    kDirectiveNoFileComp = 4  // no file names
};

// `words`: the words after the binary's name, the last one being the word under the cursor
// ("" after a space). Prints the candidates and the directive; always exits 0. Names from the
// cluster are asked for with a bound of 2 s (or --request-timeout when shorter).
int run_complete(std::vector<std::string> words);

// `completion bash|zsh|fish`: the script for the binary itself.
std::string completion_script(const std::string& shell);

}  // namespace certdoctor
