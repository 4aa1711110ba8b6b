#include "probe/image_config.h"
#include "util/text.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <re2/re2.h>

#include "probe/http_fetch.h"
#include "util/error.h"
#include "util/bounded_json.h"
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

std::string base64(const std::string& in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string unbase64(const std::string& in) {
    std::string out(3 * in.size() / 4 + 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0) return {};
    size_t pad = 0;
    for (auto it = in.rbegin(); it != in.rend() && *it == '='; ++it) ++pad;
    out.resize(static_cast<size_t>(n) - std::min<size_t>(pad, static_cast<size_t>(n)));
    return out;
}

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
            authorization = "Basic " + base64(credential.username + ":" + credential.password);
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
            headers.push_back("Authorization: Basic " + base64(credential.username + ":" + credential.password));
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

std::vector<std::string> strings_of(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (j.is_array())
        for (const auto& v : j)
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

bool read_platform(Session& s, const nlohmann::json& manifest, ImagePlatform& p, std::string& error) {
    if (!manifest.contains("config") || !manifest["config"].contains("digest")) {
        error = "the manifest has no config";
        return false;
    }
    std::string digest = manifest["config"]["digest"].get<std::string>();
    HttpResponse blob = s.fetch("/v2/" + s.repository + "/blobs/" + digest, {}, true, error);
    if (!error.empty()) return false;
    auto config = registry_json(blob.body);
    if (!config.is_object()) {
        error = "the config blob " + digest + " is not JSON";
        return false;
    }
    if (p.os.empty() && config.contains("os")) p.os = config["os"].get<std::string>();
    if (p.architecture.empty() && config.contains("architecture")) p.architecture = config["architecture"].get<std::string>();
    if (p.variant.empty() && config.contains("variant") && config["variant"].is_string()) p.variant = config["variant"];
    if (config.contains("config") && config["config"].is_object()) {
        p.entrypoint = strings_of(config["config"].value("Entrypoint", nlohmann::json()));
        p.cmd = strings_of(config["config"].value("Cmd", nlohmann::json()));
    }
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
            std::string pair = unbase64(entry["auth"].get<std::string>());
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
    if (digest_header != top.headers.end()) image.digest = digest_header->second;
    auto type_header = top.headers.find("content-type");
    image.media_type = manifest.value("mediaType", type_header != top.headers.end() ? type_header->second : "");
    if (manifest.contains("manifests") && manifest["manifests"].is_array()) {
        // An index: one entry per platform, as Tekton resolves them.
        for (const auto& entry : manifest["manifests"]) {
            if (image.platforms.size() >= kMaxPlatforms) break;
            ImagePlatform p;
            p.digest = entry.value("digest", "");
            if (entry.contains("platform") && entry["platform"].is_object()) {
                p.os = entry["platform"].value("os", "");
                p.architecture = entry["platform"].value("architecture", "");
                p.variant = entry["platform"].value("variant", "");
            }
            if (p.os == "unknown") continue;  // attestation manifests
            HttpResponse child = s.fetch("/v2/" + target.repository + "/manifests/" + p.digest, {kManifestAccept}, false, error);
            if (!error.empty()) break;
            auto child_manifest = registry_json(child.body);
            if (!child_manifest.is_object() || !read_platform(s, child_manifest, p, error)) {
                if (error.empty()) error = "the manifest " + p.digest + " is not JSON";
                break;
            }
            image.platforms.push_back(std::move(p));
        }
    } else {
        ImagePlatform p;
        p.digest = image.digest;
        if (read_platform(s, manifest, p, error)) image.platforms.push_back(std::move(p));
    }
    image.error = error;
    image.read = error.empty() && !image.platforms.empty();
}

}  // namespace certdoctor
