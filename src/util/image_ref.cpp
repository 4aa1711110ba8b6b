#include "util/image_ref.h"

#include <vector>

namespace certdoctor {

namespace {

bool repository_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

bool host_char(char c) { return repository_char(c) || c == ':' || c == '[' || c == ']' || c == '@'; }

// The tag or digest after "manifests/", up to where the URL ends ("...manifests/v1: MANIFEST_UNKNOWN").
std::string_view manifest_reference(std::string_view rest) {
    size_t n = 0;
    while (n < rest.size() && (repository_char(rest[n]) || rest[n] == ':' || rest[n] == '+')) ++n;
    std::string_view ref = rest.substr(0, n);
    while (!ref.empty() && (ref.back() == ':' || ref.back() == '.')) ref.remove_suffix(1);
    return ref;
}

// The image of the one URL whose origin starts at `from` (just past "://"), or "".
std::string image_at(std::string_view text, size_t from) {
    size_t host_end = from;
    while (host_end < text.size() && host_char(text[host_end])) ++host_end;
    std::string_view host = text.substr(from, host_end - from);
    if (size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
    if (host.empty() || text.substr(host_end, 4) != "/v2/") return "";
    std::vector<std::string_view> segments;
    size_t pos = host_end + 4;
    for (int i = 0; i < 32; ++i) {  // a repository name of at most 32 components
        size_t end = pos;
        while (end < text.size() && repository_char(text[end])) ++end;
        if (end == pos || end >= text.size() || text[end] != '/') return "";
        std::string_view segment = text.substr(pos, end - pos);
        pos = end + 1;
        bool last = segment == "manifests" || segment == "blobs" || segment == "tags";
        if (last && !segments.empty()) {
            std::string image = std::string(host);
            for (std::string_view s : segments) image += "/" + std::string(s);
            if (segment != "manifests") return image;
            std::string_view ref = manifest_reference(text.substr(pos));
            if (ref.rfind("sha256:", 0) == 0 || ref.rfind("sha512:", 0) == 0) return image + "@" + std::string(ref);
            if (!ref.empty() && ref.size() <= 128 && ref.find(':') == std::string_view::npos) image += ":" + std::string(ref);
            return image;
        }
        segments.push_back(segment);
    }
    return "";
}

}  // namespace

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

std::string image_in_registry_api_url(std::string_view text) {
    for (size_t scheme = text.find("://"); scheme != std::string_view::npos; scheme = text.find("://", scheme + 3)) {
        std::string image = image_at(text, scheme + 3);
        if (!image.empty()) return image;
    }
    return "";
}

bool is_docker_hub(std::string_view registry) {
    return registry == "docker.io" || registry == "index.docker.io" || registry == "registry-1.docker.io" ||
           registry == "registry.hub.docker.com";
}

}  // namespace certdoctor
