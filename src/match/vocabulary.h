// The stable vocabularies of the report (documented in README.md): components, stages, problems,
// and which problems and stages a fix may touch. The catalog linter checks every rule against
// these lists; changing one is a change of the JSON contract.
#pragma once

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

// Problems a client finds in the chain it was served (its issuer, names, dates, signatures): what
// a probe of the registry's chain can confirm or correct.
inline const std::vector<std::string_view> chain_problems = {
    "unknown-authority", "incomplete-chain", "hostname-mismatch", "no-ip-sans", "legacy-common-name",
    "expired",           "not-yet-valid",    "not-a-ca",          "insecure-signature"};

// Stages where the Tekton controller itself talks to the registry (the entrypoint lookup, and
// before v0.49 the in-controller bundle fetch): the only ones config-registry-cert can fix.
inline const std::vector<std::string_view> controller_registry_stages = {"entrypoint-lookup",
                                                                         "bundle-resolution"};

inline bool contains(const std::vector<std::string_view>& list, std::string_view value) {
    for (auto v : list)
        if (v == value) return true;
    return false;
}

}  // namespace certdoctor::vocabulary
