#include "cluster/installation.h"

#include <re2/re2.h>

#include <cctype>

#include "kube/list_pages.h"
#include "util/json_access.h"
#include "match/versions.h"
#include "util/text.h"
#include "util/time.h"

namespace certdoctor {

namespace {

// GET with 404 and 403 as states (kube/kube_api.h).
ObjectState try_get(KubeApi& client, const std::string& path, nlohmann::json& out) {
    ObjectRead r = read_object(client, path);
    if (r.state == ObjectState::present) out = std::move(r.object);
    return r.state;
}

std::string version_from_image(const std::string& image) {
    static const RE2 re(R"(:(v\d+\.\d+(?:\.\d+)?)(?:@|$))");
    std::string v;
    RE2::PartialMatch(image, re, &v);
    return v;
}

std::string selector_of(const nlohmann::json& deployment) {
    std::string sel;
    const auto& labels = json_at(deployment, {"spec", "selector", "matchLabels"});
    if (!labels.is_object()) return sel;
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        if (!it.value().is_string()) continue;
        if (!sel.empty()) sel += ",";
        sel += it.key() + "=" + it.value().get<std::string>();
    }
    return sel;
}

// A pod template that gives its containers a CA beyond the image's: SSL_CERT_FILE, or an
// SSL_CERT_DIR with more than /etc/ssl/certs.
bool template_has_ca(const nlohmann::json& deployment) {
    const auto& containers = json_at(deployment, {"spec", "template", "spec", "containers"});
    if (!containers.is_array()) return false;
    for (const auto& c : containers) {
        if (!c.contains("env") || !json_at(c, {"env"}).is_array()) continue;
        for (const auto& e : json_at(c, {"env"})) {
            std::string name = text_at(e, {"name"}), value = text_at(e, {"value"});
            if (name == "SSL_CERT_FILE" && !value.empty()) return true;
            if (name == "SSL_CERT_DIR" && !value.empty() && value != "/etc/ssl/certs") return true;
        }
    }
    return false;
}

// When `cm` last changed: its managedFields' latest time, else its creation.
void note_change_time(const nlohmann::json& cm, Installation& inst) {
    std::time_t latest = 0;
    std::string latest_text;
    const auto& managed = json_at(cm, {"metadata", "managedFields"});
    if (managed.is_array())
        for (const auto& m : managed) {
            std::string at = text_at(m, {"time"});
            auto t = parse_rfc3339(at);
            if (t && *t > latest) {
                latest = *t;
                latest_text = at;
            }
        }
    if (latest) {
        inst.configmap_changed = latest;
        inst.configmap_changed_text = latest_text;
        inst.configmap_changed_source = "managedFields";
    } else if (auto t = parse_rfc3339(text_at(cm, {"metadata", "creationTimestamp"}))) {
        inst.configmap_changed = *t;
        inst.configmap_changed_text = text_at(cm, {"metadata", "creationTimestamp"});
        inst.configmap_changed_source = "creationTimestamp";
    }
}

}  // namespace

std::string discover_tekton_api(KubeApi& client, const std::string& context) {
    auto group = client.get_if_found("/apis/tekton.dev");
    if (!group)
        throw Error("the cluster does not serve the API group tekton.dev: Tekton Pipelines is not installed, or this is "
                    "not the cluster you meant (context \"" + context + "\")");
    bool v1 = false, v1beta1 = false;
    if (json_at((*group), {"versions"}).is_array())
        for (const auto& v : json_at((*group), {"versions"})) {
            std::string name = text_at(v, {"version"});
            v1 = v1 || name == "v1";
            v1beta1 = v1beta1 || name == "v1beta1";
        }
    if (v1) return "v1";
    if (v1beta1) return "v1beta1";
    throw Error("the cluster serves tekton.dev without v1 or v1beta1; this tool reads Tekton Pipelines v0.11 and later");
}

