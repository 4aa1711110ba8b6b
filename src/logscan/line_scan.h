// Line scanning for `analyze`: walks a buffer of log lines and hands over only the lines that
// hold a prefilter needle, each as a bounded slice around the needle, with its line number.
// The same walk serves memory-mapped windows of a file and the buffers of a stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "logscan/literal_scan.h"
#include "logscan/needles.h"

namespace certdoctor {

// A line is searched for needles in its first kMaxLineBytes; what lies beyond is skipped, so a
// line of any length costs bounded memory. The slice handed to the matcher is at most
// kMaxSliceBytes around the first needle.
inline constexpr size_t kMaxLineBytes = 1u << 20;
inline constexpr size_t kMaxSliceBytes = 64u << 10;

struct CandidateLine {
    std::string_view slice;   // the line, or a part of it around the needle when it is long
    uint64_t newlines_before = 0;  // newlines between the region's start and the line's start
};

// Calls `on_line` for each line in [begin, end) that holds a needle (every line when `scanner`
// is null) and, with `guards`, that a cause regex guarded by one of its needles may match.
// `begin` is at a line start; `end` is just past a '\n', or where a cut line stops. Returns the
// number of '\n' in [begin, end), counted on the way (one pass over the bytes, not two).
uint64_t scan_region(const LiteralScanner* scanner, const CauseGuards* guards, const char* begin, const char* end,
                     const std::function<void(const CandidateLine&)>& on_line);

}  // namespace certdoctor
