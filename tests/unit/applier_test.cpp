// The applier on an in-memory API server (tests/support/memory_kube_api.h): what --apply plans
// and writes for each situation, the 409 path, the dry run, the permissions it asks about, the
// operator (nothing written, the edit shown), the Task patch's tests, and the bounded rollout wait.
#include "fix/applier.h"

#include <gtest/gtest.h>

#include <thread>

#include "fix/artefacts.h"
#include "fix/object_diff.h"
#include "support/memory_kube_api.h"
#include "test_certificates.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

using testing::MemoryKubeApi;
using Json = nlohmann::json;

const std::string kCm = "/api/v1/namespaces/tekton-pipelines/configmaps/config-registry-cert";
const std::string kDeploy =
    "/apis/apps/v1/namespaces/tekton-pipelines/deployments/tekton-pipelines-controller";
const std::string kTektonConfig = "/apis/operator.tekton.dev/v1alpha1/tektonconfigs/config";

std::string pem(const char* cn) {
    return to_pem(test::self_signed(cn).get());
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

Json configmap(const Json& data) {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata",
             {{"name", "config-registry-cert"},
              {"namespace", "tekton-pipelines"},
              {"resourceVersion", "10"},
              {"labels", {{"app.kubernetes.io/part-of", "tekton-pipelines"}}},
              {"annotations", {{"team.example/owner", "platform"}}}}},
            {"data", data}};
}

Json deployment(bool rolled_out) {
    Json d = {
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata",
         {{"name", "tekton-pipelines-controller"},
          {"namespace", "tekton-pipelines"},
          {"resourceVersion", "20"},
          {"generation", 3}}},
        {"spec",
         {{"replicas", 1}, {"template", {{"metadata", {{"labels", {{"app", "controller"}}}}}}}}}};
    d["status"] = {{"observedGeneration", rolled_out ? 3 : 2},
                   {"replicas", 1},
                   {"updatedReplicas", 1},
                   {"availableReplicas", rolled_out ? 1 : 0}};
    return d;
}

struct Situation {
    MemoryKubeApi api;
    Finding finding;
    std::string ca = pem("registry-ca");
    ApplyOptions options;

    explicit Situation(const std::string& fix) {
        finding.registry = "127.0.0.1:5000";
        finding.tekton_namespace = "tekton-pipelines";
        finding.object = {"TaskRun", "ci", "build-1"};
        finding.probed = true;
        finding.probe.has_anchor = true;
        finding.probe.trust_anchor.pem = ca;
        finding.installation.read = true;
        finding.fixes.push_back(FixView{fix, "", "", {}, {}, ""});
        finding.fixes.push_back(FixView{"rerun", "", "", {}, {}, ""});
        api.objects[kDeploy] = deployment(true);
        options.sleep = [](std::chrono::milliseconds) {};
    }

    ApplyPlan plan() { return plan_apply(api, finding, test::shipped_engine().catalog(), options); }
    std::vector<AppliedChange> apply() {
        ApplyPlan p = plan();
        std::vector<AppliedChange> done;
        carry_out(api, p, options, done);
        return done;
    }
};

// The step whose image the controller looked up, with the image config the probe read.
StepSpec looked_up_step(Situation& s, const std::string& name, const std::string& image_ref,
                        std::vector<std::string> entrypoint, std::vector<std::string> cmd = {},
                        const std::string& ref = "") {
    StepSpec step;
    step.name = name;
    step.image = image_ref;
    step.index = 0;
    step.ref = ref;
    s.finding.lookup_steps = {step};
    ImageView image;
    image.read = true;
    ImagePlatform platform;
    platform.os = "linux";
    platform.architecture = "amd64";
    platform.entrypoint = std::move(entrypoint);
    platform.cmd = std::move(cmd);
    image.platforms = {platform};
    s.finding.step_images = {{step.image, image}};
    return step;
}

