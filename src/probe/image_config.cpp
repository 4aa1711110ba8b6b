#include "probe/image_config.h"
#include "util/text.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <re2/re2.h>

#include "probe/digest.h"
#include "probe/http_fetch.h"
#include "util/base64.h"
#include "util/error.h"
#include "util/bounded_json.h"
#include "util/header_value.h"
#include "util/json_access.h"
#include "util/read_input.h"

namespace certdoctor {

namespace {

// A registry's JSON within the node and depth budget of its size; discarded (as nlohmann's
// parse without exceptions gives) when it is not JSON or over the budget.
nlohmann::json registry_json(std::string_view body) {
    BoundedJson parsed = parse_json_bounded(body);
    return parsed.ok() ? std::move(parsed.value) : nlohmann::json(nlohmann::json::value_t::discarded);
}

constexpr size_t kMaxManifestBytes = 4u << 20;
constexpr size_t kMaxPlatforms = 32;

const char* kManifestAccept =
    "Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

std::string url_encode(const std::string& s) { return percent_encode(s, "/"); }

// A registry session: the base URL, the trusted CAs, and the Authorization header once known.
struct Session {
    std::string base;  // https://host:port
    std::string repository;
    std::string ca_pem;
    RegistryCredential credential;
    std::string authorization;
    const Deadline* deadline;

    HttpResponse get(const std::string& path, const std::vector<std::string>& extra, bool follow) {
        std::vector<std::string> headers = extra;
        if (!authorization.empty()) headers.push_back("Authorization: " + authorization);
        return http_get({base + path, ca_pem, true, kMaxManifestBytes, headers, follow}, *deadline);
    }

    // Answers a 401 challenge: Basic with the credential, or a bearer token from the realm
    // (anonymous, or with the credential). Returns false when no way in was found.
    bool authenticate(const HttpResponse& challenge_response, std::string& error) {
        auto it = challenge_response.headers.find("www-authenticate");
        if (it == challenge_response.headers.end()) {
            error = "401 without a WWW-Authenticate challenge";
            return false;
        }
        const std::string& challenge = it->second;
        std::string scheme, realm, service;
        RE2::PartialMatch(challenge, "^\\s*(\\w+)", &scheme);
        RE2::PartialMatch(challenge, "realm=\"([^\"]*)\"", &realm);
        RE2::PartialMatch(challenge, "service=\"([^\"]*)\"", &service);
        if (scheme == "Basic") {
            if (credential.username.empty()) {
                error = "the registry wants Basic credentials; pass a docker config.json with --registry-config";
                return false;
            }
            authorization = "Basic " + base64_encode(credential.username + ":" + credential.password);
            return true;
        }
        if (scheme != "Bearer" || realm.empty()) {
            error = "unsupported challenge scheme " + scheme;
            return false;
        }
        std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&") +
                          "service=" + url_encode(service) + "&scope=" + url_encode("repository:" + repository + ":pull");
        std::vector<std::string> headers;
        if (!credential.username.empty())
            headers.push_back("Authorization: Basic " + base64_encode(credential.username + ":" + credential.password));
        HttpResponse token = http_get({url, ca_pem, true, 64 * 1024, headers, false}, *deadline);
        if (!token.ok || token.status != 200) {
            error = "token request to " + realm + " failed: " +
                    (token.ok ? "HTTP " + std::to_string(token.status) : token.error);
            return false;
        }
        auto j = registry_json(token.body);
        std::string value;
        if (j.is_object())
            for (const char* key : {"token", "access_token"})
                if (j.contains(key) && j[key].is_string()) value = j[key].get<std::string>();
        if (value.empty()) {
            error = "the token endpoint " + realm + " answered without a token";
            return false;
        }
        if (!is_header_safe(value)) {  // it goes into the Authorization header of the next requests
            error = "the token endpoint " + realm + " answered a token holding a CR, LF or NUL character";
            return false;
        }
        authorization = "Bearer " + value;
        return true;
    }

