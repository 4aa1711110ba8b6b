#include "util/unicode_bom.h"

#include "util/escape.h"

namespace certdoctor {

namespace {

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string utf16_to_utf8(const std::string& text, bool little_endian) {
    constexpr char32_t replacement = 0xFFFD;
    std::string out;
    out.reserve(text.size() + text.size() / 2);
    auto unit = [&](size_t i) -> char32_t {
        auto lo = static_cast<unsigned char>(text[little_endian ? i : i + 1]);
        auto hi = static_cast<unsigned char>(text[little_endian ? i + 1 : i]);
        return static_cast<char32_t>(hi << 8 | lo);
    };
    size_t i = 2;  // past the BOM
    for (; i + 1 < text.size(); i += 2) {
        char32_t c = unit(i);
        if (c >= 0xD800 && c <= 0xDBFF && i + 3 < text.size()) {
            char32_t low = unit(i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                append_utf8(out, 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00));
                i += 2;
                continue;
            }
        }
        append_utf8(out, c >= 0xD800 && c <= 0xDFFF ? replacement : c);
    }
    if (i < text.size()) append_utf8(out, replacement);
    return out;
}

}  // namespace

std::string decode_byte_order_mark(std::string text) {
    auto byte = [&](size_t i) {
        return i < text.size() ? static_cast<unsigned char>(text[i]) : 0x100u;
    };
    if (byte(0) == 0xFF && byte(1) == 0xFE) return utf16_to_utf8(text, true);
    if (byte(0) == 0xFE && byte(1) == 0xFF) return utf16_to_utf8(text, false);
    if (byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) text.erase(0, 3);
    return text;
}

bool starts_with_utf16_bom(std::string_view head) {
    return head.size() >= 2 && ((head[0] == '\xFF' && head[1] == '\xFE') || (head[0] == '\xFE' && head[1] == '\xFF'));
}

std::string utf16_without_bom(std::string_view head) {
    head = head.substr(0, 4096 & ~size_t{1});
    if (head.size() < 16 || starts_with_utf16_bom(head)) return {};
    size_t pairs = head.size() / 2, zero_high_le = 0, zero_high_be = 0;
    for (size_t i = 0; i + 1 < head.size(); i += 2) {
        bool first_zero = head[i] == '\0', second_zero = head[i + 1] == '\0';
        if (second_zero && !first_zero) ++zero_high_le;
        if (first_zero && !second_zero) ++zero_high_be;
    }
    if (zero_high_le == pairs) return "UTF-16 LE";
    if (zero_high_be == pairs) return "UTF-16 BE";
    return {};
}

std::string utf16_without_bom_message(const std::string& name, const std::string& encoding) {
    std::string iconv = encoding == "UTF-16 BE" ? "UTF-16BE" : "UTF-16LE";
    return visible(name) + ": " + encoding +
           " text without a byte order mark (every other byte is zero); convert it to UTF-8 first: iconv -f " + iconv +
           " -t UTF-8 " + shell_quote(name) + " > " + shell_quote(name + ".utf8");
}

}  // namespace certdoctor
