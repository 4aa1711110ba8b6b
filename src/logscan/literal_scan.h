// The literal prefilter of `analyze`: finds, case-insensitively, where any of a few dozen needles
// starts in a buffer, at several GB/s. Most log lines hold none of them and never reach a regex.
//
// It is the "Teddy" scheme: the first three bytes of every needle are folded into nibble tables
// of eight buckets, 32 positions are tested at once with AVX2 shuffles (a byte-table loop where
// AVX2 is missing), and only the positions that pass are compared with the needles of their
// buckets.
//
//   LiteralScanner scan({"x509", "unauthorized"});
//   const char* hit = scan.find(text.data(), text.data() + text.size());  // == end: none
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace certdoctor {

class LiteralScanner {
public:
    // Needles of at least 3 bytes; letters match in either case.
    explicit LiteralScanner(const std::vector<std::string>& needles);

    // The first position in [begin, end) where a needle starts and fits before `end`, or `end`.
    const char* find(const char* begin, const char* end) const;

    // The same search with the byte-table loop only (tests compare the two).
    const char* find_portable(const char* begin, const char* end) const;

    bool uses_avx2() const { return avx2_; }

private:
    bool verify(const char* at, const char* end, uint8_t buckets) const;
    const char* find_avx2(const char* begin, const char* end) const;

    struct Needle {
        std::string lower;
    };
    std::array<std::vector<Needle>, 8> buckets_;
    std::array<std::array<uint8_t, 16>, 3> low_{}, high_{};  // nibble -> buckets, per needle byte
    std::array<std::array<uint8_t, 256>, 3> byte_{};         // byte -> buckets, per needle byte
    bool avx2_ = false;
};

// How many '\n' bytes lie in [begin, end).
size_t count_newlines(const char* begin, const char* end);

}  // namespace certdoctor
