#include "fix/fix_plan.h"

#include <gtest/gtest.h>

#include "match/vocabulary.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

const Catalog& catalog() { return test::shipped_engine().catalog(); }

Finding finding(const std::string& stage, const std::string& problem) {
    Finding f;
    f.stage = stage;
    f.problem = problem;
    f.registry = "registry.private:5000";
    f.object = {"TaskRun", "ci", "build-1"};
    return f;
}

std::vector<std::string> ids(const std::vector<FixView>& fixes) {
    std::vector<std::string> out;
    for (const auto& f : fixes) out.push_back(f.id);
    return out;
}

TEST(FixPlan, LookupWithUnknownAuthorityAddsTheCaThenSetsTheCommand) {
    auto plan = ids(plan_fixes(finding("entrypoint-lookup", "unknown-authority"), catalog()));
    ASSERT_GE(plan.size(), 2u);
    EXPECT_EQ(plan[0], "add-ca-to-config-registry-cert");
    EXPECT_EQ(plan[1], "set-step-command");
}

TEST(FixPlan, NeverAddsACaForProblemsACaCannotFix) {
    for (auto stage : vocabulary::stages) {
        for (auto problem : vocabulary::problems) {
            if (vocabulary::contains(vocabulary::ca_problems, problem)) continue;
            for (const auto& fix : plan_fixes(finding(std::string(stage), std::string(problem)), catalog())) {
                const FixRule* rule = catalog().fix(fix.id);
                ASSERT_NE(rule, nullptr);
                EXPECT_FALSE(rule->adds_ca) << fix.id << " offered for " << stage << "/" << problem;
            }
        }
    }
}

TEST(FixPlan, ConfigRegistryCertOnlyForTheControllersOwnRequests) {
    for (auto stage : vocabulary::stages) {
        for (auto problem : vocabulary::problems) {
            for (const auto& fix : plan_fixes(finding(std::string(stage), std::string(problem)), catalog())) {
                if (fix.id == "add-ca-to-config-registry-cert" || fix.id == "set-step-command") {
                    EXPECT_TRUE(vocabulary::contains(vocabulary::controller_registry_stages, stage)) << fix.id << " at " << stage;
                }
            }
        }
    }
}

TEST(FixPlan, LookalikesGetNoRegistryFix) {
    for (auto stage : vocabulary::stages) {
        for (auto problem : vocabulary::problems) {
            Finding f = finding(std::string(stage), std::string(problem));
            f.lookalike = true;
            for (const auto& fix : plan_fixes(f, catalog()))
                EXPECT_FALSE(catalog().fix(fix.id)->registry_fix) << fix.id << " offered to a look-alike";
        }
    }
}

TEST(FixPlan, TheCaManifestUsesTheCertKeyAndTheCommandsRestart) {
    auto plan = plan_fixes(finding("entrypoint-lookup", "unknown-authority"), catalog());
    const FixView& add = plan.front();
    EXPECT_NE(add.manifest.find("\ndata:\n  cert: |\n"), std::string::npos) << add.manifest;
    EXPECT_NE(add.description.find("Keep every PEM block already there"), std::string::npos);
    bool restarts = false;
    for (const auto& c : add.commands)
        restarts = restarts || c.find("rollout restart deployment tekton-pipelines-controller") != std::string::npos;
    EXPECT_TRUE(restarts);
}

TEST(FixPlan, QuotesEveryNameInCommands) {
    Finding f = finding("image-pull", "unknown-authority");
    f.registry = "evil.example;rm -rf /";
    auto plan = plan_fixes(f, catalog());
    ASSERT_FALSE(plan.empty());
    for (const auto& c : plan.front().commands) {
        if (c.find("evil") == std::string::npos) continue;
        EXPECT_NE(c.find("'evil.example;rm -rf /'"), std::string::npos) << c;
    }
}

TEST(FixPlan, SetStepCommandNamesOnlyStepsThatTriggerTheLookup) {
    Finding f = finding("entrypoint-lookup", "unknown-authority");
    f.lookup_steps = {{"build", "registry.private:5000/builder:2", false, false, true}};
    auto plan = plan_fixes(f, catalog());
    const FixView* set = nullptr;
    for (const auto& fix : plan)
        if (fix.id == "set-step-command") set = &fix;
    ASSERT_NE(set, nullptr);
    EXPECT_NE(set->manifest.find("- name: build\n"), std::string::npos) << set->manifest;
    EXPECT_NE(set->manifest.find("image: \"registry.private:5000/builder:2\""), std::string::npos) << set->manifest;
}

TEST(FixPlan, PicksTheToolsVariant) {
    Finding f = finding("step-run", "unknown-authority");
    f.tool = "kaniko";
    auto plan = plan_fixes(f, catalog());
    ASSERT_FALSE(plan.empty());
    EXPECT_EQ(plan.front().id, "configure-step-tool-ca");
    EXPECT_NE(plan.front().manifest.find("--registry-certificate=registry.private:5000=/kaniko/registry-ca/ca.crt"),
              std::string::npos);
}

}  // namespace
}  // namespace certdoctor
