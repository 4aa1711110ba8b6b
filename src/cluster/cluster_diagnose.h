// Cluster mode: `diagnose taskrun/NAME`, `pipelinerun/NAME`, and the sweeps `diagnose taskruns`
// and `diagnose -A`. Reads with GET only, feeds the objects through the same reader as
// `diagnose -f`, probes each distinct registry once, and runs the cluster checks.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "kube/client.h"
#include "kube/list_pages.h"
#include "model/report.h"
#include "probe/probe.h"
#include "run/run.h"

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

// `engine` is asked for only once the runs are read, so that the caller can build it while the
// API answers (it may throw the catalog's error then).
using EngineSource = std::function<const Engine&()>;

Report diagnose_cluster(const EngineSource& engine, KubeClient& client, const ClusterRequest& request,
                        const ProbeOptions* probe, const ProgressFn& progress = nullptr);

}  // namespace certdoctor
