// An in-memory API server behind KubeApi for unit tests: objects by path, resourceVersion bumped
// on every stored write, 409 on a stale one, merge and JSON patches (a failed `test` is 422),
// dry runs that store nothing, SelfSubjectAccessReview answered from a deny list, and a hook
// that runs once before a write (a concurrent writer). Every request is recorded.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kube/kube_api.h"

namespace certdoctor::testing {

class MemoryKubeApi : public KubeApi {
  public:
    std::map<std::string, nlohmann::json> objects;  // by path
    std::set<std::string> denied;  // "patch configmaps": SSAR says no, the write is 403
    std::set<std::string>
        forbidden_writes;               // "patch configmaps": only the write is 403 (SSAR says yes)
    std::vector<std::string> requests;  // "GET path", "PATCH path dry-run", "SSAR patch configmaps"
    std::function<void(MemoryKubeApi&)> before_write;  // runs once, before the first write
    long next_version = 1000;
    std::vector<nlohmann::json> patches;  // every patch body sent, in order

    std::optional<nlohmann::json> get_if_found(const std::string& path) override {
        requests.push_back("GET " + path);
        auto it = objects.find(path);
        if (it == objects.end()) return std::nullopt;
        return it->second;
    }

    nlohmann::json create(const std::string& collection, const nlohmann::json& object,
                          DryRun dry_run) override {
        begin("POST", collection, dry_run, "create");
        std::string path = collection + "/" + object["metadata"]["name"].get<std::string>();
        if (objects.count(path))
            throw ApiError("409 Conflict: already exists", 409, "AlreadyExists");
        nlohmann::json stored = object;
        return store(path, stored, dry_run);
    }

    nlohmann::json update(const std::string& path, const nlohmann::json& object,
                          DryRun dry_run) override {
        begin("PUT", path, dry_run, "update");
        auto it = objects.find(path);
        if (it == objects.end()) throw ApiError("404 Not Found", 404, "NotFound");
        check_version(it->second, object);
        nlohmann::json stored = object;
        return store(path, stored, dry_run);
    }

    nlohmann::json patch(const std::string& path, PatchType type, const nlohmann::json& patch,
                         DryRun dry_run) override {
        begin("PATCH", path, dry_run, "patch");
        patches.push_back(patch);
        auto it = objects.find(path);
        if (it == objects.end()) throw ApiError("404 Not Found", 404, "NotFound");
        nlohmann::json stored = it->second;
        if (type == PatchType::merge) {
            check_version(it->second, patch);
            stored.merge_patch(patch);
        } else {
            try {
                stored = stored.patch(patch);
            } catch (const nlohmann::json::exception& e) {
                throw ApiError(std::string("422 Invalid: the JSON patch failed: ") + e.what(), 422,
                               "Invalid");
            }
        }
        return store(path, stored, dry_run);
    }

    bool allowed(const ResourceAccess& access) override {
        std::string key = access.verb + " " + access.resource;
        requests.push_back("SSAR " + key);
        return !denied.count(key);
    }

    std::string version_of(const std::string& path) const {
        return objects.at(path)["metadata"]["resourceVersion"].get<std::string>();
    }

  private:
    static std::string resource_of(const std::string& path) {
        // ".../namespaces/NS/RESOURCE[/NAME]": the segment after the namespace's name.
        auto at = path.find("/namespaces/");
        std::string rest =
            at == std::string::npos ? path : path.substr(path.find('/', at + 12) + 1);
        return rest.substr(0, rest.find('/'));
    }

    void begin(const std::string& method, const std::string& path, DryRun dry_run,
               const std::string& verb) {
        requests.push_back(method + " " + path + (dry_run == DryRun::server ? " dry-run" : ""));
        std::string key = verb + " " + resource_of(path);
        if (denied.count(key) || forbidden_writes.count(key))
            throw ApiError("403 Forbidden: may not " + key, 403, "Forbidden");
        if (before_write) {
            auto hook = std::move(before_write);
            before_write = nullptr;
            hook(*this);
        }
    }

    static void check_version(const nlohmann::json& current, const nlohmann::json& sent) {
        auto sent_version =
            sent.contains("metadata") && sent["metadata"].contains("resourceVersion")
                ? sent["metadata"]["resourceVersion"].get<std::string>()
                : std::string();
        if (!sent_version.empty() &&
            sent_version != current["metadata"].value("resourceVersion", ""))
            throw ApiError("409 Conflict: the object has been modified", 409, "Conflict");
    }

    nlohmann::json store(const std::string& path, nlohmann::json& object, DryRun dry_run) {
        object["metadata"]["resourceVersion"] =
            std::to_string(dry_run == DryRun::server ? next_version : next_version++);
        if (dry_run == DryRun::no) objects[path] = object;
        return object;
    }
};

}  // namespace certdoctor::testing
