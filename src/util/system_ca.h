// Where this host keeps its trusted CA certificates, found at run time as Go (and so kubectl and
// Tekton) finds them, instead of a path compiled into a library: the release binary's OpenSSL
// and libcurl carry no distribution's paths. Clients that verify a server with the system's
// trust pass these to libcurl.
#pragma once

#include <span>
#include <string>

namespace certdoctor {

struct SystemCa {
    std::string file;  // a bundle: $SSL_CERT_FILE, else the first of the distributions' paths
    std::string dir;   // hashed certificates: $SSL_CERT_DIR (colon-separated), else the first
                       // of /etc/ssl/certs, /etc/pki/tls/certs that exists
};

// Looked up once per process; a field is empty when nothing was found.
const SystemCa& system_ca();

// The bundle paths of the distributions, in Go's order (crypto/x509 root_linux.go).
std::span<const char* const> system_ca_bundle_paths();

}  // namespace certdoctor
