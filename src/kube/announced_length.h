// The API client's early refusal of an oversized answer: the response's header lines, as libcurl
// hands them over one by one, are read for Content-Length and Content-Encoding, so that a body
// announced above the bound is refused at the end of the headers instead of after reading the
// bound's worth of it. A chunked body announces nothing and stays bounded while it streams.
//
//   AnnouncedLength a(64u << 20);
//   for (line : header lines) a.header_line(line);   // "Content-Length: 104857600\r\n", ...,
//   "\r\n" if (a.over()) refuse();
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace certdoctor {

class AnnouncedLength {
  public:
    explicit AnnouncedLength(size_t max) : max_(max) {}

    // One header line with its CRLF. A status line starts a new response (a proxy's CONNECT
    // answer or a 1xx comes before the real one), the empty line ends the headers.
    void header_line(std::string_view line) {
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
        if (line.substr(0, 5) == "HTTP/") {
            length_ = -1;
            encoded_ = false;
            ended_ = false;
            return;
        }
        if (line.empty()) {
            ended_ = true;
            return;
        }
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) return;
        std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
            value.remove_suffix(1);
        if (same_name(name, "content-length"))
            length_ = parse_length(value);
        else if (same_name(name, "content-encoding") && !value.empty() &&
                 !same_name(value, "identity"))
            encoded_ = true;
    }

    // At the end of the headers: whether the body announced is surely longer than the bound.
    // A compressed body is compared with room for deflate's worst growth of incompressible data
    // (5 bytes per 16 KiB stored block, plus the gzip header and trailer), so that a body that
    // would decode to the bound or less is never refused early.
    bool over() const {
        if (!ended_ || length_ < 0) return false;
        uint64_t announced = static_cast<uint64_t>(length_);
        uint64_t limit = max_;
        if (encoded_) limit += limit / 1024 + 1024;
        return announced > limit;
    }

    // The length announced, -1 when none (or not a number).
    int64_t length() const { return length_; }

  private:
    static bool same_name(std::string_view a, std::string_view lower) {
        if (a.size() != lower.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
        return true;
    }
    static int64_t parse_length(std::string_view v) {
        if (v.empty()) return -1;
        int64_t n = 0;
        for (char c : v) {
            if (c < '0' || c > '9') return -1;
            if (n > (INT64_MAX - 9) / 10)
                n = INT64_MAX;  // more than any bound
            else
                n = n * 10 + (c - '0');
        }
        return n;
    }

    size_t max_;
    int64_t length_ = -1;
    bool encoded_ = false;
    bool ended_ = false;
};

}  // namespace certdoctor
