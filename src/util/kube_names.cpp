#include "util/kube_names.h"

namespace certdoctor {

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Lower-case letters, digits and `inner` characters, starting and ending with a letter or digit.
bool is_name(std::string_view s, size_t max_bytes, std::string_view inner) {
    if (s.empty() || s.size() > max_bytes || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
    for (char c : s)
        if (!is_alnum(c) && inner.find(c) == std::string_view::npos) return false;
    return true;
}

}  // namespace

bool is_dns_label(std::string_view s) { return is_name(s, 63, "-"); }

bool is_dns_subdomain(std::string_view s) {
    if (s.empty() || s.size() > 253) return false;
    for (size_t start = 0;;) {
        const size_t dot = s.find('.', start);
        if (!is_name(s.substr(start, dot - start), 253, "-")) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

}  // namespace certdoctor
