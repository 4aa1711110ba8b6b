// The limit/continue pagination of one Kubernetes list, bounded against a server whose list never
// ends: at most `max_pages` pages, no continue token larger than kMaxTokenBytes, and no token
// twice. Only the current token is kept (of the earlier ones, a 64-bit digest each), so that a
// sweep's memory does not grow with the tokens a server sends. read_list walks a whole (small)
// list through KubeApi with those bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>

#include "kube/kube_api.h"

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

// A whole list read page by page through `api` (`query.limit` items a page; 500 when 0): its
// items as {"items": [...]}, or why there are none. 403 and 404 are states, as for one GET
// (read_object). Throws Error when the list does not end within ListPages' bounds, when a page is
// not a list, or when a continue token expires midway (410 Expired): a list read in part is never
// taken for the whole one. ApiError for any other failed answer.
ObjectRead read_list(KubeApi& api, const std::string& collection, ListQuery query,
                     size_t max_pages = ListPages::kMaxPages);

// The one-clause reason for a 410 Expired on a continue token, for the messages of each reader.
std::string expired_token_reason();

}  // namespace certdoctor
