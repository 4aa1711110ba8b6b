// Whether a value the tool read (a ConfigMap key, an annotation) may be a secret it must never
// print: it holds a PEM private key, or its key is named like a credential. The one list of such
// names, used by the diff and backups of --apply (fix/object_diff), the complete ConfigMap of the
// add-ca fix (fix/artefacts) and --redact (redact/).
//
//   if (looks_secret("registry-password", v)) out += secret_marker(v.size());
#pragma once

#include <array>
#include <cctype>
#include <string>
#include <string_view>

namespace certdoctor {

// Words that make a key name look like a credential, found anywhere in the name, whatever its
// case. tests/e2e/secrets_test.sh reads this list (the lines between BEGIN and END) and plants a
// value under a key named after each word.
// BEGIN secret key words
inline constexpr std::array<std::string_view, 9> kSecretKeyWords = {
    "token", "password", "passwd", "secret", ".key", "apikey", "api-key", "credential", "private",
};
// END secret key words

inline bool secret_key_name(std::string_view key) {
    std::string k(key);
    for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view word : kSecretKeyWords)
        if (k.find(word) != std::string::npos) return true;
    return false;
}

inline bool looks_secret(std::string_view key, std::string_view value) {
    return value.find("PRIVATE KEY-----") != std::string_view::npos || secret_key_name(key);
}

// What is printed instead of such a value.
inline std::string secret_marker(size_t bytes) {
    return "<redacted: " + std::to_string(bytes) + " bytes>";
}

}  // namespace certdoctor
