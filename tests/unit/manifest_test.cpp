// A registry's manifest, index and image config, read as the entrypoint lookup reads them.
#include "probe/manifest.h"

#include <gtest/gtest.h>

namespace certdoctor {
namespace {

const std::string kDigest1 = "sha256:" + std::string(64, '1');
const std::string kDigest2 = "sha256:" + std::string(64, '2');

TEST(Manifest, IndexListsPlatformsWithoutAttestations) {
    auto r = read_manifest(R"({"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
        {"digest":")" + kDigest1 +
                               R"(","platform":{"os":"linux","architecture":"amd64"}},
        {"digest":")" + kDigest2 +
                               R"(","platform":{"os":"unknown","architecture":"unknown"}}]})",
                           true);
    ASSERT_TRUE(r.json);
    EXPECT_TRUE(r.index);
    ASSERT_EQ(r.platforms.size(), 1u);
    EXPECT_EQ(r.platforms[0].digest, kDigest1);
    EXPECT_EQ(r.platforms[0].architecture, "amd64");
    EXPECT_EQ(r.error, "");
}

TEST(Manifest, ABadEntryEndsTheListWhereItStands) {
    auto r = read_manifest(R"({"manifests":[{"digest":")" + kDigest1 +
                               R"("},{"digest":"../../etc"},{"digest":")" + kDigest2 + R"("}]})",
                           true);
    EXPECT_EQ(r.platforms.size(), 1u);
    EXPECT_NE(r.error.find("manifests[1].digest"), std::string::npos) << r.error;
    auto notalist = read_manifest(R"({"manifests":{"a":1}})", true);
    EXPECT_NE(notalist.error.find("not a list"), std::string::npos);
}

TEST(Manifest, ManifestNamesItsConfig) {
    auto r = read_manifest(R"({"config":{"digest":")" + kDigest1 + R"("}})", true);
    EXPECT_FALSE(r.index);
    EXPECT_EQ(r.config_digest, kDigest1);
    EXPECT_EQ(read_manifest(R"({"layers":[]})", false).error, "the manifest has no config");
    EXPECT_FALSE(read_manifest("not json", true).json);
}

TEST(Manifest, ConfigGivesEntrypointAndCmdOfTheRightType) {
    ImagePlatform p;
    std::string error;
    ASSERT_TRUE(read_image_config(
        R"({"os":"linux","architecture":"arm64","config":{"Entrypoint":["/app"],"Cmd":"x"}})",
        kDigest1, p, error));
    EXPECT_EQ(p.entrypoint, std::vector<std::string>{"/app"});
    EXPECT_TRUE(p.cmd.empty());  // a string where Go's decoder wants a list
    EXPECT_EQ(p.architecture, "arm64");
    EXPECT_FALSE(read_image_config("[]", kDigest1, p, error));
    EXPECT_NE(error.find("is not JSON"), std::string::npos);
}

}  // namespace
}  // namespace certdoctor
