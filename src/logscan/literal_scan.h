// The literal prefilter of `analyze`: finds, case-insensitively, where any of a few dozen needles
// starts in a buffer, at about a byte per cycle whatever their number. Most log lines hold none
// of them and never reach a regex.
//
// Each needle is known by a fingerprint, the four bytes in a row that ordinary text holds least
// (by the letter frequencies of English and of logs). Every position of the buffer is hashed by
// its four bytes (letters folded to lower case) into a 32 KiB table of fingerprints; a marked
// slot is rare (about one position in five hundred), and only there are the needles compared.
//
//   LiteralScanner scan({"x509", "manifest unknown"});
//   const char* hit = scan.find(text.data(), text.data() + text.size());  // == end: none
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace certdoctor {

class LiteralScanner {
public:
    // Needles of at least 4 bytes; letters match in either case.
    explicit LiteralScanner(const std::vector<std::string>& needles);

    // A position in [begin, end) where a needle starts and fits before `end`, or `end`. Of
    // several needles in the buffer it finds one in the earliest line that holds any.
    const char* find(const char* begin, const char* end) const;
    // The indexes (in the constructor's order) of every needle that [begin, end) holds.
    void needles_in(const char* begin, const char* end, std::vector<size_t>& out) const;
    // The four bytes (lower case) by which needle `i` is looked for.
    std::string_view fingerprint_of(size_t i) const {
        return std::string_view(needles_[i].lower).substr(needles_[i].offset, kFingerprint);
    }

private:
    static constexpr size_t kFingerprint = 4;
    static constexpr unsigned kTableBits = 15;

    struct Needle {
        std::string lower;
        size_t offset = 0;  // where its fingerprint starts
        uint32_t fingerprint = 0;
    };
    const char* verify(const char* begin, const char* at, const char* end) const;
    static bool starts_at(const Needle& n, const char* begin, const char* at, const char* end, uint32_t word);
    static uint32_t slot(uint32_t folded) { return (folded * 0x9E3779B1u) >> (32 - kTableBits); }

    std::vector<Needle> needles_;
    std::vector<uint8_t> table_;  // 1 at slot(fingerprint) for every needle: 32 KiB, as L1 holds
    std::vector<uint16_t> by_slot_;     // needle indexes, ordered by their fingerprint's slot
    std::vector<uint16_t> slot_first_;  // per slot: where its needles start in by_slot_ (and end, at +1)
};

// How many '\n' bytes lie in [begin, end).
size_t count_newlines(const char* begin, const char* end);

}  // namespace certdoctor
