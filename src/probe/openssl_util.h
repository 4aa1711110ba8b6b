// OpenSSL handles with owners, and the facts the probe reads off a certificate. Knows nothing of
// Tekton.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/probe_result.h"

namespace certdoctor {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
std::string bio_text(BIO* bio);  // what a memory BIO holds

// Every certificate in a PEM text; throws Error naming `where` when a block is malformed or when
// the text holds no certificate at all.
std::vector<X509Ptr> read_pem_certificates(std::string_view pem, const std::string& where);

CertificateView describe_certificate(X509* cert);
std::string sha256_hex(X509* cert);
// The DER encoding of a certificate or of a name ("" when it does not encode): what Go compares
// as raw bytes (RawSubject, RawIssuer).
std::string der_of(X509* cert);
std::string der_of(X509_NAME* name);
std::string to_pem(X509* cert);
bool is_self_signed(X509* cert);
bool is_ca(X509* cert);
std::string name_text(X509_NAME* name);  // "CN=x,O=y" in RFC 2253 order
std::string common_name(X509* cert);
bool has_san_extension(X509* cert);
// "http://..." caIssuers URLs from the Authority Information Access extension.
std::vector<std::string> ca_issuer_urls(X509* cert);
// The issuer `top` names (subject, authority key identifier, caIssuers URL): what a chain that
// stops at `top` is missing.
MissingIssuerView missing_issuer_of(X509* top);

}  // namespace certdoctor
