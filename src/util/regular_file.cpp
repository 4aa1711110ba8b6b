#include "util/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace certdoctor {

namespace {

const char* kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISDIR(mode)) return "a directory";
    return "not a regular file";
}

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) close(fd);
    }
};

}  // namespace

std::string read_regular_file(const std::string& path, const std::string& what, size_t max_bytes,
                              std::chrono::milliseconds timeout) {
    const std::string name = what + " " + path;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer, for ever.
    Fd file{open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
    if (file.fd < 0) throw Error(name + ": " + std::strerror(errno));
    struct stat st {};
    if (fstat(file.fd, &st) != 0) throw Error(name + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        throw Error(name + ": is " + std::string(kind_of(st.st_mode)) +
                    ", not a regular file; it is not read");
    std::string data;
    char buffer[65536];
    for (;;) {
        if (std::chrono::steady_clock::now() > deadline)
            throw Error(name + ": not read within " + std::to_string(timeout.count()) +
                        "ms (--request-timeout)");
        ssize_t n = read(file.fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(name + ": read failed: " + std::strerror(errno));
        if (n == 0) break;
        if (data.size() + static_cast<size_t>(n) > max_bytes)
            throw Error(name + ": larger than " + std::to_string(max_bytes >> 10) +
                        " KiB; it is not read");
        data.append(buffer, static_cast<size_t>(n));
    }
    return data;
}

}  // namespace certdoctor
