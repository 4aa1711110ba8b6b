// Text that starts with a byte order mark, as Windows tools write it (PowerShell's `>` writes
// UTF-16 LE with a BOM, Notepad may add one to UTF-8): turned into plain UTF-8 before any reader
// sees it, so that a dump or a log saved on Windows reads like any other.
#pragma once

#include <string>
#include <string_view>

namespace certdoctor {

// UTF-16 (LE or BE, by its BOM) decoded to UTF-8, unpaired surrogates and an odd last byte
// replaced by U+FFFD; a UTF-8 BOM dropped. Text without a BOM is returned as it is.
std::string decode_byte_order_mark(std::string text);

// Whether `head` (the start of a file) begins with a UTF-16 byte order mark.
bool starts_with_utf16_bom(std::string_view head);

// "UTF-16 LE" or "UTF-16 BE" when `head` is clearly UTF-16 without a byte order mark (at least
// 16 bytes, and in each pair of its first 4 KiB, the same byte zero, the other one not: text
// whose characters are all below U+0100); "" otherwise.
std::string utf16_without_bom(std::string_view head);

// The one-line advice for such a file: "FILE: UTF-16 LE text without a byte order mark (every
// other byte is zero); convert it to UTF-8 first: iconv -f UTF-16LE -t UTF-8 FILE > FILE.utf8".
std::string utf16_without_bom_message(const std::string& name, const std::string& encoding);

}  // namespace certdoctor
