#include "util/time.h"

#include <re2/re2.h>

namespace certdoctor {

std::optional<std::time_t> parse_rfc3339(const std::string& text) {
    static const RE2 re(R"((\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2})))");
    int year, month, day, hour, minute, second;
    std::string z, sign, off_h, off_m;
    if (!RE2::FullMatch(text, re, &year, &month, &day, &hour, &minute, &second, &z, &sign, &off_h, &off_m))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    std::time_t t = timegm(&tm);
    if (z.empty()) {
        long offset = std::stol(off_h) * 3600 + std::stol(off_m) * 60;
        t -= sign == "-" ? -offset : offset;
    }
    return t;
}

std::string format_rfc3339(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace certdoctor
