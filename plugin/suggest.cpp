#include "suggest.h"

#include <algorithm>

namespace certdoctor {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string lowered(std::string s) {
    for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return s;
}

}  // namespace

std::vector<std::string> suggestions(const std::string& typed,
                                     const std::vector<std::string>& names) {
    std::vector<std::string> out;
    std::string t = lowered(typed);
    if (t.empty() || t.size() > 64) return out;
    for (const auto& name : names) {
        std::string n = lowered(name);
        if (edit_distance(t, n) <= 2 ||
            (n.rfind(t, 0) == 0 && t.find_first_not_of('-') != std::string::npos))
            out.push_back(name);
    }
    return out;
}

std::string did_you_mean(const std::vector<std::string>& names) {
    if (names.empty()) return {};
    std::string out = "\nDid you mean this?\n";
    for (const auto& n : names) out += "\t" + n + "\n";
    return out;
}

}  // namespace certdoctor
