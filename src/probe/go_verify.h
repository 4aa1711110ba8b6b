// Judges a served chain the way Go's crypto/x509 Verify does for an HTTPS client, in Go's order:
// the leaf's validity period, then the host name (subject alternative names only; an IP needs an
// IP SAN), then a path from the served intermediates to any certificate of the trusted pool (Go
// trusts every pool certificate as an anchor), with CA flags, server-auth usage, and signatures
// Go refuses (SHA-1, MD5). Reports the problem in the report's vocabulary and Go's own wording.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "probe/openssl_util.h"

namespace certdoctor {

class SystemRoots;

struct TrustPool {
    std::vector<X509Ptr> certificates;       // given (--ca-file, a ConfigMap's bundle)
    const SystemRoots* system = nullptr;     // the system bundle, when trusted
    std::vector<std::string> sources;        // "system (/etc/ssl/certs/ca-certificates.crt)", "--ca-file x.pem"
    std::string pem() const;                 // every certificate, for clients that take a CA bundle
    // The pool's certificates a path for `chain` can use: every given one, and the system roots
    // named, directly or through other roots, as an issuer of the chain (as Go's pool finds
    // parents by their raw subject). System roots are parsed only when named.
    std::vector<X509*> candidates(const std::vector<X509Ptr>& chain) const;
};

// The roots Go would load on Linux: $SSL_CERT_FILE, else the first bundle that exists of the usual
// distribution paths. Nothing is added when none is found. The bundle is read once per process;
// its certificates are decoded only when a chain names them.
void add_system_roots(TrustPool& pool);
// Throws Error naming the file when it cannot be read or holds no PEM certificate.
void add_ca_file(TrustPool& pool, const std::string& path);

struct GoVerdict {
    std::string problem;  // "ok", or the vocabulary's problem
    std::string detail;   // as Go prints it
    std::vector<X509*> path;  // leaf to anchor, when a path was built (owned by chain or pool)
    bool issuer_missing = false;  // no path because an issuer is neither served nor trusted
    std::string valid_until;  // the first notAfter on `path`, RFC 3339; "" without a path
};

// `host` "" checks no name (as Go with an empty DNSName); `at` 0 is now.
GoVerdict go_verify(const std::vector<X509Ptr>& served, const std::string& host, bool host_is_ip,
                    const TrustPool& pool, std::time_t at = 0);

}  // namespace certdoctor
