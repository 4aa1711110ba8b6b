// Text that starts with a byte order mark, as Windows tools write it (PowerShell's `>` writes
// UTF-16 LE with a BOM, Notepad may add one to UTF-8): turned into plain UTF-8 before any reader
// sees it, so that a dump or a log saved on Windows reads like any other.
#pragma once

#include <string>

namespace certdoctor {

// UTF-16 (LE or BE, by its BOM) decoded to UTF-8, unpaired surrogates and an odd last byte
// replaced by U+FFFD; a UTF-8 BOM dropped. Text without a BOM is returned as it is.
std::string decode_byte_order_mark(std::string text);

}  // namespace certdoctor
