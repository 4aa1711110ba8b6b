// What a probe of one registry found: the chain as served, how Go would judge it, the trust
// anchor to add, and how the registry's /v2/ endpoint answered. Filled by src/probe, read by the
// renderers. Field names follow the JSON the `probe` command prints.
#pragma once

#include <string>
#include <vector>

namespace certdoctor {

struct CertificateView {
    std::string subject;
    std::string issuer;
    std::string serial;       // hex
    std::string not_before;   // RFC 3339, UTC
    std::string not_after;
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;
    std::string common_name;
    bool is_ca = false;
    bool self_signed = false;
    std::string key_type;     // RSA, EC, Ed25519...
    int key_bits = 0;
    std::string signature_algorithm;  // e.g. sha256WithRSAEncryption
    std::string sha256;       // lowercase hex of the DER
    std::string pem;
};

struct TrustAnchorView {
    std::string subject;
    std::string sha256;
    std::string pem;
    bool served = true;       // false: taken from the trusted pool, not sent by the server
    std::string warning;      // set when the top certificate is offered although it is no root
};

// The certificate the served chain stops short of: the issuer of its top certificate, which is
// neither served nor trusted. Empty subject when nothing is missing.
struct MissingIssuerView {
    std::string subject;
    std::string key_id;       // the top certificate's authority key identifier, hex with colons
    std::string aia_url;      // its caIssuers URL, when it names one
};

struct RegistryCheck {
    std::string status;       // "ok" (200), "auth-required" (401 + challenge), "tls-failed", "error", "skipped"
    int http_status = 0;
    std::string auth_scheme;  // Bearer, Basic
    std::string realm;
    std::string service;
    std::string detail;
    // When the token realm is on another host: that host, and "ok" or the problem a pull meets
    // there (its TLS as Go judges it, or no answer in time). "" when it was not probed.
    std::string realm_host;
    std::string realm_problem;
    std::string realm_detail;
};

struct ImagePlatform {
    std::string os;
    std::string architecture;
    std::string variant;
    std::string digest;       // the platform's manifest
    std::vector<std::string> entrypoint;
    std::vector<std::string> cmd;
};

struct ImageView {
    bool read = false;
    std::string reference;    // registry/repository:tag or @digest
    std::string digest;       // of the manifest or index the reference names
    std::string media_type;
    std::vector<ImagePlatform> platforms;
    std::string error;        // why it could not be read
    std::vector<std::string> notes;  // what was read only in part (an index cut at 32 platforms)
};

struct ProbeResult {
    std::string target;
    std::string host;
    int port = 443;
    std::string server_name;  // SNI sent ("" for an IP literal, as Go does)
    std::string problem;      // "ok" or a problem from the vocabulary
    std::string detail;       // Go's wording where Go would report it
    std::vector<CertificateView> chain;  // as served, leaf first
    // The CA to add, only where adding one can help (an unknown authority, a missing
    // intermediate) and never a leaf certificate.
    bool has_anchor = false;
    TrustAnchorView trust_anchor;
    MissingIssuerView missing_issuer;
    std::vector<std::string> verified_with;  // the pools the verdict used: "system", "--ca-file X"
    bool ca_files_given = false;
    RegistryCheck registry;
    // The host:port a pull fails on: the registry's when `problem` is not "ok", else its token
    // realm's when that fails; "" when both pass. A probe passes only when this is "".
    std::string failing_host;
    ImageView image;          // with --entrypoint
    double elapsed_ms = 0;
    // Where the chain came from: "network" (a handshake) or "file" (--chain-file, offline: no
    // handshake, no /v2/ check); `chain_file` names the file ("-" for standard input).
    std::string chain_source = "network";
    std::string chain_file;
    std::string verified_at;     // the verification time, RFC 3339 (now, or --at)
    bool names_checked = true;   // false offline without --server-name: Go with an empty DNSName
    // When the chain stops verifying: the first notAfter on the path Go would choose; "" when no
    // path verifies.
    std::string valid_until;
    // The kind of Go's result (ok, expired, unknown-authority, name-constraints, ...: see
    // probe/go_verify.h), finer than `problem`; "" when no chain was judged.
    std::string go_error;
    // Where older Go releases that controllers were built with judge otherwise, what they say.
    std::string older_go;
};

}  // namespace certdoctor
