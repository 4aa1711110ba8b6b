// Digests from a registry's JSON are checked against the OCI grammar before they reach a URL.
#include "probe/digest.h"

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
