// The values of the command line's typed flags, checked before anything is read or sent:
// durations ("10s", "1500ms", as kubectl's --request-timeout) and counts (--limit, --chunk-size,
// --tail). A value that is malformed or out of range is a usage error (exit 2) in one line that
// names the flag and what it takes.
#pragma once

#include <chrono>
#include <ctime>
#include <string>

namespace certdoctor {

// Go's durations ("90s", "1500ms", "1h30m", "2h45m10s"), "d" for days ("7d"), or a bare
// number of seconds; from 1 ms to `max_ms`.
std::chrono::milliseconds parse_duration(const std::string& text,
                                         const std::string& flag = "--timeout",
                                         double max_ms = 600000);

// probe --at: an RFC 3339 time, or "+DURATION" from `now` (+30d, +12h, +90m; "-" goes back).
std::time_t parse_verification_time(const std::string& text, std::time_t now);

// A whole number from `min` to `max` (decimal digits, an optional '-'): never wrapped, never cut.
long long parse_count(const std::string& text, const std::string& flag, long long min,
                      long long max);

}  // namespace certdoctor
