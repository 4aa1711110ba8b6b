// The fix policy, one scenario per rule, on hand-built facts: which fix leads, which go, and the
// sentence that says why.
#include "fix/fix_policy.h"

#include <gtest/gtest.h>

#include <set>

#include "fix/fix_plan.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

const Catalog& catalog() {
    return test::shipped_engine().catalog();
}

Finding planned(const std::string& stage, const std::string& problem = "unknown-authority") {
    Finding f;
    f.site_rule = "site";
    f.cause_rule = "cause";
    f.stage = stage;
    f.problem = problem;
    f.registry = "registry.corp.example";
    f.object = {"TaskRun", "ci", "build-1"};
    f.fixes = plan_fixes(f, catalog());
    return f;
}

ClusterFacts controller_facts() {
    ClusterFacts c;
    c.controller = true;
    c.version = "v0.56.0";
    c.configmap = "tekton-pipelines/config-registry-cert";
    return c;
}

std::vector<std::string> ids(const Finding& f) {
    std::vector<std::string> out;
    for (const auto& x : f.fixes) out.push_back(x.id);
    return out;
}

bool has(const Finding& f, const std::string& id) {
    auto v = ids(f);
    return std::find(v.begin(), v.end(), id) != v.end();
}

// Applies the policy and returns the rule's name ("" none).
std::string decide(Finding& f, const ClusterFacts& c) {
    const PolicyRule* rule = apply_fix_policy(f, c, catalog());
    return rule ? rule->name : "";
}

TEST(FixPolicy, CaMissingKeepsTheCatalogsOrder) {
    Finding f = planned("entrypoint-lookup");
    ClusterFacts c = controller_facts();
    c.has_cert = true;
    EXPECT_EQ(decide(f, c), "");
    EXPECT_EQ(ids(f).front(), "add-ca-to-config-registry-cert");
    EXPECT_TRUE(f.in_this_cluster.empty());
}

TEST(FixPolicy, StaleControllerRestartsAndAddsNoCa) {
    Finding f = planned("entrypoint-lookup");
    ClusterFacts c = controller_facts();
    c.has_cert = c.trusted = true;
    c.restarted = "fail";
    c.changed_text = "2026-11-25T14:14:10Z";
    EXPECT_EQ(decide(f, c), "stale-controller");
    EXPECT_EQ(ids(f).front(), "restart-tekton-controller");
    EXPECT_FALSE(has(f, "add-ca-to-config-registry-cert"));
    ASSERT_EQ(f.in_this_cluster.size(), 1u);
    EXPECT_NE(f.in_this_cluster[0].find("2026-11-25T14:14:10Z"), std::string::npos);
}

TEST(FixPolicy, FixedSinceTheRunFailedReRuns) {
    Finding f = planned("entrypoint-lookup");
    ClusterFacts c = controller_facts();
    c.has_cert = c.trusted = c.failed_before_restart = true;
    c.restarted = "pass";
    EXPECT_EQ(decide(f, c), "fixed-since");
    EXPECT_EQ(ids(f).front(), "rerun");
    auto plan = ids(f);
    EXPECT_EQ(std::count(plan.begin(), plan.end(), "rerun"), 1);
}

TEST(FixPolicy, WrongKeyMovesWhenTheMovedCaVerifies) {
    Finding f = planned("entrypoint-lookup");
    ClusterFacts c = controller_facts();
    c.wrong_key = "ca.crt";
    c.moved_verdict = "ok";
    EXPECT_EQ(decide(f, c), "wrong-key-moved-helps");
    EXPECT_EQ(ids(f).front(), "move-ca-to-cert-key");
    EXPECT_FALSE(has(f, "add-ca-to-config-registry-cert"));
}

TEST(FixPolicy, WrongKeyAddsTheCaWhenTheMovedOneWouldNotHelp) {
    Finding f = planned("entrypoint-lookup");
    ClusterFacts c = controller_facts();
    c.wrong_key = "ca.crt";
    c.moved_verdict = "unknown-authority";
    EXPECT_EQ(decide(f, c), "wrong-key-moved-fails");
    EXPECT_EQ(ids(f).front(), "add-ca-to-config-registry-cert");
    EXPECT_FALSE(has(f, "move-ca-to-cert-key"));
}

