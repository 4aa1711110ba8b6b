// What `probe --chain-file` accepts: PEM with text around it, DER, and nothing else (one error
// each, exit 3). Certificates are made here with OpenSSL, never checked in.
#include "probe/chain_file.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

#include "util/error.h"

namespace certdoctor {
namespace {

X509Ptr self_signed(const char* cn) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_set_pubkey(cert.get(), key);
    X509_sign(cert.get(), key, EVP_sha256());
    EVP_PKEY_free(key);
    return cert;
}

std::string der(X509* cert) {
    unsigned char* out = nullptr;
    int n = i2d_X509(cert, &out);
    std::string s(reinterpret_cast<char*>(out), static_cast<size_t>(n));
    OPENSSL_free(out);
    return s;
}

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
    EXPECT_EQ(parse_chain_text(der(a.get()) + der(b.get()), "der").size(), 2u);
}

TEST(ChainFile, RefusesWhatHoldsNoCertificateAndPrivateKeys) {
    EXPECT_EQ(code_of(""), ExitCode::not_understood);
    EXPECT_EQ(code_of("just some text"), ExitCode::not_understood);
    EXPECT_EQ(code_of("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"),
              ExitCode::not_understood);
    EXPECT_EQ(code_of("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" +
                      to_pem(self_signed("x").get())),
              ExitCode::not_understood);
    std::string good = der(self_signed("x").get());
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
