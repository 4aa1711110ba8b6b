#include "util/hash.h"

#include <openssl/sha.h>

#include <algorithm>

namespace certdoctor {

Sha256 sha256_of(std::string_view bytes) {
    Sha256 md{};
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md.data());
    return md;
}

std::string hex_of(const unsigned char* bytes, size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view text, size_t bytes) {
    const Sha256 md = sha256_of(text);
    return hex_of(md.data(), std::min(bytes, md.size()));
}

}  // namespace certdoctor
