#include "flag_values.h"

#include <re2/re2.h>

#include <charconv>

#include "util/error.h"
#include "util/time.h"

namespace certdoctor {

std::chrono::milliseconds parse_duration(const std::string& text, const std::string& flag,
                                         double max_ms) {
    // Go's time.ParseDuration units, and "d" for days; a bare number is seconds.
    static const RE2 bare("(\\d+(?:\\.\\d+)?)");
    static const RE2 whole("(?:\\d+(?:\\.\\d+)?(?:ns|us|\xc2\xb5s|ms|s|m|h|d))+");
    static const RE2 part("(\\d+(?:\\.\\d+)?)(ns|us|\xc2\xb5s|ms|s|m|h|d)");
    double ms = 0;
    std::string number;
    if (RE2::FullMatch(text, bare, &number)) {
        ms = std::stod(number) * 1000;
    } else if (RE2::FullMatch(text, whole)) {
        re2::StringPiece rest(text);
        std::string unit;
        while (RE2::Consume(&rest, part, &number, &unit)) {
            double value = std::stod(number);
            ms += unit == "ns"                  ? value / 1e6
                  : unit == "us" || unit == "\xc2\xb5s" ? value / 1e3
                  : unit == "ms"                ? value
                  : unit == "s"                 ? value * 1000
                  : unit == "m"                 ? value * 60000
                  : unit == "h"                 ? value * 3600000
                                                : value * 86400000;
        }
    } else {
        throw Error(flag + " " + text + ": not a duration (examples: 90s, 1500ms, 2m, 1h30m, 7d)", ExitCode::usage);
    }
    if (ms < 1 || ms > max_ms)
        throw Error(flag + " " + text + ": must be between 1ms and " +
                        std::to_string(static_cast<long>(max_ms / 1000)) + "s",
                    ExitCode::usage);
    return std::chrono::milliseconds(static_cast<long>(ms));
}

std::time_t parse_verification_time(const std::string& text, std::time_t now) {
    if (auto t = parse_rfc3339(text)) return *t;
    static const RE2 re("([+-])(\\d{1,6})(s|m|h|d)");
    std::string sign, unit;
    long long amount = 0;
    if (!RE2::FullMatch(text, re, &sign, &amount, &unit))
        throw Error("--at " + text + ": not a time (RFC 3339 such as 2026-01-31T00:00:00Z, or +30d, +12h from now)",
                    ExitCode::usage);
    long long seconds = amount * (unit == "d" ? 86400 : unit == "h" ? 3600 : unit == "m" ? 60 : 1);
    return now + static_cast<std::time_t>(sign == "-" ? -seconds : seconds);
}

long long parse_count(const std::string& text, const std::string& flag, long long min,
                      long long max) {
    auto range = [&] {
        return Error(flag + " " + text + ": must be a whole number from " + std::to_string(min) +
                         " to " + std::to_string(max),
                     ExitCode::usage);
    };
    long long value = 0;
    const char* end = text.data() + text.size();
    auto [stop, ec] = std::from_chars(text.data(), end, value);
    // from_chars takes no '+', spaces or hex; a number too large for long long is out of range too.
    if (text.empty() || stop != end || (ec != std::errc() && ec != std::errc::result_out_of_range))
        throw range();
    if (ec == std::errc::result_out_of_range || value < min || value > max) throw range();
    return value;
}

}  // namespace certdoctor
