#include "util/escape.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace certdoctor {

namespace {

// One character of `s` at `i`: its code point and length in bytes; length 0 for a byte that does
// not start a well-formed UTF-8 sequence (overlong forms and surrogates included).
struct Utf8Char {
    char32_t code = 0;
    size_t length = 0;
};

Utf8Char decode(std::string_view s, size_t i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return {c, 1};
    size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return {};
    char32_t code = c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
        unsigned char cont = static_cast<unsigned char>(s[i + k]);
        if ((cont & 0xc0) != 0x80) return {};
        code = (code << 6) | (cont & 0x3f);
    }
    static const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[len] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return {};
    return {code, len};
}

// Characters a terminal acts on, or that reorder what it shows (Trojan Source).
bool is_control(char32_t c) {
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

std::string hex_escape(const char* format, unsigned value) {
    char buf[16];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

// Walks `s`, handing each character to `plain` (kept) or `escaped` (a control, a bidi control or
// a byte that is not UTF-8) with its bytes and, when it decoded, its code point.
template <typename Plain, typename Escaped>
void for_each_char(std::string_view s, Newlines newlines, Plain plain, Escaped escaped) {
    size_t i = 0;
    while (i < s.size()) {
        Utf8Char ch = decode(s, i);
        size_t len = ch.length ? ch.length : 1;
        std::string_view bytes = s.substr(i, len);
        bool keep_newline = newlines == Newlines::keep && (ch.code == '\n' || ch.code == '\t');
        if (ch.length && (!is_control(ch.code) || keep_newline))
            plain(bytes);
        else
            escaped(bytes, ch);
        i += len;
    }
}

size_t longest_backtick_run(std::string_view s) {
    size_t longest = 0, run = 0;
    for (char c : s) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return longest;
}

}  // namespace

std::string shell_quote(std::string_view s) {
    if (!needs_escaping(s)) {
        std::string out = "'";
        for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'";
    }
    // bash's ANSI-C quoting: every byte that is not printable is written as an escape.
    std::string out = "$'";
    for_each_char(
        s, Newlines::escape,
        [&](std::string_view bytes) {
            for (char c : bytes) {
                if (c == '\\' || c == '\'') out += '\\';
                out += c;
            }
        },
        [&](std::string_view bytes, Utf8Char ch) {
            if (ch.code == '\n') out += "\\n";
            else if (ch.code == '\t') out += "\\t";
            else if (ch.code == '\r') out += "\\r";
            else
                for (unsigned char b : bytes) out += hex_escape("\\x%02x", b);
        });
    return out + "'";
}

namespace {

bool plain_yaml_safe(std::string_view s) {
    if (s.empty() || (!std::isalpha(static_cast<unsigned char>(s.front())) && s.front() != '/')) return false;
    std::string lower;
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '/' || c == '@')) return false;
        lower += static_cast<char>(std::tolower(u));
    }
    // YAML 1.1 booleans and null, which some readers still apply to plain scalars.
    static const std::string_view reserved[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"};
    return std::find(std::begin(reserved), std::end(reserved), lower) == std::end(reserved);
}

}  // namespace

std::string yaml_scalar(std::string_view s) {
    if (plain_yaml_safe(s)) return std::string(s);
    std::string out = "\"";
    for_each_char(
        s, Newlines::escape,
        [&](std::string_view bytes) {
            for (char c : bytes) {
                if (c == '"' || c == '\\') out += '\\';
                out += c;
            }
        },
        [&](std::string_view, Utf8Char ch) {
            if (!ch.length) out += "\\uFFFD";  // YAML is UTF-8: a stray byte cannot be kept as it is
            else if (ch.code == '\n') out += "\\n";
            else if (ch.code == '\t') out += "\\t";
            else if (ch.code < 0x80) out += hex_escape("\\x%02x", static_cast<unsigned>(ch.code));
            else out += hex_escape("\\u%04x", static_cast<unsigned>(ch.code));
        });
    return out + "\"";
}

std::string visible(std::string_view s, Newlines newlines) {
    if (!needs_escaping(s, newlines)) return std::string(s);
    std::string out;
    out.reserve(s.size() + 16);
    for_each_char(
        s, newlines, [&](std::string_view bytes) { out += bytes; },
        [&](std::string_view bytes, Utf8Char ch) {
            if (!ch.length) out += hex_escape("\\x%02x", static_cast<unsigned char>(bytes[0]));
            else if (ch.code == '\n') out += "\\n";
            else if (ch.code == '\t') out += "\\t";
            else if (ch.code == '\r') out += "\\r";
            else if (ch.code < 0x80) out += hex_escape("\\x%02x", static_cast<unsigned>(ch.code));
            else out += hex_escape("\\u%04x", static_cast<unsigned>(ch.code));
        });
    return out;
}

bool needs_escaping(std::string_view s, Newlines newlines) {
    for (unsigned char c : s)
        if (c < 0x20 || c >= 0x7f) {
            bool found = false;
            for_each_char(s, newlines, [](std::string_view) {}, [&](std::string_view, Utf8Char) { found = true; });
            return found;
        }
    return false;
}

std::string markdown_text(std::string_view s, Newlines newlines) {
    std::string out;
    for (char c : visible(s, newlines)) {
        if (std::string_view("\\`*_[]<>|~&#!").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

std::string markdown_code(std::string_view s, InTable in_table) {
    std::string body = visible(s);
    if (in_table == InTable::yes) {
        std::string escaped;
        for (char c : body) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
        body = escaped;
    }
    std::string fence(longest_backtick_run(body) + 1, '`');
    // A space inside the fence on both sides is dropped when the span is shown; it keeps a
    // backtick at either end of the value from joining the fence.
    bool pad = fence.size() > 1 || body.empty() || body.front() == '`' || body.back() == '`';
    return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string markdown_block(std::string_view body, std::string_view info, std::string_view indent) {
    std::string text = visible(body, Newlines::keep);
    std::string fence(std::max<size_t>(3, longest_backtick_run(text) + 1), '`');
    std::string out = std::string(indent) + fence + std::string(info) + "\n";
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        out += std::string(indent) + text.substr(start, nl - start) + "\n";
        start = nl + 1;
    }
    return out + std::string(indent) + fence + "\n";
}

}  // namespace certdoctor
