// What the cluster's Tekton installation looks like, read with GETs only: the served Tekton API
// version, the controller Deployment (in tekton-pipelines, or openshift-pipelines), its version
// and running pods, the config-registry-cert ConfigMap, and the remote resolvers Deployment.
// Parts that cannot be read (403, absent) are recorded, never fatal: the checks then say "skip".
#pragma once

#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "kube/kube_api.h"
#include "model/report.h"

namespace certdoctor {

// "v1" when the cluster serves tekton.dev/v1, else "v1beta1". Throws Error when tekton.dev is not
// served at all (Tekton Pipelines is not installed); `context` names the cluster in that message.
std::string discover_tekton_api(KubeApi& api, const std::string& context);

struct ControllerPod {
    std::string name;
    std::string phase;
    std::time_t started = 0;  // when its controller container (re)started, else the pod
    std::string started_text;
};

struct Installation {
    bool controller_found = false;
    std::string namespace_ = "tekton-pipelines";
    std::string deployment = "tekton-pipelines-controller";
    std::string version;          // "v0.56.1"; "" when unknown
    std::string version_source;   // "label app.kubernetes.io/version", "image tag"
    bool openshift = false;
    ObjectState pods_state = ObjectState::unknown;
    std::vector<ControllerPod> pods;
    ObjectState configmap_state = ObjectState::unknown;
    std::map<std::string, std::string> configmap_data;  // key -> value
    std::vector<std::string> configmap_binary_keys;
    std::vector<std::pair<std::string, std::string>> configmap_labels;
    std::vector<std::pair<std::string, std::string>> configmap_annotations;
    std::vector<std::pair<std::string, std::string>> configmap_data_ordered;  // as the API gave it
    bool statefulsets = false;      // the controller is a StatefulSet (the operator's statefulset-ordinals)
    bool operator_managed = false;  // owned by the Tekton Operator (a TektonInstallerSet)
    // The ConfigMap whose CAs the controller mounts (config-registry-cert; on OpenShift the
    // injected config-trusted-cabundle), and when it last changed (0: not known).
    std::string ca_configmap = "config-registry-cert";
    std::time_t configmap_changed = 0;
    std::string configmap_changed_text;
    std::string configmap_changed_source;  // "managedFields", "creationTimestamp"
    ObjectState resolvers_state = ObjectState::unknown;
    std::string resolvers_namespace = "tekton-pipelines-resolvers";
    bool resolvers_have_ca = false;   // a CA mount or SSL_CERT_* env
    ObjectState trusted_cabundle_state = ObjectState::unknown;  // OpenShift config-trusted-cabundle
    std::vector<std::string> notes;
};

Installation read_installation(KubeApi& api);

// What of the installation a fix needs to be exact (the ConfigMap's keys, labels and
// annotations, the operator, the workload kind).
InstallationFacts installation_facts(const Installation& installation);

}  // namespace certdoctor
