// The call chain marks the frame where the problem happened: a TLS or network failure at the
// registry ping, a refused login or a missing image at the manifest request after it.
#include <gtest/gtest.h>

#include "test_engine.h"

namespace certdoctor {
namespace {

std::string failed_frame(const std::string& message, size_t* frames = nullptr) {
    Report r = explain_text(test::shipped_engine(), message, "stdin");
    if (r.findings.empty()) return "no finding";
    if (frames) *frames = r.findings[0].chain.frames.size();
    for (const auto& fr : r.findings[0].chain.frames)
        if (fr.failed) return fr.function;
    return "none";
}

TEST(ChainView, ATlsFailureFailsAtThePingAndStopsThere) {
    size_t frames = 0;
    std::string f = failed_frame(
        "failed to create task run pod \"t\": translating TaskSpec to Pod: Get \"https://registry.private/v2/\": tls: "
        "failed to verify certificate: x509: certificate signed by unknown authority. Maybe missing or invalid Task ns/t",
        &frames);
    EXPECT_EQ(f, "pingSingle -> http.Client.Do (GET /v2/)");
    EXPECT_EQ(frames, 9u);  // the manifest request was never made
}

TEST(ChainView, ARefusedLoginFailsAtTheManifestRequest) {
    std::string f = failed_frame(
        "failed to create task run pod \"t\": translating TaskSpec to Pod: GET "
        "https://registry.private/v2/team/app/manifests/v1: UNAUTHORIZED: authentication required; [map[Action:pull "
        "Class: Name:team/app Type:repository]]. Maybe missing or invalid Task ns/t");
    EXPECT_NE(f.find("fetchManifest"), std::string::npos) << f;
}

// A frame may name a cause: an object the API server refused to store fails at admission, past
// the TLS handshake and the authorisation it passed; a missing object where the API server looks
// it up, before admission.
TEST(ChainView, AFrameThatNamesTheCauseIsWhereItFailed) {
    size_t frames = 0;
    std::string refused = failed_frame(
        "Failed to create TaskRun \"r-taskName-x\": TaskRun.tekton.dev \"r-taskName-x\" is invalid: metadata.name: "
        "Invalid value: \"r-taskName-x\": a DNS-1123 subdomain must consist of lower case alphanumeric characters",
        &frames);
    EXPECT_NE(refused.find("admits and validates"), std::string::npos) << refused;
    EXPECT_EQ(frames, 7u);
    std::string missing = failed_frame("Error from server (NotFound): pods \"x\" not found", &frames);
    EXPECT_NE(missing.find("finds what the request names"), std::string::npos) << missing;
    EXPECT_EQ(frames, 6u);  // admission is past it
}

// Where the text says nothing of what failed (a pod listing's ImagePullBackOff has no reason), no
// frame is marked and none is cut: marking the registry request would be a guess.
TEST(ChainView, WithoutACauseNoFrameIsMarkedAndAllAreShown) {
    Report r = explain_text(test::shipped_engine(),
                            "NAME        READY   STATUS             RESTARTS   AGE\n"
                            "build-pod   0/1     ImagePullBackOff   0          5m",
                            "stdin");
    ASSERT_EQ(r.findings.size(), 1u);
    const Finding& f = r.findings[0];
    ASSERT_TRUE(f.cause_rule.empty()) << f.cause_rule;
    const ChainRule* chain = test::shipped_engine().catalog().chain(f.chain.id);
    ASSERT_NE(chain, nullptr) << f.chain.id;
    size_t all = 0;
    for (const auto& v : chain->variants)
        if (v.versions == f.chain.versions) all = v.frames.size();
    EXPECT_GT(all, 1u);
    EXPECT_EQ(f.chain.frames.size(), all);
    EXPECT_FALSE(f.chain.any_failed());
    EXPECT_EQ(failed_frame("NAME  READY  STATUS  RESTARTS  AGE\nweb-1  0/1  ErrImagePull  0  1m"), "none");
}

// A Go program that speaks SSH (go-git in Argo CD or Flux) fails in x/crypto/ssh's handshake, not
// in git's OpenSSH; and a refused key cites SSH's sources, not a registry's (the cause that refuses
// it also refuses registry logins, whose references sit under {{#registry_peer}}).
TEST(ChainView, AGoSshClientHasItsOwnChainAndNoRegistryReferences) {
    // git-bug/git-bug#929
    Report r = explain_text(test::shipped_engine(),
                            "Error: ssh: handshake failed: ssh: unable to authenticate, attempted methods [none "
                            "publickey], no supported methods remain",
                            "stdin");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.site_rule, "go-ssh-client");
    EXPECT_EQ(f.chain.id, "go-git-fetch-ssh");
    std::string failed;
    for (const auto& fr : f.chain.frames)
        if (fr.failed) failed = fr.function;
    EXPECT_NE(failed.find("x/crypto/ssh"), std::string::npos) << failed;
    std::string references;
    for (const auto& ref : f.references) references += ref + "\n";
    EXPECT_EQ(references.find("distribution"), std::string::npos) << references;
    EXPECT_EQ(references.find("acr"), std::string::npos) << references;
    EXPECT_EQ(references.find("{{"), std::string::npos) << references;
    EXPECT_NE(references.find("ssh/client_auth.go"), std::string::npos) << references;

    // The same cause on a registry cites the registry's spec, and no SSH source
    // (DNSControl/dnscontrol#4236: ghcr.io's answer for a private package).
    Report login = explain_text(test::shipped_engine(), "Error response from daemon: error from registry: unauthorized",
                                "stdin");
    ASSERT_FALSE(login.findings.empty());
    EXPECT_EQ(login.findings[0].cause_rule, "registry-credentials-refused");
    references.clear();
    for (const auto& ref : login.findings[0].references) references += ref + "\n";
    EXPECT_NE(references.find("distribution/distribution docs/spec/api.md"), std::string::npos) << references;
    EXPECT_EQ(references.find("ssh"), std::string::npos) << references;
    EXPECT_EQ(references.find("RFC 9110"), std::string::npos) << references;
}

}  // namespace
}  // namespace certdoctor
