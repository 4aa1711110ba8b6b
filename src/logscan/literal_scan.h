// The literal prefilter of `analyze`: finds, case-insensitively, where any of a few hundred
// needles starts in a buffer, at a couple of bytes per cycle whatever their number. Most log lines
// hold none of them and never reach a regex.
//
// Each needle is known by a fingerprint, the five bytes in a row that ordinary text holds least
// (by the letter frequencies of English and the words every controller line holds), which is two
// overlapping four-byte windows. Every other position of the buffer is hashed by its four bytes
// (letters folded to lower case) into a bit table of 2^18 slots (32 KiB, as L1 holds): any
// occurrence of a needle puts one of its two windows on a position looked at. A marked slot is
// rare, and only there are the needles compared. A needle of four bytes has one window; it is
// also looked for by its first three bytes after any byte (the position before it). With AVX2,
// sixteen bytes (eight positions) are hashed at once and their slots read with one gather.
//
//   LiteralScanner scan({"x509", "manifest unknown"});
//   const char* hit = scan.find(text.data(), text.data() + text.size());  // == end: none
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace certdoctor {

class LiteralScanner {
public:
    // How positions are hashed: with the processor's vector instructions where it has them
    // (AVX2), or one word at a time everywhere. Both give the same answers.
    enum class Instructions { best, portable };

    // Needles of at least 4 bytes; letters match in either case.
    explicit LiteralScanner(const std::vector<std::string>& needles, Instructions instructions = Instructions::best);

    // A position in [begin, end) where a needle starts and fits before `end`, or `end`. Of
    // several needles in the buffer it finds one in the earliest line that holds any.
    const char* find(const char* begin, const char* end) const;
    // The indexes (in the constructor's order) of every needle that [begin, end) holds.
    void needles_in(const char* begin, const char* end, std::vector<size_t>& out) const;
    // The bytes (lower case) of needle `i` that its windows cover: five, or a four-byte needle.
    std::string_view fingerprint_of(size_t i) const {
        return std::string_view(needles_[i].lower).substr(needles_[i].offset, std::min<size_t>(5, needles_[i].lower.size()));
    }

private:
    static constexpr size_t kWindow = 4;
    static constexpr unsigned kTableBits = 18;

    struct Needle {
        std::string lower;
        size_t offset = 0;  // where its fingerprint starts
    };
    // One four-byte window of a needle: the folded bytes (those outside `mask` any), and where in
    // the needle the window starts (-1: the byte before it).
    struct Window {
        uint32_t word = 0;
        uint32_t mask = 0xFFFFFFFFu;
        uint16_t needle = 0;
        int16_t at = 0;
    };
    // Calls on_marked(p) at every other position p from `begin` (0, 2, 4, ...) whose window
    // hashes to a marked slot, in order, until it returns non-null: that, or null. Any needle in
    // [begin, end) has a window at one of those positions.
    template <typename OnMarked>
    const char* each_marked(const char* begin, const char* end, OnMarked&& on_marked) const;
    const char* verify(const char* begin, const char* p, const char* end) const;
    bool matches_at(const Window& w, const char* begin, const char* p, const char* end, uint32_t word) const;
    static uint32_t slot(uint32_t folded) { return (folded * 0x9E3779B1u) >> (32 - kTableBits); }
    bool marked(uint32_t word) const {
        uint32_t s = slot(word);
        return (table_[s >> 3] >> (s & 7)) & 1;
    }

    std::vector<Needle> needles_;
    bool vector_ = false;                 // AVX2 is used
    std::vector<uint8_t> table_;          // a bit per slot: some window hashes there
    std::vector<Window> by_slot_;         // the windows, ordered by their slot
    std::vector<uint32_t> slot_windows_;  // the slots that hold windows, in by_slot_'s order
};

// How many '\n' bytes lie in [begin, end).
size_t count_newlines(const char* begin, const char* end);

}  // namespace certdoctor
