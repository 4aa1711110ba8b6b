// Go's crypto/x509 rules for names: matching the dialled host against a leaf (VerifyHostname and
// the wording of its HostnameError) and name constraints (permitted and excluded DNS, IP, email
// and URI names, as Go 1.19's isValid applies them). Pure functions over GoCertificate facts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "probe/go_certificate.h"

namespace certdoctor {

// Go's domainToReverseLabels: nullopt when `domain` is not a name Go can compare.
std::optional<std::vector<std::string>> domain_to_reverse_labels(const std::string& domain);
bool valid_ip_mask(const std::string& mask);       // ones, then zeros
std::string go_ip_string(const std::string& raw);  // net.IP.String()

// A host name failure, in Go's words; `kind` is hostname-mismatch, no-ip-sans or
// legacy-common-name.
struct GoNameFailure {
    std::string kind;
    std::string message;
};
// Go's VerifyHostname(host) on `leaf`: nullopt when the leaf is valid for `host`.
std::optional<GoNameFailure> go_verify_hostname(const GoCertificate& leaf, const std::string& host);

// The name constraints of `ca` over the SANs of `leaf` and of `ca` itself (Go 1.19 checks those
// two), counting comparisons in `count` against Go's bound of 250,000. nullopt when they pass;
// else Go's message, and `kind` "name-constraints" (or "other" for a SAN Go cannot parse).
std::optional<GoNameFailure> go_check_name_constraints(const GoCertificate& ca,
                                                       const GoCertificate& leaf, int& count);

}  // namespace certdoctor
