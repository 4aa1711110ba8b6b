// The cluster readers through the KubeApi seam, on the in-memory API server: a sweep read page by
// page, a 403 on a list as a state, a continue token that expired (410) or never ends as an error
// saying how far the sweep got, and the Tekton pods' logs read from their listed pods.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cluster/cluster_logs.h"
#include "cluster/installation.h"
#include "cluster/runs_reader.h"
#include "kube/list_pages.h"
#include "support/memory_kube_api.h"

namespace certdoctor {
namespace {

using testing::MemoryKubeApi;

const std::string kRuns = "/apis/tekton.dev/v1/namespaces/ci/taskruns";

nlohmann::json taskrun(const std::string& name, bool failed, const std::string& pod = "") {
    nlohmann::json tr = {
        {"metadata", {{"name", name}, {"namespace", "ci"}}},
        {"spec", {{"taskSpec", {{"steps", {{{"name", "build"}, {"image", "registry.example:5000/tool"}}}}}}}},
        {"status",
         {{"conditions",
           {{{"type", "Succeeded"},
             {"status", failed ? "False" : "True"},
             {"reason", failed ? "Failed" : "Succeeded"},
             {"message", failed ? "back-off pulling image" : "All Steps have completed executing"},
             {"lastTransitionTime", "2026-01-01T00:00:00Z"}}}}}}};
    if (!pod.empty()) tr["status"]["podName"] = pod;
    return tr;
}

// Five runs, of which build-1, build-3 and build-5 failed.
void five_runs(MemoryKubeApi& api) {
    for (int i = 1; i <= 5; ++i) {
        std::string name = "build-" + std::to_string(i);
        api.objects[kRuns + "/" + name] = taskrun(name, i % 2 == 1);
    }
}

ClusterRequest sweep_request(size_t page_size) {
    ClusterRequest r = parse_resource_argument("taskruns");
    r.page_size = page_size;
    return r;
}

size_t lists_sent(const MemoryKubeApi& api) {
    size_t n = 0;
    for (const auto& r : api.requests) n += r.rfind("LIST " + kRuns + "?", 0) == 0;
    return n;
}

TEST(ClusterReader, SweepReadsEveryPageOfTheList) {
    MemoryKubeApi api;
    five_runs(api);
    std::vector<std::string> runs;
    RunsRead read = read_cluster_runs(api, "v1", "ci", sweep_request(2), "TaskRuns in namespace ci", [&](RunsPage page) {
        for (const auto& item : page.items) runs.push_back(item["metadata"]["name"]);
    });
    EXPECT_EQ(read.scanned, 5u);
    EXPECT_EQ(read.failed, 3u);
    EXPECT_EQ(runs, (std::vector<std::string>{"build-1", "build-3", "build-5"}));
    EXPECT_EQ(lists_sent(api), 3u);  // 2 + 2 + 1
    EXPECT_NE(api.requests[1].find("limit=2&continue="), std::string::npos) << api.requests[1];
}

TEST(ClusterReader, ExpiredContinueTokenStopsTheSweepSayingHowFarItGot) {
    MemoryKubeApi api;
    five_runs(api);
    api.expired_tokens.insert("~" + kRuns + "/build-3");
    try {
        read_cluster_runs(api, "v1", "ci", sweep_request(2), "s", [](RunsPage) {});
        FAIL() << "a sweep with an expired continue token must not end as if complete";
    } catch (const Error& e) {
        std::string what = e.what();
        EXPECT_EQ(e.code(), ExitCode::tool_failed);
        EXPECT_NE(what.find("410 Expired"), std::string::npos) << what;
        EXPECT_NE(what.find("after 1 page (2 TaskRuns read, 1 failed)"), std::string::npos) << what;
        EXPECT_NE(what.find("--chunk-size"), std::string::npos) << what;
    }
}

TEST(ClusterReader, ListThatNeverEndsIsAnErrorNotALoop) {
    MemoryKubeApi api;
    five_runs(api);
    api.stuck_token = "again";
    try {
        read_cluster_runs(api, "v1", "ci", sweep_request(2), "s", [](RunsPage) {});
        FAIL() << "a list that repeats its continue token must stop";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("continue token it had sent before"), std::string::npos) << e.what();
    }
    EXPECT_EQ(lists_sent(api), 2u);
}

TEST(ClusterReader, ForbiddenSweepListIsOneClearError) {
    MemoryKubeApi api;
    five_runs(api);
    api.denied.insert("list taskruns");
    EXPECT_THROW(read_cluster_runs(api, "v1", "ci", sweep_request(2), "s", [](RunsPage) {}), ApiError);
}

TEST(ClusterReader, ForbiddenEventsListIsANoteNotAFailure) {
    MemoryKubeApi api;
    api.objects[kRuns + "/build-1"] = taskrun("build-1", true, "build-1-pod");
    api.objects["/api/v1/namespaces/ci/pods/build-1-pod"] = {{"metadata", {{"name", "build-1-pod"}, {"namespace", "ci"}}}};
    api.denied.insert("list events");
    ClusterRequest one = parse_resource_argument("taskrun/build-1");
    size_t pages = 0;
    RunsRead read = read_cluster_runs(api, "v1", "ci", one, "s", [&](RunsPage) { ++pages; });
    EXPECT_EQ(pages, 1u);
    ASSERT_EQ(read.notes.size(), 1u);
    EXPECT_NE(read.notes[0].find("no permission to read pod ci/build-1-pod or its events"), std::string::npos) << read.notes[0];
}

TEST(ClusterReader, PipelineRunChildrenAreListedByLabelAcrossPages) {
    MemoryKubeApi api;
    api.objects["/apis/tekton.dev/v1/namespaces/ci/pipelineruns/release"] = {
        {"metadata", {{"name", "release"}, {"namespace", "ci"}}}};
    for (int i = 1; i <= 3; ++i) {
        nlohmann::json tr = taskrun("release-" + std::to_string(i), false);
        tr["metadata"]["labels"] = {{"tekton.dev/pipelineRun", "release"}};
        api.objects[kRuns + "/release-" + std::to_string(i)] = tr;
    }
    api.objects[kRuns + "/other"] = taskrun("other", true);  // another run's: not read
    ClusterRequest one = parse_resource_argument("pipelinerun/release");
    one.page_size = 2;
    std::vector<std::string> names;
    read_cluster_runs(api, "v1", "ci", one, "s", [&](RunsPage page) {
        for (const auto& item : page.items) names.push_back(item["metadata"]["name"]);
    });
    EXPECT_EQ(names, (std::vector<std::string>{"release", "release-1", "release-2", "release-3"}));
}

TEST(ClusterReader, AStepThatUsesAStepActionGetsItsImageAndKeepsItsRef) {
    MemoryKubeApi api;
    nlohmann::json tr = taskrun("build-1", true);
    tr["spec"] = {{"taskRef", {{"name", "build"}}}};
    api.objects[kRuns + "/build-1"] = tr;
    api.objects["/apis/tekton.dev/v1/namespaces/ci/tasks/build"] = {
        {"spec", {{"steps", {{{"name", "build"}, {"ref", {{"name", "app-step"}}}}, {{"name", "gone"}, {"ref", {{"name", "missing"}}}}}}}}};
    api.objects["/apis/tekton.dev/v1beta1/namespaces/ci/stepactions/app-step"] = {
        {"spec", {{"image", "registry.example:5000/app:v1"}, {"args", {"serve"}}}}};
    nlohmann::json steps;
    RunsRead read = read_cluster_runs(api, "v1", "ci", parse_resource_argument("taskrun/build-1"), "s",
                                      [&](RunsPage page) { steps = page.items[0]["status"]["taskSpec"]["steps"]; });
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0]["image"], "registry.example:5000/app:v1");
    EXPECT_EQ(steps[0]["args"], nlohmann::json({"serve"}));
    EXPECT_EQ(steps[0]["ref"]["name"], "app-step") << "the ref stays: a fix goes to the StepAction";
    EXPECT_FALSE(steps[0].contains("command"));
    EXPECT_FALSE(steps[1].contains("image"));
    ASSERT_EQ(read.notes.size(), 1u);
    EXPECT_NE(read.notes[0].find("StepAction ci/missing is gone"), std::string::npos) << read.notes[0];
}

