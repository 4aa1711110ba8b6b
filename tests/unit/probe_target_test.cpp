#include "probe/target.h"

#include <gtest/gtest.h>

#include "util/error.h"
#include "util/image_ref.h"

namespace certdoctor {
namespace {

TEST(ProbeTarget, AcceptsHostsPortsUrlsAndImages) {
    auto t = parse_probe_target("registry.example");
    EXPECT_EQ(t.host, "registry.example");
    EXPECT_EQ(t.port, 443);
    EXPECT_FALSE(t.host_is_ip);

    t = parse_probe_target("registry.example:8443");
    EXPECT_EQ(t.port, 8443);
    EXPECT_EQ(t.registry(), "registry.example:8443");

    t = parse_probe_target("https://10.0.0.5:5000/v2/");
    EXPECT_EQ(t.host, "10.0.0.5");
    EXPECT_EQ(t.port, 5000);
    EXPECT_TRUE(t.host_is_ip);

    t = parse_probe_target("registry.example:8443/team/app:v1");
    EXPECT_EQ(t.host, "registry.example");
    EXPECT_EQ(t.repository, "team/app");
    EXPECT_EQ(t.reference, "v1");

    t = parse_probe_target("[::1]:5000/app@sha256:abc");
    EXPECT_EQ(t.host, "::1");
    EXPECT_TRUE(t.host_is_ip);
    EXPECT_EQ(t.reference, "sha256:abc");
    EXPECT_EQ(t.registry(), "[::1]:5000");

    // A catalog Task's pin: the tag is not part of the repository, the digest is the reference.
    t = parse_probe_target("registry.example:8443/tekton/git-init:v0.40.2@sha256:abc");
    EXPECT_EQ(t.repository, "tekton/git-init");
    EXPECT_EQ(t.reference, "sha256:abc");

    t = parse_probe_target("busybox");
    EXPECT_EQ(t.host, "busybox");  // a bare word is a host, not a Docker Hub image
    t = parse_probe_target("library/busybox:1.36");
    EXPECT_EQ(t.host, "index.docker.io");
    EXPECT_EQ(t.repository, "library/busybox");
}

TEST(ProbeTarget, RejectsWhatIsNoTarget) {
    for (const char* bad : {"", "host:99999", "host:x", "::1", "[::1", "bad host", "reg.example/"}) {
        try {
            parse_probe_target(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ExitCode::usage) << bad;
            EXPECT_NE(std::string(e.what()).find("probe target"), std::string::npos);
        }
    }
}

TEST(ImageReference, SplitsAtTheTagAndTheDigestAndKeepsThePort) {
    auto p = split_image_reference("registry:5000/team/app:v1@sha256:ab");
    EXPECT_EQ(p.name, "registry:5000/team/app");
    EXPECT_EQ(p.tag, "v1");
    EXPECT_EQ(p.digest, "sha256:ab");
    EXPECT_EQ(p.pinned(), "registry:5000/team/app@sha256:ab");
    p = split_image_reference("registry:5000/team/app");
    EXPECT_EQ(p.name, "registry:5000/team/app");
    EXPECT_EQ(p.tag, "");
    EXPECT_EQ(p.pinned(), "registry:5000/team/app");
    EXPECT_EQ(split_image_reference("app:v1").pinned(), "app:v1");
}

TEST(ImageReference, ARegistryApiUrlNamesTheImageItAsksFor) {
    EXPECT_EQ(image_in_registry_api_url("GET https://reg:5000/v2/team/app/manifests/v1: MANIFEST_UNKNOWN"),
              "reg:5000/team/app:v1");
    EXPECT_EQ(image_in_registry_api_url("Head \"https://u@r.io/v2/a/b/manifests/sha256:0a1b\": x509: ..."),
              "r.io/a/b@sha256:0a1b");
    // A blob or a tag list names the repository only; a ping, a token endpoint or a web page none.
    EXPECT_EQ(image_in_registry_api_url("PUT https://r.io/v2/a/b/c/blobs/uploads/x?digest=sha256:12: DENIED"),
              "r.io/a/b/c");
    EXPECT_EQ(image_in_registry_api_url("GET https://r.io/v2/a/tags/list: UNAUTHORIZED"), "r.io/a");
    EXPECT_EQ(image_in_registry_api_url("Get \"https://r.io/v2/\": x509: certificate signed by unknown authority"), "");
    EXPECT_EQ(image_in_registry_api_url("Get https://r.io/service/token?scope=repository:a:pull"), "");
    EXPECT_EQ(image_in_registry_api_url("Get https://git.example/org/repo/info/refs http://r.io/v2/manifests/x"), "");
    // The first URL that names an image, past one that does not.
    EXPECT_EQ(image_in_registry_api_url("ping https://r.io/v2/ then https://r.io/v2/x/manifests/1.0."), "r.io/x:1.0");
}

}  // namespace
}  // namespace certdoctor
