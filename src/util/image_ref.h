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

}  // namespace certdoctor
