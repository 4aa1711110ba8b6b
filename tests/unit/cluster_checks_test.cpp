// The cluster checks, then the fix plan, on hand-built facts, one scenario each:
// config-registry-cert is checked only for the controller's own requests; the wrong-key case gives
// one fix, chosen by whether the misplaced CA makes Go accept the registry; a stale controller is
// restarted, not given the CA again. Certificates are made here with OpenSSL.
#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "cluster/checks.h"
#include "fix/fix_plan.h"
#include "probe/openssl_util.h"
#include "test_certificates.h"
#include "fix_assertions.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

// A self-signed certificate for `dns` (a SAN), good as its own root.
X509Ptr self_signed_for(const char* dns) {
    X509Ptr cert = test::self_signed(dns, -3600, 86400);
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509_set_pubkey(cert.get(), key);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    std::string san = std::string("DNS:") + dns;
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
    X509_sign(cert.get(), key, EVP_sha256());
    EVP_PKEY_free(key);
    return cert;
}

Finding lookup_finding(const std::string& stage, const std::string& served_pem) {
    Finding f;
    f.site_rule = "a-site";
    f.cause_rule = "a-cause";
    f.stage = stage;
    f.problem = "unknown-authority";
    f.registry = "registry.private";
    f.object = {"TaskRun", "ci", "build-1"};
    f.probed = true;
    f.probe.problem = "unknown-authority";
    f.probe.host = "registry.private";
    f.probe.server_name = "registry.private";
    CertificateView served;
    served.pem = served_pem;
    f.probe.chain.push_back(served);
    return f;
}

Installation installation_with(std::map<std::string, std::string> data) {
    Installation inst;
    inst.controller_found = true;
    inst.version = "v0.56.0";
    inst.configmap_state = ObjectState::present;
    inst.configmap_data = data;
    for (const auto& kv : data) inst.configmap_data_ordered.push_back(kv);
    return inst;
}

std::vector<std::string> fix_ids(const Finding& f) {
    std::vector<std::string> out;
    for (const auto& fix : f.fixes) out.push_back(fix.id);
    return out;
}

bool has_check(const Report& r, const std::string& id) {
    for (const auto& c : r.cluster_checks)
        if (c.id == id) return true;
    return false;
}

bool has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

const Catalog& catalog() {
    return test::shipped_engine().catalog();
}

// The checks, then the plan (as run/ does): the fix policy decides on what the checks found.
void check_and_plan(Report& r, const Installation& inst) {
    apply_cluster_checks(r, inst);
    plan_report_fixes(r, catalog());
}

TEST(ClusterChecks, NoConfigRegistryCertChecksForKubeletStepToolOrResolverFindings) {
    std::string pem = to_pem(self_signed_for("registry.private").get());
    for (std::string stage : {"image-pull", "step-run", "remote-resolution"}) {
        Report r;
        r.findings.push_back(lookup_finding(stage, pem));
        check_and_plan(r, installation_with({}));
        for (const char* id : {"config-registry-cert-present", "config-registry-cert-key",
                               "config-registry-cert-pem", "config-registry-cert-trusts-registry",
                               "controller-restarted-after-config"})
            EXPECT_FALSE(has_check(r, id)) << id << " at " << stage;
    }
}

TEST(ClusterChecks, TheControllersLookupGetsThem) {
    Report r;
    r.findings.push_back(
        lookup_finding("entrypoint-lookup", to_pem(self_signed_for("registry.private").get())));
    check_and_plan(r, installation_with({}));
    EXPECT_TRUE(has_check(r, "config-registry-cert-key"));
    EXPECT_TRUE(has_check(r, "config-registry-cert-trusts-registry"));
}

TEST(ClusterChecks, WrongKeyWithTheRegistrysCaMovesIt) {
    std::string pem = to_pem(self_signed_for("registry.private").get());
    Report r;
    r.findings.push_back(lookup_finding("entrypoint-lookup", pem));
    check_and_plan(r, installation_with({{"ca.crt", pem}}));
    auto ids = fix_ids(r.findings[0]);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids.front(), "move-ca-to-cert-key");
    EXPECT_FALSE(has(ids, "add-ca-to-config-registry-cert"));
}

TEST(ClusterChecks, WrongKeyWithAnotherCaAddsTheRegistrysInstead) {
    std::string served = to_pem(self_signed_for("registry.private").get());
    std::string other = to_pem(self_signed_for("elsewhere.example").get());
    Report r;
    r.findings.push_back(lookup_finding("entrypoint-lookup", served));
    check_and_plan(r, installation_with({{"ca.crt", other}}));
    auto ids = fix_ids(r.findings[0]);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids.front(), "add-ca-to-config-registry-cert");
    EXPECT_FALSE(has(ids, "move-ca-to-cert-key"));
}

TEST(ClusterChecks, AStaleControllerIsRestartedNotGivenTheCaAgain) {
    std::string pem = to_pem(self_signed_for("registry.private").get());
    Installation inst = installation_with({{"cert", pem}});
    inst.configmap_changed = 2000;
    inst.configmap_changed_text = "later";
    inst.pods_state = ObjectState::present;
    inst.pods.push_back({"tekton-pipelines-controller-x", "Running", 1000, "earlier"});
    Report r;
    r.findings.push_back(lookup_finding("entrypoint-lookup", pem));
    check_and_plan(r, inst);
    auto ids = fix_ids(r.findings[0]);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids.front(), "restart-tekton-controller");
    EXPECT_FALSE(has(ids, "add-ca-to-config-registry-cert"));
}

