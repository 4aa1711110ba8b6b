// `analyze`, from the groups the log analyzer gathered (logscan/) to a report: one diagnosis per
// pattern, made from its first group's first line as `explain` makes it, and for each group the
// fixes for its own registry. Also the --from-cluster input: the logs of Tekton's pods.
#pragma once

#include <string>
#include <vector>

#include "cluster/runs_reader.h"
#include "cluster/cluster_logs.h"
#include "kube/kube_api.h"
#include "logscan/log_analyzer.h"
#include "model/report.h"
#include "run/run.h"

namespace certdoctor {

// Groups with the most lines first, registry problems before look-alikes; `findings` holds one
// diagnosis per pattern, which `groups[i].finding` indexes. The report takes the analyzer's
// groups (it is left with none).
Report analysis_report(LogAnalyzer& analyzer, const Engine& engine);

// One group alone, as --follow prints it when the group's first line is read.
Report group_report(const LogGroup& group, const Engine& engine);

// Feeds the Tekton controller's and remote resolvers' pod logs to `analyzer`, one at a time;
// what could not be read becomes a note. `progress` (may be null) names each log as it is read.
void read_cluster_logs(LogAnalyzer& analyzer, KubeApi& client, const PodLogRequest& request,
                       const ProgressFn& progress, std::vector<std::string>& notes);

}  // namespace certdoctor
