// Whether a value the tool read (a ConfigMap key, an annotation) may be a secret it must never
// print: it holds a PEM private key, or its key is named like a credential.
//
//   if (looks_secret("registry-password", v)) out += "<redacted>";
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace certdoctor {

inline bool looks_secret(const std::string& key, const std::string& value) {
    if (value.find("PRIVATE KEY-----") != std::string::npos) return true;
    std::string k = key;
    std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* word : {"token", "password", "passwd", "secret", ".key", "apikey", "api-key",
                             "credential", "private"})
        if (k.find(word) != std::string::npos) return true;
    return false;
}

}  // namespace certdoctor
