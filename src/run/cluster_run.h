// Cluster mode's flow, in order: the runs read a page at a time (cluster/runs_reader), each page
// diagnosed on a worker while the next loads, the registries probed in the background, a sweep's
// findings grouped by root cause, the installation checked, then the fixes planned once.
#pragma once

#include <functional>

#include "cluster/runs_reader.h"
#include "kube/kube_api.h"
#include "model/report.h"
#include "probe/probe.h"
#include "run/run.h"

namespace certdoctor {

// `engine` is asked for only once the runs are read, so that the caller can build it while the
// API answers (it may throw the catalog's error then).
using EngineSource = std::function<const Engine&()>;

// A sweep's findings, one representative per root cause (pattern and registry), with the count
// and the runs of each group; the representative's re-run re-creates every finished run it holds.
void group_sweep_findings(Report& report);

// The cluster `api` talks to, as the kubeconfig names it: the namespace a run is looked up in,
// and the context and server the report names.
struct ClusterTarget {
    std::string namespace_ = "default";
    std::string context;  // "in-cluster" for the service account
    std::string server;
};

Report diagnose_cluster(const EngineSource& engine, KubeApi& api, const ClusterTarget& target,
                        const ClusterRequest& request, const ProbeOptions* probe,
                        const ProgressFn& progress = nullptr);

}  // namespace certdoctor