TEST(ReadList, ForbiddenAndAbsentAreStates) {
    MemoryKubeApi api;
    api.denied.insert("list pods");
    EXPECT_EQ(read_list(api, "/api/v1/namespaces/ci/pods", {}).state, ObjectState::forbidden);
    MemoryKubeApi empty;
    ObjectRead none = read_list(empty, "/api/v1/namespaces/ci/pods", {});
    EXPECT_EQ(none.state, ObjectState::present);
    EXPECT_TRUE(none.object["items"].empty());
}

TEST(ReadList, ExpiredTokenMidwayIsAnError) {
    MemoryKubeApi api;
    for (int i = 0; i < 3; ++i) api.objects["/api/v1/namespaces/ci/pods/p" + std::to_string(i)] = {{"metadata", {{"name", "p"}}}};
    api.expired_tokens.insert("~/api/v1/namespaces/ci/pods/p1");
    ListQuery query;
    query.limit = 1;
    try {
        read_list(api, "/api/v1/namespaces/ci/pods", query);
        FAIL() << "a list read in part must not be taken for the whole";
    } catch (const ApiError&) {
        FAIL() << "expected the reader's own Error, not the server's";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("read only in part: its continue token expired (410 Expired"),
                  std::string::npos)
            << e.what();
    }
}

