#include "probe/digest.h"

#include <openssl/evp.h>
#include <re2/re2.h>

#include <string>

#include "util/hash.h"

namespace certdoctor {

bool is_valid_digest(std::string_view digest) {
    static const RE2 grammar("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    static const RE2 sha256("sha256:[a-f0-9]{64}");
    static const RE2 sha512("sha512:[a-f0-9]{128}");
    if (digest.size() > 256 || !RE2::FullMatch(digest, grammar)) return false;
    if (digest.substr(0, 7) == "sha256:") return RE2::FullMatch(digest, sha256);
    if (digest.substr(0, 7) == "sha512:") return RE2::FullMatch(digest, sha512);
    return true;
}

bool content_matches_digest(std::string_view content, std::string_view digest) {
    const EVP_MD* md = digest.rfind("sha256:", 0) == 0 ? EVP_sha256() : digest.rfind("sha512:", 0) == 0 ? EVP_sha512() : nullptr;
    if (!md) return true;
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(content.data(), content.size(), out, &length, md, nullptr) != 1) return false;
    return digest.substr(digest.find(':') + 1) == hex_of(out, length);
}

}  // namespace certdoctor
