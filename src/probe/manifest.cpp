#include "probe/manifest.h"

#include <nlohmann/json.hpp>

#include "probe/digest.h"
#include "util/bounded_json.h"
#include "util/json_access.h"

namespace certdoctor {

namespace {

// A registry's JSON within the node and depth budget of its size; discarded (as nlohmann's
// parse without exceptions gives) when it is not JSON or over the budget.
nlohmann::json registry_json(std::string_view body) {
    BoundedJson parsed = parse_json_bounded(body);
    return parsed.ok() ? std::move(parsed.value)
                       : nlohmann::json(nlohmann::json::value_t::discarded);
}

// A value from the registry's JSON for an error message: JSON-quoted (control characters
// escaped) and cut at 80 characters.
std::string shown(const nlohmann::json& v) {
    std::string text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return text.size() > 80 ? text.substr(0, 80) + "..." : text;
}

// The "digest" of a descriptor (`what` names it in errors): an object whose digest is a string
// in the OCI grammar, checked before it goes into a request path. "" and `error` set otherwise.
std::string digest_of(const nlohmann::json& descriptor, const std::string& what,
                      std::string& error) {
    if (!descriptor.is_object()) {
        error = what + " is " + shown(descriptor) + " (a " + descriptor.type_name() +
                "), not an object";
        return {};
    }
    const nlohmann::json& digest = json_at(descriptor, {"digest"});
    if (!digest.is_string()) {
        error =
            what + ".digest is " + shown(digest) + " (a " + digest.type_name() + "), not a string";
        return {};
    }
    if (!is_valid_digest(digest.get_ref<const std::string&>())) {
        error = what + ".digest " + shown(digest) +
                " is not a digest (algorithm:hex, e.g. sha256: and 64 hex digits)";
        return {};
    }
    return digest.get<std::string>();
}

std::vector<std::string> strings_of(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (j.is_array())
        for (const auto& v : j)
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

}  // namespace

ManifestReading read_manifest(std::string_view body, bool index_allowed) {
    ManifestReading r;
    nlohmann::json manifest = registry_json(body);
    if (!manifest.is_object()) return r;
    r.json = true;
    r.media_type = text_at(manifest, {"mediaType"});
    const nlohmann::json& manifests = json_at(manifest, {"manifests"});
    if (index_allowed && manifests.is_array()) {
        r.index = true;
        size_t platforms = 0;
        for (const auto& entry : manifests)
            if (text_at(entry, {"platform", "os"}) != "unknown") ++platforms;
        if (platforms > kMaxPlatforms)
            r.notes.push_back("the index lists " + std::to_string(platforms) +
                              " platforms; only the first " + std::to_string(kMaxPlatforms) +
                              " were read");
        for (size_t i = 0; i < manifests.size() && r.platforms.size() < kMaxPlatforms; ++i) {
            const nlohmann::json& entry = manifests[i];
            ImagePlatform p;
            p.os = text_at(entry, {"platform", "os"});
            if (p.os == "unknown") continue;
            p.architecture = text_at(entry, {"platform", "architecture"});
            p.variant = text_at(entry, {"platform", "variant"});
            p.digest =
                digest_of(entry, "the index's manifests[" + std::to_string(i) + "]", r.error);
            if (!r.error.empty()) break;
            r.platforms.push_back(std::move(p));
        }
        return r;
    }
    if (index_allowed && !manifests.is_null()) {
        r.error = "the index's manifests is " + shown(manifests) + " (a " + manifests.type_name() +
                  "), not a list";
        return r;
    }
    if (!json_at(manifest, {"config"}).is_object()) {
        r.error = "the manifest has no config";
        return r;
    }
    r.config_digest = digest_of(manifest["config"], "the manifest's config", r.error);
    return r;
}

bool read_image_config(std::string_view body, const std::string& digest, ImagePlatform& p,
                       std::string& error) {
    nlohmann::json config = registry_json(body);
    if (!config.is_object()) {
        error = "the config blob " + digest + " is not JSON";
        return false;
    }
    // Fields of another type than the spec's are left empty, as Go's decoder would refuse them.
    if (p.os.empty()) p.os = text_at(config, {"os"});
    if (p.architecture.empty()) p.architecture = text_at(config, {"architecture"});
    if (p.variant.empty()) p.variant = text_at(config, {"variant"});
    p.entrypoint = strings_of(json_at(config, {"config", "Entrypoint"}));
    p.cmd = strings_of(json_at(config, {"config", "Cmd"}));
    return true;
}

}  // namespace certdoctor
