#include "support/run_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

extern char** environ;

namespace certdoctor::test {

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    int in[2], out[2], err[2];
    if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) return {};
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        std::string entry(*e);
        std::string key = entry.substr(0, entry.find('='));
        bool drop = options.env.count(key) > 0;
        for (const auto& u : options.unset_env) drop = drop || u == key;
        if (!drop) env_strings.push_back(entry);
    }
    for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);

    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
        std::vector<char*> args, envp;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
        execvpe(args[0], args.data(), envp.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    ProcessResult result;
    size_t written = 0;
    int in_fd = in[1];
    if (options.stdin_text.empty() && options.close_stdin) {
        close(in_fd);
        in_fd = -1;
    } else {
        fcntl(in_fd, F_SETFL, O_NONBLOCK);
    }
    signal(SIGPIPE, SIG_IGN);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            result.timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        pollfd fds[3];
        int n = 0;
        if (out_open) fds[n++] = {out[0], POLLIN, 0};
        if (err_open) fds[n++] = {err[0], POLLIN, 0};
        if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
        if (poll(fds, n, static_cast<int>(left)) < 0) continue;
        for (int i = 0; i < n; ++i) {
            if (fds[i].fd == in_fd && (fds[i].revents & (POLLOUT | POLLERR | POLLHUP))) {
                ssize_t w = write(in_fd, options.stdin_text.data() + written, options.stdin_text.size() - written);
                if (w > 0) written += static_cast<size_t>(w);
                if (w < 0 || written == options.stdin_text.size()) {
                    close(in_fd);
                    in_fd = -1;
                }
            } else if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buffer[65536];
                ssize_t r = read(fds[i].fd, buffer, sizeof buffer);
                bool is_out = fds[i].fd == out[0];
                if (r <= 0) {
                    (is_out ? out_open : err_open) = false;
                } else {
                    (is_out ? result.out : result.err).append(buffer, static_cast<size_t>(r));
                }
            }
        }
    }
    if (in_fd >= 0) close(in_fd);
    close(out[0]);
    close(err[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    return result;
}

}  // namespace certdoctor::test
