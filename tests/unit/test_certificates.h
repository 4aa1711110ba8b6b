// Certificates the unit tests make with OpenSSL (never checked in: checked-in certificates
// expire and break the build a year later).
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "probe/openssl_util.h"

namespace certdoctor::test {

// A self-signed P-256 certificate named CN=`cn`, valid from `from` to `until` seconds from now.
inline X509Ptr self_signed(const char* cn, long from = 0, long until = 3600) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), from);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), until);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_set_pubkey(cert.get(), key);
    X509_sign(cert.get(), key, EVP_sha256());
    EVP_PKEY_free(key);
    return cert;
}

}  // namespace certdoctor::test
