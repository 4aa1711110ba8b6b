// The API server as the cluster readers see it: a small interface, so that unit tests give them
// an in-memory fake instead of a server (ninja's DiskInterface). KubeClient is the real one. The
// writes an applier needs (create, update, patch, each with a dry run) join it with the applier.
//
//   class FakeApi : public KubeApi { ... };   // a map of paths to objects
//   Installation inst = read_installation(fake);
#pragma once

#include <nlohmann/json.hpp>
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


class KubeApi {
  public:
    virtual ~KubeApi() = default;
    // GET `path`: the object, or nullopt for 404 Not Found. Throws ApiError (kube/client.h) for
    // any other answer (403 included), Error when the server cannot be reached.
    virtual std::optional<nlohmann::json> get_if_found(const std::string& path) = 0;
};

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
