#include "util/image_ref.h"

namespace certdoctor {

ImageReferenceParts split_image_reference(std::string_view image) {
    ImageReferenceParts parts;
    if (size_t at = image.find('@'); at != std::string_view::npos) {
        parts.digest = std::string(image.substr(at + 1));
        image = image.substr(0, at);
    }
    // A colon after the last slash starts the tag; one before it is the registry's port.
    size_t slash = image.rfind('/'), colon = image.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        parts.tag = std::string(image.substr(colon + 1));
        image = image.substr(0, colon);
    }
    parts.name = std::string(image);
    return parts;
}

std::string ImageReferenceParts::pinned() const {
    if (!digest.empty()) return name + "@" + digest;
    return tag.empty() ? name : name + ":" + tag;
}

}  // namespace certdoctor
