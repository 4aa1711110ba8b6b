// The one error type for "the tool failed" and the exit codes the command line returns.
// Domain code throws Error with a message a user can act on; plugin/main.cpp catches it once
// and prints "tekton-certdoctor: error: <message>". A problem found in a run is a result, not
// an error.
#pragma once

#include <stdexcept>
#include <string>

namespace certdoctor {

enum class ExitCode : int {
    no_problem = 0,        // nothing wrong was found
    problem_found = 1,     // a problem was diagnosed
    usage = 2,             // the command line is wrong
    not_understood = 3,    // the input was not understood, or the failure not recognised
    tool_failed = 4,       // I/O, network or API failure, a broken catalog
    not_applied = 5,       // --apply changed nothing: not confirmed (no terminal and no --yes, or "no")
};

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, ExitCode code = ExitCode::tool_failed)
        : std::runtime_error(message), code_(code) {}
    ExitCode code() const { return code_; }

private:
    ExitCode code_;
};

// Input the tool could not understand (malformed YAML/JSON, binary data): exit code 3.
inline Error input_error(const std::string& message) {
    return Error(message, ExitCode::not_understood);
}

}  // namespace certdoctor
