// The fix policy, one scenario per rule, on hand-built facts: which fix leads, which go, and the
// sentence that says why.
#include "fix/fix_policy.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace certdoctor
