// SHA-256 of bytes, and digests written as lower-case hex.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace certdoctor {

using Sha256 = std::array<unsigned char, 32>;

Sha256 sha256_of(std::string_view bytes);

// Lower-case hex of `n` bytes ("0a1b...").
std::string hex_of(const unsigned char* bytes, size_t n);

// The first `bytes` bytes of SHA-256 of `text` as hex (at most all 32): sha256_hex("abc", 4) is
// "ba7816bf".
std::string sha256_hex(std::string_view text, size_t bytes = 32);

}  // namespace certdoctor