TEST(FixPolicy, AbsentConfigMapIsCreated) {
    Finding f = planned("entrypoint-lookup");
    ClusterFacts c = controller_facts();
    c.configmap_absent = true;
    EXPECT_EQ(decide(f, c), "configmap-absent");
    EXPECT_EQ(ids(f).front(), "create-config-registry-cert");
    EXPECT_FALSE(has(f, "add-ca-to-config-registry-cert"));
}

TEST(FixPolicy, OpenShiftUsesTheClusterTrustBundle) {
    Finding f = planned("entrypoint-lookup");
    ClusterFacts c = controller_facts();
    c.openshift = true;
    EXPECT_EQ(decide(f, c), "openshift");
    EXPECT_EQ(ids(f).front(), "add-ca-to-openshift-trusted-ca");
    EXPECT_FALSE(has(f, "add-ca-to-config-registry-cert"));
}

TEST(FixPolicy, ResolversWithoutACaGetIt) {
    Finding f = planned("bundle-resolution");
    ClusterFacts c;
    c.resolvers_request = true;
    EXPECT_EQ(decide(f, c), "resolvers-without-ca");
    EXPECT_EQ(ids(f).front(), "add-ca-to-resolvers");
}

TEST(FixPolicy, BundlesFetchedByAnOldControllerUseConfigRegistryCert) {
    Finding f = planned("bundle-resolution");
    ClusterFacts c = controller_facts();
    c.version = "v0.48.2";
    EXPECT_EQ(decide(f, c), "bundles-in-controller");
    EXPECT_EQ(ids(f).front(), "add-ca-to-config-registry-cert");
    EXPECT_FALSE(has(f, "add-ca-to-resolvers"));
}

TEST(FixPolicy, NamesAndDatesAreNeverReordered) {
    for (std::string problem : {"hostname-mismatch", "expired", "unauthorized"}) {
        Finding f = planned("entrypoint-lookup", problem);
        ClusterFacts c = controller_facts();
        c.has_cert = c.trusted = true;
        c.restarted = "fail";
        auto before = ids(f);
        EXPECT_EQ(decide(f, c), "") << problem;
        EXPECT_EQ(ids(f), before) << problem;
    }
}

TEST(FixPolicy, EveryRuleLeadsWithAFixOfTheCatalog) {
    for (const auto& rule : fix_policy()) {
        if (*rule.lead) {
            EXPECT_NE(catalog().fix(rule.lead), nullptr) << rule.name;
        }
        for (const char* id : rule.drop)
            EXPECT_NE(catalog().fix(id), nullptr) << rule.name << " drops " << id;
    }
}


