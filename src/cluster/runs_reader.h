// Cluster mode's reader: the runs of `diagnose taskrun/NAME`, `pipelinerun/NAME`, and the sweeps
// `diagnose taskruns` and `diagnose -A`, read with GET only, with the Task, pod, events and failed
// steps' logs they need, handed over a page at a time in the form `diagnose -f` reads. The order
// of the flow (diagnosis, probes, checks, fixes) is run/cluster_run's.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <vector>
#include <string>

#include "kube/kube_api.h"
#include "kube/list_pages.h"
#include "model/report.h"
#include "model/record.h"

namespace certdoctor {

struct ClusterRequest {
    std::string kind;        // "TaskRun" or "PipelineRun" for one run; "" for a sweep
    std::string name;
    bool all_namespaces = false;
    std::string selector;    // -l
    std::optional<std::chrono::seconds> since;  // only runs that failed within this window
    size_t limit = 0;        // at most this many failed runs (0: all)
    size_t page_size = 500;  // items per list request; 0: one request for the whole list
    size_t max_pages = ListPages::kMaxPages;  // a list with more pages is an error (exit 4)
    // A registry's chain or a CA in config-registry-cert that stops verifying within this time
    // fails the check certificates-expire-soon.
    std::chrono::seconds expiry_warning{30 * 24 * 3600};
};

// Called with a one-line status while a sweep lists runs ("" at the end, to clear it).
using ProgressFn = std::function<void(const std::string&)>;

// "taskrun/x", "tr/x", "taskruns.tekton.dev/x", "pipelinerun/y", "pr/y", "taskruns", "tr"...
// Throws Error (exit 2) for anything else.
ClusterRequest parse_resource_argument(const std::string& argument);

// A page of what was read: the runs and related objects, and the failed steps' log texts.
// read() turns it into failure records as `diagnose -f` reads them; the caller does that on a
// worker while the next page loads.
struct RunsPage {
    struct StepLog {
        std::string text, origin, namespace_, run, step;
    };
    nlohmann::json items = nlohmann::json::array();
    std::vector<StepLog> logs;
    std::string source;
    InputBatch read() &&;
};

// What reading the runs found besides the pages: how many runs a sweep listed and how many had
// failed, when each failed run failed ("TaskRun/ns/name" -> RFC 3339), and notes (a Task that is
// gone, a pod that may not be read).
struct RunsRead {
    size_t scanned = 0;
    size_t failed = 0;
    std::map<std::string, std::string> failed_at;
    std::vector<std::string> notes;
};

// Reads the runs `request` names in namespace `ns` of Tekton API `api` (v1, v1beta1); calls
// `take` with each page, in order. Throws Error when a run is not found (exit 3) or a sweep's list
// cannot be read to its end (exit 4: a list that does not end, a continue token that expired).
RunsRead read_cluster_runs(KubeApi& client, const std::string& api, const std::string& ns,
                           const ClusterRequest& request, const std::string& source,
                           const std::function<void(RunsPage)>& take, const ProgressFn& progress = nullptr);

}  // namespace certdoctor
