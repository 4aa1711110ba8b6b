#include "logscan/byte_stream.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace certdoctor {

ByteStream::~ByteStream() {
    if (inflating_) inflateEnd(&z_);
}

size_t ByteStream::read(char* out, size_t n, int wait_ms) {
    if (!sniffed_) sniff(wait_ms);
    if (gzip_ && !warning_.empty()) return 0;  // junk after the last member: the end
    if (!gzip_) return raw_read(out, n, wait_ms);
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(n);
    while (z_.avail_out == n) {
        if (z_.avail_in == 0) {
            size_t got = raw_read(in_.data(), in_.size(), wait_ms);
            if (got == 0) {
                if (eof_ && !member_done_) throw input_error(name_ + ": the gzip data ends early (truncated)");
                break;
            }
            z_.next_in = reinterpret_cast<Bytef*>(in_.data());
            z_.avail_in = static_cast<uInt>(got);
        }
        if (member_done_) {
            // Another member follows, or junk (a padded tape, a log appended to a .gz): as
            // gzip(1) does, what was inflated is kept and the junk is ignored with a warning.
            const auto* next = reinterpret_cast<const unsigned char*>(z_.next_in);
            if (next[0] != 0x1f || (z_.avail_in > 1 && next[1] != 0x8b)) {
                warning_ = name_ + ": " + std::to_string(z_.avail_in) + (eof_ ? "" : " or more") +
                           " bytes after the end of the gzip data are not gzip; they were ignored";
                z_.avail_in = 0;
                eof_ = true;
                return n - z_.avail_out;
            }
            inflateReset(&z_);
            member_done_ = false;
        }
        int rc = inflate(&z_, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) member_done_ = true;
        else if (rc != Z_OK && rc != Z_BUF_ERROR)
            throw input_error(name_ + ": not valid gzip data after " + std::to_string(z_.total_in) +
                              " compressed bytes: " + (z_.msg ? z_.msg : "inflate failed"));
    }
    return n - z_.avail_out;
}

void ByteStream::restart(int fd) {
    if (inflating_) inflateEnd(&z_);
    fd_ = fd;
    sniffed_ = gzip_ = inflating_ = eof_ = member_done_ = false;
    pending_.clear();
}

void ByteStream::sniff(int wait_ms) {
    size_t got = raw_read(in_.data(), 2, wait_ms);
    if (got == 0 && !eof_) return;  // nothing yet (follow): sniff on the next call
    sniffed_ = true;
    if (got == 1) got += raw_read(in_.data() + 1, 1, wait_ms);
    gzip_ = got == 2 && static_cast<unsigned char>(in_[0]) == 0x1f && static_cast<unsigned char>(in_[1]) == 0x8b;
    if (gzip_) {
        std::memset(&z_, 0, sizeof z_);
        if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) throw Error(name_ + ": cannot start gzip decompression");
        inflating_ = true;
        z_.next_in = reinterpret_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(got);
    } else {
        pending_.assign(in_.data(), got);
    }
}

size_t ByteStream::raw_read(char* out, size_t n, int wait_ms) {
    if (!pending_.empty()) {
        size_t k = std::min(n, pending_.size());
        std::memcpy(out, pending_.data(), k);
        pending_.erase(0, k);
        return k;
    }
    for (;;) {
        if (wait_ms >= 0) {
            pollfd p{fd_, POLLIN, 0};
            int r = ::poll(&p, 1, wait_ms);
            if (r == 0 || (r < 0 && errno == EINTR)) return 0;
        }
        ssize_t r = ::read(fd_, out, n);
        if (r > 0) return static_cast<size_t>(r);
        if (r == 0) {
            eof_ = true;
            return 0;
        }
        if (errno != EINTR) throw Error(name_ + ": read failed: " + std::strerror(errno));
        if (wait_ms >= 0) return 0;
    }
}

}  // namespace certdoctor
