// A read-mostly Kubernetes API client over libcurl, with kubectl's authentication: client
// certificates, bearer tokens and token files, basic auth, exec credential plugins (cached until
// they expire, run again once on a 401), and the in-cluster service account. Every request has
// the --request-timeout and a response size bound. Credentials never reach a log line. Requests
// may run from several threads at once: each takes a connection of its own from a small pool.
//
//   KubeClient client(load_rest_config(flags));
//   nlohmann::json tr = client.get("/apis/tekton.dev/v1/namespaces/ci/taskruns/build-1");
//   auto cm = client.get_if_found("/api/v1/namespaces/tekton-pipelines/configmaps/config-registry-cert");
#pragma once

#include <atomic>
#include <ctime>
#include <mutex>
#include <vector>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "kube/kube_api.h"
#include "kube/kubeconfig.h"
#include "util/error.h"

namespace certdoctor {

class KubeClient : public KubeApi {
public:
    using Logger = std::function<void(const std::string&)>;

    // Throws Error when a file the configuration names cannot be read.
    explicit KubeClient(RestConfig config, Logger log = nullptr);
    ~KubeClient() override;
    KubeClient(const KubeClient&) = delete;
    KubeClient& operator=(const KubeClient&) = delete;

    // GET `path` (with its query); the parsed JSON of a 2xx answer. Throws ApiError otherwise,
    // Error when the server cannot be reached.
    nlohmann::json get(const std::string& path);

    // The raw body of a 2xx answer (for lists scanned before parsing). Throws as get() does.
    std::string get_raw(const std::string& path);

    // As get(), but nullopt for 404 Not Found.
    std::optional<nlohmann::json> get_if_found(const std::string& path) override;

    // GET of a text resource (a container's log); nullopt for 404. Bounded by `max_bytes`: a
    // longer answer is cut, not an error.
    std::optional<std::string> get_text(const std::string& path, size_t max_bytes) override;

    // One page of a list (kube_api.h): get_raw of the collection with the query.
    std::string list_page(const std::string& collection, const ListQuery& query) override;

    // The writes (kube_api.h): JSON bodies, `?dryRun=All` for DryRun::server.
    nlohmann::json create(const std::string& collection, const nlohmann::json& object, DryRun dry_run) override;
    nlohmann::json update(const std::string& path, const nlohmann::json& object, DryRun dry_run) override;
    nlohmann::json patch(const std::string& path, PatchType type, const nlohmann::json& patch,
                         DryRun dry_run) override;
    bool allowed(const ResourceAccess& access) override;

    const RestConfig& config() const { return config_; }
    size_t requests() const { return requests_.load(); }

    // Largest response body accepted.
    static constexpr size_t kMaxResponseBytes = 64u << 20;

private:
    struct Raw {
        int status = 0;
        std::string body;
    };
    // A request: GET unless `method` says otherwise; a body goes with its content type.
    struct Request {
        std::string method = "GET";
        std::string path;
        std::string body;
        std::string content_type;
        size_t max_bytes = kMaxResponseBytes;
        bool cut = false;  // a longer answer is cut, not an error
    };
    Raw send(const Request& request);
    Raw send_with_retry(const Request& request);
    Raw send_with_retry(const std::string& path, size_t max_bytes = kMaxResponseBytes, bool cut = false);
    nlohmann::json write(const std::string& method, const std::string& path, const nlohmann::json& body,
                         const std::string& content_type, DryRun dry_run);
    [[noreturn]] void fail(const std::string& path, const Raw& r, const std::string& method = "GET");
    // The credential a request sends, read under the lock (an exec plugin may replace it).
    struct Credential {
        std::string token, cert_pem, key_pem;
    };
    Credential credential();
    void refresh_exec_credential();  // call with mutex_ held
    std::string bearer_token();      // call with mutex_ held
    void* take_handle();
    void give_back(void* handle);
    void log(const std::string& line);

    RestConfig config_;
    Logger log_;
    std::atomic<size_t> requests_{0};
    std::mutex mutex_;                // guards the pool, the exec credential and the log
    std::vector<void*> idle_handles_;  // kept, so that connections stay alive across requests
    std::string ca_pem_;    // certificate-authority(-data), read once
    // From an exec plugin: a token or a client certificate, until `expires` (0: never).
    bool exec_loaded_ = false;
    std::string exec_token_, exec_cert_pem_, exec_key_pem_;
    std::time_t exec_expires_ = 0;
};

// "/apis/tekton.dev/v1/namespaces/ci/taskruns/x" -> verb "get", resource "taskruns.tekton.dev",
// namespace "ci"; with `method` POST, PUT or PATCH the verb is create, update or patch. Used in
// error messages and logs.
struct Access {
    std::string verb;
    std::string resource;
    std::string namespace_;
    std::string name;
};
Access describe_access(const std::string& path, const std::string& method = "GET");

}  // namespace certdoctor
