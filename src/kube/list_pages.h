// The limit/continue pagination of one Kubernetes list, bounded against a server whose list never
// ends: at most `max_pages` pages, no continue token larger than kMaxTokenBytes, and no token
// twice. Only the current token is kept (of the earlier ones, a 64-bit digest each), so that a
// sweep's memory does not grow with the tokens a server sends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>

namespace certdoctor {

class ListPages {
  public:
    static constexpr size_t kMaxPages = 10000;           // 5,000,000 runs in pages of 500
    static constexpr size_t kMaxTokenBytes = 64u << 10;  // kube-apiserver's tokens are < 1 KiB

    // What follows the page just read.
    enum class Next {
        more,             // another page, with token()
        done,             // the list is complete
        token_too_large,  // the continue token is over kMaxTokenBytes: it is not sent
        token_repeated,   // a continue token came again: the list would not end
        page_cap,         // max_pages were read and the list goes on
    };

    explicit ListPages(size_t max_pages = kMaxPages) : max_pages_(max_pages) {}

    // The continue token for the next request ("" for the first page).
    const std::string& token() const { return token_; }
    size_t pages() const { return pages_; }

    // Records a page read with its metadata.continue ("" when the list ends there).
    Next page_read(std::string continue_token);

    // One clause for an error message: "its continue token is 70000 bytes (more than 64 KiB)".
    std::string why(Next next) const;

  private:
    size_t max_pages_;
    size_t pages_ = 0;
    std::string token_;
    size_t last_token_bytes_ = 0;
    std::unordered_set<uint64_t> seen_;  // digests of the tokens sent so far
};

}  // namespace certdoctor