// A component named only by the text around the message (medium confidence): the guessed caller's
// fixes lead, each under its condition, then the step that checks the guess, then the fixes that
// hold for any caller; no caller-specific fix is presented as the fix.
namespace hedge {

// kwk/docker-registry-setup#4, as pasted: `docker push` names the caller, the error line does not.
const char* kDockerPush =
    "docker push 0.0.0.0:5000/anyuser/busybox\nThe push refers to a repository [0.0.0.0:5000/anyuser/busybox]\n"
    "Get https://0.0.0.0:5000/v1/_ping: x509: cannot validate certificate for 0.0.0.0 because it doesn't contain any "
    "IP SANs";

TEST(HedgeUncertainFixes, MediumConfidenceLeadsWithTheGuessedCallersFixThenTheCheck) {
    Report r = explain_text(test::shipped_engine(), kDockerPush, "stdin");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    ASSERT_EQ(f.confidence, "medium");
    ASSERT_GE(f.fixes.size(), 2u);
    ASSERT_TRUE(f.fixes[0].conditional) << f.fixes[0].id;
    size_t identify = f.fixes.size();
    for (size_t i = 0; i < f.fixes.size(); ++i) {
        if (f.fixes[i].id == "identify-the-caller") {
            identify = i;
            EXPECT_FALSE(f.fixes[i].conditional);
            EXPECT_EQ(f.fixes[i].title.rfind("If unsure that the caller is docker: ", 0), 0u) << f.fixes[i].title;
            continue;
        }
        const FixRule* rule = catalog().fix(f.fixes[i].id);
        ASSERT_NE(rule, nullptr);
        EXPECT_EQ(f.fixes[i].conditional, depends_on_caller(*rule)) << f.fixes[i].id;
        // Every fix for the guessed caller comes before the check, every other one after it.
        EXPECT_EQ(f.fixes[i].conditional, i < identify) << f.fixes[i].id;
        if (f.fixes[i].conditional) {
            EXPECT_NE(f.fixes[i].condition.find("docker"), std::string::npos) << f.fixes[i].condition;
            EXPECT_EQ(f.fixes[i].title.rfind("If the caller is docker: ", 0), 0u) << f.fixes[i].title;
        }
    }
    EXPECT_LT(identify, f.fixes.size());
}

TEST(HedgeUncertainFixes, HighConfidenceIsLeftAlone) {
    Finding f = planned("entrypoint-lookup");
    f.component = "tekton-controller";
    f.confidence = "high";
    auto before = ids(f);
    EXPECT_FALSE(hedge_uncertain_fixes(f, catalog()));
    EXPECT_EQ(ids(f), before);
    for (const auto& v : f.fixes) EXPECT_FALSE(v.conditional);
}

TEST(HedgeUncertainFixes, MediumConfidenceSiteMarksEveryCallerSpecificFix) {
    Finding f = planned("image-pull");
    f.component = "kubelet";
    f.confidence = "medium";
    ASSERT_TRUE(has(f, "trust-ca-on-nodes"));
    EXPECT_TRUE(hedge_uncertain_fixes(f, catalog()));
    EXPECT_EQ(f.fixes.front().id, "trust-ca-on-nodes");
    for (const auto& v : f.fixes)
        if (v.id == "trust-ca-on-nodes") {
            EXPECT_TRUE(v.conditional);
            EXPECT_NE(v.condition.find("kubelet"), std::string::npos);
        }
    // Applying it twice changes nothing more.
    auto once = ids(f);
    hedge_uncertain_fixes(f, catalog());
    EXPECT_EQ(ids(f), once);
}

// A guess (low confidence) leads with the step that tells the callers apart.
TEST(HedgeUncertainFixes, AGuessLeadsWithIdentifyingTheCaller) {
    Finding f = planned("image-pull");
    f.component = "kubelet";
    f.confidence = "low";
    EXPECT_TRUE(hedge_uncertain_fixes(f, catalog()));
    ASSERT_FALSE(f.fixes.empty());
    EXPECT_EQ(f.fixes.front().id, "identify-the-caller");
    EXPECT_EQ(f.fixes.front().title.rfind("If unsure", 0), std::string::npos);
    for (size_t i = 1; i < f.fixes.size(); ++i)
        if (f.fixes[i].id == "trust-ca-on-nodes") EXPECT_TRUE(f.fixes[i].conditional);
}

TEST(HedgeUncertainFixes, UnknownComponentIsLeftAlone) {
    Finding f = planned("unknown");
    f.component = "unknown";
    f.confidence = "low";
    EXPECT_FALSE(hedge_uncertain_fixes(f, catalog()));
}

}  // namespace hedge
}  // namespace
}  // namespace certdoctor