TEST(Applier, AddsTheCaOnceKeepingEveryOtherCaKeyLabelAndAnnotation) {
    Situation s("add-ca-to-config-registry-cert");
    std::string other = pem("other-team-ca");
    s.api.objects[kCm] = configmap({{"cert", other}, {"README", "owned by the platform team"}});
    auto done = s.apply();
    ASSERT_EQ(done.size(), 2u);
    EXPECT_EQ(done[0].kind, "ConfigMap");
    EXPECT_EQ(done[0].action, "updated");
    EXPECT_EQ(done[0].before_resource_version, "10");
    EXPECT_EQ(done[1].kind, "Deployment");
    const Json& cm = s.api.objects[kCm];
    std::string cert = cm["data"]["cert"];
    EXPECT_EQ(cert.find(other.substr(0, 80)), 0u) << "the CA already there comes first";
    EXPECT_EQ(count(cert, "BEGIN CERTIFICATE"), 2u);
    EXPECT_NE(cert.find(s.ca.substr(28, 60)), std::string::npos);
    EXPECT_EQ(cm["data"]["README"], "owned by the platform team");
    EXPECT_EQ(cm["metadata"]["annotations"]["team.example/owner"], "platform");
    EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/part-of"], "tekton-pipelines");
    EXPECT_TRUE(s.api.objects[kDeploy]["spec"]["template"]["metadata"]["annotations"].contains(
        "kubectl.kubernetes.io/restartedAt"));
    // The second run finds nothing to change.
    s.api.requests.clear();
    ApplyPlan again = s.plan();
    EXPECT_TRUE(again.changes.empty());
    for (const auto& r : s.api.requests) EXPECT_EQ(r.rfind("GET ", 0), 0u) << r;
}

// Found by configmap_merge_fuzz: a ConfigMap whose `data` is a string threw nlohmann's
// type_error out of the merge.
TEST(Applier, AConfigMapWhoseDataIsNoMapIsAClearError) {
    Json cm = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", "config-registry-cert"}, {"namespace", "tekton-pipelines"}}},
               {"data", "cert"}};
    try {
        configmap_with_pems(cm, "tekton-pipelines", "config-registry-cert", "cert",
                            {pem("registry-ca")});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("tekton-pipelines/config-registry-cert"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("`data` that is not a map"), std::string::npos)
            << e.what();
    }
    cm["data"] = nullptr;  // no data yet: the certificate is added
    Json next = configmap_with_pems(cm, "tekton-pipelines", "config-registry-cert", "cert",
                                    {pem("registry-ca")});
    EXPECT_NE(next["data"]["cert"].get<std::string>().find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST(Applier, CreatesTheMissingConfigMapWithTektonsLabels) {
    Situation s("create-config-registry-cert");
    auto done = s.apply();
    ASSERT_FALSE(done.empty());
    EXPECT_EQ(done[0].action, "created");
    const Json& cm = s.api.objects.at(kCm);
    EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/part-of"], "tekton-pipelines");
    EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/instance"], "default");
    EXPECT_EQ(count(cm["data"]["cert"].get<std::string>(), "BEGIN CERTIFICATE"), 1u);
}

TEST(Applier, MovesTheCaFromTheWrongKeyAndKeepsThatKey) {
    Situation s("move-ca-to-cert-key");
    s.finding.cluster_facts.wrong_key = "ca.crt";
    s.api.objects[kCm] = configmap({{"ca.crt", s.ca}});
    s.apply();
    const Json& cm = s.api.objects.at(kCm);
    EXPECT_EQ(cm["data"]["cert"].get<std::string>().substr(0, 27), "-----BEGIN CERTIFICATE-----");
    EXPECT_EQ(cm["data"]["ca.crt"], s.ca);
}

TEST(Applier, AConflictIsReadAgainAndMergedSoTheOtherWritersCaStays) {
    Situation s("add-ca-to-config-registry-cert");
    std::string other = pem("other-team-ca"), concurrent = pem("added-meanwhile");
    s.api.objects[kCm] = configmap({{"cert", other}});
    s.api.before_write = [&](MemoryKubeApi& api) {
        api.objects[kCm]["data"]["cert"] = other + concurrent;
        api.objects[kCm]["metadata"]["resourceVersion"] = "11";
    };
    auto done = s.apply();
    EXPECT_EQ(done[0].conflicts, 1);
    std::string cert = s.api.objects[kCm]["data"]["cert"];
    EXPECT_EQ(count(cert, "BEGIN CERTIFICATE"), 3u);
    EXPECT_NE(cert.find(concurrent.substr(28, 60)), std::string::npos);
}

TEST(Applier, AServerDryRunStoresNothing) {
    Situation s("add-ca-to-config-registry-cert");
    s.api.objects[kCm] = configmap({{"cert", pem("other")}});
    Json before = s.api.objects[kCm];
    s.options.dry_run = DryRun::server;
    auto done = s.apply();
    EXPECT_EQ(s.api.objects[kCm], before);
    for (const auto& a : done) EXPECT_TRUE(a.dry_run);
    for (const auto& r : s.api.requests) {
        if (r.rfind("GET ", 0) != 0) {
            EXPECT_NE(r.find("dry-run"), std::string::npos) << r;
        }
    }
}

TEST(Applier, NamesEachMissingPermissionBeforeWriting) {
    Situation s("add-ca-to-config-registry-cert");
    s.api.objects[kCm] = configmap({{"cert", pem("other")}});
    s.api.denied = {"update configmaps"};
    ApplyPlan p = s.plan();
    auto missing = missing_permissions(s.api, p);
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0], "update configmaps in namespace tekton-pipelines");
}