    // GET with one authentication round when challenged.
    HttpResponse fetch(const std::string& path, const std::vector<std::string>& headers, bool follow, std::string& error) {
        HttpResponse r = get(path, headers, follow);
        if (r.ok && r.status == 401 && authorization.empty()) {
            if (!authenticate(r, error)) return r;
            r = get(path, headers, follow);
        }
        if (!r.ok) error = r.error;
        else if (r.status != 200) error = "GET " + path + ": HTTP " + std::to_string(r.status);
        else if (r.truncated) error = "GET " + path + ": larger than " + std::to_string(kMaxManifestBytes >> 20) + " MiB";
        return r;
    }
};

// A value from the registry's JSON for an error message: JSON-quoted (control characters
// escaped) and cut at 80 characters.
std::string shown(const nlohmann::json& v) {
    std::string text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return text.size() > 80 ? text.substr(0, 80) + "..." : text;
}

// The "digest" of a descriptor (`what` names it in errors): an object whose digest is a string
// in the OCI grammar, checked before it goes into a request path. "" and `error` set otherwise.
std::string digest_of(const nlohmann::json& descriptor, const std::string& what, std::string& error) {
    if (!descriptor.is_object()) {
        error = what + " is " + shown(descriptor) + " (a " + descriptor.type_name() + "), not an object";
        return {};
    }
    const nlohmann::json& digest = json_at(descriptor, {"digest"});
    if (!digest.is_string()) {
        error = what + ".digest is " + shown(digest) + " (a " + digest.type_name() + "), not a string";
        return {};
    }
    if (!is_valid_digest(digest.get_ref<const std::string&>())) {
        error = what + ".digest " + shown(digest) + " is not a digest (algorithm:hex, e.g. sha256: and 64 hex digits)";
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

bool read_platform(Session& s, const nlohmann::json& manifest, ImagePlatform& p, std::string& error) {
    if (!json_at(manifest, {"config"}).is_object()) {
        error = "the manifest has no config";
        return false;
    }
    std::string digest = digest_of(manifest["config"], "the manifest's config", error);
    if (!error.empty()) return false;
    HttpResponse blob = s.fetch("/v2/" + s.repository + "/blobs/" + digest, {}, true, error);
    if (!error.empty()) return false;
    auto config = registry_json(blob.body);
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

}  // namespace

RegistryCredential credential_from_docker_config(const std::string& path, const std::string& registry) {
    RegistryCredential c;
    auto j = registry_json(read_input(path, 1u << 20));
    if (j.is_discarded() || !j.is_object()) throw input_error("--registry-config " + path + ": not valid JSON");
    if (!j.contains("auths") || !j["auths"].is_object()) return c;
    for (const auto& [key, entry] : j["auths"].items()) {
        std::string host = key;
        for (const char* scheme : {"https://", "http://"})
            if (host.rfind(scheme, 0) == 0) host = host.substr(std::string(scheme).size());
        host = host.substr(0, host.find('/'));
        if (host != registry && !(registry == "index.docker.io" && host == "docker.io")) continue;
        if (!entry.is_object()) continue;
        if (entry.contains("identitytoken") && entry["identitytoken"].is_string()) c.identity_token = entry["identitytoken"];
        if (entry.contains("username") && entry["username"].is_string()) c.username = entry["username"];
        if (entry.contains("password") && entry["password"].is_string()) c.password = entry["password"];
        if (c.username.empty() && entry.contains("auth") && entry["auth"].is_string()) {
            std::string pair = base64_decode(entry["auth"].get<std::string>()).value_or("");
            size_t colon = pair.find(':');
            if (colon != std::string::npos) {
                c.username = pair.substr(0, colon);
                c.password = pair.substr(colon + 1);
            }
        }
        return c;
    }
    return c;
}

void read_image_entrypoint(ProbeResult& result, const ProbeTarget& target, const std::string& ca_pem,
                           const RegistryCredential& credential, const Deadline& deadline) {
    ImageView& image = result.image;
    image.reference = target.registry() + "/" + target.repository +
                      (target.reference.rfind("sha256:", 0) == 0 ? "@" : ":") + target.reference;
    if (target.repository.empty()) {
        image.error = "--entrypoint needs an image reference (registry/repository:tag)";
        return;
    }
    Session s{target.base_url(), target.repository, ca_pem, credential, "", &deadline};
    std::string error;
    HttpResponse top = s.fetch("/v2/" + target.repository + "/manifests/" + target.reference, {kManifestAccept}, false, error);
    if (!error.empty()) {
        image.error = error;
        return;
    }
    auto manifest = registry_json(top.body);
    if (!manifest.is_object()) {
        image.error = "the manifest is not JSON";
        return;
    }
    auto digest_header = top.headers.find("docker-content-digest");
    if (digest_header != top.headers.end() && is_valid_digest(digest_header->second)) image.digest = digest_header->second;
    auto type_header = top.headers.find("content-type");
    image.media_type = text_at(manifest, {"mediaType"});
    if (image.media_type.empty() && type_header != top.headers.end()) image.media_type = type_header->second;
    const nlohmann::json& manifests = json_at(manifest, {"manifests"});
    if (manifests.is_array()) {
        // An index: one entry per platform, as Tekton resolves them; attestation manifests
        // (platform unknown/unknown) are no platform.
        size_t platforms = 0;
        for (const auto& entry : manifests)
            if (text_at(entry, {"platform", "os"}) != "unknown") ++platforms;
        if (platforms > kMaxPlatforms)
            image.notes.push_back("the index lists " + std::to_string(platforms) + " platforms; only the first " +
                                  std::to_string(kMaxPlatforms) + " were read");
        for (size_t i = 0; i < manifests.size() && image.platforms.size() < kMaxPlatforms; ++i) {
            const nlohmann::json& entry = manifests[i];
            ImagePlatform p;
            p.os = text_at(entry, {"platform", "os"});
            if (p.os == "unknown") continue;
            p.architecture = text_at(entry, {"platform", "architecture"});
            p.variant = text_at(entry, {"platform", "variant"});
            p.digest = digest_of(entry, "the index's manifests[" + std::to_string(i) + "]", error);
            if (!error.empty()) break;
            HttpResponse child = s.fetch("/v2/" + target.repository + "/manifests/" + p.digest, {kManifestAccept}, false, error);
            if (!error.empty()) break;
            auto child_manifest = registry_json(child.body);
            if (!child_manifest.is_object() || !read_platform(s, child_manifest, p, error)) {
                if (error.empty()) error = "the manifest " + p.digest + " is not JSON";
                break;
            }
            image.platforms.push_back(std::move(p));
        }
    } else if (!manifests.is_null()) {
        error = "the index's manifests is " + shown(manifests) + " (a " + manifests.type_name() + "), not a list";
    } else {
        ImagePlatform p;
        p.digest = image.digest;
        if (read_platform(s, manifest, p, error)) image.platforms.push_back(std::move(p));
    }
    image.error = error;
    image.read = error.empty() && !image.platforms.empty();
}

}  // namespace certdoctor
