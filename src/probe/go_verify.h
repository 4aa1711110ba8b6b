// Judges a served chain the way Go's crypto/x509 Verify does for an HTTPS client (crypto/tls:
// the served certificates after the leaf as intermediates, the pool as roots, the dialled name,
// the server-auth usage), in Go's order and with Go's wording: the leaf's critical extensions and
// validity, the host name, then every path from the intermediates to the pool that Go's
// buildChains tries (parents by raw subject, ordered by key identifier; signatures, CA flags,
// path lengths, name constraints; at most 100 signature checks), then extended key usage nested
// through the chain. Follows Go 1.19 (Debian's, the differential test's oracle) except where a
// newer Go refuses more: those rules name their Go versions (see `older_go`).
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "probe/openssl_util.h"
#include "probe/trust_pool.h"

namespace certdoctor {

struct GoVerdict {
    std::string problem;  // "ok", or the vocabulary's problem
    std::string detail;   // as Go prints it
    // The kind of Go's result, finer than `problem`: ok, expired, not-yet-valid, hostname-mismatch,
    // no-ip-sans, legacy-common-name, unknown-authority, insecure-signature, rsa-key-too-small,
    // not-authorized-to-sign, too-many-intermediates, incompatible-usage, name-constraints,
    // unhandled-critical-extension, name-mismatch, too-much-work, parse-error, other.
    std::string go_error;
    // Set when older Go releases that controllers were built with would judge otherwise
    // ("Go 1.19 to 1.23 accept RSA keys under 1024 bits").
    std::string older_go;
    std::vector<X509*> path;      // leaf to anchor, when a path verifies (owned by chain or pool)
    bool issuer_missing = false;  // no path because an issuer is neither served nor trusted
    std::string valid_until;      // the first notAfter on `path`, RFC 3339; "" without a path
};

// `host` "" checks no name (as Go with an empty DNSName); an IP literal (bracketed or not) is
// matched against IP SANs. `at` 0 is now.
GoVerdict go_verify(const std::vector<X509Ptr>& served, const std::string& host,
                    const TrustPool& pool, std::time_t at = 0);

}  // namespace certdoctor
