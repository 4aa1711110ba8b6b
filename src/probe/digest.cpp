#include "probe/digest.h"

#include <re2/re2.h>

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

}  // namespace certdoctor
