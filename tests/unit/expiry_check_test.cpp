// The check certificates-expire-soon, on hand-built facts: a registry chain (as probed) or a CA
// in config-registry-cert that stops verifying within the warning fails it; one that lives
// longer passes. Certificates are made here with OpenSSL.
#include <gtest/gtest.h>

#include "cluster/checks.h"
#include "probe/openssl_util.h"
#include "test_certificates.h"
#include "test_engine.h"
#include "util/time.h"

namespace certdoctor {
namespace {

std::string ca_pem(const char* cn, long seconds_left) {
    return to_pem(test::self_signed(cn, -3600, seconds_left).get());
}

const ClusterCheck* find(const Report& r, const std::string& registry) {
    for (const auto& c : r.cluster_checks)
        if (c.id == "certificates-expire-soon" && c.registry == registry) return &c;
    return nullptr;
}

Report with_probed_registry(const std::string& registry, std::time_t valid_until) {
    Report r;
    Finding f;
    f.stage = "entrypoint-lookup";
    f.problem = "unknown-authority";
    f.registry = registry;
    f.probed = true;
    f.probe.problem = "unknown-authority";
    f.probe.valid_until = format_rfc3339(valid_until);
    r.findings.push_back(f);
    return r;
}

TEST(ExpiryCheck, ARegistryChainEndingWithinTheWarningFails) {
    std::time_t now = std::time(nullptr);
    Installation inst;
    Report soon = with_probed_registry("r.example", now + 10 * 86400);
    apply_cluster_checks(soon, inst, now, std::chrono::hours(30 * 24));
    ASSERT_NE(find(soon, "r.example"), nullptr);
    EXPECT_EQ(find(soon, "r.example")->status, "fail");
    EXPECT_NE(find(soon, "r.example")->detail.find("in 10 days"), std::string::npos) << find(soon, "r.example")->detail;

    Report later = with_probed_registry("r.example", now + 90 * 86400);
    apply_cluster_checks(later, inst, now, std::chrono::hours(30 * 24));
    ASSERT_NE(find(later, "r.example"), nullptr);
    EXPECT_EQ(find(later, "r.example")->status, "pass");
}

TEST(ExpiryCheck, ACaInConfigRegistryCertEndingSoonFailsAndNamesIt) {
    std::time_t now = std::time(nullptr);
    Installation inst;
    inst.configmap_state = ObjectState::present;
    inst.configmap_data["cert"] = ca_pem("Lasting CA", 400 * 86400) + ca_pem("Ending CA", 5 * 86400);
    Report r = with_probed_registry("r.example", now + 90 * 86400);
    apply_cluster_checks(r, inst, now, std::chrono::hours(30 * 24));
    const ClusterCheck* bundle = find(r, "");
    ASSERT_NE(bundle, nullptr);
    EXPECT_EQ(bundle->status, "fail");
    EXPECT_NE(bundle->detail.find("Ending CA"), std::string::npos) << bundle->detail;
    EXPECT_EQ(bundle->detail.find("Lasting CA"), std::string::npos) << bundle->detail;

    Report shorter = with_probed_registry("r.example", now + 90 * 86400);
    apply_cluster_checks(shorter, inst, now, std::chrono::hours(24));
    EXPECT_EQ(find(shorter, "")->status, "pass");  // --expiry-warning 1d
}

}  // namespace
}  // namespace certdoctor
