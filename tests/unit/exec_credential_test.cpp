// What an exec credential plugin prints, read as the client reads it.
#include "kube/exec_credential.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace certdoctor {
namespace {

const std::string kV1 = "client.authentication.k8s.io/v1";

std::string error_of(const std::string& output) {
    try {
        read_exec_credential(output, kV1, "user u: exec plugin 'p'");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(ExecCredential, ReadsTokenCertificateAndExpiry) {
    auto s = read_exec_credential(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
            "status":{"token":"t","expirationTimestamp":"2030-01-02T03:04:05Z"}})",
        kV1, "who");
    EXPECT_EQ(s.token, "t");
    EXPECT_EQ(s.expires, 1893553445);
    auto c = read_exec_credential(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
            "status":{"clientCertificateData":"C","clientKeyData":"K"}})",
        kV1, "who");
    EXPECT_EQ(c.client_certificate_pem, "C");
    EXPECT_EQ(c.client_key_pem, "K");
    EXPECT_EQ(c.expires, 0);
}

TEST(ExecCredential, EveryWrongShapeIsAnErrorNamingThePlugin) {
    EXPECT_NE(
        error_of("Please log in").find("user u: exec plugin 'p' did not print an ExecCredential"),
        std::string::npos);
    // a kind or apiVersion that is not a string: an Error, not a JSON type exception
    EXPECT_NE(error_of(R"({"kind":5})").find("did not print an ExecCredential"), std::string::npos);
    EXPECT_NE(error_of(R"({"kind":"ExecCredential","apiVersion":[1]})").find("expected " + kV1),
              std::string::npos);
    std::string head =
        R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1",)";
    EXPECT_NE(error_of(head + R"("status":"x"})").find("without status"), std::string::npos);
    EXPECT_NE(error_of(head + R"("status":{}})").find("neither a token"), std::string::npos);
    EXPECT_NE(error_of(head + R"("status":{"token":"a\r\nX: y"}})").find("CR, LF or NUL"),
              std::string::npos);
    EXPECT_NE(error_of(head + R"("status":{"token":"a","expirationTimestamp":"soon"}})")
                  .find("not RFC 3339"),
              std::string::npos);
    EXPECT_EQ(error_of(head + R"("status":{"token":"secret-token"}})"), "");
    EXPECT_EQ(error_of(head + R"("status":{"token":"secret-token\n"}})").find("secret-token"),
              std::string::npos);
}

}  // namespace
}  // namespace certdoctor