// TektonConfig spec.pipeline.options.configMaps would crash the operator's reconcile on the shipped
// config-registry-cert (no data map), and a direct edit is reverted: nothing is written, the
// direct edit is shown with its cost.
TEST(Applier, UnderTheOperatorWritesNothingAndShowsTheDirectEditWithItsCost) {
    Situation s("add-ca-to-config-registry-cert");
    s.finding.installation.operator_managed = true;
    std::string other = pem("other");
    s.api.objects[kCm] = configmap({{"cert", other}});
    s.api.objects[kTektonConfig] = {{"apiVersion", "operator.tekton.dev/v1alpha1"},
                                    {"kind", "TektonConfig"},
                                    {"metadata", {{"name", "config"}, {"resourceVersion", "30"}}},
                                    {"spec", {{"targetNamespace", "tekton-pipelines"}}}};
    auto before = s.api.objects;
    ApplyPlan p = s.plan();
    std::vector<AppliedChange> done;
    carry_out(s.api, p, s.options, done);
    EXPECT_TRUE(done.empty());
    EXPECT_EQ(s.api.objects, before);
    for (const auto& r : s.api.requests) EXPECT_EQ(r.rfind("GET ", 0), 0u) << r;
    ASSERT_EQ(p.refused.size(), 1u);
    const std::string& why = p.refused[0];
    EXPECT_NE(
        why.find(
            "kubectl patch configmap config-registry-cert -n 'tekton-pipelines' --type merge -p '"),
        std::string::npos)
        << why;
    EXPECT_EQ(count(why, "BEGIN CERTIFICATE"), 2u)
        << "the edit keeps the CA already there: " << why;
    EXPECT_NE(why.find("panics"), std::string::npos);
    EXPECT_NE(why.find("re-applies"), std::string::npos);
    EXPECT_EQ(why.find("patch tektonconfig"), std::string::npos)
        << "never the change that crashes the operator";
}

TEST(Applier, UnderTheOperatorASecondRunHasNothingToDoOrSay) {
    Situation s("add-ca-to-config-registry-cert");
    s.finding.installation.operator_managed = true;
    s.api.objects[kCm] = configmap({{"cert", pem("other") + s.ca}});
    ApplyPlan p = s.plan();
    EXPECT_TRUE(p.changes.empty());
    EXPECT_TRUE(p.refused.empty());
    for (const auto& r : s.api.requests) EXPECT_EQ(r.rfind("GET ", 0), 0u) << r;
}

