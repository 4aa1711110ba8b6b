// The applier: `diagnose --apply` turns the primary finding's planned fix and its evidence into
// concrete object changes (the typed `operations:` of the fix in the catalog), and carries them
// out behind KubeApi: each write with the resourceVersion it read, re-read and merged again on a
// 409, optionally as a server dry run; a restart as `kubectl rollout restart` does it, waited for
// within a bound. It never prints: the caller shows the plan (object_diff) and asks first.
//
//   ApplyPlan plan = plan_apply(api, finding, catalog, options);   // reads, writes nothing
//   auto missing = missing_permissions(api, plan);                 // SelfSubjectAccessReview
//   std::vector<AppliedChange> done = carry_out(api, plan, options);
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kube/kube_api.h"
#include "match/catalog.h"
#include "model/report.h"

namespace certdoctor {

enum class ApplyScope {
    cluster,  // --apply: ConfigMaps, the controller's restart, the operator's TektonConfig
    task,     // --apply=task: only the Task or StepAction patches (they change a user's pipeline)
};

struct ApplyOptions {
    ApplyScope scope = ApplyScope::cluster;
    DryRun dry_run = DryRun::no;
    std::string tekton_api = "v1";  // tekton.dev's served version, for Task paths
    std::chrono::milliseconds rollout_timeout{180000};
    int conflict_retries = 5;                          // 409s answered by re-reading, per object
    std::function<void(const std::string&)> progress;  // rollout progress, one line at a time
    std::function<std::time_t()> now = [] { return std::time(nullptr); };
    std::function<void(std::chrono::milliseconds)> sleep;  // between rollout polls; default: sleeps
};

// One object change: what was read, what it will hold, and how it is written.
struct ObjectChange {
    std::string fix;
    std::string operation;
    std::string kind;
    std::string namespace_;
    std::string name;
    std::string path;        // the object's API path
    std::string collection;  // where a missing object is created
    ResourceAccess access;   // the permission the write needs
    nlohmann::json before;   // as read; null when absent
    nlohmann::json after;    // as it will be; equal to `before` when there is nothing to change
    std::string note;        // shown with the diff (why this object, what will follow)
    enum class Write { replace, merge_patch, json_patch } write = Write::replace;
    // `after` from the object as read now (again after a 409); null when nothing is to change.
    std::function<nlohmann::json(const nlohmann::json& current)> desired;
    bool restart = false;  // a workload whose rollout is waited for
    // For a JSON patch: the operations to send (with their `test`s), after a `test` of the
    // resourceVersion read; null: the difference between the object read and `after`.
    nlohmann::json patch_operations;
    bool changes() const { return before != after; }
};

struct ApplyPlan {
    std::string fix;                    // the fix carried out ("" when none can be)
    std::vector<ObjectChange> changes;  // in order; those without a change are left out
    std::vector<std::string> refused;   // left undone, each with the exact change to make by hand
    std::vector<std::string> notes;
};

// Reads the objects the primary finding's fix changes (first fix of its plan with operations in
// scope) and plans each change. Writes nothing. Throws Error when the API fails.
ApplyPlan plan_apply(KubeApi& api, const Finding& finding, const Catalog& catalog,
                     const ApplyOptions& options);

// Asks SelfSubjectAccessReview for every write of `plan`; the ones denied, as
// "patch configmaps in namespace tekton-pipelines".
std::vector<std::string> missing_permissions(KubeApi& api, const ApplyPlan& plan);

// Writes every change of `plan` in order, then waits for the restarted workloads' rollouts
// (not in a dry run). Throws ApiError / Error on a failure; what was written before it is in
// `done`.
void carry_out(KubeApi& api, ApplyPlan& plan, const ApplyOptions& options,
               std::vector<AppliedChange>& done);

// The ConfigMap `ns/name` as it would be with `pems` appended to `key` (each certificate once):
// every other key, label and annotation kept. `current` null: a new ConfigMap with Tekton's labels.
nlohmann::json configmap_with_pems(const nlohmann::json& current, const std::string& ns,
                                   const std::string& name, const std::string& key,
                                   const std::vector<std::string>& pems);

// kubectl rollout status's test: the workload's latest template runs on every replica.
bool rollout_complete(const nlohmann::json& workload, std::string* progress = nullptr);

}  // namespace certdoctor
