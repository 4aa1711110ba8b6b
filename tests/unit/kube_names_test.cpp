// Names as Kubernetes shapes them (k8s.io/apimachinery validation: IsDNS1123Label, IsDNS1123Subdomain).
#include "util/kube_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace certdoctor {
namespace {

TEST(KubeNames, ALabelIsANamespacesName) {
    for (const std::string& good : std::vector<std::string>{"a", "ci", "tekton-pipelines", "0", "a1-b2", std::string(63, 'x')})
        EXPECT_TRUE(is_dns_label(good)) << good;
    for (const std::string& bad : std::vector<std::string>{"", "-a", "a-", "A", "a.b", "a_b", "a b", "ns;rm", "ns'", std::string(64, 'x'), "é"})
        EXPECT_FALSE(is_dns_label(bad)) << bad;
}

TEST(KubeNames, ASubdomainIsAnObjectsName) {
    for (const std::string& good : std::vector<std::string>{"a", "pipeline", "registry-auth", "node-1.example.com", "a.b.c",
                                   std::string(100, 'x') + "." + std::string(100, 'y'), std::string(253, 'x')})
        EXPECT_TRUE(is_dns_subdomain(good)) << good;
    for (const std::string& bad : std::vector<std::string>{"", ".a", "a.", "a..b", "a.-b", "a-.b", "-a", "A", "a_b", "a/b",
                                  "$(id)", "a b", std::string(254, 'x')})
        EXPECT_FALSE(is_dns_subdomain(bad)) << bad;
}

}  // namespace
}  // namespace certdoctor
