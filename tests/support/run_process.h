// Runs a program the way a shell would, for end-to-end tests: arguments, standard input,
// extra environment; captures standard output, standard error and the exit code. Every run is
// bounded in time; a run that exceeds it is killed and reported as timed out.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace certdoctor::test {

struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    bool timed_out = false;
};

struct ProcessOptions {
    std::string stdin_text;
    bool close_stdin = true;  // give the child an empty, non-TTY standard input
    std::map<std::string, std::string> env;  // added to (or replacing in) the environment
    std::vector<std::string> unset_env;
    int timeout_ms = 20000;
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

}  // namespace certdoctor::test
