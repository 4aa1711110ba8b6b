// Runs a helper program (an exec credential plugin) with a bounded run time and a bounded
// standard output. Standard error goes to ours, so the helper can talk to the user.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace certdoctor {

struct SubprocessResult {
    bool started = false;   // false: the program could not be run (see `error`)
    int exit_status = -1;   // the exit code, or -1 when it died by a signal or was killed
    bool timed_out = false;
    bool output_too_large = false;
    std::string out;        // standard output, at most max_out bytes
    std::string error;      // why it could not be started
};

// `argv[0]` is looked up in PATH unless it holds a '/'. `env` is the whole environment
// ("NAME=value"). The program runs in a process group of its own; the group (the program and
// the children it started) is killed when `timeout` passes or its output exceeds `max_out`.
SubprocessResult run_subprocess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                std::chrono::milliseconds timeout, size_t max_out = 1u << 20);

// The current environment as "NAME=value" strings.
std::vector<std::string> current_environment();

}  // namespace certdoctor
