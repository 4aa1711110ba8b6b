// Fuzz target: the ConfigMap merge of `diagnose --apply` and of the add-ca fix
// (config-registry-cert as read from the API server, plus the CA the probe found), and the texts
// that show it: the object as YAML, the unified diff, the complete manifest and the merge-patch
// command. Input: the ConfigMap as JSON, a NUL byte, then the PEM text to add. Beyond "no crash",
// two properties abort the run when broken:
//  - every certificate that was in the bundle before is there after, and every other key of the
//    ConfigMap's data is kept as it was;
//  - no private key, and no value of a key that looks_secret() flags, is printed in any of the
//    texts (a value counts as printed only where it would not be printed had it been a marker).
#include <openssl/err.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "fix/applier.h"
#include "fix/artefacts.h"
#include "fix/object_diff.h"
#include "fuzz_support.h"
#include "probe/openssl_util.h"
#include "util/bounded_json.h"
#include "util/secret_value.h"

namespace {

using Json = nlohmann::json;
using namespace certdoctor;

const std::string kNamespace = "tekton-pipelines";
const std::string kName = "config-registry-cert";
const std::string kKey = "cert";
const std::string kMarker = "-----BEGIN PRIVATE KEY-----fuzz-marker";

[[noreturn]] void broken(const std::string& property, const std::string& detail) {
    std::fprintf(stderr, "configmap_merge_fuzz: property broken: %s\n%s\n", property.c_str(),
                 detail.substr(0, 4000).c_str());
    std::abort();
}

// The SHA-256 of each certificate of a bundle that parses, one PEM block at a time.
std::set<std::string> certificate_digests(const std::string& text) {
    static const std::string begin = "-----BEGIN CERTIFICATE-----",
                             end = "-----END CERTIFICATE-----";
    std::set<std::string> out;
    for (size_t at = text.find(begin); at != std::string::npos; at = text.find(begin, at)) {
        size_t stop = text.find(end, at);
        if (stop == std::string::npos) break;
        try {
            auto certs = read_pem_certificates(text.substr(at, stop + end.size() - at), "fuzz");
            if (!certs.empty()) out.insert(sha256_hex(certs.front().get()));
        } catch (const Error&) {
        }
        at = stop + end.size();
    }
    return out;
}

std::string data_text(const Json& cm, const std::string& key) {
    if (!cm.is_object() || !cm.contains("data") || !cm["data"].is_object()) return {};
    auto it = cm["data"].find(key);
    return it != cm["data"].end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The secret values anywhere in `j` (strings that looks_secret flags under their key), and `j`
// with each of them replaced by a marker that is itself flagged.
void secrets_of(Json& j, const std::string& key, std::vector<std::string>& found) {
    if (j.is_string()) {
        if (looks_secret(key, j.get<std::string>())) {
            found.push_back(j.get<std::string>());
            j = kMarker;
        }
    } else if (j.is_object()) {
        for (auto& [k, v] : j.items()) secrets_of(v, k, found);
    } else if (j.is_array()) {
        for (auto& v : j) secrets_of(v, key, found);
    }
}

struct Block {
    size_t from, to;
};

// The private key PEM blocks of `text`, from each BEGIN marker to the next dashes (its END line,
// or whatever marker comes first when that is missing: base64 has no dashes).
std::vector<Block> key_blocks(const std::string& text) {
    std::vector<Block> blocks;
    static const std::string begin = "-----BEGIN ", label_end = "PRIVATE KEY-----";
    for (size_t at = text.find(begin); at != std::string::npos; at = text.find(begin, at + 1)) {
        // "-----BEGIN PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----", ...
        size_t dashes = text.find("-----", at + begin.size());
        if (dashes == std::string::npos || dashes + 5 < label_end.size() ||
            text.compare(dashes + 5 - label_end.size(), label_end.size(), label_end) != 0)
            continue;
        size_t stop = text.find("-----", dashes + 5);
        blocks.push_back({at, stop == std::string::npos ? text.size() : stop});
    }
    return blocks;
}

// `text` without its private key blocks.
std::string outside_keys(const std::string& text) {
    std::string outside;
    size_t from = 0;
    for (const auto& b : key_blocks(text)) {
        if (b.from > from) outside += text.substr(from, b.from - from) + "\n";
        from = std::max(from, b.to);
    }
    return outside + text.substr(std::min(from, text.size()));
}

// The body lines (16 characters or more, trimmed) of each private key block in `text` that the
// input has nowhere outside a key (`outside`: a line copied into a certificate is not key
// material, and printing that certificate is not printing a key).
std::vector<std::string> private_key_lines(const std::string& text, const std::string& outside) {
    std::vector<std::string> out;
    for (const auto& b : key_blocks(text)) {
        for (size_t line_start = text.find('\n', b.from);
             line_start != std::string::npos && line_start < b.to;) {
            size_t next = text.find('\n', line_start + 1);
            std::string line = text.substr(
                line_start + 1, (next == std::string::npos ? text.size() : next) - line_start - 1);
            while (!line.empty() &&
                   (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
                line.pop_back();
            while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.erase(0, 1);
            if (line.size() >= 16 && line.find("-----") == std::string::npos &&
                outside.find(line) == std::string::npos)
                out.push_back(line);
            if (out.size() > 64) return out;
            line_start = next;
        }
    }
    return out;
}

// Every string of `j`, one after another.
void all_strings(const Json& j, std::string& out) {
    if (j.is_string())
        out += j.get<std::string>() + "\n";
    else if (j.is_object())
        for (const auto& [k, v] : j.items()) out += k + "\n", all_strings(v, out);
    else if (j.is_array())
        for (const auto& v : j) all_strings(v, out);
}

// Everything the merge prints for a ConfigMap `current` and the PEM `added`.
struct Shown {
    std::string text;
    Json after;
};
Shown show(const Json& current, const std::string& added) {
    Shown s;
    s.after = configmap_with_pems(current, kNamespace, kName, kKey, {added});
    s.text = object_yaml(current) + object_yaml(s.after) +
             unified_diff(object_yaml(current), object_yaml(s.after), "configmap " + kName);
    // The add-ca fix's artefacts: the complete manifest and the merge-patch command.
    Finding f;
    f.probed = true;
    f.probe.has_anchor = true;
    f.probe.trust_anchor.pem = added;
    f.installation.read = true;
    f.installation.configmap_present = true;
    if (current.is_object() && current.contains("data") && current["data"].is_object())
        for (const auto& [k, v] : current["data"].items())
            if (v.is_string()) f.installation.configmap_data.emplace_back(k, v.get<std::string>());
    FixView view;
    view.id = "add-ca-to-config-registry-cert";
    build_artefacts(view, f);
    s.text += view.manifest;
    for (const auto& c : view.commands) s.text += c + "\n";
    for (const auto& c : view.comments) s.text += c.text + "\n";
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input = fuzz::as_text(data, size);
    size_t nul = input.find('\0');
    std::string_view object_text = input.substr(0, nul);
    // What is added is the tool's own: the probe's trust anchor, written by OpenSSL from the
    // certificate it parsed. So the certificates of the PEM text after the NUL, re-encoded.
    std::string added;
    if (nul != std::string_view::npos) {
        try {
            for (const auto& cert : read_pem_certificates(input.substr(nul + 1), "fuzz"))
                added += to_pem(cert.get());
        } catch (const Error&) {
        }
        ERR_clear_error();
    }
    BoundedJson parsed = parse_json_bounded(object_text);
    // The API answers objects only; anything else is read as a missing ConfigMap.
    Json current = parsed.ok() && parsed.value.is_object() ? std::move(parsed.value) : Json();

    Shown shown;
    try {
        shown = show(current, added);
    } catch (const Error&) {
        ERR_clear_error();
        return 0;
    }

    // Every certificate kept, every other key kept.
    std::set<std::string> before = certificate_digests(data_text(current, kKey));
    std::set<std::string> after = certificate_digests(data_text(shown.after, kKey));
    for (const auto& d : before)
        if (!after.count(d)) broken("a certificate of the bundle was lost", d);
    for (const auto& d : certificate_digests(added))
        if (!after.count(d)) broken("an added certificate is missing", d);
    if (current.is_object() && current.contains("data") && current["data"].is_object())
        for (const auto& [k, v] : current["data"].items())
            if (k != kKey && (!shown.after["data"].contains(k) || shown.after["data"][k] != v))
                broken("the data key was changed or dropped", k);

    // No secret printed: each secret value must be absent from the texts, unless the same texts
    // made with the secrets replaced by a marker hold it too (it is then printed for another
    // reason, e.g. a secret value "data").
    std::vector<std::string> secrets;
    Json masked = current;
    secrets_of(masked, "", secrets);
    std::vector<std::string> added_secrets;
    Json added_json = added;
    secrets_of(added_json, kKey, added_secrets);  // a private key in the PEM to add
    secrets.insert(secrets.end(), added_secrets.begin(), added_secrets.end());
    if (!secrets.empty()) {
        std::string masked_added = added_secrets.empty() ? added : kMarker;
        std::string masked_text;
        try {
            masked_text = show(masked, masked_added).text;
        } catch (const Error&) {
            ERR_clear_error();
            return 0;
        }
        for (const auto& secret : secrets) {
            if (secret.size() < 8) continue;  // too short to tell from the text around it
            if (shown.text.find(secret) != std::string::npos &&
                masked_text.find(secret) == std::string::npos)
                broken("a secret value is printed", secret + "\n--- in ---\n" + shown.text);
        }
        // A private key's lines, wherever it sat (the bundle's blocks are re-written line by line).
        std::string everything = added;
        all_strings(current, everything);
        const std::string outside = outside_keys(everything);
        for (const auto& secret : secrets)
            for (const auto& line : private_key_lines(secret, outside))
                if (shown.text.find(line) != std::string::npos &&
                    masked_text.find(line) == std::string::npos)
                    broken("a line of a private key is printed",
                           line + "\n--- in ---\n" + shown.text);
    }
    ERR_clear_error();
    return 0;
}