TEST(ClusterChecks, TheFixesAreBuiltWithWhatTheClusterHolds) {
    std::string pem = to_pem(self_signed_for("registry.private").get());
    Installation inst =
        installation_with({{"cert", to_pem(test::self_signed("Team A Root").get())}});
    inst.statefulsets = true;
    Report r;
    Finding f = lookup_finding("entrypoint-lookup", pem);
    f.probe.has_anchor = true;
    f.probe.trust_anchor.pem = pem;
    r.findings.push_back(f);
    check_and_plan(r, inst);
    ASSERT_FALSE(r.findings[0].fixes.empty());
    const FixView& add = r.findings[0].fixes.front();
    ASSERT_EQ(add.id, "add-ca-to-config-registry-cert");
    EXPECT_NE(add.manifest.find("kind: ConfigMap"), std::string::npos) << add.manifest;
    EXPECT_TRUE(test::a_command_holds(add, "rollout restart statefulset"));
}

const ClusterCheck* find_check(const Report& r, const std::string& id) {
    for (const auto& c : r.cluster_checks)
        if (c.id == id) return &c;
    return nullptr;
}

// One report with one controller lookup finding, checked against `inst`.
Report checked(const Installation& inst, const std::string& stage = "entrypoint-lookup") {
    Report r;
    Finding f = lookup_finding(stage, "");
    f.probed = false;
    r.findings.push_back(f);
    apply_cluster_checks(r, inst);
    return r;
}

TEST(ClusterChecks, PresentFailsWhenTheConfigMapIsAbsent) {
    Installation inst = installation_with({});
    inst.configmap_state = ObjectState::absent;
    Report r = checked(inst);
    ASSERT_NE(find_check(r, "config-registry-cert-present"), nullptr);
    EXPECT_EQ(find_check(r, "config-registry-cert-present")->status, "fail");
    EXPECT_EQ(find_check(r, "config-registry-cert-key")->status, "skip");
}

TEST(ClusterChecks, KeyNamesTheKeysThatAreIgnored) {
    Report r = checked(installation_with({{"ca.pem", "text, no certificate"}}));
    const ClusterCheck* key = find_check(r, "config-registry-cert-key");
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->status, "fail");
    EXPECT_NE(key->detail.find("(ca.pem)"), std::string::npos) << key->detail;
}

TEST(ClusterChecks, PemFailsForAValueThatIsNoCertificate) {
    Report r = checked(installation_with(
        {{"cert", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"}}));
    ASSERT_NE(find_check(r, "config-registry-cert-pem"), nullptr);
    EXPECT_EQ(find_check(r, "config-registry-cert-pem")->status, "fail");
    EXPECT_EQ(find_check(r, "config-registry-cert-trusts-registry")->status, "skip");  // not probed
}

TEST(ClusterChecks, RestartedFailsForAPodOlderThanTheChange) {
    Installation inst = installation_with({{"cert", to_pem(test::self_signed("Root").get())}});
    inst.configmap_changed = 2000;
    inst.configmap_changed_text = "later";
    inst.configmap_changed_source = "managedFields";
    inst.pods_state = ObjectState::present;
    inst.pods.push_back({"controller-a", "Running", 1000, "earlier"});
    Report r = checked(inst);
    EXPECT_EQ(find_check(r, "controller-restarted-after-config")->status, "fail");
    inst.pods[0].started = 3000;
    r = checked(inst);
    EXPECT_EQ(find_check(r, "controller-restarted-after-config")->status, "pass");
}

TEST(ClusterChecks, ResolverTrustFailsWithoutACa) {
    Installation inst = installation_with({});
    inst.resolvers_state = ObjectState::present;
    Report r = checked(inst, "remote-resolution");
    ASSERT_NE(find_check(r, "resolver-trust"), nullptr);
    EXPECT_EQ(find_check(r, "resolver-trust")->status, "fail");
    inst.resolvers_have_ca = true;
    r = checked(inst, "remote-resolution");
    EXPECT_EQ(find_check(r, "resolver-trust")->status, "pass");
}

TEST(ClusterChecks, OpenShiftChecksTheTrustedBundle) {
    Installation inst = installation_with({});
    inst.openshift = true;
    inst.trusted_cabundle_state = ObjectState::absent;
    Report r = checked(inst);
    ASSERT_NE(find_check(r, "openshift-trusted-cabundle"), nullptr);
    EXPECT_EQ(find_check(r, "openshift-trusted-cabundle")->status, "fail");
}

TEST(ClusterChecks, RunInTheTablesOrder) {
    Installation inst = installation_with({});
    inst.openshift = true;
    Report r = checked(inst);
    auto ids = cluster_check_ids();
    size_t at = 0;
    for (const auto& c : r.cluster_checks) {
        while (at < ids.size() && ids[at] != c.id) ++at;
        EXPECT_LT(at, ids.size()) << c.id << " out of order";
    }
}

}  // namespace
}  // namespace certdoctor

namespace certdoctor {
namespace {

// `cert: ""` is a key with nothing in it, not a missing key.
TEST(ClusterChecks, KeySaysAnEmptyCertHoldsNoCa) {
    Installation inst;
    inst.controller_found = true;
    inst.configmap_state = ObjectState::present;
    inst.configmap_data = {{"cert", "  \n"}};
    Report r;
    Finding f;
    f.site_rule = "s";
    f.cause_rule = "c";
    f.stage = "entrypoint-lookup";
    f.problem = "unknown-authority";
    f.registry = "registry.private";
    r.findings = {f};
    r.status = ReportStatus::problems_found;
    apply_cluster_checks(r, inst);
    const ClusterCheck* key = nullptr;
    for (const auto& c : r.cluster_checks)
        if (c.id == "config-registry-cert-key") key = &c;
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->status, "fail");
    EXPECT_NE(key->detail.find("there but empty"), std::string::npos) << key->detail;
}

}  // namespace
}  // namespace certdoctor
