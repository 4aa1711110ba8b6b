// Reading the installation through the KubeApi seam, on an in-memory fake API: the controller
// as a Deployment or a StatefulSet (the operator's statefulset-ordinals), owned by the operator
// or not, config-registry-cert with its keys, labels and annotations, and a 403 as a state.
#include "cluster/installation.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace certdoctor {
namespace {

class FakeApi : public KubeApi {
  public:
    std::map<std::string, nlohmann::json> objects;
    std::set<std::string> forbidden;
    std::vector<std::string> asked;

    std::optional<nlohmann::json> get_if_found(const std::string& path) override {
        asked.push_back(path);
        if (forbidden.count(path)) throw ApiError("403 Forbidden", 403, "Forbidden");
        auto it = objects.find(path);
        if (it == objects.end()) return std::nullopt;
        return it->second;
    }
    // No pods here: every list is empty.
    std::string list_page(const std::string& collection, const ListQuery&) override {
        asked.push_back(collection);
        return R"({"kind":"List","metadata":{},"items":[]})";
    }
    std::optional<std::string> get_text(const std::string&, size_t) override { return std::nullopt; }
};

const std::string kController =
    "/apis/apps/v1/namespaces/tekton-pipelines/deployments/tekton-pipelines-controller";
const std::string kStatefulSet =
    "/apis/apps/v1/namespaces/tekton-pipelines/statefulsets/tekton-pipelines-controller";
const std::string kConfigMap =
    "/api/v1/namespaces/tekton-pipelines/configmaps/config-registry-cert";

nlohmann::json controller(bool operator_owned) {
    nlohmann::json c = {{"metadata",
                         {{"name", "tekton-pipelines-controller"},
                          {"labels", {{"app.kubernetes.io/version", "v1.3.0"}}}}},
                        {"spec", {{"selector", {{"matchLabels", {{"app", "controller"}}}}}}}};
    if (operator_owned)
        c["metadata"]["ownerReferences"] = {
            {{"kind", "TektonInstallerSet"}, {"name", "pipeline-main-static-x"}}};
    return c;
}

TEST(Installation, ADeploymentWithoutTheOperator) {
    FakeApi api;
    api.objects[kController] = controller(false);
    api.objects[kConfigMap] = {{"metadata",
                                {{"labels", {{"app.kubernetes.io/part-of", "tekton-pipelines"}}},
                                 {"annotations", {{"team", "platform"}}}}},
                               {"data", {{"cert", "PEM"}, {"README", "x"}}}};
    Installation inst = read_installation(api);
    EXPECT_TRUE(inst.controller_found);
    EXPECT_FALSE(inst.statefulsets);
    EXPECT_FALSE(inst.operator_managed);
    EXPECT_EQ(inst.version, "v1.3.0");
    InstallationFacts facts = installation_facts(inst);
    EXPECT_TRUE(facts.configmap_present);
    ASSERT_EQ(facts.configmap_data.size(), 2u);
    EXPECT_EQ(facts.configmap_labels.front().first, "app.kubernetes.io/part-of");
    EXPECT_EQ(facts.configmap_annotations.front().second, "platform");
}

TEST(Installation, AStatefulSetOwnedByTheOperator) {
    FakeApi api;
    api.objects[kStatefulSet] = controller(true);
    Installation inst = read_installation(api);
    EXPECT_TRUE(inst.controller_found);
    EXPECT_TRUE(inst.statefulsets);
    EXPECT_TRUE(inst.operator_managed);
    EXPECT_EQ(inst.configmap_state, ObjectState::absent);
}

TEST(Installation, AForbiddenConfigMapIsAStateNotAnError) {
    FakeApi api;
    api.objects[kController] = controller(false);
    api.forbidden.insert(kConfigMap);
    Installation inst = read_installation(api);
    EXPECT_EQ(inst.configmap_state, ObjectState::forbidden);
    bool noted = false;
    for (const auto& n : inst.notes)
        noted = noted || n.find("config-registry-cert") != std::string::npos;
    EXPECT_TRUE(noted);
}

TEST(Installation, NoControllerAnywhere) {
    FakeApi api;
    Installation inst = read_installation(api);
    EXPECT_FALSE(inst.controller_found);
    EXPECT_FALSE(inst.notes.empty());
}

}  // namespace
}  // namespace certdoctor
