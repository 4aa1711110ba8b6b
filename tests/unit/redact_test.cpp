// --redact on the report model: names go in every format, placeholders are stable, and the
// vocabulary, fix ids and Tekton's own names stay.
#include "redact/redact.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "render/render.h"
#include "run/run.h"
#include "test_engine.h"
#include "util/secret_value.h"

namespace certdoctor {
namespace {

std::vector<std::string> every_format(const Report& r) {
    return {render_text(r, Color::off), render_json(r), render_markdown(r)};
}

TEST(Redact, NamesLeaveEveryFormatAndVocabularyStays) {
    Report r =
        diagnose_dump(test::shipped_engine(), test::sample_text("taskrun-unknown-authority.yaml"), "run.yaml");
    ASSERT_FALSE(r.findings.empty());
    Redactor redactor;
    redactor.apply(r);
    for (const std::string& out : every_format(r)) {
        for (const char* secret : {"registry.corp.example", "build-and-push-r4x8q",
                                   "platform/builder", "platform/golang"})
            EXPECT_EQ(out.find(secret), std::string::npos) << secret << " in:\n"
                                                           << out.substr(0, 2000);
        EXPECT_NE(out.find("registry-1.example"), std::string::npos) << out.substr(0, 2000);
        EXPECT_NE(out.find("unknown-authority"), std::string::npos);     // the vocabulary stays
        EXPECT_NE(out.find("config-registry-cert"), std::string::npos);  // Tekton's own names stay
        EXPECT_NE(out.find("tekton-pipelines"), std::string::npos);
    }
    EXPECT_EQ(redactor.placeholder_of("registry.corp.example"), "registry-1.example");
    EXPECT_EQ(redactor.placeholder_of("ci"), "namespace-1");
    EXPECT_EQ(redactor.placeholder_of("build-and-push-r4x8q"), "taskrun-1");
    EXPECT_FALSE(r.findings.front().fixes.empty());
    EXPECT_EQ(r.findings.front().fixes.front().id.find("registry-1"),
              std::string::npos);  // fix ids stay
}

TEST(Redact, SameNameSamePlaceholderAndAddressesAreDocumentationOnes) {
    Report r = explain_text(
        test::shipped_engine(),
        "failed to create task run pod \"build-1\": translating TaskSpec to Pod: error getting "
        "image manifest: Get \"https://10.20.30.40:5000/v2/\": tls: failed to verify certificate: "
        "x509: certificate signed by unknown authority\n"
        "Get \"https://[fd00:1::5]:5000/v2/\": x509: certificate signed by unknown authority\n",
        "argument");
    Redactor redactor;
    redactor.apply(r);
    std::string all;
    for (const std::string& out : every_format(r)) all += out;
    EXPECT_EQ(all.find("10.20.30.40"), std::string::npos);
    EXPECT_EQ(all.find("fd00:1::5"), std::string::npos);
    EXPECT_NE(all.find("192.0.2.1"), std::string::npos) << all.substr(0, 2000);
    EXPECT_EQ(redactor.placeholder_of("10.20.30.40"), "192.0.2.1");
    EXPECT_EQ(redactor.placeholder_of("fd00:1::5"), "2001:db8::1");
    // The time stamps and versions in the text are no addresses.
    std::string before = "at 05:31:55 with Go 1.22.5 and sha256:abcd";
    Report notes;
    notes.notes.push_back(before);
    redactor.apply(notes);
    EXPECT_EQ(notes.notes.front(), before);
}

TEST(Redact, PemBlocksKeepOnlyTheirMarkers) {
    Report r;
    r.notes.push_back(
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\nafter");
    Redactor().apply(r);
    EXPECT_EQ(r.notes.front(),
              "-----BEGIN CERTIFICATE-----\n(redacted)\n-----END CERTIFICATE-----\nafter");
}

TEST(Redact, ValuesUnderKeysNamedLikeCredentialsGoWhole) {
    // One key per word of util/secret_value.h's list: --redact and the diff share it.
    Report r;
    Finding f;
    for (std::string_view word : kSecretKeyWords) {
        f.installation.configmap_data.emplace_back("registry" + std::string(word), "planted value " + std::string(word));
        f.installation.configmap_annotations.emplace_back("example.com/" + std::string(word), "planted annotation");
    }
    f.installation.configmap_data.emplace_back("cert", "-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n");
    f.installation.configmap_data.emplace_back("note", "kept");
    r.findings.push_back(f);
    Redactor().apply(r);
    const auto& inst = r.findings.front().installation;
    for (const auto& [k, v] : inst.configmap_data) {
        if (k == "note") EXPECT_EQ(v, "kept");
        else EXPECT_EQ(v.rfind("<redacted: ", 0), 0u) << k << ": " << v;
    }
    for (const auto& [k, v] : inst.configmap_annotations) EXPECT_EQ(v, secret_marker(18)) << k;
}

TEST(Redact, AProbeLosesItsHostsSubjectsAndCertificates) {
    ProbeResult p;
    p.target = "registry.corp.example:8443";
    p.host = "registry.corp.example";
    p.port = 8443;
    p.server_name = "registry.corp.example";
    p.detail =
        "x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: "
        "verification error\" "
        "while trying to verify candidate authority certificate \"Corp Issuing CA\")";
    CertificateView leaf;
    leaf.subject = "CN=registry.corp.example,O=Corp Inc";
    leaf.issuer = "CN=Corp Issuing CA,O=Corp Inc";
    leaf.dns_names = {"registry.corp.example", "mirror.corp.example"};
    leaf.ip_addresses = {"10.1.2.3"};
    leaf.pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    p.chain.push_back(leaf);
    Redactor redactor;
    redactor.apply(p);
    std::string all =
        render_probe_json(p) + render_probe_text(p, Color::off) + render_probe_markdown(p);
    for (const char* secret : {"corp.example", "Corp Inc", "Corp Issuing CA", "10.1.2.3", "MIIB"})
        EXPECT_EQ(all.find(secret), std::string::npos) << secret << " in:\n" << all;
    EXPECT_EQ(p.chain.front().subject, "CN=registry-1.example,O=name-1");
}

}  // namespace
}  // namespace certdoctor
