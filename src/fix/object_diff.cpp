#include "fix/object_diff.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

#include "util/escape.h"
#include "util/secret_value.h"
#include "util/text.h"

namespace certdoctor {

namespace {

using Json = nlohmann::json;

std::string scalar_text(const Json& v) {
    if (v.is_string()) return yaml_scalar(v.get<std::string>());
    if (v.is_null()) return "null";
    return v.dump();
}

// A string that reads well as a literal block: several lines, nothing to escape.
bool block_string(const Json& v) {
    if (!v.is_string()) return false;
    const std::string& s = v.get_ref<const std::string&>();
    return s.find('\n') != std::string::npos && !needs_escaping(s, Newlines::keep) && !s.empty() &&
           s.front() != ' ' && s.find('\r') == std::string::npos;
}

void emit(const Json& v, const std::string& key, size_t indent, bool in_list, std::string& out);

void emit_value_after_key(const std::string& key, const Json& v, size_t indent, std::string& out) {
    std::string pad(indent, ' ');
    if (v.is_string() && looks_secret(key, v.get<std::string>())) {
        out += pad + yaml_scalar(key) +
               ": \"" + secret_marker(v.get<std::string>().size()) + "\"\n";
    } else if (block_string(v)) {
        const std::string& s = v.get_ref<const std::string&>();
        out += pad + yaml_scalar(key) + ": |" + (s.back() == '\n' ? "" : "-") + "\n";
        for (auto line : split_lines(s))
            out += line.empty() ? "\n" : pad + "  " + std::string(line) + "\n";
    } else if (v.is_object() && !v.empty()) {
        out += pad + yaml_scalar(key) + ":\n";
        for (const auto& [k, child] : v.items()) emit_value_after_key(k, child, indent + 2, out);
    } else if (v.is_array() && !v.empty()) {
        out += pad + yaml_scalar(key) + ":\n";
        for (const auto& item : v) emit(item, key, indent + 2, true, out);
    } else if (v.is_object()) {
        out += pad + yaml_scalar(key) + ": {}\n";
    } else if (v.is_array()) {
        out += pad + yaml_scalar(key) + ": []\n";
    } else {
        out += pad + yaml_scalar(key) + ": " + scalar_text(v) + "\n";
    }
}

// A list item: "- " then the item, its further lines indented under it.
void emit(const Json& v, const std::string& key, size_t indent, bool, std::string& out) {
    std::string pad(indent, ' ');
    if (v.is_object() && !v.empty()) {
        std::string inner;
        for (const auto& [k, child] : v.items()) emit_value_after_key(k, child, indent + 2, inner);
        // The first line's indent becomes "- ".
        out += pad + "- " + inner.substr(indent + 2);
        return;
    }
    if (v.is_string() && looks_secret(key, v.get<std::string>())) {
        out += pad + "- \"<redacted>\"\n";
        return;
    }
    out += pad + "- " + (v.is_array() ? v.dump() : scalar_text(v)) + "\n";
}

}  // namespace

std::string object_yaml(const Json& object) {
    if (object.is_null()) return {};
    Json o = object;
    if (o.contains("metadata") && o["metadata"].is_object()) o["metadata"].erase("managedFields");
    std::string out;
    if (!o.is_object()) return scalar_text(o) + "\n";
    // apiVersion, kind and metadata first, as kubectl prints an object.
    for (const char* k : {"apiVersion", "kind", "metadata"})
        if (o.contains(k)) emit_value_after_key(k, o[k], 0, out);
    for (const auto& [k, v] : o.items())
        if (k != "apiVersion" && k != "kind" && k != "metadata") emit_value_after_key(k, v, 0, out);
    std::string shown;
    for (auto line : split_lines(out)) shown += visible(line) + "\n";
    return shown;
}

std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& label, const std::string& after_name) {
    if (before == after) return {};
    std::vector<std::string> a, b;
    for (auto l : split_lines(before)) a.emplace_back(l);
    for (auto l : split_lines(after)) b.emplace_back(l);
    if (!a.empty() && a.back().empty()) a.pop_back();
    if (!b.empty() && b.back().empty()) b.pop_back();
    const size_t n = a.size(), m = b.size();
    // Longest common subsequence by dynamic programming: objects are small; past the bound, the
    // whole text is replaced.
    std::vector<char> ops;  // ' ', '-', '+'
    std::vector<size_t> ai, bi;
    if (n * m <= 4'000'000) {
        std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                lcs[i][j] =
                    a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a[i] == b[j]) {
                ops.push_back(' '), ai.push_back(i++), bi.push_back(j++);
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.push_back('-'), ai.push_back(i++),
                    bi.push_back(j);  // removals first, as diff -u
            } else {
                ops.push_back('+'), ai.push_back(i), bi.push_back(j++);
            }
        }
    } else {
        for (size_t i = 0; i < n; ++i) ops.push_back('-'), ai.push_back(i), bi.push_back(0);
        for (size_t j = 0; j < m; ++j) ops.push_back('+'), ai.push_back(n), bi.push_back(j);
    }
    std::string out = "--- " + label + " (now)\n+++ " + label + " (" + after_name + ")\n";
    const size_t context = 3;
    std::vector<size_t> changed;
    for (size_t x = 0; x < ops.size(); ++x)
        if (ops[x] != ' ') changed.push_back(x);
    for (size_t i = 0; i < changed.size();) {
        // One hunk: changes at most 2 * context unchanged lines apart, with context around them.
        size_t j = i;
        while (j + 1 < changed.size() && changed[j + 1] - changed[j] <= 2 * context + 1) ++j;
        size_t start = changed[i] >= context ? changed[i] - context : 0;
        size_t stop = std::min(ops.size(), changed[j] + context + 1);
        size_t a_start = ai[start], b_start = bi[start], a_len = 0, b_len = 0;
        std::string body;
        for (size_t x = start; x < stop; ++x) {
            if (ops[x] == ' ')
                body += " " + a[ai[x]] + "\n", ++a_len, ++b_len;
            else if (ops[x] == '-')
                body += "-" + a[ai[x]] + "\n", ++a_len;
            else
                body += "+" + b[bi[x]] + "\n", ++b_len;
        }
        out += "@@ -" + std::to_string(a_len ? a_start + 1 : a_start) + "," +
               std::to_string(a_len) + " +" + std::to_string(b_len ? b_start + 1 : b_start) + "," +
               std::to_string(b_len) + " @@\n" + body;
        i = j + 1;
    }
    return out;
}

}  // namespace certdoctor