TEST(Applier, ATaskWhoseStepMovedIsNotPatched) {
    Situation s("set-step-command");
    s.options.scope = ApplyScope::task;
    s.finding.steps_source = {"Task", "build"};
    looked_up_step(s, "build", "127.0.0.1:5000/team/app:v1", {"/app"});
    const std::string task = "/apis/tekton.dev/v1/namespaces/ci/tasks/build";
    s.api.objects[task] = {
        {"metadata", {{"name", "build"}, {"namespace", "ci"}, {"resourceVersion", "40"}}},
        {"spec", {{"steps", {{{"name", "prepare"}, {"image", "alpine"}}}}}}};
    Json before = s.api.objects[task];
    ApplyPlan p = s.plan();
    EXPECT_TRUE(p.changes.empty());
    ASSERT_FALSE(p.refused.empty());
    EXPECT_NE(p.refused[0].find("nothing is patched"), std::string::npos);
    // With the step where the run saw it, the patch goes through with its tests.
    s.api.objects[task]["spec"]["steps"][0]["name"] = "build";
    auto done = s.apply();
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(s.api.objects[task]["spec"]["steps"][0]["command"], Json::array({"/app"}));
    // Sent with its tests: the resourceVersion read, then the step's name.
    ASSERT_FALSE(s.api.patches.empty());
    const Json& sent = s.api.patches.back();
    EXPECT_EQ(sent[0],
              (Json{{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", "40"}}));
    EXPECT_EQ(sent[1], (Json{{"op", "test"}, {"path", "/spec/steps/0/name"}, {"value", "build"}}));
}

// A step of a Pipeline's inline task: the Pipeline is patched at its pipeline task, with a test of
// that task's name; one whose tasks moved is refused by the server and keeps what it had.
TEST(Applier, AStepInlineInAPipelineIsPatchedInThePipeline) {
    Situation s("set-step-command");
    s.options.scope = ApplyScope::task;
    s.finding.steps_source = {"Pipeline", "release", "package", "tasks", 1};
    StepSpec step = looked_up_step(s, "package", "127.0.0.1:5000/team/packager:1", {"/pack"});
    const std::string pipeline = "/apis/tekton.dev/v1/namespaces/ci/pipelines/release";
    s.api.objects[pipeline] = {
        {"metadata", {{"name", "release"}, {"namespace", "ci"}, {"resourceVersion", "7"}}},
        {"spec",
         {{"tasks",
           {{{"name", "fetch"}, {"taskRef", {{"name", "git-clone"}}}},
            {{"name", "package"}, {"taskSpec", {{"steps", {{{"name", "package"}, {"image", step.image}}}}}}}}}}}};
    auto done = s.apply();
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(s.api.objects[pipeline]["spec"]["tasks"][1]["taskSpec"]["steps"][0]["command"], Json::array({"/pack"}));
    ASSERT_FALSE(s.api.patches.empty());
    const Json& sent = s.api.patches.back();
    EXPECT_EQ(sent[1], (Json{{"op", "test"}, {"path", "/spec/tasks/1/name"}, {"value", "package"}}));

    s.finding.steps_source = {"PipelineRun", "release-12", "package", "tasks", 1};
    ApplyPlan p = s.plan();
    EXPECT_TRUE(p.changes.empty());
    ASSERT_FALSE(p.refused.empty());
    EXPECT_NE(p.refused[0].find("not declared in a Task or a Pipeline of the cluster (PipelineRun)"), std::string::npos)
        << p.refused[0];
}

TEST(Applier, AStepWithRefGetsItsCommandInTheStepAction) {
    Situation s("set-step-command");
    s.options.scope = ApplyScope::task;
    StepSpec step = looked_up_step(s, "build", "127.0.0.1:5000/team/app:v1", {"/app"}, {"serve"}, "build-action");
    const std::string action = "/apis/tekton.dev/v1beta1/namespaces/ci/stepactions/build-action";
    s.api.objects[action] = {
        {"metadata", {{"name", "build-action"}, {"namespace", "ci"}, {"resourceVersion", "50"}}},
        {"spec", {{"image", step.image}}}};
    auto done = s.apply();
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].kind, "StepAction");
    EXPECT_EQ(s.api.objects[action]["spec"]["command"], Json::array({"/app"}));
    EXPECT_EQ(s.api.objects[action]["spec"]["args"], Json::array({"serve"}));
}

TEST(Applier, OnOpenShiftTheCaGoesIntoTheProxysTrustedCaConfigMap) {
    Situation s("add-ca-to-openshift-trusted-ca");
    s.finding.installation.openshift = true;
    const std::string bundle = "/api/v1/namespaces/openshift-config/configmaps/user-ca-bundle";
    std::string corporate = pem("corporate-proxy-ca");
    s.api.objects["/apis/config.openshift.io/v1/proxies/cluster"] = {
        {"metadata", {{"name", "cluster"}, {"resourceVersion", "60"}}},
        {"spec", {{"trustedCA", {{"name", "user-ca-bundle"}}}}}};
    s.api.objects[bundle] = {{"metadata",
                              {{"name", "user-ca-bundle"},
                               {"namespace", "openshift-config"},
                               {"resourceVersion", "61"}}},
                             {"data", {{"ca-bundle.crt", corporate}}}};
    s.apply();
    std::string now = s.api.objects[bundle]["data"]["ca-bundle.crt"];
    EXPECT_EQ(count(now, "BEGIN CERTIFICATE"), 2u);
    EXPECT_EQ(now.find(corporate.substr(0, 60)), 0u);
}

TEST(Applier, OnOpenShiftWithoutATrustedCaNothingIsWrittenAndTheChangeIsNamed) {
    Situation s("add-ca-to-openshift-trusted-ca");
    s.api.objects["/apis/config.openshift.io/v1/proxies/cluster"] = {
        {"metadata", {{"name", "cluster"}}}, {"spec", Json::object()}};
    ApplyPlan p = s.plan();
    EXPECT_TRUE(p.changes.empty());
    ASSERT_FALSE(p.refused.empty());
    EXPECT_NE(p.refused[0].find("kubectl patch proxy cluster --type merge"), std::string::npos);
}

TEST(Applier, TheRolloutWaitIsBounded) {
    Situation s("restart-tekton-controller");
    s.finding.cluster_facts.restarted = "fail";
    s.api.objects[kCm] = configmap({{"cert", s.ca}});
    s.options.rollout_timeout = std::chrono::milliseconds(50);
    int polls = 0;
    s.options.sleep = [&](std::chrono::milliseconds d) {
        ++polls;
        std::this_thread::sleep_for(d);
    };
    s.api.before_write = [](MemoryKubeApi& api) { api.objects[kDeploy] = deployment(false); };
    EXPECT_THROW(s.apply(), Error);
    EXPECT_GE(polls, 1);
}

TEST(ObjectDiff, ShowsOnlyTheChangedLinesWithContextAndRedactsKeys) {
    Json before =
        configmap({{"cert", "a\nb\n"}, {"tls.key", "-----BEGIN PRIVATE KEY-----\nsecret\n"}});
    Json after = before;
    after["data"]["cert"] = "a\nb\nc\n";
    std::string diff = unified_diff(object_yaml(before), object_yaml(after), "configmap x");
    EXPECT_NE(diff.find("--- configmap x (now)\n+++ configmap x (after)\n@@ "), std::string::npos)
        << diff;
    EXPECT_NE(diff.find("\n+    c\n"), std::string::npos) << diff;
    EXPECT_EQ(diff.find("secret"), std::string::npos) << diff;
    EXPECT_EQ(object_yaml(after).find("secret"), std::string::npos);
    EXPECT_EQ(unified_diff("a\n", "a\n", "x"), "");
}

}  // namespace
}  // namespace certdoctor
