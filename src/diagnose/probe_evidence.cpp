#include "diagnose/probe_evidence.h"

#include "match/vocabulary.h"
#include "util/escape.h"
#include "util/text.h"

namespace certdoctor {

bool worth_probing(const Finding& f) {
    // A bare Go error with a registry URL (stage unknown) is worth it too; git servers and
    // look-alikes are not registries.
    if (f.lookalike || f.registry.empty() || f.stage == "git-fetch") return false;
    return vocabulary::contains(vocabulary::chain_problems, f.problem) || f.problem == "http-response-to-https" ||
           f.problem == "other";
}

void apply_probe(Finding& f, const ProbeResult& probe) {
    // The explanation is prose on its own lines: a value from the registry or the message is shown
    // on one line, its controls visible.
    std::string registry = visible(f.registry), detail = visible(probe.detail);
    f.probed = true;
    f.probe = probe;
    if (f.problem == "unknown-authority" && probe.problem == "incomplete-chain") {
        f.message_problem = f.problem;
        f.problem = "incomplete-chain";
        f.explanation += "\n\nThe probe of " + registry + " shows why: " + detail +
                         ". Go reports a missing intermediate as an unknown authority; the server must send it.";
    } else if (probe.problem == "name-resolution" || probe.problem == "timeout" ||
               probe.problem == "connection-refused") {
        f.explanation += "\n\nThe probe could not reach " + registry + " from this machine (" + probe.problem +
                         (probe.detail.empty() ? "" : ": " + detail) +
                         "), so the diagnosis rests on the message alone. From a machine on the cluster's network, run: "
                         "kubectl tekton-certdoctor probe " + shell_quote(f.registry);
    } else if (probe.problem != "ok" && probe.problem != f.problem) {
        f.explanation += "\n\nThe probe of " + registry + " now finds " + probe.problem +
                         (probe.detail.empty() ? "" : " (" + detail + ")") +
                         ", which differs from the message: the registry may have changed since the run failed.";
    } else if (probe.problem == "ok" && !probe.failing_host.empty()) {
        f.explanation += "\n\nThe probe of " + f.registry + " passes Go's verification, but its token endpoint " +
                         probe.failing_host + " fails (" + probe.registry.realm_problem +
                         (probe.registry.realm_detail.empty() ? "" : ": " + probe.registry.realm_detail) +
                         "): every pull gets its token there.";
    } else if (probe.problem == "ok" && probe.ca_files_given) {
        f.explanation += "\n\nThe probe of " + registry + " passes Go's verification with the given --ca-file: that "
                         "bundle is the CA to install.";
    }
}

}  // namespace certdoctor
