#include "logscan/line_scan.h"

#include <cstring>

namespace certdoctor {

namespace {

// Whether a regex that one of the needles in [from, to) guards may match the line.
bool guards_pass(const LiteralScanner& scanner, const CauseGuards& guards, const char* from, const char* to) {
    thread_local std::string lower;
    thread_local std::vector<size_t> found;
    scanner.needles_in(from, to, found);
    lower.assign(from, to);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return guards.may_match(lower, found);
}

}  // namespace

uint64_t scan_region(const LiteralScanner* scanner, const CauseGuards* guards, const char* begin, const char* end,
                     const std::function<void(const CandidateLine&)>& on_line) {
    const char* pos = begin;
    uint64_t newlines = 0;  // before `pos`, from `begin`
    while (pos < end) {
        const char* hit = scanner ? scanner->find(pos, end) : pos;
        if (hit == end) return newlines + count_newlines(pos, end);
        const void* back = hit > pos ? memrchr(pos, '\n', static_cast<size_t>(hit - pos)) : nullptr;
        const char* line = back ? static_cast<const char*>(back) + 1 : pos;
        const void* fwd = std::memchr(hit, '\n', static_cast<size_t>(end - hit));
        const char* line_end = fwd ? static_cast<const char*>(fwd) : end;
        newlines += count_newlines(pos, line);
        CandidateLine c;
        c.newlines_before = newlines;
        const char* from = line;
        const char* to = line_end;
        if (static_cast<size_t>(to - from) > kMaxSliceBytes) {
            from = hit - from > static_cast<long>(kMaxSliceBytes / 2) ? hit - kMaxSliceBytes / 2 : from;
            to = static_cast<size_t>(to - from) > kMaxSliceBytes ? from + kMaxSliceBytes : to;
        }
        c.slice = std::string_view(from, static_cast<size_t>(to - from));
        if (!scanner || !guards || guards_pass(*scanner, *guards, from, to)) on_line(c);
        if (!fwd) return newlines;
        pos = line_end + 1;
        newlines += 1;
    }
    return newlines;
}

}  // namespace certdoctor