// On OpenShift the controller mounts config-trusted-cabundle (injected from the proxy's
// trustedCA): its pods are compared with that ConfigMap's last change, not config-registry-cert's.
TEST(Installation, OnOpenShiftThePodsAreComparedWithTheTrustedBundle) {
    MemoryKubeApi api;
    const std::string ns = "/api/v1/namespaces/openshift-pipelines/";
    api.objects["/apis/apps/v1/namespaces/openshift-pipelines/deployments/tekton-pipelines-controller"] = {
        {"metadata", {{"name", "tekton-pipelines-controller"}}},
        {"spec", {{"selector", {{"matchLabels", {{"app", "controller"}}}}}}}};
    api.objects[ns + "pods/controller-1"] = {
        {"metadata", {{"name", "controller-1"}, {"labels", {{"app", "controller"}}}}},
        {"status", {{"phase", "Running"}, {"startTime", "2026-01-01T00:00:00Z"}}}};
    auto changed_at = [](const char* time) {
        return nlohmann::json{{"metadata", {{"managedFields", nlohmann::json::array({{{"time", time}}})}}}};
    };
    api.objects[ns + "configmaps/config-registry-cert"] = changed_at("2025-06-01T00:00:00Z");
    api.objects[ns + "configmaps/config-trusted-cabundle"] = changed_at("2026-02-01T00:00:00Z");
    Installation inst = read_installation(api);
    EXPECT_TRUE(inst.openshift);
    EXPECT_EQ(inst.ca_configmap, "config-trusted-cabundle");
    EXPECT_EQ(inst.configmap_changed_text, "2026-02-01T00:00:00Z");

    api.objects.erase(ns + "configmaps/config-trusted-cabundle");
    inst = read_installation(api);
    EXPECT_EQ(inst.configmap_changed, 0);  // not config-registry-cert's time
}

TEST(Installation, ControllerPodsAreListedAcrossPagesAndForbiddenIsASkip) {
    MemoryKubeApi api;
    const std::string deploy = "/apis/apps/v1/namespaces/tekton-pipelines/deployments/tekton-pipelines-controller";
    api.objects[deploy] = {{"metadata", {{"name", "tekton-pipelines-controller"}}},
                           {"spec", {{"selector", {{"matchLabels", {{"app", "controller"}}}}}}}};
    for (int i = 0; i < 600; ++i) {
        std::string name = "controller-" + std::to_string(1000 + i);
        api.objects["/api/v1/namespaces/tekton-pipelines/pods/" + name] = {
            {"metadata", {{"name", name}, {"labels", {{"app", i == 599 ? "controller" : "other"}}}}},
            {"status", {{"phase", "Running"}, {"startTime", "2026-01-01T00:00:00Z"}}}};
    }
    Installation inst = read_installation(api);
    EXPECT_EQ(inst.pods_state, ObjectState::present);
    ASSERT_EQ(inst.pods.size(), 1u);
    EXPECT_EQ(inst.pods[0].name, "controller-1599");

    api.denied.insert("list pods");
    Installation denied = read_installation(api);
    EXPECT_EQ(denied.pods_state, ObjectState::forbidden);
    EXPECT_TRUE(denied.pods.empty());
}

TEST(ClusterLogs, ReadsEachContainerLogOfTheListedPods) {
    MemoryKubeApi api;
    api.objects["/api/v1/namespaces/tekton-pipelines/pods/ctl-1"] = {
        {"metadata",
         {{"name", "ctl-1"},
          {"labels", {{"app.kubernetes.io/part-of", "tekton-pipelines"}, {"app.kubernetes.io/component", "controller"}}}}},
        {"spec", {{"containers", {{{"name", "tekton-pipelines-controller"}}}}}}};
    api.texts["/api/v1/namespaces/tekton-pipelines/pods/ctl-1/log?container=tekton-pipelines-controller&limitBytes=67108864"] =
        "x509: certificate signed by unknown authority\n";
    std::vector<std::string> names, notes;
    read_tekton_pod_logs(api, {}, [&](const std::string& name, std::string_view text) {
        names.push_back(name);
        EXPECT_NE(text.find("x509"), std::string_view::npos);
    }, notes);
    EXPECT_EQ(names, (std::vector<std::string>{"pod/tekton-pipelines/ctl-1/tekton-pipelines-controller"}));
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("no remote resolvers pod"), std::string::npos) << notes[0];
}

}  // namespace
}  // namespace certdoctor
