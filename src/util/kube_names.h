// The shapes Kubernetes gives names, checked before a value read from input or a flag is written
// into a request path, a command or a manifest.
#pragma once

#include <string_view>

namespace certdoctor {

// An RFC 1123 label, as a namespace's name: lower-case letters, digits and '-', starting and
// ending with a letter or digit, at most 63 bytes.
bool is_dns_label(std::string_view s);

// An RFC 1123 subdomain, as most objects' names (a ServiceAccount, a Secret, a node): such labels
// (of any length) joined by '.', at most 253 bytes in all.
bool is_dns_subdomain(std::string_view s);

}  // namespace certdoctor
