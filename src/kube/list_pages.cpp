#include "kube/list_pages.h"

#include <cstring>
#include <vector>

#include "util/bounded_json.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/json_access.h"
#include "util/text.h"

namespace certdoctor {

namespace {

// The first 8 bytes of SHA-256: a server cannot make two of its tokens collide by choice, as it
// could with std::hash, and a chance collision among 10,000 tokens is about 3e-12.
uint64_t digest_of(const std::string& token) {
    const Sha256 md = sha256_of(token);
    uint64_t d = 0;
    std::memcpy(&d, md.data(), sizeof d);
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

std::string ListQuery::path(const std::string& collection) const {
    std::vector<std::string> params;
    if (!label_selector.empty()) params.push_back("labelSelector=" + percent_encode(label_selector));
    if (!field_selector.empty()) params.push_back("fieldSelector=" + percent_encode(field_selector));
    if (limit) params.push_back("limit=" + std::to_string(limit));
    if (!continue_token.empty()) params.push_back("continue=" + percent_encode(continue_token));
    return params.empty() ? collection : collection + "?" + join(params, "&");
}

std::string expired_token_reason() {
    return "its continue token expired (410 Expired: the server compacted the list's snapshot "
           "away, every 5 minutes by default, before the next page was asked for)";
}

ObjectRead read_list(KubeApi& api, const std::string& collection, ListQuery query, size_t max_pages) {
    if (!query.limit) query.limit = 500;
    query.continue_token.clear();
    ListPages pages(max_pages);
    ObjectRead read{ObjectState::present, {{"items", nlohmann::json::array()}}, ""};
    auto stopped = [&](const std::string& why) {
        return Error("the API server's list GET " + collection + " was read only in part: " + why + ", after " +
                     std::to_string(pages.pages()) + (pages.pages() == 1 ? " page" : " pages") + "; run again");
    };
    for (;;) {
        std::string body;
        try {
            body = api.list_page(collection, query);
        } catch (const ApiError& e) {
            if (pages.pages() > 0 && e.status() == 410) throw stopped(expired_token_reason());
            if (pages.pages() > 0) throw;
            if (e.status() == 403) return {ObjectState::forbidden, nullptr, e.what()};
            if (e.status() == 404) return {ObjectState::absent, nullptr, ""};
            throw;
        }
        BoundedJson page = parse_json_bounded(body);
        body.clear();
        if (!page.ok() || !json_at(page.value, {"items"}).is_array())
            throw Error("the API server's answer to GET " + collection + " is not a list" +
                        (page.problem.empty() ? std::string() : ": " + page.problem));
        for (auto& item : page.value["items"]) read.object["items"].push_back(std::move(item));
        ListPages::Next next = pages.page_read(text_at(page.value, {"metadata", "continue"}));
        if (next == ListPages::Next::done) return read;
        if (next != ListPages::Next::more) throw stopped(pages.why(next));
        query.continue_token = pages.token();
    }
}

}  // namespace certdoctor
