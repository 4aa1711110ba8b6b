#include "cluster/cluster_logs.h"

#include "cluster/installation.h"
#include "kube/list_pages.h"
#include "util/json_access.h"
#include "util/error.h"
#include "util/text.h"

namespace certdoctor {

namespace {

constexpr size_t kMaxLogBytes = 64u << 20;

struct PodSet {
    std::string namespace_;
    std::string selector;
    const char* what;
};

}  // namespace

void read_tekton_pod_logs(KubeApi& client, const PodLogRequest& request,
                          const std::function<void(const std::string&, std::string_view)>& each,
                          std::vector<std::string>& notes) {
    Installation inst = read_installation(client);
    std::vector<PodSet> sets = {
        {inst.namespace_, "app.kubernetes.io/part-of=tekton-pipelines,app.kubernetes.io/component=controller", "controller"},
        {inst.resolvers_namespace, "app.kubernetes.io/part-of=tekton-pipelines,app.kubernetes.io/component=resolvers",
         "remote resolvers"},
    };
    size_t pods_found = 0;
    for (const auto& set : sets) {
        ListQuery query;
        query.label_selector = set.selector;
        ObjectRead read = read_list(client, "/api/v1/namespaces/" + set.namespace_ + "/pods", query);
        if (read.state == ObjectState::forbidden) {
            notes.push_back(std::string("no permission to list the ") + set.what + " pods in namespace " + set.namespace_);
            continue;
        }
        nlohmann::json pods = std::move(read.object);
        const auto& items = json_at(pods, {"items"});
        if (!items.is_array() || items.empty()) {
            notes.push_back(std::string("no ") + set.what + " pod in namespace " + set.namespace_);
            continue;
        }
        for (const auto& pod : items) {
            std::string name = text_at(pod, {"metadata", "name"});
            ++pods_found;
            const auto& containers = json_at(pod, {"spec", "containers"});
            if (!containers.is_array()) continue;
            for (const auto& c : containers) {
                std::string container = text_at(c, {"name"});
                std::vector<std::string> params = {"container=" + percent_encode(container),
                                                   "limitBytes=" + std::to_string(kMaxLogBytes)};
                if (request.since) params.push_back("sinceSeconds=" + std::to_string(request.since->count()));
                if (request.tail >= 0) params.push_back("tailLines=" + std::to_string(request.tail));
                if (request.previous) params.push_back("previous=true");
                std::string log_path = "/api/v1/namespaces/" + set.namespace_ + "/pods/" + percent_encode(name) + "/log?" +
                                       join(params, "&");
                std::string label = "pod/" + set.namespace_ + "/" + name + "/" + container + (request.previous ? " (previous)" : "");
                try {
                    auto text = client.get_text(log_path, kMaxLogBytes);
                    if (!text) {
                        notes.push_back(label + ": no log");
                        continue;
                    }
                    each(label, *text);
                } catch (const ApiError& e) {
                    // 400: no previous instance; 403: RBAC lacks pods/log.
                    if (e.status() != 400 && e.status() != 403) throw;
                    notes.push_back(label + ": " + e.what());
                }
            }
        }
    }
    if (pods_found == 0)
        throw Error("found no Tekton controller or resolvers pod (namespaces " + inst.namespace_ + ", " +
                    inst.resolvers_namespace + "); is Tekton Pipelines installed in this cluster?");
}

}  // namespace certdoctor
