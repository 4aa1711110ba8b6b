// String helpers that know nothing about Tekton: trimming, splitting, joining and UTF-8 repair.
// Escaping for where a value is printed is in util/escape.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace certdoctor {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split_lines(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// Appends `value` unless it is empty or already in `list`.
void add_unique(std::vector<std::string>& list, const std::string& value);

// Replaces bytes that are not valid UTF-8, and control characters other than tab and newline,
// with U+FFFD, so that binary junk in an input never reaches a terminal or a JSON document raw.
std::string sanitize_utf8(std::string_view s);

// Percent-encodes everything but RFC 3986's unreserved characters and those in `also_keep`
// ("a=b,c" -> "a%3Db%2Cc"), for URL paths and query values.
std::string percent_encode(std::string_view s, std::string_view also_keep = {});

// Shortens `s` to at most `max_bytes` on a UTF-8 boundary, marking the cut with "...".
std::string truncate_utf8(std::string_view s, size_t max_bytes);

}  // namespace certdoctor
