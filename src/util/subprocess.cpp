#include "util/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace certdoctor {

std::vector<std::string> current_environment() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
    return env;
}

SubprocessResult run_subprocess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                std::chrono::milliseconds timeout, size_t max_out) {
    SubprocessResult result;
    if (argv.empty()) {
        result.error = "no program given";
        return result;
    }
    int out_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0) {
        result.error = std::string("pipe: ") + std::strerror(errno);
        return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    // The helper leads a process group of its own, so that on timeout the group is killed: a
    // plugin's own children (a shell script's commands, a browser login helper) must not outlive it.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    // posix_spawnp searches the PATH of *our* environment; the plugin's env may set another.
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(out_pipe[1]);
    if (rc != 0) {
        close(out_pipe[0]);
        result.error = std::strerror(rc);
        return result;
    }
    result.started = true;

    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[16384];
    bool open = true;
    while (open) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            break;
        }
        pollfd p{out_pipe[0], POLLIN, 0};
        int n = poll(&p, 1, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;  // the deadline is checked at the top
        ssize_t got = read(out_pipe[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            open = false;
            break;
        }
        if (result.out.size() + static_cast<size_t>(got) > max_out) {
            result.output_too_large = true;
            break;
        }
        result.out.append(buf, static_cast<size_t>(got));
    }
    close(out_pipe[0]);
    if (result.timed_out || result.output_too_large) kill(-pid, SIGKILL);
    int status = 0;
    // A helper that closed its output but keeps running is bounded by the same deadline.
    while (!result.timed_out && !result.output_too_large) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            break;
        }
        usleep(2000);
    }
    if (result.timed_out || result.output_too_large) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (!result.timed_out && !result.output_too_large && WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
    return result;
}

}  // namespace certdoctor
