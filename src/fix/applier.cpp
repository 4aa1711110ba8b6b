// carry_out: the planned changes written through KubeApi, each with the resourceVersion read and
// read and merged again on a conflict, then the rollouts waited for (fix/applier.h).
#include "fix/applier.h"

#include <algorithm>
#include <thread>

#include "util/error.h"
#include "util/escape.h"
#include "util/json_access.h"

namespace certdoctor {

namespace {

using Json = nlohmann::json;

Json json_patch_of(const Json& current, const Json& desired, const Json& operations) {
    Json ops = operations.is_array() ? operations : Json::diff(current, desired);
    ops.insert(ops.begin(), Json{{"op", "test"},
                                 {"path", "/metadata/resourceVersion"},
                                 {"value", text_at(current, {"metadata", "resourceVersion"})}});
    return ops;
}

// A merge patch from `current` to `desired`, carrying the resourceVersion read (the server then
// refuses it with 409 when the object changed since).
Json merge_patch_of(const Json& current, const Json& desired) {
    Json patch = Json::object();
    for (const auto& op : Json::diff(current, desired)) {
        // Set each changed leaf (the applier's changes only add or replace values).
        Json::json_pointer at(op["path"].get<std::string>());
        if (op["op"] == "remove") continue;
        patch[at] = op["value"];
    }
    patch["metadata"]["resourceVersion"] = text_at(current, {"metadata", "resourceVersion"});
    return patch;
}

void default_sleep(std::chrono::milliseconds d) {
    std::this_thread::sleep_for(d);
}

}  // namespace

bool rollout_complete(const Json& w, std::string* progress) {
    auto num = [&](std::initializer_list<const char*> keys) -> long {
        const Json* at = &w;
        for (const char* k : keys) {
            if (!at->is_object() || !at->contains(k)) return -1;
            at = &(*at)[k];
        }
        return at->is_number_integer() ? at->get<long>() : -1;
    };
    long generation = num({"metadata", "generation"}),
         observed = num({"status", "observedGeneration"});
    long replicas = num({"spec", "replicas"});
    if (replicas < 0) replicas = 1;
    long updated = std::max(0L, num({"status", "updatedReplicas"}));
    long ready = w.value("kind", "") == "StatefulSet"
                     ? std::max(0L, num({"status", "readyReplicas"}))
                     : std::max(0L, num({"status", "availableReplicas"}));
    long total = std::max(0L, num({"status", "replicas"}));
    if (progress)
        *progress = std::to_string(updated) + " of " + std::to_string(replicas) +
                    " replicas updated, " + std::to_string(ready) + " ready";
    if (generation > 0 && observed < generation) {
        if (progress) *progress = "waiting for the controller to see the new template";
        return false;
    }
    if (w.value("kind", "") == "StatefulSet") {
        std::string current = text_at(w, {"status", "currentRevision"}),
                    update = text_at(w, {"status", "updateRevision"});
        if (!update.empty() && current != update) return false;
    }
    return updated >= replicas && ready >= replicas && total <= updated;
}

std::vector<std::string> missing_permissions(KubeApi& api, const ApplyPlan& plan) {
    std::vector<std::string> missing;
    for (const auto& c : plan.changes) {
        ResourceAccess a = c.access;
        if (!api.allowed(a)) missing.push_back(a.describe());
        if (c.restart) {
            // The wait reads the workload and the pods.
            ResourceAccess get = {"get", a.group, a.resource, a.namespace_, a.name};
            if (!api.allowed(get)) missing.push_back(get.describe());
        }
    }
    return missing;
}

void carry_out(KubeApi& api, ApplyPlan& plan, const ApplyOptions& options,
               std::vector<AppliedChange>& done) {
    auto sleep = options.sleep ? options.sleep : default_sleep;
    for (auto& c : plan.changes) {
        AppliedChange a;
        a.fix = c.fix;
        a.operation = c.operation;
        a.kind = c.kind;
        a.namespace_ = c.namespace_;
        a.name = c.name;
        a.dry_run = options.dry_run == DryRun::server;
        Json current = c.before;
        for (int attempt = 0;; ++attempt) {
            Json desired = c.desired(current);
            a.before_resource_version = text_at(current, {"metadata", "resourceVersion"});
            if (desired.is_null()) {
                a.action = "unchanged";
                a.after_resource_version = a.before_resource_version;
                break;
            }
            try {
                Json stored;
                if (current.is_null()) {
                    stored = api.create(c.collection, desired, options.dry_run);
                    a.action = "created";
                } else if (c.write == ObjectChange::Write::replace) {
                    stored = api.update(c.path, desired, options.dry_run);
                    a.action = "updated";
                } else if (c.write == ObjectChange::Write::merge_patch) {
                    stored = api.patch(c.path, PatchType::merge, merge_patch_of(current, desired),
                                       options.dry_run);
                    a.action = "patched";
                } else {
                    stored = api.patch(c.path, PatchType::json,
                                       json_patch_of(current, desired, c.patch_operations),
                                       options.dry_run);
                    a.action = "patched";
                }
                a.after_resource_version = text_at(stored, {"metadata", "resourceVersion"});
                c.after = stored;
                break;
            } catch (const ApiError& e) {
                bool conflict = e.status() == 409 ||
                                (e.status() == 422 && c.write == ObjectChange::Write::json_patch);
                if (!conflict || attempt >= options.conflict_retries) {
                    if (conflict)
                        throw Error(c.kind + " " + c.namespace_ + "/" + c.name +
                                    " kept changing while it was written (" +
                                    std::to_string(attempt + 1) +
                                    " conflicts); nothing more was written: " + e.what());
                    throw;
                }
                ++a.conflicts;
                if (options.progress)
                    options.progress(c.kind + " " + c.namespace_ + "/" + c.name +
                                     " changed since it was read (" + std::to_string(e.status()) +
                                     "): reading it again and merging once more");
                auto found = api.get_if_found(c.path);
                current = found ? std::move(*found) : Json();
            }
        }
        done.push_back(a);
    }
    if (options.dry_run == DryRun::server) return;
    for (const auto& c : plan.changes) {
        if (!c.restart) continue;
        auto start = std::chrono::steady_clock::now();
        std::string last;
        for (;;) {
            Json w = api.get_if_found(c.path).value_or(Json());
            std::string progress;
            if (!w.is_null() && rollout_complete(w, &progress)) {
                if (options.progress)
                    options.progress(c.kind + " " + c.namespace_ + "/" + c.name + " rolled out");
                break;
            }
            if (options.progress && progress != last)
                options.progress("waiting for the rollout of " + c.kind + " " + c.namespace_ + "/" +
                                 c.name + ": " + progress);
            last = progress;
            auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start);
            if (waited >= options.rollout_timeout)
                throw Error("the rollout of " + c.kind + " " + c.namespace_ + "/" + c.name +
                            " did not finish within " +
                            std::to_string(options.rollout_timeout.count() / 1000) +
                            "s (--timeout): " + progress +
                            "; the change itself is made. Follow it with: kubectl -n " +
                            shell_quote(c.namespace_) + " rollout status " +
                            (c.kind == "StatefulSet" ? "statefulset " : "deployment ") +
                            shell_quote(c.name));
            sleep(std::min(std::chrono::milliseconds(1000), options.rollout_timeout - waited));
        }
    }
}

}  // namespace certdoctor
