// Bounded reads of files and standard input. Every read from outside goes through here, so that
// a huge or endless input ends in a clear error instead of exhausting memory.
#pragma once

#include <cstddef>
#include <string>

namespace certdoctor {

inline constexpr size_t kMaxInputBytes = 64u << 20;  // 64 MiB

// Reads all of `path` ("-" is standard input). Throws Error naming the path when it cannot be
// read or is larger than `max_bytes`. Text with a byte order mark comes back as UTF-8 (UTF-16
// decoded, a UTF-8 BOM dropped: util/unicode_bom.h).
std::string read_input(const std::string& path, size_t max_bytes = kMaxInputBytes);

}  // namespace certdoctor
