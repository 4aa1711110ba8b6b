// A certificate as Go's crypto/x509 parser sees it: the fields its Verify reads (raw names, key
// identifiers, basic constraints, key usage, extended key usage, SANs, name constraints, critical
// extensions it does not handle, the signature algorithm and key by Go's names), read once with
// OpenSSL. The verifier (go_verify.cpp) and the name rules (go_names.cpp) work on these facts.
#pragma once

#include <openssl/x509.h>

#include <ctime>
#include <string>
#include <vector>

namespace certdoctor {

// A subject alternative name or name-constraint base, in the SAN's own encoding (an IP is its
// 4 or 16 raw bytes; an IP range is 8 or 32 bytes: address then mask).
struct GoGeneralName {
    enum class Kind { dns, email, uri, ip };
    Kind kind;
    std::string value;
};

struct GoNameConstraints {
    std::vector<GoGeneralName> permitted, excluded;  // only the kinds Go handles
};

enum class GoKeyAlgorithm { unknown, rsa, ecdsa, ed25519, dsa };
enum class GoSignatureHash { unsupported, md5, sha1, sha2, ed25519 };

struct GoCertificate {
    X509* x509 = nullptr;  // not owned
    std::string raw, raw_subject, raw_issuer;
    int version = 3;
    std::string subject_key_id, authority_key_id;
    bool basic_constraints_valid = false;
    bool is_ca = false;
    long max_path_len = -1;          // -1: no pathLenConstraint
    bool key_usage_present = false;  // with at least one bit (Go's KeyUsage != 0)
    bool key_usage_cert_sign = false;
    bool has_ext_key_usage = false;  // known or unknown purposes listed
    bool ext_key_usage_any = false;
    bool ext_key_usage_server_auth =
        false;  // serverAuth itself (Go 1.19 no longer takes the SGC purposes)
    bool has_san_extension = false;
    std::string san_extension_value;  // the extension's DER, for Go's alreadyInChain
    std::vector<GoGeneralName> sans;  // in order
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;  // raw bytes
    bool has_name_constraints = false;
    GoNameConstraints name_constraints;
    bool unhandled_critical_extension = false;
    std::string parse_error;  // what makes Go's parser refuse the certificate ("" when it parses)
    std::time_t not_before = 0, not_after = 0;
    std::string signature_algorithm;  // Go's name: "SHA256-RSA", "ECDSA-SHA1", ...
    GoSignatureHash signature_hash = GoSignatureHash::unsupported;
    GoKeyAlgorithm signature_key = GoKeyAlgorithm::unknown;  // the key type the signature needs
    GoKeyAlgorithm key_algorithm = GoKeyAlgorithm::unknown;
    int rsa_bits = 0;
    std::string common_name;   // the last CN, as pkix.Name keeps it
    std::string organization;  // the first O
    std::string serial_decimal;
};

GoCertificate go_certificate(X509* cert);

// Go's name for a key type ("*rsa.PublicKey"), as its mismatch errors print it.
const char* go_key_type_name(GoKeyAlgorithm key);
const char* go_key_algorithm_name(GoKeyAlgorithm key);  // "RSA", "ECDSA", ...

}  // namespace certdoctor
