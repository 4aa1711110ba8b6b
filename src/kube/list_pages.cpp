#include "kube/list_pages.h"

#include <openssl/sha.h>

#include <cstring>

namespace certdoctor {

namespace {

// The first 8 bytes of SHA-256: a server cannot make two of its tokens collide by choice, as it
// could with std::hash, and a chance collision among 10,000 tokens is about 3e-12.
uint64_t digest_of(const std::string& token) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), md);
    uint64_t d = 0;
    std::memcpy(&d, md, sizeof d);
    return d;
}

}  // namespace

ListPages::Next ListPages::page_read(std::string continue_token) {
    ++pages_;
    token_.clear();
    token_.shrink_to_fit();
    last_token_bytes_ = continue_token.size();
    if (continue_token.empty()) return Next::done;
    if (continue_token.size() > kMaxTokenBytes) return Next::token_too_large;
    if (!seen_.insert(digest_of(continue_token)).second) return Next::token_repeated;
    if (pages_ >= max_pages_) return Next::page_cap;
    token_ = std::move(continue_token);
    return Next::more;
}

std::string ListPages::why(Next next) const {
    switch (next) {
        case Next::token_too_large:
            return "its continue token is " + std::to_string(last_token_bytes_) +
                   " bytes (more than " + std::to_string(kMaxTokenBytes >> 10) + " KiB)";
        case Next::token_repeated:
            return "it sent a continue token it had sent before";
        case Next::page_cap:
            return "it still had more after " + std::to_string(max_pages_) + " pages";
        case Next::more:
        case Next::done:
            break;
    }
    return {};
}

}  // namespace certdoctor
