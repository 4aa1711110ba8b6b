#include "fix/fix_policy.h"

#include <algorithm>

#include "fix/fix_plan.h"
#include "match/vocabulary.h"

namespace certdoctor {

namespace {

using F = const Finding&;
using C = const ClusterFacts&;

bool moved_helps(C c) {
    return c.moved_verdict == "ok" || c.moved_verdict == "unknown";
}
bool wrong_key_case(C c) {
    return c.controller && !c.configmap_absent && !c.has_cert && !c.wrong_key.empty();
}
bool trusted_case(C c) {
    return c.controller && !c.configmap_absent && c.has_cert && c.trusted;
}

const std::vector<PolicyRule> kPolicy = {
    {"openshift",
     [](F, C c) { return c.openshift && (c.controller || c.resolvers_request); },
     "add-ca-to-openshift-trusted-ca",
     {"add-ca-to-config-registry-cert", "add-ca-to-resolvers"},
     [](F, C) -> std::string {
         return "this is OpenShift Pipelines, where CAs reach the controller, the resolvers and "
                "the TaskRun pods "
                "through the cluster proxy's trustedCA, not config-registry-cert.";
     }},
    {"resolvers-without-ca",
     [](F, C c) { return !c.controller && c.resolvers_request && !c.resolvers_have_ca; },
     "add-ca-to-resolvers",
     {},
     [](F, C) -> std::string {
         return "the deployment tekton-pipelines-remote-resolvers made this request, and it mounts "
                "no CA.";
     }},
    {"configmap-absent",
     [](F, C c) { return c.controller && c.configmap_absent; },
     "create-config-registry-cert",
     {"add-ca-to-config-registry-cert", "add-ca-to-resolvers"},
     [](F, C c) -> std::string { return "the ConfigMap " + c.configmap + " does not exist."; }},
    {"wrong-key-moved-helps",
     [](F, C c) { return wrong_key_case(c) && moved_helps(c); },
     "move-ca-to-cert-key",
     {"add-ca-to-config-registry-cert", "add-ca-to-resolvers"},
     [](F f, C c) -> std::string {
         return "config-registry-cert holds certificates under the key `" + c.wrong_key +
                "`, which the controller ignores; it reads only `cert`." +
                (c.moved_verdict == "ok"
                     ? " With them, Go accepts " + f.registry + ": moving them is the whole fix."
                     : " Whether they make Go accept " + f.registry +
                           " is unknown (not probed): check with probe --ca-file first.");
     }},
    {"wrong-key-moved-fails",
     [](F, C c) { return wrong_key_case(c) && !moved_helps(c); },
     "add-ca-to-config-registry-cert",
     {"move-ca-to-cert-key", "add-ca-to-resolvers"},
     [](F f, C c) -> std::string {
         return "config-registry-cert holds certificates under the key `" + c.wrong_key +
                "`, which the controller ignores; but even with them Go rejects " + f.registry +
                " (" + c.moved_verdict +
                "): moving them would not help, the registry's CA goes under `cert`.";
     }},
    {"stale-controller",
     [](F, C c) { return trusted_case(c) && c.restarted == "fail"; },
     "restart-tekton-controller",
     {"add-ca-to-config-registry-cert"},
     [](F f, C c) -> std::string {
         return "config-registry-cert already holds a CA with which Go accepts " + f.registry +
                ", but the controller started before the ConfigMap last changed (" +
                c.changed_text +
                "): it still runs with the old roots. Restart it; do not add the CA again.";
     }},
    {"fixed-since",
     [](F, C c) { return trusted_case(c) && c.restarted == "pass" && c.failed_before_restart; },
     "rerun",
     {"add-ca-to-config-registry-cert"},
     [](F f, C) -> std::string {
         return "config-registry-cert already trusts " + f.registry +
                ", and the controller restarted with it after this run failed (at " + f.failed_at +
                "). The cause is fixed; the run has to be created again.";
     }},
    {"trusted-yet-failed",
     [](F, C c) { return trusted_case(c); },
     "",
     {"add-ca-to-config-registry-cert"},
     nullptr},
    {"bundles-in-controller",
     [](F f, C c) { return c.controller && f.stage == "bundle-resolution"; },
     "add-ca-to-config-registry-cert",
     {"add-ca-to-resolvers"},
     [](F, C c) -> std::string {
         return "the controller is " + c.version +
                ", which fetched bundles itself (v0.48 and earlier), so "
                "config-registry-cert is the CA it reads.";
     }},
};

}  // namespace

const std::vector<PolicyRule>& fix_policy() {
    return kPolicy;
}

const PolicyRule* apply_fix_policy(Finding& f, const ClusterFacts& facts, const Catalog& catalog) {
    if (!vocabulary::contains(vocabulary::ca_problems, f.problem)) return nullptr;
    for (const auto& rule : kPolicy) {
        if (!rule.holds(f, facts)) continue;
        auto dropped = [&](const FixView& v) {
            if (v.id == rule.lead) return true;  // rendered again, first
            return std::any_of(rule.drop.begin(), rule.drop.end(),
                               [&](const char* id) { return v.id == id; });
        };
        f.fixes.erase(std::remove_if(f.fixes.begin(), f.fixes.end(), dropped), f.fixes.end());
        if (*rule.lead)
            if (const FixRule* lead = catalog.fix(rule.lead))
                f.fixes.insert(f.fixes.begin(), render_fix(*lead, f));
        if (rule.reason) f.in_this_cluster.push_back(rule.reason(f, facts));
        return &rule;
    }
    return nullptr;
}

bool depends_on_caller(const FixRule& fix) {
    return !fix.sites.empty() || !fix.stages.empty() || !fix.components.empty();
}

namespace {

constexpr const char* kIdentifyCaller = "identify-the-caller";

// The guessed caller by name: the site's words for it, else the tool, else the component.
std::string caller_name(const Finding& f, const Catalog& catalog) {
    if (const Rule* site = f.site_rule.empty() ? nullptr : catalog.rule(f.site_rule); site && !site->caller.empty())
        return site->caller;
    return f.tool.empty() ? f.component : f.tool;
}

// The guessed caller, named `name`, in words with how it was guessed.
std::string caller_words(const Finding& f, const std::string& name) {
    const std::string who = name == f.tool ? name + " (" + f.component + ")" : name;
    if (f.confidence != "medium") return who + ", a guess";
    // Medium: the text around the message named the caller (`context`), or the message's own
    // words are that kind of caller's without naming the program.
    return who + (f.context.empty() ? ", as the message's wording suggests" : ", as the text around the message suggests");
}

}  // namespace

bool hedge_uncertain_fixes(Finding& f, const Catalog& catalog) {
    if (f.confidence == "high" || f.component.empty() || f.component == "unknown") return false;
    const std::string caller = caller_name(f, catalog);
    const std::string condition = "only if the request came from " + caller_words(f, caller);
    bool any = false;
    for (auto& view : f.fixes) {
        if (view.id == kIdentifyCaller || view.conditional) continue;
        const FixRule* rule = catalog.fix(view.id);
        if (rule && !depends_on_caller(*rule)) continue;
        view.conditional = true;
        view.condition = condition;
        view.title = "If the caller is " + caller + ": " + view.title;
        any = true;
    }
    if (!any) return false;
    bool has_identify = std::any_of(f.fixes.begin(), f.fixes.end(),
                                    [](const FixView& v) { return v.id == kIdentifyCaller; });
    if (!has_identify)
        if (const FixRule* identify = catalog.fix(kIdentifyCaller))
            f.fixes.insert(f.fixes.begin(), render_fix(*identify, f));
    if (f.confidence == "medium") {
        // The words or the text around them name a kind of caller: its fixes go first, each under
        // its condition, then the step that checks the guess, then the fixes that hold for any caller.
        std::stable_partition(f.fixes.begin(), f.fixes.end(), [](const FixView& v) { return v.conditional; });
        auto identify = std::find_if(f.fixes.begin(), f.fixes.end(), [](const FixView& v) { return v.id == kIdentifyCaller; });
        auto after_guess = std::find_if(f.fixes.begin(), f.fixes.end(), [](const FixView& v) { return !v.conditional; });
        if (identify != f.fixes.end() && after_guess != f.fixes.end() && identify > after_guess)
            std::rotate(after_guess, identify, identify + 1);
        for (auto& v : f.fixes)
            if (v.id == kIdentifyCaller && v.title.rfind("If unsure", 0) != 0)
                v.title = "If unsure that the caller is " + caller + ": " + v.title;
        return true;
    }
    // A guess: the step that tells the candidates apart goes first, then the fixes that hold for any caller.
    std::stable_partition(f.fixes.begin(), f.fixes.end(), [](const FixView& v) { return v.id == kIdentifyCaller; });
    std::stable_partition(f.fixes.begin() + 1, f.fixes.end(), [](const FixView& v) { return !v.conditional; });
    return true;
}

}  // namespace certdoctor
