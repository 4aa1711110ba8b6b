// Digests from a registry's JSON are checked against the OCI grammar before they reach a URL.
#include "probe/digest.h"
#include "util/hash.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace certdoctor {
namespace {

const std::string kHex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(Digest, AcceptsTheOciGrammarAndTheRegisteredAlgorithmsExactly) {
    EXPECT_TRUE(is_valid_digest("sha256:" + kHex64));
    EXPECT_TRUE(is_valid_digest("sha512:" + kHex64 + kHex64));
    EXPECT_TRUE(is_valid_digest("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"));
    EXPECT_TRUE(is_valid_digest("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564"));
}

TEST(Digest, RefusesPathsQueriesAndMalformedHex) {
    for (const std::string& bad : std::vector<std::string>{
             "../../../evil?x=1", "sha256:../../evil", "sha256:" + kHex64 + "?x=1",
             "sha256:" + kHex64 + "/x", "sha256:" + kHex64.substr(1), "sha256:" + kHex64 + "0",
             "SHA256:" + kHex64, "sha256:" + std::string(64, 'A'), "sha512:" + kHex64, "sha256",
             ":" + kHex64, "sha256:", "sha256:" + kHex64 + "\n", "a b:c", "sha256:%2e%2e", "",
             std::string(300, 'a') + ":b"})
        EXPECT_FALSE(is_valid_digest(bad)) << bad;
}

}  // namespace
}  // namespace certdoctor

namespace certdoctor {
namespace {

TEST(Digest, ContentMustHashToItsDigest) {
    // sha256("config") and sha512("") as sha256sum and sha512sum print them
    EXPECT_TRUE(content_matches_digest("config", "sha256:b79606fb3afea5bd1609ed40b622142f1c98125abcfe89a76a661b0e8e343910"));
    EXPECT_FALSE(content_matches_digest("config ", "sha256:b79606fb3afea5bd1609ed40b622142f1c98125abcfe89a76a661b0e8e343910"));
    EXPECT_TRUE(content_matches_digest("", "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"));
    EXPECT_TRUE(content_matches_digest("anything", "blake3:abcd"));  // not checked here
}

TEST(Digest, Sha256HexIsWhatSha256sumPrintsCutToTheBytesAsked) {
    // printf config | sha256sum
    EXPECT_EQ(sha256_hex("config"), "b79606fb3afea5bd1609ed40b622142f1c98125abcfe89a76a661b0e8e343910");
    EXPECT_EQ(sha256_hex("config", 4), "b79606fb");
    EXPECT_EQ(sha256_hex("config", 100).size(), 64u);
    EXPECT_EQ(sha256_hex("", 0), "");
    const unsigned char bytes[] = {0x00, 0x0f, 0xa0, 0xff};
    EXPECT_EQ(hex_of(bytes, 4), "000fa0ff");
}

}  // namespace
}  // namespace certdoctor
