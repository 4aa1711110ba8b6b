// Times as the Kubernetes API writes them (RFC 3339, "2024-05-01T10:00:00Z").
#pragma once

#include <ctime>
#include <optional>
#include <string>

namespace certdoctor {

// Seconds since the epoch; fractions are dropped. nullopt when `text` is not RFC 3339.
std::optional<std::time_t> parse_rfc3339(const std::string& text);

// "2024-05-01T10:00:00Z"
std::string format_rfc3339(std::time_t t);

}  // namespace certdoctor