Installation read_installation(KubeApi& client) {
    Installation inst;
    nlohmann::json deployment;
    ObjectState state = ObjectState::absent;
    for (const char* ns : {"tekton-pipelines", "openshift-pipelines"}) {
        state = try_get(client, std::string("/apis/apps/v1/namespaces/") + ns + "/deployments/tekton-pipelines-controller",
                        deployment);
        if (state == ObjectState::absent) {
            // The operator's statefulset-ordinals runs the controller as a StatefulSet.
            state = try_get(client, std::string("/apis/apps/v1/namespaces/") + ns + "/statefulsets/tekton-pipelines-controller",
                            deployment);
            inst.statefulsets = state == ObjectState::present;
        }
        if (state == ObjectState::present) {
            inst.namespace_ = ns;
            break;
        }
        if (state == ObjectState::forbidden)
            inst.notes.push_back(std::string("no permission to get deployments in namespace ") + ns);
    }
    inst.controller_found = state == ObjectState::present;
    if (!inst.controller_found) {
        if (state != ObjectState::forbidden)
            inst.notes.push_back("no tekton-pipelines-controller Deployment in tekton-pipelines or openshift-pipelines");
        return inst;
    }
    inst.openshift = inst.namespace_ == "openshift-pipelines";
    const auto& owners = json_at(deployment, {"metadata", "ownerReferences"});
    if (owners.is_array())
        for (const auto& o : owners) inst.operator_managed = inst.operator_managed || text_at(o, {"kind"}) == "TektonInstallerSet";
    const auto& labels = json_at(deployment, {"metadata", "labels"});
    for (const char* key : {"operator.tekton.dev/operand-name", "operator.tekton.dev/release"})
        inst.operator_managed = inst.operator_managed || !text_at(labels, {key}).empty();
    for (const char* key : {"app.kubernetes.io/version", "pipeline.tekton.dev/release", "version"}) {
        std::string v = text_at(labels, {key});
        if (!v.empty() && tekton_minor(v) >= 0) {
            inst.version = v[0] == 'v' ? v : "v" + v;
            inst.version_source = std::string("label ") + key;
            break;
        }
    }
    if (inst.version.empty()) {
        const auto& containers = json_at(deployment, {"spec", "template", "spec", "containers"});
        if (containers.is_array())
            for (const auto& c : containers) {
                std::string v = version_from_image(text_at(c, {"image"}));
                if (!v.empty()) {
                    inst.version = v;
                    inst.version_source = "image tag";
                    break;
                }
            }
    }

    // The controller's pods, and when their controller container last started.
    std::string selector = selector_of(deployment);
    nlohmann::json pods;
    ListQuery pod_query;
    pod_query.label_selector = selector;
    try {
        ObjectRead listed = read_list(client, "/api/v1/namespaces/" + inst.namespace_ + "/pods", pod_query);
        inst.pods_state = listed.state;
        pods = std::move(listed.object);
    } catch (const ApiError&) {
        throw;
    } catch (const Error& e) {
        // A list read in part: which pods run is unknown, and the checks say "skip".
        inst.pods_state = ObjectState::unknown;
        inst.notes.push_back(std::string("the controller's pods could not be listed: ") + e.what());
    }
    if (inst.pods_state == ObjectState::present && json_at(pods, {"items"}).is_array()) {
        for (const auto& p : json_at(pods, {"items"})) {
            ControllerPod cp;
            cp.name = text_at(p, {"metadata", "name"});
            cp.phase = text_at(p, {"status", "phase"});
            if (cp.phase != "Running") continue;
            if (!text_at(p, {"metadata", "deletionTimestamp"}).empty()) continue;
            cp.started_text = text_at(p, {"status", "startTime"});
            const auto& statuses = json_at(p, {"status", "containerStatuses"});
            if (statuses.is_array())
                for (const auto& s : statuses) {
                    std::string at = text_at(s, {"state", "running", "startedAt"});
                    if (!at.empty() && (text_at(s, {"name"}) == "tekton-pipelines-controller" || statuses.size() == 1))
                        cp.started_text = at;
                }
            if (auto t = parse_rfc3339(cp.started_text)) cp.started = *t;
            inst.pods.push_back(cp);
        }
    } else if (inst.pods_state == ObjectState::forbidden) {
        inst.notes.push_back("no permission to list pods in namespace " + inst.namespace_);
    }

    // config-registry-cert, and when it last changed.
    nlohmann::json cm;
    inst.configmap_state = try_get(client, "/api/v1/namespaces/" + inst.namespace_ + "/configmaps/config-registry-cert", cm);
    if (inst.configmap_state == ObjectState::present) {
        if (json_at(cm, {"data"}).is_object())
            for (auto it = json_at(cm, {"data"}).begin(); it != json_at(cm, {"data"}).end(); ++it)
                if (it.value().is_string()) {
                    inst.configmap_data[it.key()] = it.value().get<std::string>();
                    inst.configmap_data_ordered.emplace_back(it.key(), it.value().get<std::string>());
                }
        for (const char* part : {"labels", "annotations"}) {
            const auto& m = json_at(cm, {"metadata", part});
            if (!m.is_object()) continue;
            for (auto it = m.begin(); it != m.end(); ++it)
                if (it.value().is_string())
                    (std::string(part) == "labels" ? inst.configmap_labels : inst.configmap_annotations)
                        .emplace_back(it.key(), it.value().get<std::string>());
        }
        if (json_at(cm, {"binaryData"}).is_object())
            for (auto it = json_at(cm, {"binaryData"}).begin(); it != json_at(cm, {"binaryData"}).end(); ++it)
                inst.configmap_binary_keys.push_back(it.key());
        if (!inst.openshift) note_change_time(cm, inst);  // OpenShift's controller mounts another
    } else if (inst.configmap_state == ObjectState::forbidden) {
        inst.notes.push_back("no permission to get configmap config-registry-cert in namespace " + inst.namespace_);
    }

    // The remote resolvers (bundles, git, http, hub).
    nlohmann::json resolvers;
    inst.resolvers_namespace = inst.openshift ? "openshift-pipelines" : "tekton-pipelines-resolvers";
    inst.resolvers_state = try_get(client, "/apis/apps/v1/namespaces/" + inst.resolvers_namespace +
                                               "/deployments/tekton-pipelines-remote-resolvers", resolvers);
    if (inst.resolvers_state == ObjectState::present) inst.resolvers_have_ca = template_has_ca(resolvers);

    if (inst.openshift) {
        nlohmann::json bundle;
        inst.trusted_cabundle_state =
            try_get(client, "/api/v1/namespaces/openshift-pipelines/configmaps/config-trusted-cabundle", bundle);
        // The controller mounts the bundle the cluster network operator injects from the proxy's
        // trustedCA, not config-registry-cert: its pods are compared with that one's change.
        inst.ca_configmap = "config-trusted-cabundle";
        if (inst.trusted_cabundle_state == ObjectState::present) note_change_time(bundle, inst);
    }
    return inst;
}

InstallationFacts installation_facts(const Installation& inst) {
    InstallationFacts f;
    f.read = inst.controller_found;
    f.configmap_present = inst.configmap_state == ObjectState::present;
    f.configmap_data = inst.configmap_data_ordered;
    f.configmap_labels = inst.configmap_labels;
    f.configmap_annotations = inst.configmap_annotations;
    f.operator_managed = inst.operator_managed;
    f.statefulsets = inst.statefulsets;
    f.openshift = inst.openshift;
    return f;
}

}  // namespace certdoctor
