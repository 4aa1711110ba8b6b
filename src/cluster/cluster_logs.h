// `analyze --from-cluster`: the logs of Tekton's own pods, read through the API with GETs only:
// every container of the controller's pods and of the remote resolvers' pods (the bundles
// resolver runs there), optionally the previous instance of each.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kube/kube_api.h"

namespace certdoctor {

struct PodLogRequest {
    std::optional<std::chrono::seconds> since;  // sinceSeconds
    long tail = -1;                             // tailLines; -1: all
    bool previous = false;                      // the previous instance of each container
};

// Each log as it is read ("pod/NAMESPACE/POD/CONTAINER" and its text, at most 64 MiB each),
// one at a time so that only one is held. Pods or logs that cannot be read become notes.
// Throws Error when no Tekton pod is found at all.
void read_tekton_pod_logs(KubeApi& api, const PodLogRequest& request,
                          const std::function<void(const std::string& name, std::string_view text)>& each,
                          std::vector<std::string>& notes);

}  // namespace certdoctor
