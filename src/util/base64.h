// Standard base64 (RFC 4648), through OpenSSL's block coder: kubeconfig *-data fields, docker
// config.json `auth` entries, Basic credentials.
//
//   base64_encode("user:pass")       -> "dXNlcjpwYXNz"
//   base64_decode("dXNlcjpwYXNz")    -> "user:pass"     (whitespace skipped, padding optional)
//   base64_decode("not base64!")     -> nullopt
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace certdoctor {

std::string base64_encode(std::string_view bytes);

// nullopt when `text` holds anything but the alphabet, whitespace and padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace certdoctor
