// An in-memory API server behind KubeApi for unit tests: objects by path, resourceVersion bumped
// on every stored write, 409 on a stale one, merge and JSON patches (a failed `test` is 422),
// dry runs that store nothing, SelfSubjectAccessReview answered from a deny list, and a hook
// that runs once before a write (a concurrent writer), and lists as kube-apiserver pages them
// (limit/continue over the objects directly under a collection, label and field selectors of the
// `k=v,k2=v2` form, 403 from the deny list, 410 Expired for a token marked expired). Every
// request is recorded.
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
    std::map<std::string, std::string> texts;  // text resources (logs) by path, query included
    std::set<std::string> expired_tokens;      // continue tokens answered with 410 Expired
    // A server whose list never ends: every page's continue token is this one (when set).
    std::optional<std::string> stuck_token;

    // A page of the objects directly under `collection` whose labels (and fields) match, in path
    // order; the continue token is the path of the next object, as opaque to the reader as a real one.
    std::string list_page(const std::string& collection, const ListQuery& query) override {
        requests.push_back("LIST " + query.path(collection));
        if (denied.count("list " + resource_of(collection)))
            throw ApiError("403 Forbidden: may not list " + resource_of(collection), 403, "Forbidden");
        if (expired_tokens.count(query.continue_token))
            throw ApiError("410 Gone: The provided continue parameter is too old", 410, "Expired");
        nlohmann::json list = {{"kind", "List"}, {"metadata", nlohmann::json::object()}, {"items", nlohmann::json::array()}};
        const std::string prefix = collection + "/";
        auto it = query.continue_token.empty() ? objects.lower_bound(prefix)
                                               : objects.lower_bound(query.continue_token.substr(1));
        for (; it != objects.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
            if (it->first.find('/', prefix.size()) != std::string::npos) continue;
            if (!matches(it->second, query.label_selector, {"metadata", "labels"})) continue;
            if (!matches(it->second, query.field_selector, {})) continue;
            if (query.limit && list["items"].size() == query.limit) {
                list["metadata"]["continue"] = "~" + it->first;
                break;
            }
            list["items"].push_back(it->second);
        }
        if (stuck_token) list["metadata"]["continue"] = *stuck_token;
        return list.dump();
    }

    std::optional<std::string> get_text(const std::string& path, size_t max_bytes) override {
        requests.push_back("GET " + path);
        auto it = texts.find(path);
        if (it == texts.end()) return std::nullopt;
        return it->second.substr(0, max_bytes);
    }

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
    // "a=b,c=d" against the object's labels (`at` {"metadata","labels"}) or, with `at` empty, its
    // fields by dotted path ("involvedObject.name=x").
    static bool matches(const nlohmann::json& object, const std::string& selector,
                        std::initializer_list<const char*> at) {
        size_t start = 0;
        while (start < selector.size()) {
            size_t comma = selector.find(',', start);
            std::string term = selector.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            start = comma == std::string::npos ? selector.size() : comma + 1;
            size_t eq = term.find('=');
            std::string key = term.substr(0, eq), want = term.substr(eq + 1);
            const nlohmann::json* v = &object;
            for (const char* step : at) v = v->is_object() && v->contains(step) ? &v->at(step) : &kNull();
            if (at.size() != 0) {
                if (!v->is_object() || !v->contains(key) || (*v)[key] != want) return false;
                continue;
            }
            size_t from = 0;
            while (v->is_object()) {
                size_t dot = key.find('.', from);
                std::string part = key.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
                v = v->contains(part) ? &v->at(part) : &kNull();
                if (dot == std::string::npos) break;
                from = dot + 1;
            }
            if (!v->is_string() || *v != want) return false;
        }
        return true;
    }
    static const nlohmann::json& kNull() {
        static const nlohmann::json null;
        return null;
    }

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
