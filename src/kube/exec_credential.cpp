#include "kube/exec_credential.h"

#include <nlohmann/json.hpp>

#include "util/bounded_json.h"
#include "util/error.h"
#include "util/header_value.h"
#include "util/time.h"

namespace certdoctor {

ExecCredentialStatus read_exec_credential(std::string_view output, const std::string& api_version,
                                          const std::string& who) {
    nlohmann::json cred = parse_json_bounded(output).value;
    if (!cred.is_object() || !cred.contains("kind") || !cred["kind"].is_string() ||
        cred["kind"].get_ref<const std::string&>() != "ExecCredential")
        throw Error(who + " did not print an ExecCredential as JSON");
    std::string version = cred.contains("apiVersion") && cred["apiVersion"].is_string()
                              ? cred["apiVersion"].get<std::string>()
                              : "";
    if (version != api_version)
        throw Error(who + " answered with apiVersion '" + version + "', expected " + api_version);
    const auto& status = cred["status"];
    if (!status.is_object()) throw Error(who + " printed an ExecCredential without status");
    auto text = [&](const char* key) {
        return status.contains(key) && status[key].is_string() ? status[key].get<std::string>()
                                                               : std::string();
    };
    ExecCredentialStatus s;
    s.token = text("token");
    if (!is_header_safe(s.token))
        throw Error(
            who +
            " gave a token holding a CR, LF or NUL character, which would end the request header");
    s.client_certificate_pem = text("clientCertificateData");
    s.client_key_pem = text("clientKeyData");
    if (s.token.empty() && (s.client_certificate_pem.empty() || s.client_key_pem.empty()))
        throw Error(who + " gave neither a token nor a client certificate and key");
    std::string expiry = text("expirationTimestamp");
    if (!expiry.empty()) {
        auto t = parse_rfc3339(expiry);
        if (!t) throw Error(who + ": expirationTimestamp '" + expiry + "' is not RFC 3339");
        s.expires = *t;
    }
    return s;
}

}  // namespace certdoctor
