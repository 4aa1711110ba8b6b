// The pool of certificates Go trusts for a probe: the system bundle Go would read on Linux (read
// once per process, decoded only where a chain names it) and the --ca-file bundles. The verifier
// (go_verify.h) asks it for the certificates a chain can reach.
#pragma once

#include <string>
#include <vector>

#include "probe/openssl_util.h"

namespace certdoctor {

class SystemRoots;

struct TrustPool {
    std::vector<X509Ptr> certificates;    // given (--ca-file, a ConfigMap's bundle)
    const SystemRoots* system = nullptr;  // the system bundle, when trusted
    std::vector<std::string>
        sources;              // "system (/etc/ssl/certs/ca-certificates.crt)", "--ca-file x.pem"
    std::string pem() const;  // every certificate, for clients that take a CA bundle
    // The pool's certificates a path for `chain` can use: every given one, and the system roots
    // named, directly or through other roots, as an issuer of the chain (as Go's pool finds
    // parents by their raw subject). System roots are parsed only when named.
    std::vector<X509*> candidates(const std::vector<X509Ptr>& chain) const;
    // True when the pool holds a certificate whose subject is `name` (the issuer a chain names).
    bool has_subject(X509_NAME* name, const std::vector<X509Ptr>& chain) const;
};

// The roots Go would load on Linux: $SSL_CERT_FILE, else the first bundle that exists of the usual
// distribution paths. Nothing is added when none is found. The bundle is read once per process;
// its certificates are decoded only when a chain names them.
void add_system_roots(TrustPool& pool);
// Throws Error naming the file when it cannot be read or holds no PEM certificate.
void add_ca_file(TrustPool& pool, const std::string& path);

}  // namespace certdoctor
