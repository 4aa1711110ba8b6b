#include "probe/image_config.h"
#include "util/text.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <re2/re2.h>

#include "probe/digest.h"
#include "probe/http_fetch.h"
#include "probe/manifest.h"
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

// The config blob a manifest names, fetched and read into `p`.
bool read_config(Session& s, const ManifestReading& m, ImagePlatform& p, std::string& error) {
    if (!m.error.empty()) {
        error = m.error;
        return false;
    }
    HttpResponse blob = s.fetch("/v2/" + s.repository + "/blobs/" + m.config_digest, {}, true, error);
    if (!error.empty()) return false;
    if (!content_matches_digest(blob.body, m.config_digest)) {
        error = "the config blob served for " + m.config_digest + " does not hash to that digest";
        return false;
    }
    return read_image_config(blob.body, m.config_digest, p, error);
}

// A platform's manifest (`p.digest`) and its config blob, fetched and read into `p`.
bool read_platform(Session& s, ImagePlatform& p, std::string& error) {
    HttpResponse child = s.fetch("/v2/" + s.repository + "/manifests/" + p.digest, {kManifestAccept}, false, error);
    if (!error.empty()) return false;
    if (!content_matches_digest(child.body, p.digest)) {
        error = "the manifest served for " + p.digest + " does not hash to that digest";
        return false;
    }
    ManifestReading m = read_manifest(child.body, false);
    if (!m.json) {
        error = "the manifest " + p.digest + " is not JSON";
        return false;
    }
    return read_config(s, m, p, error);
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
    if (is_valid_digest(target.reference) && !content_matches_digest(top.body, target.reference)) {
        image.error = "the manifest served for " + target.reference + " does not hash to that digest";
        return;
    }
    ManifestReading manifest = read_manifest(top.body, true);
    if (!manifest.json) {
        image.error = "the manifest is not JSON";
        return;
    }
    auto digest_header = top.headers.find("docker-content-digest");
    if (digest_header != top.headers.end() && is_valid_digest(digest_header->second)) image.digest = digest_header->second;
    auto type_header = top.headers.find("content-type");
    image.media_type = manifest.media_type;
    if (image.media_type.empty() && type_header != top.headers.end()) image.media_type = type_header->second;
    if (manifest.index) {
        // An index: one entry per platform, as Tekton resolves them.
        image.notes = manifest.notes;
        for (ImagePlatform& p : manifest.platforms) {
            if (!read_platform(s, p, error)) break;
            image.platforms.push_back(std::move(p));
        }
        // An entry that is no descriptor ends the list where it stands.
        if (error.empty()) error = manifest.error;
    } else {
        ImagePlatform p;
        p.digest = image.digest;
        if (read_config(s, manifest, p, error)) image.platforms.push_back(std::move(p));
    }
    image.error = error;
    image.read = error.empty() && !image.platforms.empty();
}

}  // namespace certdoctor
