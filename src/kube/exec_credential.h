// What an exec credential plugin prints (client.authentication.k8s.io ExecCredential), read
// into the credential the client sends. Pure reading (no I/O), so that a plugin's output can be
// fuzzed alone; the client runs the plugin and hands its output here.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace certdoctor {

struct ExecCredentialStatus {
    std::string token;
    std::string client_certificate_pem;
    std::string client_key_pem;
    std::time_t expires = 0;  // 0: no expirationTimestamp
};

// Throws Error starting with `who` (the user and plugin) when the output is not an
// ExecCredential of `api_version` with a token, or a client certificate and key.
ExecCredentialStatus read_exec_credential(std::string_view output, const std::string& api_version,
                                          const std::string& who);

}  // namespace certdoctor
