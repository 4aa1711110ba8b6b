// What `probe --chain-file` accepts: PEM with text around it, DER, and nothing else (one error
// each, exit 3). Certificates are made here with OpenSSL, never checked in.
#include "probe/chain_file.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

#include "test_certificates.h"
#include "util/error.h"

namespace certdoctor {
namespace {

using test::self_signed;

ExitCode code_of(const std::string& text) {
    try {
        parse_chain_text(text, "pasted");
    } catch (const Error& e) {
        return e.code();
    }
    return ExitCode::no_problem;
}

TEST(ChainFile, ReadsAPastedSClientOutputInOrderWithoutDuplicates) {
    X509Ptr leaf = self_signed("leaf"), issuer = self_signed("issuer");
    std::string pasted = "CONNECTED(00000003)\n---\nCertificate chain\n 0 s:CN = leaf\n" +
                         to_pem(leaf.get()) + " 1 s:CN = issuer\n" + to_pem(issuer.get()) +
                         "---\nServer certificate\n" + to_pem(leaf.get()) +
                         "---\nSSL handshake has read 1234 bytes\n";
    auto chain = parse_chain_text(pasted, "pasted");
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_EQ(common_name(chain[0].get()), "leaf");
    EXPECT_EQ(common_name(chain[1].get()), "issuer");
}

TEST(ChainFile, ReadsConcatenatedDer) {
    X509Ptr a = self_signed("a"), b = self_signed("b");
    EXPECT_EQ(parse_chain_text(der_of(a.get()) + der_of(b.get()), "der").size(), 2u);
}

TEST(ChainFile, RefusesWhatHoldsNoCertificateAndPrivateKeys) {
    EXPECT_EQ(code_of(""), ExitCode::not_understood);
    EXPECT_EQ(code_of("just some text"), ExitCode::not_understood);
    EXPECT_EQ(code_of("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"),
              ExitCode::not_understood);
    EXPECT_EQ(code_of("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" +
                      to_pem(self_signed("x").get())),
              ExitCode::not_understood);
    std::string good = der_of(self_signed("x").get());
    EXPECT_EQ(code_of(good + "junk"), ExitCode::not_understood);
}

TEST(ChainFile, BoundsTheNumberOfCertificates) {
    std::string many;
    for (size_t i = 0; i <= kMaxChainCertificates; ++i)
        many += to_pem(self_signed(("c" + std::to_string(i)).c_str()).get());
    EXPECT_EQ(code_of(many), ExitCode::not_understood);
}

}  // namespace
}  // namespace certdoctor
