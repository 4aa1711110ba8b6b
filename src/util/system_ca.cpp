#include "util/system_ca.h"

#include <cstdlib>
#include <filesystem>

namespace certdoctor {

namespace {

// Go's crypto/x509 root_linux.go lists, in its order.
constexpr const char* kBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Gentoo, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL 6
    "/etc/ssl/ca-bundle.pem",                             // OpenSUSE
    "/etc/pki/tls/cacert.pem",                            // OpenELEC
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7
    "/etc/ssl/cert.pem",                                  // Alpine
};
constexpr const char* kDirectories[] = {"/etc/ssl/certs", "/etc/pki/tls/certs"};

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

SystemCa find_system_ca() {
    SystemCa ca;
    std::error_code ec;
    ca.file = env("SSL_CERT_FILE");
    if (ca.file.empty()) {
        for (const char* path : kBundles) {
            if (std::filesystem::is_regular_file(path, ec)) {
                ca.file = path;
                break;
            }
        }
    }
    ca.dir = env("SSL_CERT_DIR");
    if (ca.dir.empty()) {
        for (const char* path : kDirectories) {
            if (std::filesystem::is_directory(path, ec)) {
                ca.dir = path;
                break;
            }
        }
    }
    return ca;
}

}  // namespace

std::span<const char* const> system_ca_bundle_paths() {
    return kBundles;
}

const SystemCa& system_ca() {
    static const SystemCa ca = find_system_ca();
    return ca;
}

}  // namespace certdoctor
