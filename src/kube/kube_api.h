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

namespace certdoctor {

class KubeApi {
  public:
    virtual ~KubeApi() = default;
    // GET `path`: the object, or nullopt for 404 Not Found. Throws ApiError (kube/client.h) for
    // any other answer (403 included), Error when the server cannot be reached.
    virtual std::optional<nlohmann::json> get_if_found(const std::string& path) = 0;
};

}  // namespace certdoctor