namespace certdoctor {
namespace {

// One scenario per rule of the table, side by side: the facts, the rule that must decide, the fix
// that must lead and one that must be gone. A rule added to the table without a row here fails.
struct PolicyCase {
    const char* scenario;
    const char* stage;
    void (*facts)(ClusterFacts&);
    const char* rule;  // "" none
    const char* lead;
    const char* gone;  // "" none
};

const PolicyCase kPolicyCases[] = {
    {"CA missing", "entrypoint-lookup", [](ClusterFacts& c) { c.has_cert = true; }, "", "add-ca-to-config-registry-cert", ""},
    {"OpenShift", "entrypoint-lookup", [](ClusterFacts& c) { c.openshift = true; }, "openshift",
     "add-ca-to-openshift-trusted-ca", "add-ca-to-config-registry-cert"},
    {"resolvers without a CA", "remote-resolution",
     [](ClusterFacts& c) {
         c.controller = false;
         c.resolvers_request = true;
     },
     "resolvers-without-ca", "add-ca-to-resolvers", ""},
    {"ConfigMap absent", "entrypoint-lookup", [](ClusterFacts& c) { c.configmap_absent = true; }, "configmap-absent",
     "create-config-registry-cert", "add-ca-to-config-registry-cert"},
    {"wrong key, moved CA verifies", "entrypoint-lookup",
     [](ClusterFacts& c) {
         c.wrong_key = "ca.crt";
         c.moved_verdict = "ok";
     },
     "wrong-key-moved-helps", "move-ca-to-cert-key", "add-ca-to-config-registry-cert"},
    {"wrong key, moved CA fails", "entrypoint-lookup",
     [](ClusterFacts& c) {
         c.wrong_key = "ca.crt";
         c.moved_verdict = "unknown-authority";
     },
     "wrong-key-moved-fails", "add-ca-to-config-registry-cert", "move-ca-to-cert-key"},
    {"stale controller", "entrypoint-lookup",
     [](ClusterFacts& c) {
         c.has_cert = c.trusted = true;
         c.restarted = "fail";
     },
     "stale-controller", "restart-tekton-controller", "add-ca-to-config-registry-cert"},
    {"re-run needed", "entrypoint-lookup",
     [](ClusterFacts& c) {
         c.has_cert = c.trusted = true;
         c.restarted = "pass";
         c.failed_before_restart = true;
     },
     "fixed-since", "rerun", "add-ca-to-config-registry-cert"},
    {"trusted, restarted, and yet failed", "entrypoint-lookup",
     [](ClusterFacts& c) {
         c.has_cert = c.trusted = true;
         c.restarted = "pass";
     },
     "trusted-yet-failed", "", "add-ca-to-config-registry-cert"},
    {"bundles fetched by an old controller", "bundle-resolution", [](ClusterFacts& c) { c.version = "v0.48.0"; },
     "bundles-in-controller", "add-ca-to-config-registry-cert", "add-ca-to-resolvers"},
};

TEST(FixPolicy, EachScenarioOfTheTableDecidesAsExpected) {
    std::set<std::string> covered;
    for (const auto& tc : kPolicyCases) {
        SCOPED_TRACE(tc.scenario);
        Finding f = planned(tc.stage);
        ClusterFacts c = controller_facts();
        tc.facts(c);
        EXPECT_EQ(decide(f, c), tc.rule);
        covered.insert(tc.rule);
        ASSERT_FALSE(f.fixes.empty());
        if (*tc.lead) {
            EXPECT_EQ(ids(f).front(), tc.lead);
        }
        if (*tc.gone) {
            EXPECT_FALSE(has(f, tc.gone));
        }
        EXPECT_EQ(f.in_this_cluster.empty(), std::string(tc.rule).empty() || std::string(tc.rule) == "trusted-yet-failed");
    }
    for (const auto& rule : fix_policy()) EXPECT_TRUE(covered.count(rule.name)) << rule.name << " has no scenario";
}

// Under the Tekton Operator (its statefulset-ordinals): the CA leads still, by a direct edit (the
// TektonConfig's options would panic the operator), and the controller restarted as the
// StatefulSet it is.
TEST(FixPolicy, OperatorAndStatefulSetModeChangeHowTheCaIsAddedNotWhich) {
    Finding f;
    f.site_rule = "site";
    f.cause_rule = "cause";
    f.stage = "entrypoint-lookup";
    f.problem = "unknown-authority";
    f.registry = "registry.corp.example";
    f.object = {"TaskRun", "ci", "build-1"};
    f.probed = true;
    f.probe.problem = "unknown-authority";
    f.probe.has_anchor = true;
    f.probe.trust_anchor.pem = "-----BEGIN CERTIFICATE-----\nnot parsed here\n-----END CERTIFICATE-----\n";
    f.installation.read = true;
    f.installation.configmap_present = true;
    f.installation.operator_managed = true;
    f.installation.statefulsets = true;
    ClusterFacts c = controller_facts();
    EXPECT_EQ(decide(f, c), "");
    f.fixes = plan_fixes(f, catalog());
    ASSERT_FALSE(f.fixes.empty());
    EXPECT_EQ(f.fixes.front().id, "add-ca-to-config-registry-cert");
    std::string commands;
    for (const auto& command : f.fixes.front().commands) commands += command + "\n";
    EXPECT_EQ(commands.find("tektonconfig"), std::string::npos) << commands;
    EXPECT_NE(commands.find("rollout restart statefulset tekton-pipelines-controller"), std::string::npos) << commands;
    EXPECT_NE(commands.find("patch configmap config-registry-cert"), std::string::npos) << commands;
}

}  // namespace
}  // namespace certdoctor
