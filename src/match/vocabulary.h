// The stable vocabularies of the report (documented in README.md): components, stages, problems,
// and which problems and stages a fix may touch. The catalog linter checks every rule against
// these lists; changing one is a change of the JSON contract.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace certdoctor::vocabulary {

inline const std::vector<std::string_view> components = {
    "tekton-controller", "tekton-resolver", "kubelet", "step-tool",
    "git",               "webhook",         "api-client", "unknown"};

inline const std::vector<std::string_view> stages = {
    "entrypoint-lookup", "bundle-resolution", "remote-resolution", "image-pull", "step-run",
    "git-fetch",         "admission-webhook", "api-request",       "unknown"};

inline const std::vector<std::string_view> problems = {
    "unknown-authority",  "incomplete-chain",       "hostname-mismatch",  "no-ip-sans",
    "legacy-common-name", "expired",                "not-yet-valid",      "not-a-ca",
    "insecure-signature", "http-response-to-https", "tls-to-plain-http",
    "client-certificate-rejected", "unauthorized",  "name-resolution",    "timeout",
    "connection-refused", "not-found",              "other"};

// Adding a CA is the answer to exactly these problems and to nothing else.
inline const std::vector<std::string_view> ca_problems = {"unknown-authority",
                                                          "incomplete-chain"};

// Defects of the certificate itself (its dates, its names, its kind, its signature): a new
// certificate on the server fixes them whoever made the request, so no step asks who that was.
inline const std::vector<std::string_view> certificate_defects = {
    "expired", "hostname-mismatch", "legacy-common-name", "not-a-ca", "insecure-signature"};

// Problems a client finds in the chain it was served (its issuer, names, dates, signatures): what
// a probe of the registry's chain can confirm or correct.
inline const std::vector<std::string_view> chain_problems = {
    "unknown-authority", "incomplete-chain", "hostname-mismatch", "no-ip-sans", "legacy-common-name",
    "expired",           "not-yet-valid",    "not-a-ca",          "insecure-signature"};

// Stages where the Tekton controller itself talks to the registry (the entrypoint lookup, and
// before v0.49 the in-controller bundle fetch): the only ones config-registry-cert can fix.
// Stages whose request goes to an image registry (a site's peer "registry" there is one).
inline const std::vector<std::string_view> registry_stages = {"entrypoint-lookup", "bundle-resolution", "image-pull",
                                                              "step-run"};

inline const std::vector<std::string_view> controller_registry_stages = {"entrypoint-lookup",
                                                                         "bundle-resolution"};

// Step tools the fix plan itself tells apart (a site's `tool`): their transport sets the port no
// message names and the network test (SSH's 22, the git daemon's 9418, neither over HTTPS). The
// linter checks that a site names each, so that a misspelt `tool:` cannot silently fall back to
// HTTPS.
inline constexpr std::string_view tool_ssh = "ssh";
inline constexpr std::string_view tool_git_daemon = "git-daemon";
inline const std::vector<std::string_view> transport_tools = {tool_ssh, tool_git_daemon};

// The typed operations a fix's `operations:` may list (what --apply can carry out), each with
// its required fields and the words each field takes ("" in `values`: any text).
struct OperationSpec {
    std::string_view op;
    std::vector<std::string_view> fields;  // all required
    std::vector<std::vector<std::string_view>> values;  // per field: the words it takes
    std::string_view what;
};

inline const std::vector<OperationSpec> fix_operations = {
    {"merge-pems", {"configmap", "key"}, {{"config-registry-cert"}, {"cert"}},
     "append the registry's CA to the PEMs under `key`, each certificate once, every other key kept"},
    {"move-key", {"configmap", "to"}, {{"config-registry-cert"}, {"cert"}},
     "copy the PEMs under the key the cluster checks found into `to` (merged, the old key kept)"},
    {"create-configmap", {"configmap", "key", "labels"}, {{"config-registry-cert"}, {"cert"}, {"tekton"}},
     "create the ConfigMap with Tekton's labels and the registry's CA under `key`, when it is missing"},
    {"restart-workload", {"workload"}, {{"controller"}},
     "restart as kubectl rollout restart does (the restartedAt pod-template annotation) and wait"},
    {"patch-steps", {"target"}, {{"task"}},
     "a JSON patch of the Task or StepAction, with test operations (only with --apply=task)"},
    {"proxy-trusted-ca", {"key"}, {{"ca-bundle.crt"}},
     "OpenShift: append the CA to the ConfigMap the cluster proxy's trustedCA names"},
};

inline const OperationSpec* fix_operation(std::string_view op) {
    for (const auto& spec : fix_operations)
        if (spec.op == op) return &spec;
    return nullptr;
}

inline bool contains(const std::vector<std::string_view>& list, std::string_view value) {
    for (auto v : list)
        if (v == value) return true;
    return false;
}

}  // namespace certdoctor::vocabulary
