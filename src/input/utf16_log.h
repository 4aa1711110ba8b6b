// Logs saved on Windows: PowerShell's `>` writes UTF-16 LE with a byte order mark, which the log
// analyzer (logscan/, bytes as they come) would read as binary. Such a file is decoded to UTF-8
// here, before the analyzer sees it; one that is clearly UTF-16 without a byte order mark is
// named in a one-line error, as is --follow on a UTF-16 file.
//
//   if (auto text = read_utf16_log(path, Follow::no)) analyzer.read_text(*text, path);
//   else analyzer.read_file(path);
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace certdoctor {

// What a UTF-16 log is decoded in memory up to (its UTF-16 size); past it, the error says how
// to convert it.
inline constexpr size_t kMaxUtf16LogBytes = 64u << 20;

enum class Follow { no, yes };

// The log at `path` as UTF-8 when it is a regular file that starts with a UTF-16 byte order mark;
// nullopt for any other file, standard input ("-") or a path that cannot be opened (the analyzer
// reads those and says why). Throws an input error (exit 3) for UTF-16 without a byte order
// mark, for a UTF-16 file to follow, and for one larger than kMaxUtf16LogBytes.
std::optional<std::string> read_utf16_log(const std::string& path, Follow follow);

}  // namespace certdoctor
