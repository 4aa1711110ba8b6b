#include "cluster/checks.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include "match/versions.h"
#include "probe/openssl_util.h"
#include "probe/probe.h"
#include "util/escape.h"
#include "util/text.h"
#include "util/time.h"

namespace certdoctor {

namespace {

// The failure happened in the controller's own process, which config-registry-cert feeds.
bool in_controller(const Finding& f, double minor) {
    if (f.stage == "entrypoint-lookup") return true;
    // v0.48 and earlier resolved `taskRef.bundle` in the controller.
    return f.stage == "bundle-resolution" && minor >= 0 && minor < 49;
}

ClusterCheck check(const std::string& id, const std::string& status, const std::string& detail,
                   const std::string& registry = "") {
    return ClusterCheck{id, status, detail, registry};
}

// How many PEM certificates a text holds; -1 when it holds none or is broken.
int pem_count(const std::string& text, std::string* subjects, std::string* error) {
    try {
        auto certs = read_pem_certificates(text, "config-registry-cert");
        std::vector<std::string> names;
        for (const auto& c : certs) names.push_back(describe_certificate(c.get()).subject);
        *subjects = join(names, "; ");
        return static_cast<int>(certs.size());
    } catch (const Error& e) {
        *error = e.what();
        return -1;
    }
}

std::string state_word(ObjectState s) {
    switch (s) {
        case ObjectState::present:
            return "present";
        case ObjectState::absent:
            return "absent";
        case ObjectState::forbidden:
            return "not readable (RBAC)";
        case ObjectState::unknown:
            break;
    }
    return "not read";
}

}  // namespace

// A registry's chain (as probed: the first notAfter on the path Go chose) or a CA in
// config-registry-cert that stops verifying before `now + warning`: one check per registry and
// one for the bundle.
namespace {

// What every check reads, and what the checks before it found (a check may use those).
struct CheckState {
    const Report& report;
    const Installation& inst;
    std::time_t now;
    std::chrono::seconds warning;
    double minor = -1;
    std::string cm;                              // "namespace/config-registry-cert"
    bool present = false;                        // the ConfigMap exists
    bool has_cert = false;                       // a non-empty value under `cert`
    std::string wrong_key;                       // another key holding certificates
    int count = -1;                              // PEM certificates under `cert`; -1 none or broken
    std::map<std::string, std::string> trusted;  // registry -> pass, fail
    std::string restarted = "skip";
    std::time_t oldest_start = 0;  // the oldest running controller pod's start
    bool resolver_ca = false;      // a finding on the resolvers' side of remote resolution
};

using Checks = std::vector<ClusterCheck>;

void present_check(CheckState& st, Checks& checks) {
    const Installation& inst = st.inst;
    if (!inst.controller_found)
        checks.push_back(check("config-registry-cert-present", "skip",
                               "the Tekton controller Deployment was not found or not readable"));
    else if (st.present)
        checks.push_back(
            check("config-registry-cert-present", "pass", "ConfigMap " + st.cm + " exists"));
    else if (inst.configmap_state == ObjectState::absent)
        checks.push_back(
            check("config-registry-cert-present", "fail",
                  "ConfigMap " + st.cm +
                      " does not exist: the controller mounts it without `optional`, so new "
                      "controller pods cannot start, and no CA reaches the controller"));
    else
        checks.push_back(check("config-registry-cert-present", "skip",
                               "ConfigMap " + st.cm + " is " + state_word(inst.configmap_state)));
}

void key_check(CheckState& st, Checks& checks) {
    const Installation& inst = st.inst;
    if (!st.present) {
        checks.push_back(check("config-registry-cert-key", "skip", "no ConfigMap to look into"));
    } else if (st.has_cert) {
        checks.push_back(
            check("config-registry-cert-key", "pass",
                  "the CA bundle sits under the key `cert`, which the controller reads"));
    } else if (!st.wrong_key.empty()) {
        checks.push_back(
            check("config-registry-cert-key", "fail",
                  "certificates sit under the key `" + st.wrong_key +
                      "`, which the controller silently ignores: it reads only `cert`"));
    } else if (auto cert = inst.configmap_data.find("cert");
               cert != inst.configmap_data.end() && trim(cert->second).empty()) {
        checks.push_back(check("config-registry-cert-key", "fail",
                               "the key `cert` is there but empty: no CA was added"));
    } else {
        std::vector<std::string> keys;
        for (const auto& [key, _] : inst.configmap_data) keys.push_back(key);
        for (const auto& key : inst.configmap_binary_keys) keys.push_back(key + " (binaryData)");
        checks.push_back(check(
            "config-registry-cert-key", "fail",
            keys.empty() ? "the ConfigMap has no data: no CA was ever added (it ships empty)"
                         : "no key `cert`; the keys there (" + join(keys, ", ") + ") are ignored"));
    }
}

void pem_check(CheckState& st, Checks& checks) {
    if (!st.has_cert) {
        checks.push_back(check("config-registry-cert-pem", "skip", "no value under `cert`"));
        return;
    }
    std::string subjects, error;
    st.count = pem_count(st.inst.configmap_data.at("cert"), &subjects, &error);
    if (st.count > 0)
        checks.push_back(check("config-registry-cert-pem", "pass",
                               std::to_string(st.count) + " PEM certificate" +
                                   (st.count == 1 ? "" : "s") + ": " + subjects));
    else
        checks.push_back(check("config-registry-cert-pem", "fail",
                               "the value of `cert` is not PEM certificates (" + error +
                                   "); Go's loader skips it without a word"));
}

// Per probed registry of a controller finding: does exactly the bundle make Go accept it?
void trusts_check(CheckState& st, Checks& checks) {
    std::set<std::string> done;
    for (const auto& f : st.report.findings) {
        if (!in_controller(f, st.minor) || f.registry.empty() || done.count(f.registry)) continue;
        done.insert(f.registry);
        if (!f.probed) {
            checks.push_back(check("config-registry-cert-trusts-registry", "skip",
                                   "the registry was not probed (--no-probe)", f.registry));
            continue;
        }
        if (f.probe.chain.empty()) {
            checks.push_back(
                check("config-registry-cert-trusts-registry", "skip",
                      "the probe got no certificate from " + f.registry + ": " + f.probe.detail,
                      f.registry));
            continue;
        }
        if (st.count <= 0) {
            checks.push_back(check("config-registry-cert-trusts-registry", "fail",
                                   "config-registry-cert gives the controller no usable CA, so " +
                                       f.registry +
                                       "'s chain is checked against the image's public roots only",
                                   f.registry));
            st.trusted[f.registry] = "fail";
            continue;
        }
        ReVerdict v =
            verify_with_bundle(f.probe, st.inst.configmap_data.at("cert"), "config-registry-cert");
        st.trusted[f.registry] = v.problem == "ok" ? "pass" : "fail";
        checks.push_back(
            check("config-registry-cert-trusts-registry", v.problem == "ok" ? "pass" : "fail",
                  v.problem == "ok"
                      ? "with exactly the bundle in config-registry-cert, Go accepts the chain " +
                            f.registry + " serves"
                      : "with exactly the bundle in config-registry-cert, Go rejects the chain " +
                            f.registry + " serves: " + v.detail,
                  f.registry));
    }
    if (done.empty())
        checks.push_back(check("config-registry-cert-trusts-registry", "skip",
                               "no finding is a lookup by the controller"));
}

void restarted_check(CheckState& st, Checks& checks) {
    const Installation& inst = st.inst;
    const std::string& cm = inst.ca_configmap;
    const bool present = inst.openshift ? inst.trusted_cabundle_state == ObjectState::present : st.present;
    if (!present) {
        checks.push_back(check("controller-restarted-after-config", "skip", "no ConfigMap " + cm));
    } else if (inst.pods_state != ObjectState::present) {
        checks.push_back(check("controller-restarted-after-config", "skip",
                               "controller pods " + state_word(inst.pods_state)));
    } else if (inst.pods.empty()) {
        checks.push_back(check("controller-restarted-after-config", "fail",
                               "no controller pod is running in " + inst.namespace_));
        st.restarted = "fail";
    } else if (!inst.configmap_changed) {
        checks.push_back(check("controller-restarted-after-config", "skip",
                               "the ConfigMap " + cm + " carries no change time"));
    } else {
        std::vector<std::string> stale;
        for (const auto& p : inst.pods) {
            if (p.started && p.started < inst.configmap_changed)
                stale.push_back(p.name + " (started " + p.started_text + ")");
            if (p.started && (!st.oldest_start || p.started < st.oldest_start))
                st.oldest_start = p.started;
        }
        st.restarted = stale.empty() ? "pass" : "fail";
        checks.push_back(check(
            "controller-restarted-after-config", st.restarted,
            stale.empty()
                ? "every controller pod started after the ConfigMap " + cm + " last changed (" +
                      inst.configmap_changed_text + ", from " + inst.configmap_changed_source + ")"
                : "the ConfigMap " + cm + " last changed at " + inst.configmap_changed_text + " (" +
                      inst.configmap_changed_source + "), after " + join(stale, ", ") +
                      ": it still runs with the old roots"));
    }
}

void resolver_check(CheckState& st, Checks& checks) {
    const Installation& inst = st.inst;
    if (!st.resolver_ca) return;
    if (inst.resolvers_state == ObjectState::present)
        checks.push_back(check("resolver-trust", inst.resolvers_have_ca ? "pass" : "fail",
                               inst.resolvers_have_ca
                                   ? "tekton-pipelines-remote-resolvers sets SSL_CERT_FILE or "
                                     "SSL_CERT_DIR: check that it holds the registry's CA"
                                   : "tekton-pipelines-remote-resolvers (" +
                                         inst.resolvers_namespace +
                                         ") mounts no CA: config-registry-cert does not reach it, "
                                         "and since v0.49 it fetches bundles"));
    else
        checks.push_back(
            check("resolver-trust", "skip",
                  "the remote resolvers Deployment is " + state_word(inst.resolvers_state)));
}

void openshift_check(CheckState& st, Checks& checks) {
    const Installation& inst = st.inst;
    if (!inst.openshift) return;
    checks.push_back(check("openshift-trusted-cabundle",
                           inst.trusted_cabundle_state == ObjectState::present ? "pass" : "fail",
                           "OpenShift Pipelines: CAs reach the controller, resolvers and TaskRun "
                           "pods through the cluster "
                           "proxy's trustedCA and config-trusted-cabundle (" +
                               state_word(inst.trusted_cabundle_state) +
                               "), not config-registry-cert"));
}

void expiry_checks(std::vector<ClusterCheck>& checks, const Report& report,
                   const Installation& inst, std::time_t now, std::chrono::seconds warning) {
    std::time_t horizon = now + static_cast<std::time_t>(warning.count());
    std::string within = "within " + std::to_string(warning.count() / 86400) + " days";
    auto when = [&](std::time_t t) {
        long days = static_cast<long>((t - now) / 86400);
        return format_rfc3339(t) +
               (t <= now ? " (already)"
                         : " (in " + std::to_string(days) + " day" + (days == 1 ? ")" : "s)"));
    };
    std::set<std::string> seen;
    for (const auto& f : report.findings) {
        if (!f.probed || !seen.insert(f.registry).second) continue;
        // Where Go found no path, the earliest end among the certificates served.
        std::optional<std::time_t> until = parse_rfc3339(f.probe.valid_until);
        for (const auto& c : f.probe.chain)
            if (auto end = parse_rfc3339(c.not_after);
                f.probe.valid_until.empty() && end && (!until || *end < *until))
                until = end;
        if (!until) continue;
        checks.push_back(
            check("certificates-expire-soon", *until < horizon ? "fail" : "pass",
                  "the chain " + f.registry + " serves stops verifying at " + when(*until) +
                      (*until < horizon ? ", " + within + ": renew it before then" : ""),
                  f.registry));
    }
    auto cert = inst.configmap_data.find("cert");
    if (cert == inst.configmap_data.end()) return;
    std::vector<std::string> soon;
    size_t read = 0;
    try {
        for (const auto& c : read_pem_certificates(cert->second, "config-registry-cert")) {
            CertificateView v = describe_certificate(c.get());
            auto until = parse_rfc3339(v.not_after);
            ++read;
            if (until && *until < horizon) soon.push_back(v.subject + " at " + when(*until));
        }
    } catch (const Error&) {
        return;  // config-registry-cert-pem says what is wrong with the bundle
    }
    if (read == 0) return;
    checks.push_back(check("certificates-expire-soon", soon.empty() ? "pass" : "fail",
                           soon.empty() ? "no CA in config-registry-cert expires " + within
                                        : "in config-registry-cert, " + join(soon, "; ") +
                                              ": add its successor next to it before then (keep "
                                              "both until the registry has moved)"));
}

void expiry_check(CheckState& st, Checks& checks) {
    expiry_checks(checks, st.report, st.inst, st.now, st.warning);
}

// The checks, in the order they are shown. Those of config-registry-cert run only when a finding
// is a request of the controller's own: for kubelet, step-tool and resolver findings it plays no
// part.
struct CheckEntry {
    const char* id;
    bool controller_only;
    void (*run)(CheckState&, Checks&);
};
const std::vector<CheckEntry> kChecks = {
    {"config-registry-cert-present", true, present_check},
    {"config-registry-cert-key", true, key_check},
    {"config-registry-cert-pem", true, pem_check},
    {"config-registry-cert-trusts-registry", true, trusts_check},
    {"controller-restarted-after-config", true, restarted_check},
    {"resolver-trust", false, resolver_check},
    {"openshift-trusted-cabundle", false, openshift_check},
    {"certificates-expire-soon", false, expiry_check},
};

}  // namespace

std::vector<std::string> cluster_check_ids() {
    std::vector<std::string> ids;
    for (const auto& c : kChecks) ids.push_back(c.id);
    return ids;
}

void apply_cluster_checks(Report& report, const Installation& inst, std::time_t now,
                          std::chrono::seconds expiry_warning) {
    CheckState st{report, inst, now, expiry_warning};
    st.minor = tekton_minor(inst.version);
    st.cm = inst.namespace_ + "/config-registry-cert";
    st.present = inst.configmap_state == ObjectState::present;
    st.has_cert = st.present && inst.configmap_data.count("cert") &&
                  !trim(inst.configmap_data.at("cert")).empty();
    for (const auto& [key, value] : inst.configmap_data)
        if (key != "cert" && value.find("-----BEGIN CERTIFICATE-----") != std::string::npos &&
            st.wrong_key.empty())
            st.wrong_key = key;
    bool controller_findings = false;
    for (const auto& f : report.findings) {
        controller_findings = controller_findings || in_controller(f, st.minor);
        if ((f.stage == "bundle-resolution" || f.stage == "remote-resolution") &&
            !in_controller(f, st.minor))
            st.resolver_ca = true;
    }
    Checks checks;
    for (const auto& c : kChecks)
        if (!c.controller_only || controller_findings) c.run(st, checks);
    for (auto& c : checks) report.cluster_checks.push_back(std::move(c));

    // What the fixes need of the cluster to be exact: the ConfigMap's keys, labels and
    // annotations, the operator, the workload kind.
    InstallationFacts installation = installation_facts(inst);
    const std::string& cm = st.cm;
    const bool has_cert = st.has_cert, resolver_ca = st.resolver_ca;
    const std::string& wrong_key = st.wrong_key;
    const std::string& restarted = st.restarted;
    const auto& trusted = st.trusted;
    const std::time_t oldest_start = st.oldest_start;
    const double minor = st.minor;
    // What the checks established, per finding: the fix policy (fix/fix_policy.h) decides on it.
    for (auto& f : report.findings) {
        f.tekton_namespace = inst.namespace_;
        f.installation = installation;
        ClusterFacts facts;
        facts.openshift = inst.openshift;
        facts.controller = in_controller(f, minor);
        facts.resolvers_request = resolver_ca;
        facts.resolvers_have_ca = inst.resolvers_have_ca;
        facts.version = inst.version;
        facts.configmap = cm;
        facts.configmap_absent = inst.configmap_state == ObjectState::absent;
        facts.has_cert = has_cert;
        facts.wrong_key = wrong_key;
        if (!has_cert && !wrong_key.empty()) {
            f.wrong_config_key = wrong_key;
            if (f.probed && !f.probe.chain.empty()) {
                try {
                    facts.moved_verdict =
                        verify_with_bundle(f.probe, inst.configmap_data.at(wrong_key),
                                           "config-registry-cert")
                            .problem;
                } catch (const Error&) {
                    facts.moved_verdict = "unreadable";
                }
            }
        }
        auto t = trusted.find(f.registry);
        facts.trusted = t != trusted.end() && t->second == "pass";
        facts.restarted = restarted;
        facts.changed_text = inst.configmap_changed_text;
        auto failed = parse_rfc3339(f.failed_at);
        facts.failed_before_restart = failed && oldest_start && *failed < oldest_start;
        f.cluster_checked = true;
        f.cluster_facts = facts;
        bool trusted_case =
            facts.controller && !facts.configmap_absent && facts.has_cert && facts.trusted;
        if (trusted_case && restarted == "pass" && facts.failed_before_restart)
            report.notes.push_back(
                f.object.kind + " " + f.object.name + " failed at " + f.failed_at +
                ", before the controller restarted with the CA: re-running it should pass");
        else if (trusted_case && restarted == "pass")
            report.notes.push_back("config-registry-cert trusts " + f.registry +
                                   " and the controller restarted after it changed, yet " +
                                   f.object.kind + " " + f.object.name +
                                   " failed afterwards: check that an operator (TektonConfig) is "
                                   "not reverting the ConfigMap, and "
                                   "that the controller's SSL_CERT_FILE still points at "
                                   "/etc/config-registry-cert/cert");
    }
}

}  // namespace certdoctor
