// The bytes of a stream `analyze` reads (standard input, a pipe, a gzip file, a file that grows
// under --follow): read() as they come, inflated when they start with gzip's magic, several
// gzip members in a row too. Bad or truncated gzip data is an input error naming the stream.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <string>

namespace certdoctor {

class ByteStream {
public:
    ByteStream(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
    ~ByteStream();
    ByteStream(const ByteStream&) = delete;
    ByteStream& operator=(const ByteStream&) = delete;

    // Up to `n` bytes into `out`; 0 at the end of the input, or when nothing came within
    // `wait_ms` (when it is >= 0) or a signal interrupted the wait.
    size_t read(char* out, size_t n, int wait_ms = -1);
    bool gzip() const { return gzip_; }
    bool eof() const { return eof_ && (!gzip_ || z_.avail_in == 0); }
    // A file that grows (tail -f): read again after its end.
    void clear_eof() { eof_ = false; }
    // Reads `fd` from where it stands, as a new stream: a followed file truncated in place or
    // replaced under its name (tail -F).
    void restart(int fd);
    // What was ignored and why ("" when nothing was): junk after the last gzip member.
    const std::string& warning() const { return warning_; }

private:
    void sniff(int wait_ms);
    size_t raw_read(char* out, size_t n, int wait_ms);

    int fd_;
    std::string name_;
    bool sniffed_ = false, gzip_ = false, inflating_ = false, eof_ = false, member_done_ = false;
    z_stream z_{};
    std::string in_ = std::string(256u << 10, '\0');
    std::string pending_;
    std::string warning_;  // bytes read to sniff the magic, not yet returned
};

}  // namespace certdoctor
