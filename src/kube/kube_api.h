// The API server as the cluster readers and the applier see it: a small interface, so that unit
// tests give them an in-memory fake instead of a server (ninja's DiskInterface). KubeClient is
// the real one. Reads: GET, a page of a list (limit/continue), a text resource (a log). Writes (the applier's only): create, update with the resourceVersion
// read, patch (merge or JSON patch), each with the server's dry run; and SelfSubjectAccessReview,
// to learn before the first write whether every write is allowed.
//
//   class FakeApi : public KubeApi { ... };   // a map of paths to objects
//   Installation inst = read_installation(fake);
//   api.patch(path, PatchType::merge, {{"data", {{"cert", pem}}}}, DryRun::server);
#pragma once

#include <nlohmann/json.hpp>
#include <cstddef>
#include <optional>
#include <string>

#include "util/error.h"

namespace certdoctor {

// A response from the API server other than 2xx (and other than 404 for get_if_found).
class ApiError : public Error {
public:
    ApiError(const std::string& message, int status, std::string reason)
        : Error(message, ExitCode::tool_failed), status_(status), reason_(std::move(reason)) {}
    int status() const { return status_; }
    const std::string& reason() const { return reason_; }  // the Status object's reason

private:
    int status_;
    std::string reason_;
};


// A write sent with dryRun=All: the server checks and admits it, and stores nothing.
enum class DryRun { no, server };

enum class PatchType {
    merge,  // application/merge-patch+json (RFC 7386)
    json,   // application/json-patch+json (RFC 6902; its `test` operations refuse a moved object)
};

// One permission, as SelfSubjectAccessReview's resourceAttributes and as an error names it.
struct ResourceAccess {
    std::string verb;       // get, create, update, patch
    std::string group;      // "" for the core group
    std::string resource;   // plural: configmaps, deployments, tasks
    std::string namespace_;
    std::string name;
    // "patch configmaps in namespace tekton-pipelines", for messages.
    std::string describe() const {
        return verb + " " + resource + (group.empty() ? "" : "." + group) +
               (namespace_.empty() ? " at cluster scope" : " in namespace " + namespace_);
    }
};

// One page of a list: GET COLLECTION?labelSelector=..&fieldSelector=..&limit=..&continue=..
struct ListQuery {
    std::string label_selector;
    std::string field_selector;
    size_t limit = 0;            // items per page; 0: the whole list in one answer
    std::string continue_token;  // the previous page's metadata.continue; "" for the first page
    // COLLECTION with the query, each value percent-encoded.
    std::string path(const std::string& collection) const;
};

class KubeApi {
  public:
    virtual ~KubeApi() = default;
    // GET `path`: the object, or nullopt for 404 Not Found. Throws ApiError (kube/client.h) for
    // any other answer (403 included), Error when the server cannot be reached.
    virtual std::optional<nlohmann::json> get_if_found(const std::string& path) = 0;

    // One page of the list `collection` (".../taskruns"), as the server's text: a sweep splits
    // it into items before it parses any (kube/list_scan.h). Bounded like every answer. Throws
    // ApiError for any non-2xx answer: 403, 404, and 410 Expired when `query.continue_token` is
    // too old for the server to continue the list from. Walk a whole list with read_list
    // (kube/list_pages.h), which bounds the pages and refuses a continue token seen before.
    virtual std::string list_page(const std::string& collection, const ListQuery& query) = 0;

    // GET of a text resource (a container's log): nullopt for 404; an answer longer than
    // `max_bytes` is cut, not an error. Throws ApiError for any other non-2xx answer.
    virtual std::optional<std::string> get_text(const std::string& path, size_t max_bytes) = 0;

    // The writes. Each returns the object as the server stored it (or, with DryRun::server,
    // would store it), and throws ApiError for any non-2xx answer: 409 Conflict (a stale
    // resourceVersion, an object that exists), 422 Invalid (a failed JSON patch `test`), 403.
    // A reader that never writes need not implement them: the defaults refuse.
    //
    // POST `collection` (".../configmaps"): creates `object`.
    virtual nlohmann::json create(const std::string& collection, const nlohmann::json& object, DryRun dry_run);
    // PUT `path`: replaces the object; `object` carries metadata.resourceVersion as read, so that
    // a change made since is a 409, not lost.
    virtual nlohmann::json update(const std::string& path, const nlohmann::json& object, DryRun dry_run);
    // PATCH `path`. A merge patch holding metadata.resourceVersion is refused with 409 when the
    // object changed since; a JSON patch carries `test` operations for the same purpose.
    virtual nlohmann::json patch(const std::string& path, PatchType type, const nlohmann::json& patch,
                                 DryRun dry_run);
    // SelfSubjectAccessReview: may the current user do `access`? Throws ApiError when the review
    // itself fails.
    virtual bool allowed(const ResourceAccess& access);
};

inline nlohmann::json KubeApi::create(const std::string& collection, const nlohmann::json&, DryRun) {
    throw ApiError("this API is read-only: cannot create in " + collection, 405, "MethodNotAllowed");
}
inline nlohmann::json KubeApi::update(const std::string& path, const nlohmann::json&, DryRun) {
    throw ApiError("this API is read-only: cannot update " + path, 405, "MethodNotAllowed");
}
inline nlohmann::json KubeApi::patch(const std::string& path, PatchType, const nlohmann::json&, DryRun) {
    throw ApiError("this API is read-only: cannot patch " + path, 405, "MethodNotAllowed");
}
inline bool KubeApi::allowed(const ResourceAccess&) {
    return false;
}

// What a read the tool can live without found: the object, or why there is none. A 403 is an
// expected outcome (the read-only role may not grant it), a status like 404, not an exception.
enum class ObjectState { unknown, present, absent, forbidden };

struct ObjectRead {
    ObjectState state = ObjectState::unknown;
    nlohmann::json object;  // when present
    std::string denied;     // when forbidden: the server's words
};

// GET `path` with 404 and 403 as states. Throws as get_if_found for anything else.
inline ObjectRead read_object(KubeApi& api, const std::string& path) {
    try {
        auto found = api.get_if_found(path);
        if (!found) return {ObjectState::absent, nullptr, ""};
        return {ObjectState::present, std::move(*found), ""};
    } catch (const ApiError& e) {
        if (e.status() != 403) throw;
        return {ObjectState::forbidden, nullptr, e.what()};
    }
}

}  // namespace certdoctor
