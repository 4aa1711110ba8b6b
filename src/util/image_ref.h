// An image reference split at its tag and digest, without normalising it:
//
//   split_image_reference("registry:5000/team/app:v1@sha256:ab")
//     == {.name = "registry:5000/team/app", .tag = "v1", .digest = "sha256:ab"}
#pragma once

#include <string>
#include <string_view>

namespace certdoctor {

struct ImageReferenceParts {
    std::string name;    // [registry/]repository
    std::string tag;     // "" when none
    std::string digest;  // "" when none
    // As skopeo (containers/image) takes it, which refuses a tag and a digest together: the
    // digest alone when there is one.
    std::string pinned() const;
};

ImageReferenceParts split_image_reference(std::string_view image);

// The image that a registry API URL in the text asks for (distribution spec paths
// /v2/<name>/manifests/<reference>, /v2/<name>/blobs/..., /v2/<name>/tags/list):
//
//   image_in_registry_api_url("GET https://reg:5000/v2/team/app/manifests/v1: MANIFEST_UNKNOWN")
//     == "reg:5000/team/app:v1"
//
// A blob or tag list names only the repository. "" when no such URL is there (a ping to /v2/,
// a token endpoint).
std::string image_in_registry_api_url(std::string_view text);

// Docker Hub under any of its names: docker.io (its image references), index.docker.io (the v1
// index), registry-1.docker.io (where its API answers), registry.hub.docker.com.
bool is_docker_hub(std::string_view registry);

}  // namespace certdoctor
